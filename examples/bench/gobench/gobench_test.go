package gobench_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/siogen/siogen/examples/generated/go/bench"
	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siojson"
	"github.com/siogen/siogen/runtime/siootel"
	"github.com/siogen/siogen/runtime/siovalidate"
)

// sample is the ~100-byte payload of examples/bench.
var sample = []byte(`{"client":7,"pad":"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrs","seq":42,"ts":123456789}`)

const echoSchema = "https://siogen.dev/examples/schemas/bench/Main/Echo.payload.json"

// BenchmarkValidate validates the payload against the generated JSON Schema.
func BenchmarkValidate(b *testing.B) {
	v, err := siovalidate.NewFS(os.DirFS("../../generated/jsonschema"))
	if err != nil {
		b.Fatal(err)
	}
	if vs := v.Validate(echoSchema, sample); vs != nil {
		b.Fatal(vs)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = v.Validate(echoSchema, sample)
	}
}

// BenchmarkDecode decodes the payload into the generated type, with the
// reflective decoder (Raw.Decode) and with the generated one, which typed
// handlers use.
func BenchmarkDecode(b *testing.B) {
	b.Run("reflect", func(b *testing.B) {
		r := sio.NewRaw(sample)
		b.ReportAllocs()
		for b.Loop() {
			var s bench.Sample
			if err := r.Decode(&s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, vs := siojson.Decode(sample, nil, siojson.ReadPointer[bench.Sample]); vs != nil {
				b.Fatal(vs)
			}
		}
	})
}

// BenchmarkEncode appends the payload's JSON with the generated encoder,
// which emits and acknowledgements use.
func BenchmarkEncode(b *testing.B) {
	s, vs := siojson.Decode(sample, nil, siojson.ReadPointer[bench.Sample])
	if vs != nil {
		b.Fatal(vs)
	}
	buf := make([]byte, 0, 256)
	if got, _ := s.AppendJSON(buf); !bytes.Equal(got, sample) {
		b.Fatalf("AppendJSON = %s", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = s.AppendJSON(buf[:0])
	}
}

// dial opens a raw websocket client on the server and connects "/".
func dial(b *testing.B, url string) *websocket.Conn {
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := ws.ReadMessage(); err != nil { // open
		b.Fatal(err)
	}
	if err := ws.WriteMessage(websocket.TextMessage, []byte("40")); err != nil {
		b.Fatal(err)
	}
	if _, m, err := ws.ReadMessage(); err != nil || !bytes.HasPrefix(m, []byte("40")) {
		b.Fatalf("CONNECT reply %q, %v", m, err)
	}
	return ws
}

func startServer(b *testing.B, srv *sio.Server) string {
	hs := httptest.NewServer(srv)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
	})
	return hs.URL
}

type echoServer struct{ bench.UnimplementedMainServer }

func (echoServer) Echo(_ context.Context, _ bench.MainSocket, in *bench.Sample) (*bench.Sample, error) {
	return in, nil
}

// BenchmarkEchoAck measures the ack round trip of echo over a loopback
// websocket: the generated checking handler (payload and ack checked), the
// same without the check of the ack it sends ("typed/nocheck",
// ServerOptions.SkipOutgoingChecks), and the untyped one. The typed
// handler also runs with a logger that discards everything ("typed/quiet",
// against the default logging of "typed") and with runtime/siootel on the
// OpenTelemetry SDK ("typed/otel": every event a span, always sampled;
// metrics collected in memory), and with a limit on echo that never
// triggers ("typed/limits": rate 1e9/s, 1 MiB payloads, 1,000 pending
// acks), against "typed" for the cost of limits.
func BenchmarkEchoAck(b *testing.B) {
	frame := append(append([]byte(`421["echo",`), sample...), ']')
	want := append(append([]byte(`431[`), sample...), ']')
	for _, api := range []string{"typed", "typed/nocheck", "typed/quiet", "typed/otel", "typed/limits", "untyped"} {
		b.Run(api, func(b *testing.B) {
			opts := &sio.ServerOptions{SkipOutgoingChecks: api == "typed/nocheck"}
			switch api {
			case "typed/quiet":
				opts.Logger = slog.New(slog.DiscardHandler)
			case "typed/otel":
				tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
				mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
				tel, err := siootel.New(&siootel.Options{TracerProvider: tp, MeterProvider: mp})
				if err != nil {
					b.Fatal(err)
				}
				opts = tel.Server(opts)
			}
			srv := sio.NewServer(opts)
			if strings.HasPrefix(api, "typed") {
				bench.RegisterMainServer(srv, echoServer{})
				if api == "typed/limits" {
					srv.Of("/").Limit("echo", sio.Limits{Rate: 1e9, MaxPayload: 1 << 20, MaxPendingAcks: 1000})
				}
			} else {
				srv.Of("/").On("echo", func(_ *sio.Socket, e *sio.Event) { _ = e.Ack(e.At(0)) })
			}
			ws := dial(b, startServer(b, srv))
			defer ws.Close()
			b.ReportAllocs()
			for b.Loop() {
				if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
					b.Fatal(err)
				}
				_, m, err := ws.ReadMessage()
				if err != nil || !bytes.Equal(m, want) {
					b.Fatalf("ack %q, %v", m, err)
				}
			}
		})
	}
}

// BenchmarkBroadcast1000 measures one broadcast to 1,000 websocket sockets
// (encode once, queue everywhere), with the clients draining.
func BenchmarkBroadcast1000(b *testing.B) {
	srv := sio.NewServer(&sio.ServerOptions{Engine: &engineio.ServerOptions{MaxQueuedMessages: -1}})
	ns := srv.Of("/")
	url := startServer(b, srv)
	var wg sync.WaitGroup
	conns := make([]*websocket.Conn, 1000)
	for i := range conns {
		conns[i] = dial(b, url)
		wg.Add(1)
		go func(ws *websocket.Conn) {
			defer wg.Done()
			for {
				if _, _, err := ws.NextReader(); err != nil {
					return
				}
			}
		}(conns[i])
	}
	defer func() {
		for _, ws := range conns {
			_ = ws.Close()
		}
		wg.Wait()
	}()
	all := ns.Except()
	payload := sio.NewRaw(sample)
	b.ReportAllocs()
	for b.Loop() {
		if err := all.Emit("bcast", payload); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/delivery")
}
