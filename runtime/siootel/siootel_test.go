package siootel_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siootel"
)

// sink is one side's instrumentation with in-memory exporters.
type sink struct {
	tel    *siootel.Telemetry
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
}

func newSink(t *testing.T) *sink {
	t.Helper()
	s := &sink{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(s.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(s.reader))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	tel, err := siootel.New(&siootel.Options{TracerProvider: tp, MeterProvider: mp})
	if err != nil {
		t.Fatal(err)
	}
	s.tel = tel
	return s
}

// span returns the ended span with the name.
func (s *sink) span(t *testing.T, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, sp := range s.spans.Ended() {
		if sp.Name() == name {
			return sp
		}
	}
	t.Fatalf("no span %q", name)
	return nil
}

// value returns the sum of the int64 counter, or the count of the
// histogram, over the points whose attributes include want.
func (s *sink) value(t *testing.T, name string, want ...attribute.KeyValue) int64 {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := s.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	has := func(set attribute.Set) bool {
		for _, kv := range want {
			if v, ok := set.Value(kv.Key); !ok || v != kv.Value {
				return false
			}
		}
		return true
	}
	var total int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					if has(p.Attributes) {
						total += p.Value
					}
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					if has(p.Attributes) {
						total += int64(p.Count)
					}
				}
			}
		}
	}
	return total
}

// waitValue waits until value returns want.
func (s *sink) waitValue(t *testing.T, want int64, name string, attrs ...attribute.KeyValue) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.value(t, name, attrs...)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s%v = %d, want %d", name, attrs, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func attrsOf(sp sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range sp.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

// failingAdapter fails the broadcasts to the room "broken".
type failingAdapter struct{ *sio.MemoryAdapter }

func (a failingAdapter) Broadcast(p *sio.Packet, o *sio.BroadcastOptions) error {
	if slices.Contains(o.Rooms, "broken") {
		return errors.New("adapter down")
	}
	return a.MemoryAdapter.Broadcast(p, o)
}

type num struct {
	N int `json:"n"`
}

var (
	nsp      = attribute.String("socketio.namespace", "/")
	in, out  = attribute.String("socketio.direction", "in"), attribute.String("socketio.direction", "out")
	ok       = attribute.String("socketio.outcome", "ok")
	refused  = attribute.String("socketio.outcome", "refused")
	accepted = attribute.String("socketio.outcome", "accepted")
)

func event(name string) attribute.KeyValue { return attribute.String("socketio.event", name) }

