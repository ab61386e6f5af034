package sio_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// clWatch records a socket's lifecycle and its manager's reconnection
// events.
type clWatch struct {
	disc      chan sio.DisconnectReason
	connects  chan struct{}
	attempts  chan int
	recErrs   chan error
	reconnect chan int

	mu    sync.Mutex
	order []string // "connect", and "<event>:<first arg>" for events
}

func clWatchSocket(cs *sio.ClientSocket, events ...string) *clWatch {
	w := &clWatch{
		disc:      make(chan sio.DisconnectReason, 16),
		connects:  make(chan struct{}, 16),
		attempts:  make(chan int, 256),
		recErrs:   make(chan error, 256),
		reconnect: make(chan int, 16),
	}
	cs.OnDisconnect(func(r sio.DisconnectReason) { w.disc <- r })
	cs.OnConnect(func() { w.note("connect"); w.connects <- struct{}{} })
	for _, name := range events {
		cs.On(name, func(e *sio.ClientEvent) {
			var v any
			_ = e.At(0).Decode(&v)
			w.note(fmt.Sprintf("%s:%v/%d", name, v, e.Len()))
		})
	}
	m := cs.Manager()
	m.OnReconnectAttempt(func(n int) { w.attempts <- n })
	m.OnReconnectError(func(err error) { w.recErrs <- err })
	m.OnReconnect(func(n int) { w.reconnect <- n })
	return w
}

func (w *clWatch) note(s string) {
	w.mu.Lock()
	w.order = append(w.order, s)
	w.mu.Unlock()
}

func (w *clWatch) seen() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.order...)
}

// clExpectGots checks that the next "got" lines of nsp are exactly names
// with first arguments args.
func clExpectGots(t *testing.T, log clServerLog, nsp string, want [][]any) {
	t.Helper()
	for i, w := range want {
		var m map[string]any
		for m == nil || m["nsp"] != nsp {
			m = log.Expect("got", 10*time.Second)
		}
		got := append([]any{m["name"]}, m["args"].([]any)...)
		if !reflect.DeepEqual(got, w) {
			t.Fatalf("got line %d = %v, want %v", i, got, w)
		}
	}
}

// clBufferedAcrossOutage: emits made while the server is away are sent
// once, in order, after the reconnection; volatile ones are dropped; an
// EmitWithAck made meanwhile completes; the auth function runs again.
// down stops the server, up brings it back and returns its log.
func clBufferedAcrossOutage(t *testing.T, url string, log clServerLog, down func(), up func() clServerLog) {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	var authN atomic.Int32
	opts := clFastOpts(nil)
	opts.Auth = sio.AuthFunc(func(ctx context.Context) (any, error) {
		return map[string]any{"token": fmt.Sprint("t", authN.Add(1))}, nil
	})
	cs, err := sio.NewSocket(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs)
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if c := log.Expect("connection", 10*time.Second); !reflect.DeepEqual(c["auth"], map[string]any{"token": "t1"}) {
		t.Errorf("first auth = %v", c["auth"])
	}
	clWithin(t, w.connects, "connect")

	down()
	switch r := clWithin(t, w.disc, "disconnect"); r {
	case sio.ReasonTransportClose, sio.ReasonTransportError:
	default:
		t.Errorf("disconnect reason = %q", r)
	}
	if cs.Connected() {
		t.Error("still connected")
	}
	for i := 0; i < 5; i++ {
		if err := cs.Emit("buffered", i); err != nil {
			t.Fatalf("Emit while disconnected: %v", err)
		}
	}
	if err := cs.Volatile().Emit("volatile", 1); err != nil {
		t.Fatal(err)
	}
	acked := make(chan error, 1)
	go func() {
		a, err := cs.EmitWithAck(ctx, "echo", "late")
		var s string
		if err == nil {
			if err = a.Decode(&s); s != "late" {
				err = fmt.Errorf("ack %q", s)
			}
		}
		acked <- err
	}()
	// Wait for two failed attempts while the server is away.
	for i := 0; i < 2; i++ {
		clWithin(t, w.attempts, "reconnect attempt")
		clWithin(t, w.recErrs, "reconnect error")
	}
	log = up()
	n := clWithin(t, w.reconnect, "reconnect")
	if n < 2 {
		t.Errorf("reconnected at attempt %d, want >= 2", n)
	}
	clWithin(t, w.connects, "connect after reconnect")
	c := log.Expect("connection", 10*time.Second)
	if a, _ := c["auth"].(map[string]any); a == nil || a["token"] == "t1" || a["token"] == nil {
		t.Errorf("auth after reconnect = %v, want a fresh token", c["auth"])
	}
	if err := clWithin(t, acked, "ack of the buffered EmitWithAck"); err != nil {
		t.Errorf("buffered EmitWithAck: %v", err)
	}
	if err := cs.Emit("sentinel"); err != nil {
		t.Fatal(err)
	}
	clExpectGots(t, log, "/", [][]any{
		{"buffered", 0.0}, {"buffered", 1.0}, {"buffered", 2.0}, {"buffered", 3.0}, {"buffered", 4.0},
		{"echo", "late"}, {"sentinel"},
	})
}

