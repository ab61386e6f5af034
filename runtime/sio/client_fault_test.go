package sio_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// The server drops the TCP connection of a pending polling GET: the client
// reports a transport error, reconnects on a new session, and works.
func TestClientFaultDropMidPolling(t *testing.T) {
	t.Parallel()
	var fh *clFaultHandler
	s := startClGoServer(t, nil, func(h http.Handler) http.Handler { fh = &clFaultHandler{h: h}; return fh })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(s.url, clFastOpts([]string{"polling"}))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs)
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	clWithin(t, w.connects, "connect")
	first := cs.ID()
	// net/http retries a GET whose reused connection dies, so drop every
	// polling GET of the session.
	fh.dropPolls.Store(1 << 30)
	// Traffic releases the GET already pending; the next one is dropped.
	if err := cs.Emit("echo", "release"); err != nil {
		t.Fatal(err)
	}
	if r := clWithin(t, w.disc, "disconnect"); r != sio.ReasonTransportError {
		t.Errorf("reason = %q, want %q", r, sio.ReasonTransportError)
	}
	clWithin(t, w.connects, "reconnect")
	if cs.ID() == first || fh.dropped.Load() == 0 {
		t.Errorf("id %q -> %q, dropped %d", first, cs.ID(), fh.dropped.Load())
	}
	if _, err := cs.EmitWithAck(ctx, "echo", "after"); err != nil {
		t.Errorf("after reconnect: %v", err)
	}
}

// The server drops the websocket of an upgrade: the connection stays on
// polling without a disconnect.
func TestClientFaultDropMidUpgrade(t *testing.T) {
	t.Parallel()
	var fh *clFaultHandler
	s := startClGoServer(t, nil, func(h http.Handler) http.Handler {
		fh = &clFaultHandler{h: h}
		fh.dropUpgrade.Store(true)
		return fh
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(s.url, clFastOpts(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs)
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for fh.dropped.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if fh.dropped.Load() == 0 {
		t.Fatal("no upgrade attempted")
	}
	for i := 0; i < 3; i++ {
		if _, err := cs.EmitWithAck(ctx, "echo", i); err != nil {
			t.Fatalf("echo on polling: %v", err)
		}
	}
	if tr := cs.Manager().Transport(); tr != engineio.TransportPolling {
		t.Errorf("transport = %q", tr)
	}
	select {
	case r := <-w.disc:
		t.Errorf("disconnected (%s) by a failed upgrade", r)
	default:
	}
}

// The server's pings stop reaching the client: ping timeout, reconnection.
func TestClientFaultPingsStop(t *testing.T) {
	t.Parallel()
	s := startClGoServer(t, &sio.ServerOptions{Engine: &engineio.ServerOptions{
		PingInterval: 200 * time.Millisecond,
		PingTimeout:  300 * time.Millisecond,
	}}, nil)
	px, url := newClProxy(t, s.url)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(url, clFastOpts([]string{"websocket"}))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs)
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	clWithin(t, w.connects, "connect")
	px.stall()
	if r := clWithin(t, w.disc, "disconnect"); r != sio.ReasonPingTimeout {
		t.Errorf("reason = %q, want %q", r, sio.ReasonPingTimeout)
	}
	clWithin(t, w.connects, "reconnect")
	if _, err := cs.EmitWithAck(ctx, "echo", 1); err != nil {
		t.Errorf("after reconnect: %v", err)
	}
}

// A server that speaks garbage: the client never panics, treats a bad
// packet as a parse error and reconnects; odd but valid packets (unknown
// ack ids, unknown namespaces, CONNECT replies for other namespaces) are
// ignored.
func TestClientFaultGarbage(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	srv := engineio.NewServer(engineio.HandlerFunc(func(c *engineio.Conn) {
		n := conns.Add(1)
		for {
			typ, data, err := c.Receive(context.Background())
			if err != nil {
				return
			}
			if typ != engineio.MessageText || !strings.HasPrefix(string(data), "0") {
				continue
			}
			send := func(msgs ...string) {
				for _, m := range msgs {
					if strings.HasPrefix(m, "bin:") {
						_ = c.Send(engineio.MessageBinary, []byte(m[4:]))
					} else {
						_ = c.Send(engineio.MessageText, []byte(m))
					}
				}
			}
			if n == 1 {
				// Odd but valid, then a binary message no packet announced.
				send(`3999[]`, `2/unknown,["x"]`, `0/other,{"sid":"x"}`, `1/other,`,
					`0{"sid":"first"}`, `2["before-garbage"]`, `bin:stray`)
				continue
			}
			if n == 2 {
				send(`0{"sid":"second"}`, `2["x"`) // truncated JSON
				continue
			}
			send(`0{"sid":"ok"}`, `51-["bin",{"_placeholder":true,"num":0}]`, `bin:\x01\x02`, `2["done"]`)
		}
	}), &engineio.ServerOptions{Path: "/socket.io/", PingInterval: time.Second, PingTimeout: 2 * time.Second})
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(hs.URL, clFastOpts([]string{"websocket"}))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs, "done", "bin")
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	// The stray binary message, then the truncated JSON, are parse errors.
	if r := clWithin(t, w.disc, "disconnect"); r != sio.ReasonParseError {
		t.Errorf("reason = %q, want %q", r, sio.ReasonParseError)
	}
	if r := clWithin(t, w.disc, "disconnect"); r != sio.ReasonParseError {
		t.Errorf("reason = %q, want %q", r, sio.ReasonParseError)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if seen := w.seen(); len(seen) > 0 && seen[len(seen)-1] == "done:<nil>/0" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if cs.ID() != "ok" {
		t.Errorf("id = %q, seen %q", cs.ID(), w.seen())
	}
}

// Close ends every goroutine the client started, after reconnections,
// pending acks, buffered emits and an upgrade. Not parallel: it checks the
// goroutines of the whole process.
func TestClientNoLeakAfterClose(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	func() {
		s := startClGoServer(t, nil, nil)
		px, url := newClProxy(t, s.url)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		opts := clFastOpts(nil)
		opts.AckTimeout = 10 * time.Second
		cs, err := sio.NewSocket(url+"/chat", opts)
		if err != nil {
			t.Fatal(err)
		}
		w := clWatchSocket(cs, "echo")
		if err := cs.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		root := cs.Manager().Socket("/", nil)
		if err := root.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := cs.EmitWithAck(ctx, "echo", 1); err != nil {
			t.Fatal(err)
		}
		px.drop(true)
		clWithin(t, w.disc, "disconnect")
		_ = cs.Emit("buffered", 1)
		pending := make(chan error, 1)
		go func() { _, err := cs.EmitWithAck(context.Background(), "echo", 2); pending <- err }()
		clWithin(t, w.recErrs, "reconnect error")
		clClose(t, cs.Manager())
		if err := clWithin(t, pending, "pending ack"); sio.CodeOf(err) != sio.CodeDisconnected {
			t.Errorf("pending ack after Close = %v", err)
		}
		px.close()
		s.close()
	}()
	if t.Failed() {
		return
	}
	goleak.VerifyNone(t, ignore)
}
