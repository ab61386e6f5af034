package sio_test

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// gapServer broadcasts into the gap of a recovered reconnection: with
// RunMiddlewares, its middleware runs after the session is restored and
// before the socket is connected again, and emits "missed" 4 to the room
// "rr" then. Sockets join "rr" on their first connection and get "missed"
// 0; "away" emits 1, 2
// and 3 to "rr" (sent while the test's client is away), "sentinel" emits 9
// to "rr" and then acknowledges, so that every earlier event has arrived
// when the ack does. disconnects receives the id of every socket that
// disconnects.
func gapServer(srv *sio.Server, disconnects chan<- string) {
	ns := srv.Of("/")
	ns.Use(func(ctx context.Context, s *sio.Socket) error {
		if s.Recovered() {
			_ = ns.To("rr").Emit("missed", 4)
		}
		return nil
	})
	ns.OnConnection(func(s *sio.Socket) {
		if !s.Recovered() {
			s.Join("rr")
			_ = s.Emit("missed", 0) // gives the client an offset
		}
		s.OnDisconnect(func(sio.DisconnectReason) {
			select {
			case disconnects <- s.ID():
			default:
			}
		})
	})
	ns.On("arm", func(s *sio.Socket, e *sio.Event) {
		s.OnDisconnect(func(sio.DisconnectReason) {
			for i := 1; i <= 3; i++ {
				_ = ns.To("rr").Emit("missed", i)
			}
		})
		_ = e.Ack()
	})
	ns.On("sentinel", func(s *sio.Socket, e *sio.Event) {
		_ = ns.To("rr").Emit("missed", 9)
		_ = e.Ack()
	})
}

var gapOptions = &sio.ServerOptions{Recovery: &sio.RecoveryOptions{RunMiddlewares: true}}

// A broadcast made while a recovered session is being restored (between
// the restore and the rejoin of its rooms) reaches the Go client once,
// after the replayed events: 0 live, 1, 2, 3 replayed, 4 live, then 9.
func TestRecoveryBroadcastDuringRestoreGo(t *testing.T) {
	t.Parallel()
	disconnects := make(chan string, 4)
	_, url := startServer(t, gapOptions, func(srv *sio.Server) { gapServer(srv, disconnects) })
	px, purl := newClProxy(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(purl, clFastOpts([]string{"websocket"}))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs, "missed")
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	clWithin(t, w.connects, "connect")
	if _, err := cs.EmitWithAck(ctx, "arm"); err != nil {
		t.Fatal(err)
	}
	px.drop(true)
	clWithin(t, disconnects, "the server's disconnect")
	px.up()
	clWithin(t, w.connects, "reconnect")
	if !cs.Recovered() {
		t.Fatal("the session was not recovered")
	}
	if _, err := cs.EmitWithAck(ctx, "sentinel"); err != nil {
		t.Fatal(err)
	}
	// The ack can be handled before the event: wait for the event.
	deadline := time.Now().Add(10 * time.Second)
	for !slices.Contains(w.seen(), "missed:9/1") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	want := []string{"connect", "missed:0/1", "missed:1/1", "missed:2/1", "missed:3/1", "missed:4/1", "connect", "missed:9/1"}
	if got := w.seen(); !reflect.DeepEqual(got, want) {
		t.Errorf("handled %q,\nwant %q", got, want)
	}
}

// The same with the official client, which reports the events in the
// order it got them: 1, 2, 3 replayed, 4 live, 9 after.
func TestInteropRecoveryBroadcastDuringRestore(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			_, url := startServer(t, gapOptions, func(srv *sio.Server) { gapServer(srv, make(chan string, 4)) })
			runScenario(t, url, mode, "recovery-gap")
		})
	}
}