func TestClientReconnectNode(t *testing.T) {
	t.Parallel()
	p, url, port := startClNodeServer(t, map[string]any{})
	clBufferedAcrossOutage(t, url, p, p.Kill, func() clServerLog {
		p2, _, _ := startClNodeServer(t, map[string]any{"port": port})
		return p2
	})
}

func TestClientReconnectGo(t *testing.T) {
	t.Parallel()
	s := startClGoServer(t, nil, nil)
	px, url := newClProxy(t, s.url)
	clBufferedAcrossOutage(t, url, s.log, func() { px.drop(true) }, func() clServerLog { px.up(); return s.log })
}

// clRecovery: the client sends its pid and offset, reports Recovered, keeps
// its id, and handles the missed events (offsets stripped) before its
// connect handlers. drop loses the connection and has the server emit
// "missed" 0..2 to the socket meanwhile.
func clRecovery(t *testing.T, url string, log clServerLog, transports []string, drop func(cs *sio.ClientSocket)) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := clFastOpts(transports)
	opts.Auth = map[string]any{"token": "r"}
	cs, err := sio.NewSocket(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs, "welcome", "missed", "tick")
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	log.Expect("connection", 10*time.Second)
	clWithin(t, w.connects, "connect")
	id := cs.ID()
	// Wait for the welcome (which carries an offset) to be handled.
	deadline := time.Now().Add(10 * time.Second)
	for len(w.seen()) < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	drop(cs)
	clWithin(t, w.disc, "disconnect")
	clWithin(t, w.connects, "reconnect")
	if !cs.Recovered() || cs.ID() != id {
		t.Errorf("Recovered() = %v, id %q -> %q", cs.Recovered(), id, cs.ID())
	}
	c := log.Expect("connection", 10*time.Second)
	auth, _ := c["auth"].(map[string]any)
	if c["recovered"] != true || auth["token"] != "r" || auth["pid"] == nil || auth["offset"] == nil {
		t.Errorf("server saw %v, want a recovered connection with token, pid and offset", c)
	}
	if err := cs.Emit("burst", map[string]int{"n": 2}); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(10 * time.Second)
	for len(w.seen()) < 8 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := w.seen()
	// The welcome's offset is stripped: one argument.
	if len(got) > 1 && strings.HasPrefix(got[1], "welcome:") && strings.HasSuffix(got[1], "/1") {
		got[1] = "welcome"
	}
	want := []string{"connect", "welcome", "missed:0/1", "missed:1/1", "missed:2/1", "connect", "tick:0/1", "tick:1/1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("handled %q,\nwant %q", got, want)
	}
}

func TestClientRecoveryNode(t *testing.T) {
	t.Parallel()
	for _, mode := range clModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			p, url, _ := startClNodeServer(t, map[string]any{"recovery": true})
			clRecovery(t, url, p, mode.transports, func(cs *sio.ClientSocket) {
				if err := cs.Emit("drop", map[string]int{"missed": 3}); err != nil {
					t.Fatal(err)
				}
				p.Expect("dropped", 10*time.Second)
			})
		})
	}
}

