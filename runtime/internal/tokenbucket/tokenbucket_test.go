package tokenbucket

import (
	"testing"
	"time"
)

// TestTake: a bucket starts full, refuses once empty with the wait until a
// token is back, and has one again exactly then; it never holds more than
// its burst.
func TestTake(t *testing.T) {
	var b Bucket
	const rate, burst = 2.5, 5 // 5 per 2 s
	for i := range burst {
		if ok, _ := b.Take(0, rate, burst); !ok {
			t.Fatalf("take %d of a full bucket refused", i+1)
		}
	}
	ok, wait := b.Take(0, rate, burst)
	if ok || wait != 400*time.Millisecond {
		t.Fatalf("empty bucket: %v, wait %v; want false, 400ms", ok, wait)
	}
	if ok, _ := b.Take(wait-time.Millisecond, rate, burst); ok {
		t.Fatal("a token before the announced wait")
	}
	if ok, _ := b.Take(wait, rate, burst); !ok {
		t.Fatal("no token at the announced wait")
	}
	// A long pause refills to the burst, not beyond.
	now := time.Hour
	for i := range burst {
		if ok, _ := b.Take(now, rate, burst); !ok {
			t.Fatalf("take %d after an hour refused", i+1)
		}
	}
	if ok, _ := b.Take(now, rate, burst); ok {
		t.Fatal("more than the burst after an hour")
	}
	if b.Last() != now {
		t.Errorf("Last = %v, want %v", b.Last(), now)
	}
}
