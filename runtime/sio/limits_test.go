package sio_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// fakeClock is a clock that moves only when told.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Unix(1_000_000, 0)} }

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// limitLog records what Observer.Limited sees.
type limitLog struct {
	mu   sync.Mutex
	hits []string
}

func (l *limitLog) observer() sio.Observer {
	return sio.Observer{Limited: func(s *sio.Socket, event string, limit sio.LimitKind) {
		l.mu.Lock()
		l.hits = append(l.hits, event+":"+string(limit))
		l.mu.Unlock()
	}}
}

func (l *limitLog) count(hit string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, h := range l.hits {
		if h == hit {
			n++
		}
	}
	return n
}

// limitedServer starts a server with a typed "echo" (envelope acks), an
// untyped "raw" and a plain-style "plain", each with l, on a fake clock.
func limitedServer(t *testing.T, l sio.Limits, setup func(srv *sio.Server)) (string, *fakeClock, *limitLog) {
	t.Helper()
	clock := newFakeClock()
	log := &limitLog{}
	_, url := startServer(t, &sio.ServerOptions{Observers: []sio.Observer{log.observer()}}, func(srv *sio.Server) {
		sio.SetClock(srv, clock.now)
		ns := srv.Of("/")
		sio.HandleAck(ns, "echo", func(_ context.Context, _ *sio.Socket, in map[string]any) (map[string]any, error) {
			return in, nil
		})
		sio.HandleAck(ns, "plain", func(_ context.Context, _ *sio.Socket, in map[string]any) (map[string]any, error) {
			return in, nil
		}, sio.WithAckStyle(sio.AckPlain))
		ns.On("raw", func(_ *sio.Socket, e *sio.Event) { _ = e.Ack(e.Values()...) })
		for _, ev := range []string{"echo", "plain", "raw"} {
			ns.Limit(ev, l)
		}
		if setup != nil {
			setup(srv)
		}
	})
	return url, clock, log
}

