// Command untyped is the benchmark server of examples/bench written against
// the untyped runtime API (no generated code, no validation): echo
// acknowledges with the received argument, bcast re-emits it unchanged to
// every socket of "/".
package main

import (
	"net/http"
	"os"

	"github.com/siogen/siogen/examples/bench/internal/serve"
	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

func main() { os.Exit(serve.Main("untyped", handler())) }

func handler() http.Handler {
	srv := sio.NewServer(&sio.ServerOptions{Engine: &engineio.ServerOptions{HTTPCompressionThreshold: -1}})
	ns := srv.Of("/")
	all := ns.Except()
	ns.On("echo", func(_ *sio.Socket, e *sio.Event) { _ = e.Ack(e.At(0)) })
	ns.On("bcast", func(_ *sio.Socket, e *sio.Event) { _ = all.Emit("bcast", e.At(0)) })
	return srv
}
