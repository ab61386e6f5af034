package engineio

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// texts returns the data of ms, "-" for a tombstone.
func texts(ms []*Message) string {
	var out []string
	for _, m := range ms {
		if m == nil {
			out = append(out, "-")
			continue
		}
		out = append(out, string(m.Data()))
	}
	return strings.Join(out, " ")
}

func msgs(ss ...string) []*Message {
	out := make([]*Message, len(ss))
	for i, s := range ss {
		out[i] = NewMessage(MessageText, []byte(s))
	}
	return out
}

// latest pushes ss as the run of key, replacing the waiting one.
func latest(q *sendQueue, key string, ss ...string) []*Message {
	old := q.replace(key)
	q.pushKeyed(key, msgs(ss...))
	return old
}

func TestSendQueueLatest(t *testing.T) {
	var q sendQueue
	q.push(msgs("a"))
	latest(&q, "x", "x1")
	latest(&q, "y", "y1", "y1.bin")
	q.push(msgs("b"))
	if old := latest(&q, "x", "x2"); texts(old) != "x1" {
		t.Errorf("replaced %q, want x1", texts(old))
	}
	if old := latest(&q, "y", "y2", "y2.bin"); texts(old) != "y1 y1.bin" {
		t.Errorf("replaced %q, want the packet and its attachment", texts(old))
	}
	if got := q.waiting(); got != 5 {
		t.Errorf("waiting = %d, want 5", got)
	}
	if got, want := texts(q.take(nil)), "a b x2 y2 y2.bin"; got != want {
		t.Errorf("take = %q, want %q", got, want)
	}
	// Taken messages are the writer's: a new one of the key replaces
	// nothing.
	if old := latest(&q, "x", "x3"); old != nil {
		t.Errorf("replaced %q after the take", texts(old))
	}
	if got := texts(q.take(nil)); got != "x3" {
		t.Errorf("take = %q", got)
	}
}

// TestSendQueueBounded checks that a stream of replacements keeps the
// queue's memory bounded by its live messages, and its runs right across
// compactions.
func TestSendQueueBounded(t *testing.T) {
	var q sendQueue
	q.push(msgs("head"))
	const keys = 7
	for i := range 10_000 {
		k := fmt.Sprint("k", i%keys)
		latest(&q, k, fmt.Sprintf("%s:%d", k, i), "bin")
		if len(q.msgs) > 4*(1+2*keys)+compactAfter {
			t.Fatalf("after %d sends: %d slots for %d live messages", i+1, len(q.msgs), q.waiting())
		}
	}
	if got := q.waiting(); got != 1+2*keys {
		t.Errorf("waiting = %d, want %d", got, 1+2*keys)
	}
	got := texts(q.take(nil))
	var want []string
	want = append(want, "head")
	for i := 10_000 - keys; i < 10_000; i++ {
		want = append(want, fmt.Sprintf("k%d:%d", i%keys, i), "bin")
	}
	if got != strings.Join(want, " ") {
		t.Errorf("take = %q, want %q", got, strings.Join(want, " "))
	}
	if q.keyed != nil && len(q.keyed) != 0 || q.keys != nil {
		t.Errorf("keys kept after the take: %v %v", q.keyed, q.keys)
	}
}

// TestSendQueuePrependAndPrefix checks that runs follow their messages when
// a writer puts messages back (prepend) and when a prefix is taken.
func TestSendQueuePrependAndPrefix(t *testing.T) {
	var q sendQueue
	latest(&q, "x", "x1")
	q.push(msgs("a"))
	q.prepend(msgs("r1", "r2"))
	if old := latest(&q, "x", "x2"); texts(old) != "x1" {
		t.Fatalf("replaced %q after prepend, want x1", texts(old))
	}
	latest(&q, "y", "y1")
	if got := texts(q.takePrefix(2)); got != "r1 r2" {
		t.Errorf("prefix = %q", got)
	}
	if old := latest(&q, "y", "y2"); texts(old) != "y1" {
		t.Errorf("replaced %q after the prefix, want y1", texts(old))
	}
	if got := texts(q.takePrefix(2)); got != "a x2" {
		t.Errorf("prefix = %q", got)
	}
	// The prefix took nothing of y: y2 is replaceable; x2 is gone.
	if old := latest(&q, "x", "x3"); old != nil {
		t.Errorf("replaced %q, taken already", texts(old))
	}
	if got := texts(q.take(nil)); got != "y2 x3" {
		t.Errorf("take = %q", got)
	}
	if !slices.Equal(q.msgs, nil) {
		t.Errorf("queue left %q", texts(q.msgs))
	}
}