func dialLimited(t *testing.T, url string) *sio.ClientSocket {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := sio.Dial(ctx, url, &sio.ClientOptions{Transports: []string{"websocket"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { clClose(t, cs.Manager()) })
	return cs
}

func call(t *testing.T, cs *sio.ClientSocket, event string, payload any) (map[string]any, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return sio.Call[map[string]any](ctx, cs, sio.AckEnvelope, event, payload)
}

// TestLimitRate: a client over its rate gets resource_exhausted with the
// time until a token is back; once that time has passed (on the server's
// clock), the event goes through again.
func TestLimitRate(t *testing.T) {
	t.Parallel()
	url, clock, log := limitedServer(t, sio.Limits{Rate: 2, Burst: 3}, nil)
	cs := dialLimited(t, url)
	for i := range 3 {
		if _, err := call(t, cs, "echo", map[string]any{"i": i}); err != nil {
			t.Fatalf("event %d within the burst: %v", i, err)
		}
	}
	_, err := call(t, cs, "echo", map[string]any{"i": 3})
	d, ok := sio.AsResourceExhausted(err)
	if !ok {
		t.Fatalf("event over the rate: %v, want resource_exhausted", err)
	}
	if d.Limit != sio.LimitRate || d.Max != 3 || d.RetryAfterMs != 500 {
		t.Errorf("details = %+v, want rate, max 3, retry after 500ms", *d)
	}
	clock.advance(499 * time.Millisecond)
	_, err = call(t, cs, "echo", map[string]any{"i": 4})
	if d, ok := sio.AsResourceExhausted(err); !ok || d.RetryAfterMs != 1 {
		t.Fatalf("1ms early: %v (%+v), want retry after 1ms", err, d)
	}
	clock.advance(time.Millisecond)
	if _, err := call(t, cs, "echo", map[string]any{"i": 5}); err != nil {
		t.Fatalf("after the retry delay: %v", err)
	}
	if n := log.count("echo:rate"); n != 2 {
		t.Errorf("Observer.Limited saw %d rate hits, want 2", n)
	}
}

// TestLimitPayload: an oversize payload is refused with limit "payload",
// text and binary alike (attachments count toward the size), and the
// connection goes on working, binary events included.
func TestLimitPayload(t *testing.T) {
	t.Parallel()
	url, _, log := limitedServer(t, sio.Limits{MaxPayload: 100}, nil)
	cs := dialLimited(t, url)
	small := map[string]any{"s": "x"}
	if _, err := call(t, cs, "echo", small); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		payload any
	}{
		{"text", map[string]any{"s": strings.Repeat("x", 101)}},
		{"binary", map[string]any{"s": "x", "b": make([]byte, 90)}},
		{"binary at the header", map[string]any{"s": strings.Repeat("x", 120), "b": []byte{1}}},
	} {
		_, err := call(t, cs, "echo", tc.payload)
		d, ok := sio.AsResourceExhausted(err)
		if !ok || d.Limit != sio.LimitPayload || d.Max != 100 || d.RetryAfterMs != 0 {
			t.Errorf("%s: %v (%+v), want payload, max 100", tc.name, err, d)
		}
	}
	got, err := call(t, cs, "echo", map[string]any{"b": make([]byte, 10)})
	if err != nil || got["b"] == nil {
		t.Fatalf("binary event within the limit after refusals: %v, %v", got, err)
	}
	if n := log.count("echo:payload"); n != 3 {
		t.Errorf("Observer.Limited saw %d payload hits, want 3", n)
	}
}

// TestLimitPendingAcks: events with an ack id beyond MaxPendingAcks that
// are not answered yet are refused; answering frees a place, and so does
// a handler that returns without answering (unless it called AckLater).
func TestLimitPendingAcks(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan *sio.Event, 4)
	url, _, log := limitedServer(t, sio.Limits{}, func(srv *sio.Server) {
		ns := srv.Of("/")
		ns.Limit("slow", sio.Limits{MaxPendingAcks: 2})
		ns.Limit("silent", sio.Limits{MaxPendingAcks: 1})
		sio.HandleAck(ns, "ping", func(context.Context, *sio.Socket, struct{}) (struct{}, error) { return struct{}{}, nil })
		ns.On("slow", func(_ *sio.Socket, e *sio.Event) {
			e.AckLater()
			started <- e
			go func() {
				<-release
				_ = e.Ack(map[string]any{"ok": true, "data": "late"})
			}()
		})
		ns.On("silent", func(*sio.Socket, *sio.Event) {}) // never answers
	})
	cs := dialLimited(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	type result struct {
		args sio.Args
		err  error
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			a, err := cs.EmitWithAck(ctx, "slow", 1)
			results <- result{a, err}
		}()
	}
	<-started
	<-started
	_, err := call(t, cs, "slow", 3)
	if d, ok := sio.AsResourceExhausted(err); !ok || d.Limit != sio.LimitPendingAcks || d.Max != 2 {
		t.Fatalf("third pending ack: %v (%+v), want pending_acks, max 2", err, d)
	}
	close(release)
	for range 2 {
		if r := <-results; r.err != nil {
			t.Fatalf("held event: %v", r.err)
		}
	}
	if _, err := cs.EmitWithAck(ctx, "slow", 4); err != nil {
		t.Fatalf("after the answers: %v", err)
	}
	// "silent" never answers: its handler's return frees the place, so the
	// next one is admitted (and, unanswered, times out on the client).
	for range 2 {
		short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		_, err := cs.EmitWithAck(short, "silent", 1)
		cancel()
		if sio.CodeOf(err) != sio.CodeTimeout {
			t.Fatalf("silent: %v, want a timeout (admitted, not answered)", err)
		}
	}
	// An event in order after them: the reader has seen them all by then.
	if _, err := call(t, cs, "ping", struct{}{}); err != nil {
		t.Fatal(err)
	}
	if n := log.count("slow:pending_acks"); n != 1 {
		t.Errorf("Observer.Limited saw %d pending_acks hits, want 1", n)
	}
	if n := log.count("silent:pending_acks"); n != 0 {
		t.Errorf("silent was refused %d times", n)
	}
}

