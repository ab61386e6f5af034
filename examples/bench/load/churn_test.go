package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/bench/internal/churnsrv"
)

// TestDropsQuick runs the drops scenario briefly against the Go churn
// server with connection state recovery: a few clients through the fault
// proxy, a fifth of the connections reset every second. Every client must
// get every tick once and in order, and the resets must really have made
// clients reconnect and recover. It checks correctness only, no timing.
func TestDropsQuick(t *testing.T) {
	m := runQuick(t, runDrops, true, config{
		clients:   20,
		rooms:     2,
		rate:      50,
		duration:  3 * time.Second,
		resetFrac: 0.2,
		jitter:    2 * time.Millisecond,
		settle:    20 * time.Second,
		recovery:  true,
	})
	if m["delivered_pct"] != 100 {
		t.Errorf("delivered %.2f%% of the ticks", m["delivered_pct"])
	}
	if m["resets"] == 0 || m["recovered"] == 0 {
		t.Errorf("%v resets, %v recovered reconnections: the run did not exercise recovery", m["resets"], m["recovered"])
	}
}

// TestSlowQuick runs the slow-consumers scenario briefly against the Go
// churn server: a tenth of the clients stop reading for a second while
// the room is ticked. As the runtime's rule for slow clients says, the
// stalled ones must catch up with nothing missed and the others must miss
// nothing. It checks correctness only, no timing.
func TestSlowQuick(t *testing.T) {
	m := runQuick(t, runSlow, false, config{
		clients:  30,
		rate:     50,
		duration: 3 * time.Second,
		slowFrac: 0.1,
		stall:    time.Second,
		settle:   20 * time.Second,
	})
	if m["slow_clients"] != 3 || m["slow_caught_up"] != 3 || m["slow_missed"] != 0 || m["slow_disconnects"] != 0 {
		t.Errorf("slow clients: %v of %v caught up, %v ticks missed, %v disconnected; want all caught up, none missed or disconnected",
			m["slow_caught_up"], m["slow_clients"], m["slow_missed"], m["slow_disconnects"])
	}
	if m["fast_missed"] != 0 {
		t.Errorf("the other clients missed %v ticks", m["fast_missed"])
	}
}

// runQuick runs scenario run with c against a Go churn server of its own
// (with connection state recovery when recovery is true), reports the
// scenario's errors as test errors and returns its metrics.
func runQuick(t *testing.T, run func(context.Context, config) (Result, error), recovery bool, c config) map[string]float64 {
	t.Helper()
	hs := httptest.NewServer(churnsrv.Handler(recovery))
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c.addr = strings.TrimPrefix(hs.URL, "http://")
	res, err := run(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v", res.Metrics)
	for _, e := range res.Errors {
		t.Error(e)
	}
	return res.Metrics
}
