package sio_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// logRecord is a log record as a test sees it: its level, message and
// attributes, groups flattened.
type logRecord struct {
	Level slog.Level
	Msg   string
	Attrs map[string]string
}

// logSink is a slog.Handler that keeps every record at or above its level.
type logSink struct {
	level slog.Level
	attrs []slog.Attr
	store *logStore
}

type logStore struct {
	mu   sync.Mutex
	recs []logRecord
}

func newLogSink(level slog.Level) *logSink { return &logSink{level: level, store: &logStore{}} }

func (h *logSink) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *logSink) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Msg: r.Message, Attrs: map[string]string{}}
	for _, a := range h.attrs {
		rec.Attrs[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		rec.Attrs[a.Key] = a.Value.String()
		return true
	})
	h.store.mu.Lock()
	h.store.recs = append(h.store.recs, rec)
	h.store.mu.Unlock()
	return nil
}

func (h *logSink) WithAttrs(as []slog.Attr) slog.Handler {
	return &logSink{level: h.level, attrs: append(slices.Clone(h.attrs), as...), store: h.store}
}

func (h *logSink) WithGroup(string) slog.Handler { return h }

func (h *logSink) records() []logRecord {
	h.store.mu.Lock()
	defer h.store.mu.Unlock()
	return slices.Clone(h.store.recs)
}

// find returns the first record with the message whose attributes include
// want; ok false when there is none.
func (h *logSink) find(msg string, want map[string]string) (logRecord, bool) {
	for _, r := range h.records() {
		if r.Msg != msg {
			continue
		}
		match := true
		for k, v := range want {
			match = match && r.Attrs[k] == v
		}
		if match {
			return r, true
		}
	}
	return logRecord{}, false
}

// wait waits for a record as find finds it.
func (h *logSink) wait(t *testing.T, msg string, want map[string]string) logRecord {
	t.Helper()
	var r logRecord
	eventually(t, 10*time.Second, fmt.Sprintf("a %q record with %v", msg, want), func() bool {
		var ok bool
		r, ok = h.find(msg, want)
		return ok
	})
	return r
}

type typedIn struct {
	N int `json:"n"`
}

// rejectStrings is a validator that rejects a payload whose "n" is a string.
var rejectStrings = sio.ValidatorFunc(func(_ string, data []byte) []sio.Violation {
	if strings.Contains(string(data), `"n":"`) {
		return []sio.Violation{{Path: "/n", Message: "must be a number"}}
	}
	return nil
})

// opsServer registers the handlers of ops-client.js and the failure cases
// of TestFailuresAreLogged.
func opsServer(srv *sio.Server) {
	ns := srv.Of("/")
	ns.On("echo", func(s *sio.Socket, e *sio.Event) { _ = e.Ack(e.Values()...) })
	sio.HandleAck(ns, "typed", func(ctx context.Context, s *sio.Socket, in typedIn) (typedIn, error) {
		return in, nil
	}, sio.WithValidator(rejectStrings, "typed"))
	sio.HandleAck(ns, "boom", func(ctx context.Context, s *sio.Socket, in struct{}) (struct{}, error) {
		panic("kaboom")
	})
	sio.HandleAck(ns, "fail", func(ctx context.Context, s *sio.Socket, in struct{}) (struct{}, error) {
		return struct{}{}, errors.New("database is down")
	})
	sio.HandleAck(ns, "nan", func(ctx context.Context, s *sio.Socket, in struct{}) (float64, error) {
		return math.NaN(), nil // JSON has no NaN: the result breaks any contract
	})
	sio.HandleAck(ns, "denied", func(ctx context.Context, s *sio.Socket, in struct{}) (struct{}, error) {
		return struct{}{}, sio.NewError("permission_denied", "no")
	})
	srv.Of("/locked").Use(func(ctx context.Context, s *sio.Socket) error {
		return &sio.Error{Code: sio.CodeUnauthenticated, Message: "bad token"}
	})
	srv.Of("/broken").Use(func(ctx context.Context, s *sio.Socket) error {
		return errors.New("session store unreachable")
	})
}

