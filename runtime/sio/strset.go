package sio

import "iter"

// strSet is a set of strings that keeps its first member inline, with no
// allocation: most sockets are in one room (their own), and most rooms of
// a busy server are sockets' own rooms, with one member. Store it by value
// and write it back after changing it.
type strSet struct {
	one    string
	hasOne bool
	more   map[string]struct{} // every member, once there were two
}

func (s *strSet) add(v string) {
	switch {
	case s.more != nil:
		s.more[v] = struct{}{}
	case !s.hasOne:
		s.one, s.hasOne = v, true
	case s.one != v:
		s.more = map[string]struct{}{s.one: {}, v: {}}
		s.one, s.hasOne = "", false
	}
}

func (s *strSet) del(v string) {
	if s.more != nil {
		delete(s.more, v)
	} else if s.hasOne && s.one == v {
		s.one, s.hasOne = "", false
	}
}

func (s strSet) has(v string) bool {
	if s.more != nil {
		_, ok := s.more[v]
		return ok
	}
	return s.hasOne && s.one == v
}

func (s strSet) len() int {
	if s.more != nil {
		return len(s.more)
	}
	if s.hasOne {
		return 1
	}
	return 0
}

// all yields the members in no particular order.
func (s strSet) all() iter.Seq[string] {
	return func(yield func(string) bool) {
		if s.more == nil {
			if s.hasOne {
				yield(s.one)
			}
			return
		}
		for v := range s.more {
			if !yield(v) {
				return
			}
		}
	}
}