func TestClientRecoveryGo(t *testing.T) {
	t.Parallel()
	s := startClGoServer(t, &sio.ServerOptions{Recovery: &sio.RecoveryOptions{}}, nil)
	px, url := newClProxy(t, s.url)
	// Websocket only: a proxy drop ends the server's session at once (a
	// polling session would wait for its ping timeout).
	clRecovery(t, url, s.log, []string{"websocket"}, func(cs *sio.ClientSocket) {
		id := cs.ID()
		px.drop(true)
		if d := s.log.Expect("disconnect", 10*time.Second); d["id"] != id {
			t.Errorf("server disconnect = %v", d)
		}
		for i := 0; i < 3; i++ {
			if err := s.srv.Of("/").To(id).Emit("missed", i); err != nil {
				t.Fatal(err)
			}
		}
		px.up()
	})
}

// clRetries: with Retries, a packet is sent again until acknowledged, each
// attempt once; the outcome reaches EmitWithAck.
func clRetries(t *testing.T, url string, log clServerLog) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := clFastOpts(nil)
	opts.Retries = 3
	opts.AckTimeout = 400 * time.Millisecond
	cs, err := sio.Dial(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	log.Expect("connection", 10*time.Second)
	a, err := cs.EmitWithAck(ctx, "flaky", "k1")
	var ok, key string
	if err != nil || a.Decode(&ok, &key) != nil || ok != "ok" || key != "k1" {
		t.Fatalf("flaky = %v %q %q", err, ok, key)
	}
	if err := cs.Emit("sentinel"); err != nil {
		t.Fatal(err)
	}
	// The server got exactly three copies, then the next packet; the
	// sentinel went through the queue too, so it asked for an ack.
	clExpectGots(t, log, "/", [][]any{{"flaky", "k1"}, {"flaky", "k1"}, {"flaky", "k1"}, {"sentinel"}})

	opts.Retries = 1
	cs2, err := sio.Dial(ctx, url, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs2.Manager())
	_, err = cs2.EmitWithAck(ctx, "flaky", "k2")
	if sio.CodeOf(err) != sio.CodeTimeout {
		t.Errorf("flaky with 1 retry = %v, want %s", err, sio.CodeTimeout)
	}
}

func TestClientRetriesNode(t *testing.T) {
	t.Parallel()
	p, url, _ := startClNodeServer(t, map[string]any{})
	clRetries(t, url, p)
}

func TestClientRetriesGo(t *testing.T) {
	t.Parallel()
	s := startClGoServer(t, nil, nil)
	clRetries(t, s.url, s.log)
}

// Queued packets of the retry queue survive an outage and are each
// delivered once, in order, after it.
func TestClientRetryQueueAcrossOutage(t *testing.T) {
	t.Parallel()
	s := startClGoServer(t, nil, nil)
	px, url := newClProxy(t, s.url)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := clFastOpts([]string{"websocket"})
	opts.Retries = 2
	opts.AckTimeout = 5 * time.Second
	cs, err := sio.NewSocket(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs)
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	s.log.Expect("connection", 10*time.Second)
	px.drop(true)
	clWithin(t, w.disc, "disconnect")
	for i := 0; i < 4; i++ {
		if err := cs.Emit("echo", i); err != nil {
			t.Fatal(err)
		}
	}
	result := make(chan error, 1)
	go func() {
		_, err := cs.EmitWithAck(ctx, "echo", 4)
		result <- err
	}()
	clWithin(t, w.recErrs, "reconnect error")
	px.up()
	if err := clWithin(t, result, "retry result"); err != nil {
		t.Errorf("EmitWithAck: %v", err)
	}
	if err := cs.Emit("sentinel"); err != nil {
		t.Fatal(err)
	}
	clExpectGots(t, s.log, "/", [][]any{{"echo", 0.0}, {"echo", 1.0}, {"echo", 2.0}, {"echo", 3.0}, {"echo", 4.0}, {"sentinel"}})
}

var _ = nodetest.Require