// TestTelemetry runs a Go client against a Go server, both instrumented,
// and reads the spans and metrics from the SDK's in-memory exporters.
func TestTelemetry(t *testing.T) {
	srvSide, cliSide := newSink(t), newSink(t)
	srv := sio.NewServer(srvSide.tel.Server(&sio.ServerOptions{
		Adapter: func(ns *sio.Namespace) sio.Adapter { return failingAdapter{sio.NewMemoryAdapter(ns)} },
	}))
	root := srv.Of("/")
	sio.HandleAck(root, "double", func(ctx context.Context, s *sio.Socket, in num) (num, error) { return num{2 * in.N}, nil })
	sio.HandleAck(root, "find", func(ctx context.Context, s *sio.Socket, in num) (num, error) {
		return num{}, sio.NewError("not_found", "no %d", in.N)
	})
	sio.HandleAck(root, "typed", func(ctx context.Context, s *sio.Socket, in num) (num, error) { return in, nil },
		sio.WithValidator(sio.ValidatorFunc(func(string, []byte) []sio.Violation { return []sio.Violation{{Message: "never"}} }), "x"))
	srv.Of("/locked").Use(func(ctx context.Context, s *sio.Socket) error { return sio.NewError(sio.CodeUnauthenticated, "no") })
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(hs.URL, cliSide.tel.Client(&sio.ClientOptions{Transports: []string{"websocket"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Manager().Close()
	sio.OnClientAck(cs, "ask", func(ctx context.Context, q string) (string, error) { return "yes", nil }, sio.WithAckStyle(sio.AckPlain))
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	srvSide.waitValue(t, 1, "siogen.sockets.connected", nsp)

	if r, err := sio.Call[num](ctx, cs, sio.AckEnvelope, "double", num{2}); err != nil || r.N != 4 {
		t.Fatalf("double: %v %v", r, err)
	}
	if _, err := sio.Call[num](ctx, cs, sio.AckEnvelope, "find", num{7}); sio.CodeOf(err) != "not_found" {
		t.Fatalf("find: %v", err)
	}
	if _, err := sio.Call[num](ctx, cs, sio.AckEnvelope, "typed", num{1}); sio.CodeOf(err) != sio.CodeInvalidArgument {
		t.Fatalf("typed: %v", err)
	}
	s := root.Sockets()[0]
	if a, err := sio.Call[string](ctx, s, sio.AckPlain, "ask", "?"); err != nil || a != "yes" {
		t.Fatalf("ask: %q %v", a, err)
	}
	if err := srv.To("broken").Emit("x"); err == nil {
		t.Fatal("the broadcast to the broken room did not fail")
	}
	locked, err := sio.NewSocket(hs.URL+"/locked", &sio.ClientOptions{Transports: []string{"websocket"}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := locked.Connect(ctx); err == nil {
		t.Fatal("/locked accepted")
	}
	locked.Manager().Close()
	nowhere, err := sio.NewSocket(hs.URL+"/nowhere", &sio.ClientOptions{Transports: []string{"websocket"}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := nowhere.Connect(ctx); sio.CodeOf(err) != "invalid_namespace" {
		t.Fatalf("/nowhere: %v", err)
	}
	nowhere.Manager().Close()

	// Spans: the server's.
	sp := srvSide.span(t, "receive double")
	if a := attrsOf(sp); sp.SpanKind() != trace.SpanKindServer || a["socketio.namespace"].AsString() != "/" ||
		a["socketio.event"].AsString() != "double" || !a["socketio.ack"].AsBool() || a["socketio.outcome"].AsString() != "ok" {
		t.Errorf("receive double: kind %v, %v", sp.SpanKind(), a)
	}
	sp = srvSide.span(t, "receive find")
	if a := attrsOf(sp); sp.Status().Code != codes.Error || a["socketio.outcome"].AsString() != "error" || a["socketio.error.code"].AsString() != "not_found" {
		t.Errorf("receive find: status %v, %v", sp.Status(), a)
	}
	if sp := srvSide.span(t, "call ask"); sp.SpanKind() != trace.SpanKindClient || attrsOf(sp)["socketio.outcome"].AsString() != "ok" {
		t.Errorf("call ask: kind %v, %v", sp.SpanKind(), attrsOf(sp))
	}
	// The client's.
	if sp := cliSide.span(t, "receive ask"); sp.SpanKind() != trace.SpanKindConsumer {
		t.Errorf("client receive ask: kind %v", sp.SpanKind())
	}
	if sp := cliSide.span(t, "call find"); attrsOf(sp)["socketio.error.code"].AsString() != "not_found" {
		t.Errorf("client call find: %v", attrsOf(sp))
	}

	// Metrics.
	for _, c := range []struct {
		name  string
		attrs []attribute.KeyValue
		want  int64
	}{
		{"siogen.events", []attribute.KeyValue{nsp, event("double"), in, ok}, 1},
		{"siogen.events", []attribute.KeyValue{nsp, event("find"), in, attribute.String("socketio.outcome", "not_found")}, 1},
		{"siogen.events", []attribute.KeyValue{nsp, event("ask"), out, ok}, 1},
		{"siogen.events", []attribute.KeyValue{event("typed")}, 0}, // rejected before the handler
		{"siogen.ack.duration", []attribute.KeyValue{nsp, event("ask"), ok}, 1},
		{"siogen.validation.failures", []attribute.KeyValue{nsp, event("typed")}, 1},
		{"siogen.handshakes", []attribute.KeyValue{nsp, attribute.String("socketio.transport", "websocket"), accepted}, 1},
		{"siogen.handshakes", []attribute.KeyValue{attribute.String("socketio.namespace", "/locked"), refused}, 1},
		{"siogen.handshakes", []attribute.KeyValue{attribute.String("socketio.namespace", "(invalid)"), refused}, 1},
		{"siogen.handshakes", []attribute.KeyValue{attribute.String("socketio.namespace", "/nowhere")}, 0},
		{"siogen.adapter.errors", []attribute.KeyValue{nsp}, 1},
	} {
		if got := srvSide.value(t, c.name, c.attrs...); got != c.want {
			t.Errorf("server %s%v = %d, want %d", c.name, c.attrs, got, c.want)
		}
	}
	for _, c := range []struct {
		name  string
		attrs []attribute.KeyValue
		want  int64
	}{
		{"siogen.events", []attribute.KeyValue{nsp, event("double"), out, ok}, 1},
		{"siogen.events", []attribute.KeyValue{nsp, event("ask"), in, ok}, 1},
		{"siogen.ack.duration", []attribute.KeyValue{nsp, event("find"), attribute.String("socketio.outcome", "not_found")}, 1},
	} {
		if got := cliSide.value(t, c.name, c.attrs...); got != c.want {
			t.Errorf("client %s%v = %d, want %d", c.name, c.attrs, got, c.want)
		}
	}
	if b := srvSide.value(t, "siogen.bytes", in); b < 20 {
		t.Errorf("bytes in = %d", b)
	}
	if b := srvSide.value(t, "siogen.bytes", out); b < 20 {
		t.Errorf("bytes out = %d", b)
	}
	cs.Manager().Close()
	srvSide.waitValue(t, 0, "siogen.sockets.connected", nsp)
}

// TestHeartbeatTimeout connects a peer that never answers pings: the
// socket's ping timeout is counted.
func TestHeartbeatTimeout(t *testing.T) {
	side := newSink(t)
	srv := sio.NewServer(side.tel.Server(&sio.ServerOptions{
		Engine: &engineio.ServerOptions{PingInterval: 50 * time.Millisecond, PingTimeout: 50 * time.Millisecond},
	}))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, _, err := ws.ReadMessage(); err != nil { // the open packet
		t.Fatal(err)
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
		t.Fatal(err)
	}
	side.waitValue(t, 1, "siogen.heartbeat.timeouts", nsp)
	side.waitValue(t, 0, "siogen.sockets.connected", nsp)
}

// TestLimits counts the events refused by their limits, the socket
// disconnected for too many of them, and a handshake refused by the
// per-address limit.
func TestLimits(t *testing.T) {
	side := newSink(t)
	var hookCalls atomic.Int64
	srv := sio.NewServer(side.tel.Server(&sio.ServerOptions{Engine: &engineio.ServerOptions{
		HandshakeLimit: &engineio.HandshakeLimit{Rate: 1e-6, Burst: 1, OnLimited: func(*http.Request, string) { hookCalls.Add(1) }},
	}}))
	root := srv.Of("/")
	sio.HandleAck(root, "echo", func(ctx context.Context, s *sio.Socket, in num) (num, error) { return in, nil })
	root.Limit("echo", sio.Limits{MaxPayload: 10})
	root.DisconnectAfter(1, time.Minute)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	opts := &sio.ClientOptions{Transports: []string{"websocket"}, DisableReconnection: true}
	cs, err := sio.Dial(ctx, hs.URL, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Manager().Close()
	big := num{N: 1_000_000_000_000}
	if _, err := sio.Call[num](ctx, cs, sio.AckEnvelope, "echo", big); sio.CodeOf(err) != sio.CodeResourceExhausted {
		t.Fatalf("echo over the limit: %v", err)
	}
	_ = cs.Emit("echo", big)
	side.waitValue(t, 1, "siogen.limit.disconnects", nsp)
	if n := side.value(t, "siogen.limit.refusals", nsp, event("echo"), attribute.String("socketio.limit", "payload")); n != 2 {
		t.Errorf("siogen.limit.refusals = %d, want 2", n)
	}
	if _, err := sio.Dial(ctx, hs.URL, opts); err == nil {
		t.Fatal("a second handshake from the address was accepted")
	}
	if n := side.value(t, "siogen.handshakes.limited"); n != 1 || hookCalls.Load() != 1 {
		t.Errorf("siogen.handshakes.limited = %d, the user's hook called %d times; want 1, 1", n, hookCalls.Load())
	}
}

// TestDrops counts the packets back-pressure drops, by reason, on a
// polling socket that never polls: what it is sent waits in its queue.
func TestDrops(t *testing.T) {
	side := newSink(t)
	srv := sio.NewServer(side.tel.Server(nil))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())
	res, err := http.Get(hs.URL + "/socket.io/?EIO=4&transport=polling")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var open struct{ SID string }
	if err := json.Unmarshal(body[1:], &open); err != nil {
		t.Fatalf("open packet %q: %v", body, err)
	}
	res, err = http.Post(hs.URL+"/socket.io/?EIO=4&transport=polling&sid="+open.SID, "text/plain", strings.NewReader("40"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	side.waitValue(t, 1, "siogen.sockets.connected", nsp)
	s := srv.Of("/").Sockets()[0]
	// The CONNECT reply waits: a volatile emit is dropped.
	if err := s.Backpressure(sio.Backpressure{Mode: sio.BackpressureVolatile}).Emit("tick", 1); err != nil {
		t.Fatal(err)
	}
	// Three positions of one entity wait as one.
	pos := s.Backpressure(sio.Backpressure{Mode: sio.BackpressureLatest, Key: "e1"})
	for i := range 3 {
		if err := pos.Emit("pos", i); err != nil {
			t.Fatal(err)
		}
	}
	// Two wait (the reply and a position): a third over a bound of 2
	// closes the connection.
	err = s.Backpressure(sio.Backpressure{Max: 2}).Emit("log", "x")
	if err == nil {
		t.Fatal("emit over the bound succeeded")
	}
	reason := func(r string) attribute.KeyValue { return attribute.String("socketio.reason", r) }
	side.waitValue(t, 1, "siogen.drops", nsp, event("tick"), reason("volatile"))
	side.waitValue(t, 2, "siogen.drops", nsp, event("pos"), reason("superseded"))
	side.waitValue(t, 1, "siogen.drops", nsp, event("log"), reason("send_queue_full"))
	side.waitValue(t, 0, "siogen.sockets.connected", nsp)
}
