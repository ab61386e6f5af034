package sio

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Observer is told of the changes to a server's namespaces, sockets and
// rooms, for tools that show them live, such as runtime/sioadmin (the
// server side of @socket.io/admin-ui). It sees this node only: with a
// multi-node adapter, each node has its own observers. Any field may be nil.
//
// The functions run synchronously on the goroutine that made the change (a
// connection's dispatcher, or the caller of [Socket.Join] and
// [Socket.Leave]), with no lock of the server, namespace or socket held, so
// they may call any method; they should not block, as the change waits for
// them. Register observers with [Server.Observe].
type Observer struct {
	// Namespace is called when a namespace is created: by [Server.Of], or a
	// child of a dynamic namespace when its first client connects.
	Namespace func(ns *Namespace)
	// Connect is called when a socket has connected, after the CONNECT
	// reply and before the namespace's connection handlers. Its own room is
	// already joined (and reported to Join).
	Connect func(s *Socket)
	// Disconnect is called when a connected socket has disconnected, after
	// its rooms are left and before its OnDisconnect functions run; Leave
	// is then called for each room it was in, its own room included.
	Disconnect func(s *Socket, reason DisconnectReason)
	// Join is called when a socket enters a room it was not in: its own
	// room and restored rooms as it connects, then any room it joins while
	// connected (rooms a middleware joins are in its Rooms at Connect).
	Join func(s *Socket, room string)
	// Leave is called when a socket leaves a room it was in.
	Leave func(s *Socket, room string)
}

// observers is a server's list of observers, copied on write so that a
// change reads it without locking.
type observers struct {
	mu   sync.Mutex
	list atomic.Pointer[[]*Observer]
}

// Observe adds an observer of the server's namespaces, sockets and rooms,
// and returns a function that removes it. Changes made while Observe runs
// may be missed: a tool registers its observer first, then reads the state
// ([Server.Namespaces], [Namespace.Sockets], [Socket.Rooms]). With no
// observer, a change costs one atomic load.
func (s *Server) Observe(o Observer) (remove func()) {
	p := &o
	s.obs.mu.Lock()
	defer s.obs.mu.Unlock()
	var list []*Observer
	if cur := s.obs.list.Load(); cur != nil {
		list = slices.Clone(*cur)
	}
	list = append(list, p)
	s.obs.list.Store(&list)
	return func() {
		s.obs.mu.Lock()
		defer s.obs.mu.Unlock()
		cur := s.obs.list.Load()
		if cur == nil {
			return
		}
		next := slices.DeleteFunc(slices.Clone(*cur), func(q *Observer) bool { return q == p })
		if len(next) == 0 {
			s.obs.list.Store(nil)
			return
		}
		s.obs.list.Store(&next)
	}
}

// Namespaces returns the server's namespaces, sorted by name: those made by
// [Server.Of] and the children created through dynamic namespaces (not the
// dynamic parents themselves).
func (s *Server) Namespaces() []*Namespace {
	s.mu.RLock()
	out := make([]*Namespace, 0, len(s.nsps))
	for _, ns := range s.nsps {
		out = append(out, ns)
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *Namespace) int { return strings.Compare(a.name, b.name) })
	return out
}

// ClientID returns the id of the socket's Engine.IO connection, which the
// sockets of one client in several namespaces share (the reference server's
// socket.client.id).
func (s *Socket) ClientID() string {
	if s.conn == nil {
		return ""
	}
	return s.conn.eio.ID()
}

// watched returns the observers, or nil when there are none.
func (s *Server) watched() []*Observer {
	if p := s.obs.list.Load(); p != nil {
		return *p
	}
	return nil
}

func (s *Server) notifyNamespace(ns *Namespace) {
	for _, o := range s.watched() {
		if o.Namespace != nil {
			o.Namespace(ns)
		}
	}
}

func (s *Server) notifyConnect(sock *Socket) {
	for _, o := range s.watched() {
		if o.Connect != nil {
			o.Connect(sock)
		}
	}
}

// notifyDisconnect reports a disconnection, then the rooms the socket left.
func (s *Server) notifyDisconnect(sock *Socket, reason DisconnectReason, rooms []string) {
	obs := s.watched()
	for _, o := range obs {
		if o.Disconnect != nil {
			o.Disconnect(sock, reason)
		}
	}
	for _, r := range rooms {
		for _, o := range obs {
			if o.Leave != nil {
				o.Leave(sock, r)
			}
		}
	}
}

func (s *Server) notifyJoin(sock *Socket, rooms []string) {
	obs := s.watched()
	for _, r := range rooms {
		for _, o := range obs {
			if o.Join != nil {
				o.Join(sock, r)
			}
		}
	}
}

func (s *Server) notifyLeave(sock *Socket, room string) {
	for _, o := range s.watched() {
		if o.Leave != nil {
			o.Leave(sock, room)
		}
	}
}

// newRooms returns the rooms of want that the socket is not in, each once;
// it is only called when someone observes.
func (s *Socket) newRooms(want []string) []string {
	have := s.nsp.adapter.SocketRooms(s.id)
	var out []string
	for _, r := range want {
		if !slices.Contains(have, r) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// inRoom reports whether the socket is in room.
func (s *Socket) inRoom(room string) bool {
	return slices.Contains(s.nsp.adapter.SocketRooms(s.id), room)
}
