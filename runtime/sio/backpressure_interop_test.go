package sio_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// TestInteropBackpressure makes the official socket.io-client a slow
// consumer (testdata/backpressure-client.js) over websocket, and checks
// what each mode promises it: the newest position of each entity,
// volatile events dropped without a disconnection, the queue's bound
// closing its connection, after which it reconnects. The client is made
// slow on the server's side, its connection's writes held at a gate; over
// polling the Node client spreads its requests over several connections,
// so that holding writes would hold more than the writer, and the polling
// cases are the Go client's (TestBackpressure*), whose GETs a gate holds.
func TestInteropBackpressure(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{engineio.TransportWebsocket} {
		for _, mode := range []string{"latest", "volatile", "queue"} {
			t.Run(transport+"/"+mode, func(t *testing.T) {
				t.Parallel()
				interopBackpressure(t, transport, mode)
			})
		}
	}
}

func interopBackpressure(t *testing.T, transport, mode string) {
	sockets := make(chan *sio.Socket, 2)
	rec := newRecorder()
	var mu sync.Mutex
	drops := map[sio.DropReason]int{}
	srv := sio.NewServer(&sio.ServerOptions{
		Observers: []sio.Observer{{Dropped: func(p sio.PacketInfo, reason sio.DropReason) {
			mu.Lock()
			drops[reason]++
			mu.Unlock()
		}}},
		Logger: slog.New(slog.DiscardHandler),
		Engine: &engineio.ServerOptions{WriteTimeout: time.Minute},
	})
	srv.Of("/").OnConnection(func(s *sio.Socket) {
		s.OnDisconnect(func(reason sio.DisconnectReason) { rec.add("disconnect %s", reason) })
		sockets <- s
	})
	// The client is made slow on the server's side: its writes to the
	// client wait at a gate (see gatedListener), so that the queue fills
	// deterministically whatever the kernel's buffers hold.
	sg := newGate()
	hs := httptest.NewUnstartedServer(srv)
	hs.Listener = gatedListener{hs.Listener, sg, nil}
	hs.Start()
	release := sg.release
	t.Cleanup(func() {
		release()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
	})
	p := nodetest.Start(t, "runtime/sio/testdata/backpressure-client.js", hs.URL, transport, mode)
	next := func() *sio.Socket {
		select {
		case s := <-sockets:
			return s
		case <-time.After(20 * time.Second):
			t.Fatal("no socket connected")
			return nil
		}
	}
	s := next()
	sg.shut()
	waiting := stallAt(t, s, sg, "the server's writer")
	dropped := func(r sio.DropReason) int {
		mu.Lock()
		defer mu.Unlock()
		return drops[r]
	}
	switch mode {
	case "latest":
		const sends, keys = 300, 6
		var want []map[string]any
		for i := range sends {
			k := fmt.Sprint("e", i%keys)
			in := map[string]any{"id": k, "i": i}
			if i >= sends-keys {
				want = append(want, in)
			}
			if err := s.Backpressure(sio.Backpressure{Mode: sio.BackpressureLatest, Key: k}).Emit("pos", in); err != nil {
				t.Fatal(err)
			}
		}
		if n := sio.Queued(s); n != waiting+keys {
			t.Errorf("%d messages wait, want %d", n, waiting+keys)
		}
		if n := dropped(sio.DropSuperseded); n != sends-keys {
			t.Errorf("%d superseded, want %d", n, sends-keys)
		}
		_ = s.Emit("end")
		release()
		got, _ := json.Marshal(p.Expect("end", 30*time.Second)["pos"])
		if w, _ := json.Marshal(want); string(got) != string(w) {
			t.Errorf("received %s\nwant %s", got, w)
		}
	case "volatile":
		for i := range 40 {
			if err := s.Backpressure(sio.Backpressure{Mode: sio.BackpressureVolatile}).Emit("pos", i); err != nil {
				t.Fatal(err)
			}
		}
		if n := dropped(sio.DropVolatile); n != 40 {
			t.Errorf("%d dropped, want 40", n)
		}
		_ = s.Emit("end")
		release()
		if got := p.Expect("end", 30*time.Second)["pos"]; len(got.([]any)) != 0 {
			t.Errorf("received %v", got)
		}
		if rec.has("disconnect send queue full") {
			t.Error("disconnected")
		}
	case "queue":
		bp := s.Backpressure(sio.Backpressure{Max: waiting + 1})
		if err := bp.Emit("pos", 1); err != nil {
			t.Fatal(err)
		}
		if err := bp.Emit("pos", 2); err == nil {
			t.Fatal("an emit over the bound succeeded")
		}
		rec.wait(t, "disconnect send queue full", 10*time.Second)
		if n := dropped(sio.DropQueueFull); n != 1 {
			t.Errorf("%d dropped for the queue, want 1", n)
		}
		release()
		if r := p.Expect("disconnect", 30*time.Second)["reason"]; r != "transport close" && r != "transport error" {
			t.Errorf("client disconnected with %v", r)
		}
		p.Expect("reconnected", 30*time.Second)
		next()
	}
}