// TestFailuresAreLogged runs failures against a server with no logger
// configured: the errors reach slog.Default() (here a sink at info level)
// at error or warning level, the client's mistakes do not. Not parallel:
// it sets the default logger.
func TestFailuresAreLogged(t *testing.T) {
	sink := newLogSink(slog.LevelInfo)
	prev := slog.Default()
	slog.SetDefault(slog.New(sink))
	t.Cleanup(func() { slog.SetDefault(prev) })

	_, url := startServer(t, nil, opsServer)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := sio.Dial(ctx, url, clFastOpts([]string{"websocket"}))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())

	// A panic: logged with its stack, answered with internal.
	_, err = sio.Call[struct{}](ctx, cs, sio.AckEnvelope, "boom", struct{}{})
	if sio.CodeOf(err) != sio.CodeInternal {
		t.Fatalf("boom answered %v, want an internal error", err)
	}
	r := sink.wait(t, "handler panicked", map[string]string{"scope": "sio", "nsp": "/", "event": "boom", "panic": "kaboom"})
	if r.Level != slog.LevelError || !strings.Contains(r.Attrs["stack"], "ops_test.go") || r.Attrs["sid"] == "" {
		t.Errorf("panic record %+v: want level ERROR, a stack through ops_test.go, a sid", r)
	}
	// An error that reaches the client as internal: logged with its text,
	// which the client does not see.
	_, err = sio.Call[struct{}](ctx, cs, sio.AckEnvelope, "fail", struct{}{})
	var se *sio.Error
	if !errors.As(err, &se) || se.Code != sio.CodeInternal || strings.Contains(se.Message, "database") {
		t.Fatalf("fail answered %v, want internal without the cause", err)
	}
	r = sink.wait(t, "handler failed", map[string]string{"event": "fail"})
	if r.Level != slog.LevelError || !strings.Contains(r.Attrs["err"], "database is down") {
		t.Errorf("failure record %+v", r)
	}
	// A result that cannot be encoded: logged, answered with internal.
	if _, err := sio.Call[float64](ctx, cs, sio.AckEnvelope, "nan", struct{}{}); sio.CodeOf(err) != sio.CodeInternal {
		t.Fatalf("nan answered %v, want internal", err)
	}
	r = sink.wait(t, "handler result not sent: it cannot be encoded", map[string]string{"event": "nan"})
	if r.Level != slog.LevelError || !strings.Contains(r.Attrs["err"], "NaN") {
		t.Errorf("encoding failure record %+v", r)
	}
	// Expected errors and bad payloads: not logged at info level.
	if _, err := sio.Call[struct{}](ctx, cs, sio.AckEnvelope, "denied", struct{}{}); sio.CodeOf(err) != "permission_denied" {
		t.Fatalf("denied answered %v", err)
	}
	if _, err := sio.Call[typedIn](ctx, cs, sio.AckEnvelope, "typed", map[string]string{"n": "x"}); sio.CodeOf(err) != sio.CodeInvalidArgument {
		t.Fatalf("typed answered %v", err)
	}
	// A refusal that is the server's fault is a warning; the client's is not logged.
	for _, nsp := range []string{"/locked", "/broken"} {
		s, err := sio.NewSocket(url+nsp, clFastOpts([]string{"websocket"}))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Connect(ctx); err == nil {
			t.Fatalf("%s accepted the connection", nsp)
		}
		clClose(t, s.Manager())
	}
	r = sink.wait(t, "connection refused by the server", map[string]string{"nsp": "/broken"})
	if r.Level != slog.LevelWarn || !strings.Contains(r.Attrs["err"], "session store unreachable") {
		t.Errorf("refusal record %+v", r)
	}
	for _, r := range sink.records() {
		if r.Attrs["event"] == "denied" || r.Attrs["event"] == "typed" || r.Attrs["nsp"] == "/locked" || r.Level < slog.LevelWarn {
			t.Errorf("logged by default: %+v", r)
		}
	}
}

// TestDebugView runs the official client through ops-client.js against a
// server with the packet view on: every packet in and out is logged with
// its connection, transport, namespace, type, event, ack id and size, and
// so are the refused connect, the rejected payload and the unknown event;
// payloads only at DebugPayloads.
func TestDebugView(t *testing.T) {
	t.Parallel()
	for _, level := range []sio.DebugLevel{sio.DebugPackets, sio.DebugPayloads} {
		t.Run(fmt.Sprint(level), func(t *testing.T) {
			t.Parallel()
			sink := newLogSink(slog.LevelDebug)
			_, url := startServer(t, &sio.ServerOptions{Logger: slog.New(sink), Debug: level}, opsServer)
			p := nodetest.Start(t, "runtime/sio/testdata/ops-client.js", url+"/")
			done := p.Expect("done", 30*time.Second)
			if done["refused"] != "bad token" || !strings.Contains(fmt.Sprint(done["boom"]), "internal") {
				t.Errorf("client saw %v", done)
			}
			view := map[string]string{"scope": "sio:packets", "transport": "websocket", "nsp": "/"}
			with := func(kv ...string) map[string]string {
				m := map[string]string{}
				for k, v := range view {
					m[k] = v
				}
				for i := 0; i < len(kv); i += 2 {
					m[kv[i]] = kv[i+1]
				}
				return m
			}
			in := sink.wait(t, "packet in", with("type", "EVENT", "event", "echo", "ack", "0"))
			if in.Level != slog.LevelDebug || in.Attrs["conn"] == "" || in.Attrs["size"] == "" || in.Attrs["size"] == "0" {
				t.Errorf("packet in: %+v", in)
			}
			out := sink.wait(t, "packet out", with("type", "ACK", "ack", "0"))
			sink.wait(t, "packet out", with("type", "CONNECT"))
			sink.wait(t, "packet in", with("type", "EVENT", "event", "nobody"))
			sink.wait(t, "unknown event", map[string]string{"scope": "sio:packets", "event": "nobody"})
			rej := sink.wait(t, "payload rejected", map[string]string{"scope": "sio:packets", "event": "typed"})
			if !strings.Contains(rej.Attrs["details"], "must be a number") {
				t.Errorf("rejected payload record %+v: want the violation", rej)
			}
			ref := sink.wait(t, "connect refused", map[string]string{"scope": "sio:packets", "nsp": "/locked"})
			if !strings.Contains(ref.Attrs["err"], "bad token") {
				t.Errorf("refusal record %+v: want why", ref)
			}
			sink.wait(t, "packet out", with("type", "CONNECT_ERROR", "nsp", "/locked"))
			_, hasPayload := in.Attrs["payload"]
			if want := level == sio.DebugPayloads; hasPayload != want {
				t.Errorf("payload attribute present %v, want %v: %+v", hasPayload, want, in)
			}
			if level == sio.DebugPayloads && (!strings.Contains(in.Attrs["payload"], "secret-body") || !strings.Contains(out.Attrs["payload"], "secret-body")) {
				t.Errorf("payloads not shown: %+v %+v", in, out)
			}
			if level == sio.DebugPackets {
				for _, r := range sink.records() {
					if strings.Contains(fmt.Sprint(r.Attrs), "secret-body") {
						t.Errorf("payload logged without DebugPayloads: %+v", r)
					}
				}
			}
		})
	}
}