// TestLimitDropped: without an envelope-style ack to carry the error (no
// ack asked for, a plain-style ack, a namespace of untyped handlers only)
// a refused event is dropped, and counted; an untyped handler's event on a
// namespace of typed handlers is answered as theirs are.
func TestLimitDropped(t *testing.T) {
	t.Parallel()
	url, _, log := limitedServer(t, sio.Limits{Rate: 1, Burst: 1}, func(srv *sio.Server) {
		sio.HandleAck(srv.Of("/"), "ping", func(context.Context, *sio.Socket, struct{}) (struct{}, error) { return struct{}{}, nil })
		untyped := srv.Of("/untyped")
		untyped.On("raw", func(_ *sio.Socket, e *sio.Event) { _ = e.Ack(e.Values()...) })
		untyped.On("ping", func(_ *sio.Socket, e *sio.Event) { _ = e.Ack("pong") })
		untyped.Limit("raw", sio.Limits{Rate: 1, Burst: 1})
	})
	cs := dialLimited(t, url)
	un := dialLimited(t, url+"/untyped")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, ev := range []string{"echo", "raw", "plain"} {
		if _, err := cs.EmitWithAck(ctx, ev, map[string]any{}); err != nil {
			t.Fatalf("%s within the rate: %v", ev, err)
		}
	}
	if _, err := un.EmitWithAck(ctx, "raw", 1); err != nil {
		t.Fatalf("untyped raw within the rate: %v", err)
	}
	for _, ev := range []string{"echo", "raw", "plain"} {
		if err := cs.Emit(ev, map[string]any{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := un.Emit("raw", 1); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cs *sio.ClientSocket
		ev string
	}{{cs, "plain"}, {un, "raw"}} {
		short, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		_, err := c.cs.EmitWithAck(short, c.ev, map[string]any{})
		cancel()
		if sio.CodeOf(err) != sio.CodeTimeout {
			t.Errorf("%s over the rate with an ack: %v, want no answer (timeout)", c.ev, err)
		}
	}
	a, err := cs.EmitWithAck(ctx, "raw", map[string]any{})
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		OK    bool       `json:"ok"`
		Error *sio.Error `json:"error"`
	}
	if err := a.Decode(&env); err != nil || env.OK || env.Error == nil || env.Error.Code != sio.CodeResourceExhausted {
		t.Errorf("untyped handler's event on a typed namespace: %+v, %v; want a resource_exhausted envelope", env, err)
	}
	// Events in order after the drops: they were all seen by then.
	if _, err := call(t, cs, "ping", struct{}{}); err != nil {
		t.Fatal(err)
	}
	if _, err := un.EmitWithAck(ctx, "ping"); err != nil {
		t.Fatal(err)
	}
	for hit, want := range map[string]int{"echo:rate": 1, "raw:rate": 4, "plain:rate": 2} {
		if n := log.count(hit); n != want {
			t.Errorf("%s counted %d times, want %d", hit, n, want)
		}
	}
}

// TestLimitDisconnectAfter: a socket refused more than n times within the
// period is disconnected with "too many refused events"; the client sees
// the server's disconnect.
func TestLimitDisconnectAfter(t *testing.T) {
	t.Parallel()
	reasons := make(chan sio.DisconnectReason, 2)
	observed := make(chan sio.DisconnectReason, 2)
	url, _, log := limitedServer(t, sio.Limits{MaxPayload: 10}, func(srv *sio.Server) {
		ns := srv.Of("/")
		ns.DisconnectAfter(3, time.Minute)
		ns.OnConnection(func(s *sio.Socket) { s.OnDisconnect(func(r sio.DisconnectReason) { reasons <- r }) })
		srv.Observe(sio.Observer{Disconnect: func(_ *sio.Socket, r sio.DisconnectReason) { observed <- r }})
	})
	cs := dialLimited(t, url)
	client := make(chan sio.DisconnectReason, 1)
	cs.OnDisconnect(func(r sio.DisconnectReason) { client <- r })
	big := map[string]any{"s": strings.Repeat("x", 20)}
	for i := range 3 {
		if _, ok := sio.AsResourceExhausted(func() error { _, err := call(t, cs, "echo", big); return err }()); !ok {
			t.Fatalf("refusal %d not answered", i)
		}
	}
	_ = cs.Emit("echo", big) // the fourth
	if r := clWithin(t, reasons, "OnDisconnect"); r != sio.ReasonTooManyRefusals {
		t.Errorf("OnDisconnect reason %q", r)
	}
	if r := clWithin(t, observed, "Observer.Disconnect"); r != sio.ReasonTooManyRefusals {
		t.Errorf("Observer.Disconnect reason %q", r)
	}
	if r := clWithin(t, client, "client disconnect"); r != sio.ReasonIOServerDisconnect {
		t.Errorf("client saw %q", r)
	}
	if n := log.count("echo:payload"); n != 4 {
		t.Errorf("%d refusals counted, want 4", n)
	}
}

// TestLimitsInterop: the official client over its limits gets
// resource_exhausted envelopes with their details (rate, payload for text
// and binary, pending acks), and is disconnected by DisconnectAfter.
func TestLimitsInterop(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"polling", "websocket"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			clock := newFakeClock()
			_, url := startServer(t, nil, func(srv *sio.Server) {
				sio.SetClock(srv, clock.now)
				ns := srv.Of("/")
				echo := func(_ context.Context, _ *sio.Socket, in map[string]any) (map[string]any, error) { return in, nil }
				sio.HandleAck(ns, "echo", echo)
				sio.HandleAck(ns, "big", func(context.Context, *sio.Socket, map[string]any) (string, error) { return "ok", nil })
				sio.HandleAck(ns, "ping", func(context.Context, *sio.Socket, struct{}) (struct{}, error) { return struct{}{}, nil })
				var held *sio.Event
				ns.On("slow", func(_ *sio.Socket, e *sio.Event) { e.AckLater(); held = e })
				ns.On("release", func(_ *sio.Socket, e *sio.Event) {
					_ = held.Ack(map[string]any{"ok": true, "data": "late"})
					_ = e.Ack(map[string]any{"ok": true})
				})
				ns.Limit("echo", sio.Limits{Rate: 1, Burst: 2})
				ns.Limit("big", sio.Limits{MaxPayload: 100})
				ns.Limit("slow", sio.Limits{MaxPendingAcks: 1})
				strict := srv.Of("/strict")
				sio.HandleAck(strict, "echo", echo)
				strict.Limit("echo", sio.Limits{MaxPayload: 10})
				strict.DisconnectAfter(2, time.Minute)
			})
			p := nodetest.Start(t, "runtime/sio/testdata/limits-client.js", url, mode, "events")
			got := map[string]string{}
			done := false
			for _, line := range p.Wait(60 * time.Second) {
				switch line["event"] {
				case "result":
					b, _ := json.Marshal(line)
					got[line["step"].(string)] = string(b)
				case "done":
					done = true
				default:
					t.Errorf("node: %v", line)
				}
			}
			if !done {
				t.Fatal("the script did not finish")
			}
			exhausted := func(details string) string {
				return `{"error":{"code":"resource_exhausted","details":` + details + `,`
			}
			for step, want := range map[string]string{
				"within-rate": `"got":[{"data":{"i":0},"ok":true},{"data":{"i":1},"ok":true}]`,
				"rate":        exhausted(`{"limit":"rate","max":2,"retry_after_ms":1000}`),
				"payload":     exhausted(`{"limit":"payload","max":100}`),
				"binary":      exhausted(`{"limit":"payload","max":100}`),
				"binary-ok":   `"got":{"data":"ok","ok":true}`,
				"pending":     exhausted(`{"limit":"pending_acks","max":1}`),
				"held":        `"got":{"data":"late","ok":true}`,
				"strict":      `"reason":"io server disconnect"`,
			} {
				if !strings.Contains(got[step], want) {
					t.Errorf("%s: %s, want %s", step, got[step], want)
				}
			}
			if !strings.Contains(got["strict"], `"limit":"payload","max":10`) {
				t.Errorf("strict: %s", got["strict"])
			}
		})
	}
}

