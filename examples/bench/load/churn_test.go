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
	hs := httptest.NewServer(churnsrv.Handler(true))
	defer hs.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := runDrops(ctx, config{
		addr:      strings.TrimPrefix(hs.URL, "http://"),
		clients:   20,
		rooms:     2,
		rate:      50,
		duration:  3 * time.Second,
		resetFrac: 0.2,
		jitter:    2 * time.Millisecond,
		settle:    20 * time.Second,
		recovery:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Metrics
	t.Logf("%v", m)
	for _, e := range res.Errors {
		t.Error(e)
	}
	if m["delivered_pct"] != 100 {
		t.Errorf("delivered %.2f%% of the ticks", m["delivered_pct"])
	}
	if m["resets"] == 0 || m["recovered"] == 0 {
		t.Errorf("%v resets, %v recovered reconnections: the run did not exercise recovery", m["resets"], m["recovered"])
	}
}
