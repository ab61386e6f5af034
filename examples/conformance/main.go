// Command conformance serves the protocol-conformance endpoints that
// third-party Engine.IO and Socket.IO test suites expect, on one listener.
// Its settings are the suites': pingInterval 300ms, pingTimeout 200ms,
// maxPayload 1000000, connectTimeout 1000ms, CORS "*", recovery off.
//
//   - /engine.io/: a bare Engine.IO server that echoes every message.
//   - /socket.io/: namespace "/" emits "auth" with the CONNECT payload on
//     connection, answers "message" with "message-back" carrying the same
//     arguments, and acknowledges "message-with-ack" and "echo" with their
//     arguments; namespace "/custom" emits "auth" the same way; every other
//     namespace is refused with "Invalid namespace".
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
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("conformance server listening on http://%s (/engine.io/ and /socket.io/)\n", ln.Addr())
	handler, shutdown := newHandler(suitePingTimeout)
	hs := &http.Server{
		Handler: handler,
		// Limits for a realtime server: headers must come quickly and stay
		// small (16 KiB, as in Node), and idle keep-alive connections end.
		// No ReadTimeout or WriteTimeout: long-polls and websockets outlive
		// any one; the Engine.IO server bounds its writes itself.
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    16 << 10,
		IdleTimeout:       60 * time.Second,
	}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutdown(sctx)
		_ = hs.Shutdown(sctx)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// suitePingTimeout is the suites' ping timeout.
const suitePingTimeout = 200 * time.Millisecond

// newHandler returns the conformance endpoints on one mux, and a function
// that shuts both servers down. The settings are the suites', but for the
// ping timeout (tests of other things than heartbeats use a longer one).
func newHandler(pingTimeout time.Duration) (http.Handler, func(context.Context)) {
	engine := &engineio.ServerOptions{
		PingInterval: 300 * time.Millisecond,
		PingTimeout:  pingTimeout,
		MaxPayload:   1_000_000,
		CORS:         &engineio.CORSOptions{AllowedOrigins: []string{"*"}},
	}
	eio := engineio.NewServer(engineio.HandlerFunc(echo), engine)
	sio := newSocketIO(engine)
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", eio)
	mux.Handle("/socket.io/", sio)
	return mux, func(ctx context.Context) {
		_ = eio.Shutdown(ctx)
		_ = sio.Shutdown(ctx)
	}
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
