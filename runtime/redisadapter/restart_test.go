package redisadapter_test

import (
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// statusLog records the statuses a node reports.
type statusLog struct {
	mu  sync.Mutex
	all []redisadapter.Status
}

func (l *statusLog) add(s redisadapter.Status) {
	l.mu.Lock()
	l.all = append(l.all, s)
	l.mu.Unlock()
}

func (l *statusLog) list() []redisadapter.Status {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]redisadapter.Status(nil), l.all...)
}

func waitStatus(t *testing.T, n *goNode, connected bool) redisadapter.Status {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st := n.node.Status()
		if st.Connected == connected {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: status %+v, want connected=%v", n.name, st, connected)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPubSubRedisRestart kills Redis during traffic and starts it again:
// local clients keep being served, the nodes report the outage and its loss
// window, reconnect and resubscribe, and cross-node service resumes.
func TestPubSubRedisRestart(t *testing.T) {
	r := startRedis(t, false)
	var logA statusLog
	opts := func(l *statusLog) *redisadapter.Options {
		return &redisadapter.Options{ReconnectDelayMax: time.Second, HealthCheckInterval: 2 * time.Second, OnStatus: l.add}
	}
	A := startGoNode(t, r, "A", opts(&logA), nil)
	B := startGoNode(t, r, "B", opts(&statusLog{}), nil)
	admin := r.Client(t)
	waitNumSub(t, admin, "socket.io-request#/#", 2)
	a1 := dial(t, A.url, "/", "a1", "websocket", nil)
	b1 := dial(t, B.url, "/", "b1", "websocket", nil)
	mustf(t, A.srv.Emit("tick", 0), "emit")
	b1.expect("tick")
	a1.expect("tick")
	waitStatus(t, A, true)
	goroutines := runtime.NumGoroutine()

	// Traffic from A all along: a1 must get every tick, b1 those sent while
	// Redis is up.
	stop := make(chan struct{})
	var sent sync.WaitGroup
	sent.Add(1)
	go func() {
		defer sent.Done()
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if err := A.srv.Emit("tick", i); err != nil {
				t.Errorf("emit %d while Redis is down: %v", i, err)
			}
		}
	}()

	// The outage reaches the server's observers (siootel counts them as
	// adapter errors) as an error of the namespace's adapter.
	outage := make(chan error, 16)
	removeObs := A.srv.Observe(sio.Observer{AdapterError: func(ns *sio.Namespace, err error) {
		if ns.Name() == "/" {
			select {
			case outage <- err:
			default:
			}
		}
	}})
	defer removeObs()

	r.Stop()
	down := waitStatus(t, A, false)
	waitStatus(t, B, false)
	select {
	case err := <-outage:
		var re *redisadapter.Error
		if !errors.As(err, &re) || re.Op != "connect" {
			t.Errorf("adapter error told of the outage: %v, want a *redisadapter.Error of op connect", err)
		}
	case <-time.After(30 * time.Second):
		t.Error("the outage was not told to the server's observers")
	}
	// Local service goes on: broadcasts, fetchSockets, serverCount.
	a1.drain("tick", 300*time.Millisecond)
	a1.expect("tick")
	socks, err := A.srv.Of("/").FetchSockets(ctxT(t, 10*time.Second))
	if err != nil || len(socks) != 1 {
		t.Errorf("fetchSockets while down: %d sockets, %v", len(socks), err)
	}
	if n, err := A.adapter("/").ServerCount(ctxT(t, 5*time.Second)); n != 1 || err != nil {
		t.Errorf("ServerCount while down = %d, %v", n, err)
	}
	time.Sleep(time.Second) // a few failed reconnections

	r.Start()
	up := waitStatus(t, A, true)
	waitStatus(t, B, true)
	waitNumSub(t, admin, "socket.io-request#/#", 2)
	close(stop)
	sent.Wait()

	if up.Outages != 1 || up.LastOutage.Start.IsZero() || !up.LastOutage.End.After(up.LastOutage.Start) {
		t.Errorf("status after restart: %+v", up)
	}
	if up.LastOutage.Start.After(down.Since) || up.LastOutage.End.Before(down.Since) {
		t.Errorf("loss window %v-%v does not cover the outage seen at %v", up.LastOutage.Start, up.LastOutage.End, down.Since)
	}
	t.Logf("loss window %v, dropped %d", up.LastOutage.End.Sub(up.LastOutage.Start), up.Dropped)
	if up.Dropped == 0 {
		t.Errorf("no dropped message reported while Redis was down")
	}
	if got := logA.list(); len(got) < 3 || got[len(got)-2].Connected || !got[len(got)-1].Connected {
		t.Errorf("OnStatus calls: %+v", got)
	}

	// Service resumes across nodes.
	b1.drain("tick", 200*time.Millisecond)
	mustf(t, A.srv.Emit("after", 1), "emit")
	b1.expect("after")
	mustf(t, B.srv.Emit("after", 2), "emit")
	a1.expect("after")
	socks, err = B.srv.Of("/").FetchSockets(ctxT(t, 10*time.Second))
	if err != nil || len(socks) != 2 {
		t.Errorf("fetchSockets after restart: %d sockets, %v", len(socks), err)
	}
	// No goroutine piles up through the outage: those of the last requests
	// end soon.
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > goroutines+10 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > goroutines+10 {
		t.Errorf("%d goroutines after the outage, %d before", n, goroutines)
	}
}
