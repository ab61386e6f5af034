package sio

import (
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestStrSet drives a strSet and a map with the same random operations,
// through the one-member and many-member forms, and compares them.
func TestStrSet(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var s strSet
	want := map[string]struct{}{}
	for i := range 5000 {
		v := string(rune('a' + r.IntN(4)))
		if i%7 == 0 {
			v = "" // the empty string is a member like any other
		}
		if r.IntN(2) == 0 {
			s.add(v)
			want[v] = struct{}{}
		} else {
			s.del(v)
			delete(want, v)
		}
		if _, ok := want[v]; s.len() != len(want) || s.has(v) != ok {
			t.Fatalf("step %d: len %d has(%q) %v; want %d, %v", i, s.len(), v, s.has(v), len(want), want)
		}
		got := slices.Sorted(s.all())
		if !slices.Equal(got, slices.Sorted(maps.Keys(want))) {
			t.Fatalf("step %d: members %q, want %q", i, got, slices.Sorted(maps.Keys(want)))
		}
	}
}
