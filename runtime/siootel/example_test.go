package siootel_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siootel"
)

// A server instrumented with siootel: each event handled is a span, and
// counted. A program would give the providers exporters (OTLP, the
// Prometheus exporter) instead of the in-memory ones used here.
func ExampleTelemetry_Server() {
	spans := tracetest.NewSpanRecorder()
	reader := sdkmetric.NewManualReader()
	tel, err := siootel.New(&siootel.Options{
		TracerProvider: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans)),
		MeterProvider:  sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
	})
	if err != nil {
		panic(err)
	}
	srv := sio.NewServer(tel.Server(nil))
	sio.HandleAck(srv.Of("/"), "double", func(ctx context.Context, s *sio.Socket, n int) (int, error) {
		return 2 * n, nil
	}, sio.WithAckStyle(sio.AckPlain))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := sio.Dial(ctx, hs.URL, nil)
	if err != nil {
		panic(err)
	}
	defer cs.Manager().Close()
	if _, err := sio.Call[int](ctx, cs, sio.AckPlain, "double", 21); err != nil {
		panic(err)
	}

	for _, s := range spans.Ended() {
		fmt.Println("span:", s.Name())
	}
	var rm metricdata.ResourceMetrics
	_ = reader.Collect(ctx, &rm)
	for _, m := range rm.ScopeMetrics[0].Metrics {
		if m.Name == "siogen.events" {
			for _, p := range m.Data.(metricdata.Sum[int64]).DataPoints {
				event, _ := p.Attributes.Value("socketio.event")
				outcome, _ := p.Attributes.Value("socketio.outcome")
				fmt.Println("events:", event.AsString(), outcome.AsString(), p.Value)
			}
		}
	}
	// Output:
	// span: receive double
	// events: double ok 1
}
