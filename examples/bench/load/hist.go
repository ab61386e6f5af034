package main

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// hist is a latency histogram safe for concurrent use: 1 µs buckets below
// 1 ms, then 64 buckets per power of two (under 1.6% error).
type hist struct {
	b [1024 + 40*64]atomic.Uint64
	n atomic.Uint64
}

func bucketOf(us uint64) int {
	if us < 1024 {
		return int(us)
	}
	e := bits.Len64(us) - 1
	if e >= 50 {
		return 1024 + 40*64 - 1
	}
	return 1024 + (e-10)*64 + int((us>>(e-6))&63)
}

func bucketMax(i int) uint64 {
	if i < 1024 {
		return uint64(i)
	}
	e := (i-1024)/64 + 10
	m := uint64((i - 1024) % 64)
	return (64+m+1)<<(e-6) - 1
}

func (h *hist) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.b[bucketOf(uint64(d/time.Microsecond))].Add(1)
	h.n.Add(1)
}

// quantile returns the q quantile (0..1) in milliseconds.
func (h *hist) quantile(q float64) float64 {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	want := uint64(q*float64(n-1)) + 1
	var seen uint64
	for i := range h.b {
		seen += h.b[i].Load()
		if seen >= want {
			return float64(bucketMax(i)) / 1000
		}
	}
	return float64(bucketMax(len(h.b)-1)) / 1000
}