// TestHandshakeLimitClients: handshakes over the per-address limit of
// engineio.ServerOptions.HandshakeLimit, given through sio.ServerOptions,
// fail for the official client (connect_error) and the Go client (an
// engineio.Error with code 6), polling and websocket alike.
func TestHandshakeLimitClients(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"polling", "websocket"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			limit := &engineio.HandshakeLimit{Rate: 1e-6, Burst: 2} // no refill during the test
			_, url := startServer(t, &sio.ServerOptions{Engine: &engineio.ServerOptions{HandshakeLimit: limit}}, nil)
			p := nodetest.Start(t, "runtime/sio/testdata/limits-client.js", url, mode, "handshake")
			var got []any
			for _, line := range p.Wait(60 * time.Second) {
				if line["event"] == "result" {
					got = line["got"].([]any)
				}
			}
			if len(got) != 3 || got[0] != "connected" || got[1] != "connected" || !strings.HasPrefix(got[2].(string), "connect_error") {
				t.Errorf("official client: %v, want connected twice then a connect_error", got)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			o := &sio.ClientOptions{Transports: []string{mode}, DisableReconnection: true}
			_, err := sio.Dial(ctx, url, o)
			var e *engineio.Error
			if !errors.As(err, &e) || e.Code != engineio.CodeTooManyRequests {
				t.Errorf("Go client: %v, want an engineio.Error with code 6", err)
			}
		})
	}
}

