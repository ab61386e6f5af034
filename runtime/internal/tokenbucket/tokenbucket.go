// Package tokenbucket is the token bucket behind the runtime's rate
// limits: the events a socket may send (runtime/sio's limits and its
// DisconnectAfter) and the handshakes an address may make (runtime/engineio).
package tokenbucket

import (
	"math"
	"time"
)

// epsilon absorbs the rounding of the bucket's arithmetic, so that a token
// is back at the time Take announced.
const epsilon = 1e-9

// Bucket holds up to burst tokens, refilled at rate tokens per second;
// each Take takes one. The zero Bucket is full at its first Take. Times are
// readings of one monotonic clock, as durations since any fixed point. A
// Bucket is not safe for concurrent use.
type Bucket struct {
	tokens  float64
	last    time.Duration
	started bool
}

// Take refills b for the time since its last use, then takes a token and
// returns true; or, when less than one is left, returns false and how long
// until one is back (forever for a rate of 0, which never refills).
func (b *Bucket) Take(now time.Duration, rate, burst float64) (bool, time.Duration) {
	if !b.started {
		b.tokens, b.last, b.started = burst, now, true
	}
	if d := now - b.last; d > 0 {
		b.tokens = math.Min(burst, b.tokens+d.Seconds()*rate)
		b.last = now
	}
	if b.tokens < 1-epsilon {
		if rate <= 0 {
			return false, math.MaxInt64
		}
		return false, time.Duration((1 - b.tokens) / rate * float64(time.Second))
	}
	b.tokens = math.Max(0, b.tokens-1)
	return true, 0
}

// Last returns when b was last refilled: its first or latest Take.
func (b *Bucket) Last() time.Duration { return b.last }
