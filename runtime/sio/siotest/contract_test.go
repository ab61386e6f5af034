package siotest_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/sio/siotest"
)

// limitedServer stands in for a server that enforces the limits of its
// "send" event as the runtime does: each socket may send it burst times,
// and a payload longer than maxPayload is refused; both are answered with
// resource_exhausted and counted in refused.
type limitedServer struct {
	mu      sync.Mutex
	sent    map[*sio.Socket]int
	refused int
}

const (
	limitBurst   = 2
	limitPayload = 64
)

func (l *limitedServer) handle(s *sio.Socket, e *sio.Event) {
	l.mu.Lock()
	l.sent[s]++
	over := l.sent[s] > limitBurst || len(e.At(0).JSON()) > limitPayload
	if over {
		l.refused++
	}
	l.mu.Unlock()
	if over {
		_ = e.Ack(map[string]any{"ok": false, "error": map[string]any{"code": sio.CodeResourceExhausted, "message": "over a limit",
			"details": sio.ResourceExhaustedDetails{Limit: sio.LimitRate, Max: limitBurst, RetryAfterMs: 500}}})
		return
	}
	_ = e.Ack(map[string]any{"ok": true, "data": nil})
}

// TestRunContractWithinLimits: the contract test of an event with limits
// sends every case that fits MaxPayload and none that does not, on as
// many connections as its burst requires, so that no case is refused.
func TestRunContractWithinLimits(t *testing.T) {
	t.Parallel()
	l := &limitedServer{sent: map[*sio.Socket]int{}}
	srv := sio.NewServer(nil)
	srv.Of("/edge").On("send", l.handle)
	ts := siotest.NewServer(t, srv)
	ev := siotest.ContractEvent{
		Event:  "send",
		Acked:  true,
		Limits: sio.Limits{Rate: 0.5, Burst: limitBurst, MaxPayload: limitPayload + 2},
	}
	for _, text := range []string{"a", "b", "c", "d", "e", strings.Repeat("x", limitPayload)} {
		ev.Cases = append(ev.Cases, siotest.ContractCase{Name: text[:1], Args: []string{`"` + text + `"`}})
	}
	siotest.RunContract(t, ts, "/edge", nil, []siotest.ContractEvent{ev}, nil)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.refused != 0 {
		t.Errorf("%d cases were refused by the limits", l.refused)
	}
	total := 0
	for _, n := range l.sent {
		total += n
	}
	if total != 5 || len(l.sent) != 3 {
		t.Errorf("%d cases on %d connections, want 5 (the oversize one left out) on 3", total, len(l.sent))
	}
}
