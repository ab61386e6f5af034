package edgedoc_test

import (
	"testing"
	"time"

	"github.com/siogen/siogen/gen/internal/edgedoc"
	"github.com/siogen/siogen/schema"
)

func TestRate(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		r    schema.Rate
		want string
	}{
		{schema.Rate{Count: 20, Per: time.Second}, "20/s"},
		{schema.Rate{Count: 5, Per: 2 * time.Second}, "5/2s"},
		{schema.Rate{Count: 100, Per: time.Minute}, "100/m"},
		{schema.Rate{Count: 1, Per: 90 * time.Second}, "1/90s"},
		{schema.Rate{Count: 3, Per: 500 * time.Millisecond}, "3/500ms"},
		{schema.Rate{Count: 7, Per: 2 * time.Hour}, "7/2h"},
	} {
		if got := edgedoc.Rate(&c.r); got != c.want {
			t.Errorf("Rate(%d/%v) = %q, want %q", c.r.Count, c.r.Per, got, c.want)
		}
	}
}

func TestBytes(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{1: "1 byte", 1000: "1000 bytes", 1024: "1 KiB", 64 << 10: "64 KiB", 6 << 20: "6 MiB", 1536: "1536 bytes"} {
		if got := edgedoc.Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	l := &schema.Limits{Rate: &schema.Rate{Count: 5, Per: 2 * time.Second}, Burst: 5, MaxPayload: 8 << 10, MaxPendingAcks: 1}
	acked := &schema.Event{Acked: true, Limits: l}
	if got, want := edgedoc.Limits(acked), "Limits: 5/2s, burst 5; payload at most 8 KiB; at most 1 unanswered ack. Refused with resource_exhausted."; got != want {
		t.Errorf("Limits = %q, want %q", got, want)
	}
	plain := &schema.Event{Acked: true, AckStyle: schema.AckPlain, Limits: l}
	if got, want := edgedoc.Refusal(plain), "Dropped and counted."; got != want {
		t.Errorf("Refusal of a plain ack = %q, want %q", got, want)
	}
	if edgedoc.Answered(&schema.Event{Acked: true, Limits: &schema.Limits{}}) {
		t.Errorf("an event with empty limits is answered with resource_exhausted")
	}
	if got := edgedoc.Limits(&schema.Event{}); got != "" {
		t.Errorf("Limits of an event without = %q", got)
	}
	if got, want := edgedoc.Disconnect(&schema.Limits{DisconnectAfter: &schema.Rate{Count: 1, Per: time.Minute}}),
		`A socket whose events are refused more than 1 time within a minute is disconnected ("too many refused events").`; got != want {
		t.Errorf("Disconnect = %q, want %q", got, want)
	}
}

func TestBackpressure(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		bp   schema.Backpressure
		want string
	}{
		{schema.Backpressure{Mode: schema.BackpressureVolatile}, "volatile (dropped, and counted, while the socket's send queue is backed up)"},
		{schema.Backpressure{Mode: schema.BackpressureVolatile, Max: 3}, "volatile (dropped, and counted, when more than 3 messages wait for the socket)"},
		{schema.Backpressure{Mode: schema.BackpressureLatest, Key: []string{"entity", "id"}}, "latest per entity.id (a newer message replaces a waiting one of the same entity.id)"},
		{schema.Backpressure{Mode: schema.BackpressureQueue, Max: 1000}, `queue of at most 1000, then the slow socket is disconnected ("send queue full")`},
		{schema.Backpressure{Mode: schema.BackpressureQueue}, `queue up to the server's limit, then the slow socket is disconnected ("send queue full")`},
	} {
		if got := edgedoc.Mode(&c.bp); got != c.want {
			t.Errorf("Mode(%+v) = %q, want %q", c.bp, got, c.want)
		}
	}
	if edgedoc.Backpressure(nil) != "" {
		t.Errorf("Backpressure(nil) is not empty")
	}
}