// TestLimitLogged: a refusal and a disconnection for too many refusals are
// logged at debug level (a client's mistake, which it is told about), with
// the limit; the debug view shows the refusal; nothing reaches the default
// logger's warning level.
func TestLimitLogged(t *testing.T) {
	t.Parallel()
	sink := newLogSink(slog.LevelDebug)
	_, url := startServer(t, &sio.ServerOptions{Logger: slog.New(sink), Debug: sio.DebugPackets}, func(srv *sio.Server) {
		ns := srv.Of("/")
		sio.HandleAck(ns, "echo", func(_ context.Context, _ *sio.Socket, in map[string]any) (map[string]any, error) { return in, nil })
		ns.Limit("echo", sio.Limits{MaxPayload: 5})
		ns.DisconnectAfter(1, time.Minute)
	})
	cs := dialLimited(t, url)
	_ = cs.Emit("echo", map[string]any{"s": "too long"})
	_ = cs.Emit("echo", map[string]any{"s": "too long"})
	r := sink.wait(t, "event refused by its limit", map[string]string{"scope": "sio", "nsp": "/", "event": "echo", "limit": "payload", "max": "5", "answered": "false"})
	if r.Level != slog.LevelDebug || r.Attrs["sid"] == "" {
		t.Errorf("refusal record %+v", r)
	}
	sink.wait(t, "event refused", map[string]string{"scope": "sio:packets", "event": "echo", "limit": "payload"})
	r = sink.wait(t, "socket disconnected: too many refused events", map[string]string{"scope": "sio", "event": "echo", "max": "1"})
	if r.Level != slog.LevelDebug {
		t.Errorf("disconnection record %+v", r)
	}
	for _, r := range sink.records() {
		if r.Level >= slog.LevelWarn {
			t.Errorf("logged at %v: %+v", r.Level, r)
		}
	}
}
