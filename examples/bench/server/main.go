// Command server is the benchmark server generated from
// examples/schemas/bench.siogen.yaml, with the contract checked both ways:
// echo acknowledges with the received Sample (plain ack), bcast emits it
// to every socket of "/". With BENCH_SKIP_OUTGOING_CHECKS=1 it skips the
// checks of what it sends (ServerOptions.SkipOutgoingChecks), which
// run.sh measures as the server "typed-nocheck". See examples/bench/run.sh.
//
// BENCH_VARIANT selects what the server logs and measures, to show their
// cost: "" (the default logging: warnings and errors to slog.Default()),
// "quiet" (a logger that discards everything, as the runtime did before
// it logged failures by default), "otel" (runtime/siootel with the
// OpenTelemetry SDK: every event a span, always sampled, and the metrics,
// collected in memory and never exported), "limits" (a limit on echo that
// never triggers: 1e9 events a second, 1 MiB payloads, 1,000 pending acks;
// the cost of enforcing limits, run.sh's "typed-limits").
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/siogen/siogen/examples/bench/internal/serve"
	"github.com/siogen/siogen/examples/generated/go/bench"
	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siootel"
)

func main() {
	h, err := handler(os.Getenv("BENCH_VARIANT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "server:", err)
		os.Exit(2)
	}
	os.Exit(serve.Main("server", h))
}

type server struct {
	bench.UnimplementedMainServer
	all bench.MainBroadcast
}

func (server) Echo(_ context.Context, _ bench.MainSocket, in *bench.Sample) (*bench.Sample, error) {
	return in, nil
}

func (s server) Bcast(_ context.Context, _ bench.MainSocket, in *bench.Sample) {
	_ = s.all.EmitBcast(in)
}

func handler(variant string) (http.Handler, error) {
	opts := &sio.ServerOptions{
		Engine:             &engineio.ServerOptions{HTTPCompressionThreshold: -1},
		SkipOutgoingChecks: os.Getenv("BENCH_SKIP_OUTGOING_CHECKS") == "1",
	}
	switch variant {
	case "":
	case "quiet":
		opts.Logger = slog.New(slog.DiscardHandler)
	case "otel":
		tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
		tel, err := siootel.New(&siootel.Options{TracerProvider: tp, MeterProvider: mp})
		if err != nil {
			return nil, err
		}
		opts = tel.Server(opts)
	case "limits":
	default:
		return nil, fmt.Errorf("unknown BENCH_VARIANT %q (want quiet, otel or limits)", variant)
	}
	srv := sio.NewServer(opts)
	bench.RegisterMainServer(srv, server{all: bench.NewMainBroadcast(srv)})
	if variant == "limits" {
		srv.Of("/").Limit("echo", sio.Limits{Rate: 1e9, MaxPayload: 1 << 20, MaxPendingAcks: 1000})
	}
	return srv, nil
}
