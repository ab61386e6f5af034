// Command conformance serves the protocol-conformance endpoints that
// third-party Engine.IO and Socket.IO test suites expect, on one listener:
// /engine.io/ echoes every message unchanged. Its settings are the suites':
// pingInterval 300ms, pingTimeout 200ms, maxPayload 1000000, CORS "*".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "address to listen on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *addr); err != nil {
		fmt.Fprintln(os.Stderr, "conformance:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, addr string) error {
	eio := engineio.NewServer(engineio.HandlerFunc(echo), &engineio.ServerOptions{
		PingInterval: 300 * time.Millisecond,
		PingTimeout:  200 * time.Millisecond,
		MaxPayload:   1_000_000,
		CORS:         &engineio.CORSOptions{AllowedOrigins: []string{"*"}},
	})
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", eio)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("conformance server listening on http://%s (engine.io: /engine.io/)\n", ln.Addr())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = eio.Shutdown(sctx)
		_ = hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// echo sends every message back unchanged.
func echo(c *engineio.Conn) {
	for {
		typ, data, err := c.Receive(context.Background())
		if err != nil {
			return
		}
		if c.Send(typ, data) != nil {
			return
		}
	}
}
