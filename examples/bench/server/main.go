// Command server is the benchmark server generated from
// examples/schemas/bench.siogen.yaml, with the contract checked both ways:
// echo acknowledges with the received Sample (plain ack), bcast emits it
// to every socket of "/". With BENCH_SKIP_OUTGOING_CHECKS=1 it skips the
// checks of what it sends (ServerOptions.SkipOutgoingChecks), which
// run.sh measures as the server "typed-nocheck". See examples/bench/run.sh.
package main

import (
	"context"
	"net/http"
	"os"

	"github.com/siogen/siogen/examples/bench/internal/serve"
	"github.com/siogen/siogen/examples/generated/go/bench"
	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

func main() { os.Exit(serve.Main("server", handler())) }

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

func handler() http.Handler {
	srv := sio.NewServer(&sio.ServerOptions{
		Engine:             &engineio.ServerOptions{HTTPCompressionThreshold: -1},
		SkipOutgoingChecks: os.Getenv("BENCH_SKIP_OUTGOING_CHECKS") == "1",
	})
	bench.RegisterMainServer(srv, server{all: bench.NewMainBroadcast(srv)})
	return srv
}