// TestClientDebugView runs the Go client with the packet view on: its
// packets in and out are logged, and a payload its typed handler rejects.
func TestClientDebugView(t *testing.T) {
	t.Parallel()
	srv, url := startServer(t, nil, opsServer)
	sink := newLogSink(slog.LevelDebug)
	opts := clFastOpts([]string{"websocket"})
	opts.Logger, opts.Debug = slog.New(sink), sio.DebugPackets
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	sio.OnClient(cs, "tick", func(ctx context.Context, in typedIn) {}, sio.WithValidator(rejectStrings, "tick"))
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.EmitWithAck(ctx, "echo", "hello"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Of("/").Emit("tick", map[string]string{"n": "x"}); err != nil {
		t.Fatal(err)
	}
	view := func(kv ...string) map[string]string {
		m := map[string]string{"scope": "sio:packets", "transport": "websocket", "nsp": "/"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	sink.wait(t, "packet out", view("type", "CONNECT"))
	sink.wait(t, "packet in", view("type", "CONNECT"))
	out := sink.wait(t, "packet out", view("type", "EVENT", "event", "echo", "ack", "0"))
	if out.Attrs["size"] != fmt.Sprint(len(`20["echo","hello"]`)) { // type, ack id, array
		t.Errorf("echo packet out: %+v", out)
	}
	sink.wait(t, "packet in", view("type", "ACK", "ack", "0"))
	sink.wait(t, "packet in", view("type", "EVENT", "event", "tick"))
	sink.wait(t, "payload rejected", map[string]string{"scope": "sio:packets", "event": "tick"})
}

// TestObserverDrops connects over long-polling and never polls: the
// CONNECT reply waits in the send queue, so a volatile emit is dropped,
// and an emit under BackpressureLatest replaces the waiting one of its
// key; the observer is told, with the packets before them.
func TestObserverDrops(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var seen []string
	note := func(format string, args ...any) {
		mu.Lock()
		seen = append(seen, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	obs := sio.Observer{
		Packet: func(p sio.PacketInfo) {
			note("packet %s %s %s %s %s", p.Direction, p.Transport, p.Namespace, p.Type, p.Event)
		},
		Connect: func(s *sio.Socket) { note("connect %s %s", s.Namespace().Name(), s.Transport()) },
		Dropped: func(p sio.PacketInfo, reason sio.DropReason) {
			note("dropped %s %s %s %s %s reason=%s", p.Direction, p.Namespace, p.Type, p.Event, p.Data, reason)
		},
	}
	srv, url := startServer(t, &sio.ServerOptions{Observers: []sio.Observer{obs}}, nil)
	res, err := http.Get(url + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var open struct{ SID string }
	if err := json.Unmarshal(body[1:], &open); err != nil {
		t.Fatalf("open packet %q: %v", body, err)
	}
	res, err = http.Post(url+"/socket.io/?EIO=4&transport=polling&sid="+open.SID, "text/plain", strings.NewReader("40"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	// The observer is told of the connection after the socket joins its
	// namespace: wait for both, so that the drops come after it.
	eventually(t, 10*time.Second, "the socket connected", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return srv.Of("/").Len() == 1 && slices.Contains(seen, "connect / polling")
	})
	s := srv.Of("/").Sockets()[0]
	if err := s.Volatile().Emit("tick", 1); err != nil {
		t.Fatal(err)
	}
	pos := s.Backpressure(sio.Backpressure{Mode: sio.BackpressureLatest, Key: "e1"})
	for i := range 2 {
		if err := pos.Emit("pos", i); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		"packet inbound polling / CONNECT ",
		"packet outbound polling / CONNECT ",
		"connect / polling",
		`dropped outbound / EVENT tick ["tick",1] reason=volatile`,
		"packet outbound polling / EVENT pos",
		"packet outbound polling / EVENT pos",
		`dropped outbound / EVENT pos ["pos",0] reason=superseded`,
	}
	eventually(t, 10*time.Second, "the drop observed", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.Equal(seen, want)
	})
}
