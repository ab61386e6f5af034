package main

import "testing"

// TestRateSearch runs the ramp's search against servers that sustain up to
// a known rate: it finds a sustained rate within about 6% below that
// limit, whether the limit is above the first rate or below it, and gives
// 0 when nothing is sustained.
func TestRateSearch(t *testing.T) {
	for _, tc := range []struct {
		start, limit float64
	}{
		{50, 3500}, {50, 94}, {50, 72}, {50, 50}, {50, 30}, {50, 7}, {50, 1}, {100, 100000},
	} {
		s := rateSearch{rate: tc.start}
		rate, best, steps := tc.start, 0.0, 0
		for {
			ok := rate <= tc.limit
			if ok && rate > best {
				best = rate
			}
			steps++
			next, more := s.next(ok)
			if !more {
				break
			}
			if steps > 60 {
				t.Fatalf("start %v limit %v: no end after %d steps", tc.start, tc.limit, steps)
			}
			rate = next
		}
		if best > tc.limit || best < tc.limit*0.93 {
			t.Errorf("start %v limit %v: found %v in %d steps", tc.start, tc.limit, best, steps)
		}
	}
	s := rateSearch{rate: 50}
	for more := true; more; {
		_, more = s.next(false) // nothing is ever sustained
	}
	if s.good != 0 || s.bad != 1 {
		t.Errorf("with nothing sustained: good %v, last failure %v, want 0 and 1", s.good, s.bad)
	}
}