// A recovered reconnection whose connection is lost before the socket
// joins (here in a middleware) keeps the session for the next attempt,
// which gets the missed events once.
func TestRecoveryConnectionLostWhileRestoring(t *testing.T) {
	t.Parallel()
	disconnects := make(chan string, 4)
	var px *clProxy
	var once sync.Once
	_, url := startServer(t, gapOptions, func(srv *sio.Server) {
		ns := srv.Of("/")
		ns.Use(func(ctx context.Context, s *sio.Socket) error {
			if s.Recovered() {
				once.Do(func() {
					px.drop(false)
					select { // the connection is seen lost
					case <-ctx.Done():
					case <-time.After(10 * time.Second):
					}
				})
			}
			return nil
		})
		gapServer(srv, disconnects)
	})
	px, purl := newClProxy(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(purl, clFastOpts([]string{"websocket"}))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs, "missed")
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	clWithin(t, w.connects, "connect")
	if _, err := cs.EmitWithAck(ctx, "arm"); err != nil {
		t.Fatal(err)
	}
	px.drop(true)
	clWithin(t, disconnects, "the server's disconnect")
	px.up()
	clWithin(t, w.connects, "reconnect")
	if !cs.Recovered() {
		t.Fatal("the session was not recovered after a lost attempt")
	}
	if _, err := cs.EmitWithAck(ctx, "sentinel"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !slices.Contains(w.seen(), "missed:9/1") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	// gapServer's middleware emits 4 on each recovered attempt: the first
	// attempt's is replayed with 1, 2 and 3, the second's was held.
	want := []string{"connect", "missed:0/1", "missed:1/1", "missed:2/1", "missed:3/1", "missed:4/1", "missed:4/1", "connect", "missed:9/1"}
	if got := w.seen(); !reflect.DeepEqual(got, want) {
		t.Errorf("handled %q,\nwant %q", got, want)
	}
}

// TestRecoveryBackpressure: a recovered socket gets what back-pressure
// promises for what it missed: of the events under BackpressureLatest, the
// newest of each key (replayed from the log, or held while it is being
// restored, where a newer one replaces the held one); no volatile one;
// every queued one.
func TestRecoveryBackpressure(t *testing.T) {
	t.Parallel()
	disconnects := make(chan string, 4)
	latest := func(key string) sio.Backpressure {
		return sio.Backpressure{Mode: sio.BackpressureLatest, Key: key}
	}
	_, url := startServer(t, gapOptions, func(srv *sio.Server) {
		ns := srv.Of("/")
		ns.Use(func(ctx context.Context, s *sio.Socket) error {
			if s.Recovered() { // held until the replay is sent
				_ = ns.To("rr").Backpressure(latest("e0")).Emit("ev", "e0:7")
				_ = ns.To("rr").Backpressure(latest("e0")).Emit("ev", "e0:8")
				_ = ns.To("rr").Volatile().Emit("ev", "volatile")
			}
			return nil
		})
		ns.OnConnection(func(s *sio.Socket) {
			if !s.Recovered() {
				s.Join("rr")
				_ = s.Emit("ev", "first") // gives the client an offset
			}
			s.OnDisconnect(func(sio.DisconnectReason) { disconnects <- s.ID() })
		})
		ns.On("arm", func(s *sio.Socket, e *sio.Event) {
			s.OnDisconnect(func(sio.DisconnectReason) {
				_ = ns.To("rr").Backpressure(latest("e0")).Emit("ev", "e0:1")
				_ = ns.To("rr").Backpressure(latest("e1")).Emit("ev", "e1:2")
				_ = ns.To("rr").Backpressure(latest("e0")).Emit("ev", "e0:3")
				_ = ns.To("rr").Backpressure(sio.Backpressure{Mode: sio.BackpressureVolatile}).Emit("ev", "volatile")
				_ = ns.To("rr").Emit("ev", "queued")
				_ = ns.To("rr").Backpressure(latest("e1")).Emit("ev", "e1:4")
			})
			_ = e.Ack()
		})
		ns.On("sentinel", func(s *sio.Socket, e *sio.Event) {
			_ = ns.To("rr").Emit("ev", "sentinel")
			_ = e.Ack()
		})
	})
	px, purl := newClProxy(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(purl, clFastOpts([]string{"websocket"}))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	w := clWatchSocket(cs, "ev")
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	clWithin(t, w.connects, "connect")
	if _, err := cs.EmitWithAck(ctx, "arm"); err != nil {
		t.Fatal(err)
	}
	px.drop(true)
	clWithin(t, disconnects, "the server's disconnect")
	px.up()
	clWithin(t, w.connects, "reconnect")
	if !cs.Recovered() {
		t.Fatal("the session was not recovered")
	}
	if _, err := cs.EmitWithAck(ctx, "sentinel"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !slices.Contains(w.seen(), "ev:sentinel/1") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	want := []string{"connect", "ev:first/1", "ev:e0:3/1", "ev:queued/1", "ev:e1:4/1", "ev:e0:8/1", "connect", "ev:sentinel/1"}
	if got := w.seen(); !reflect.DeepEqual(got, want) {
		t.Errorf("handled %q,\nwant %q", got, want)
	}
}
