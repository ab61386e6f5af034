// Package serve runs the benchmark servers of examples/bench: it listens on
// 127.0.0.1 at -addr (default $PORT, else 3100), prints "listening <addr>"
// once it accepts connections, optionally serves pprof on -pprof, and stops
// on SIGINT or SIGTERM.
package serve

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // registered on http.DefaultServeMux, served only with -pprof
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Main parses the flags, serves h and returns the process exit code.
func Main(name string, h http.Handler) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	port := os.Getenv("PORT")
	if port == "" {
		port = "3100"
	}
	addr := fs.String("addr", "127.0.0.1:"+port, "listen address")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof on this address (e.g. 127.0.0.1:6060)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: failed to listen: %v\n", name, err)
		return 1
	}
	if *pprofAddr != "" {
		go func() { _ = http.ListenAndServe(*pprofAddr, nil) }()
	}
	hs := &http.Server{
		Handler: h,
		// Limits for a realtime server: headers must come quickly and stay
		// small (16 KiB, as in Node), and idle keep-alive connections end.
		// No ReadTimeout or WriteTimeout: long-polls and websockets outlive
		// any one; the Engine.IO server bounds its writes itself.
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    16 << 10,
		IdleTimeout:       60 * time.Second,
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	fmt.Printf("listening %s\n", ln.Addr())
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}
