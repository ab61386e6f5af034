package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/sioadmin"
)

// options configure the chat server; see doc.go for the flags.
type options struct {
	web       iofs.FS // the page: index.html, style.css, dist/app.js
	clientDir string  // socket.io-client/dist, served at /socket.io/socket.io.js; "" to not serve it
	publicURL string  // base of image links
	// adapter, when set, makes the sio adapter of each namespace (e.g. a
	// Redis adapter to run several nodes); nil means in memory.
	adapter func(ns *sio.Namespace) sio.Adapter
	// telemetry, when set, instruments the server and serves its metrics
	// at /metrics.
	telemetry *telemetry
}

// app is a chat server: an http.Handler for the page, the images and
// Socket.IO.
type app struct {
	sio     *sio.Server
	chat    *chatServer
	handler http.Handler
	mux     *http.ServeMux
	web     iofs.FS
	admin   *sioadmin.Admin // nil unless enableAdmin
}

func newApp(o options) *app {
	sopts := &sio.ServerOptions{
		Recovery:  &sio.RecoveryOptions{},
		Adapter:   o.adapter,
		ClientDir: o.clientDir,
		// Images travel as binary attachments; over HTTP long-polling they
		// are base64 encoded, a third larger.
		Engine: &engineio.ServerOptions{MaxPayload: 8 << 20},
	}
	if o.telemetry != nil {
		sopts = o.telemetry.tel.Server(sopts)
	}
	srv := sio.NewServer(sopts)
	images := newImageStore(o.publicURL)
	svc := newChatService(images)
	svc.register(srv)

	mux := http.NewServeMux()
	a := &app{sio: srv, chat: svc, web: o.web, mux: mux}
	mux.Handle("/socket.io/", srv)
	mux.Handle("GET /images/", images)
	mux.HandleFunc("GET /{$}", a.serveIndex)
	mux.HandleFunc("GET /style.css", a.serveFile("style.css", "text/css; charset=utf-8"))
	mux.Handle("GET /dist/", noCache(http.FileServerFS(o.web)))
	if o.telemetry != nil {
		mux.Handle("GET /metrics", o.telemetry.handler)
	}
	a.handler = mux
	return a
}

// bundle is the page's script, built by web/build.mjs.
const bundle = "dist/app.js"

func (a *app) bundleMissing() bool {
	_, err := iofs.Stat(a.web, bundle)
	return err != nil
}

const buildHint = "the page's bundle is missing: build it with `npm ci && node examples/chat/web/build.mjs` at the repository root"

func (a *app) serveIndex(w http.ResponseWriter, r *http.Request) {
	if a.bundleMissing() {
		http.Error(w, "chat: "+buildHint+", then reload.", http.StatusServiceUnavailable)
		return
	}
	a.serveFile("index.html", "text/html; charset=utf-8")(w, r)
}

func (a *app) serveFile(name, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, a.web, name)
	}
}

func noCache(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

// shutdown disconnects every client, then stops the HTTP server.
func (a *app) shutdown(ctx context.Context, hs *http.Server) error {
	var errs []error
	if a.admin != nil {
		errs = append(errs, a.admin.Close())
	}
	errs = append(errs, a.sio.Shutdown(ctx))
	return errors.Join(append(errs, hs.Shutdown(ctx))...)
}

// run is the chat command: it serves until ctx is done, then shuts down
// gracefully. It returns the exit code: 0 ok, 1 failure, 2 usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`; port 0 picks a free one")
	dir := fs.String("dir", "", "web `directory` with index.html, style.css and dist/app.js to serve instead of the page built into the binary (for build.mjs --watch: examples/chat/web)")
	clientDir := fs.String("client-dir", "", "installed socket.io-client/dist `directory` to serve at /socket.io/socket.io.js (default: node_modules/socket.io-client/dist when found)")
	publicURL := fs.String("public-url", "", "`URL` clients reach the server at, for image links (default http://<addr>)")
	redisAddr := fs.String("redis", "", "Redis `address` (host:port) to share rooms and broadcasts with other nodes; default: in memory")
	metrics := fs.Bool("metrics", true, "serve OpenTelemetry metrics in the Prometheus format at /metrics")
	adminLogin := fs.String("admin", "", "enable the Socket.IO Admin UI's /admin namespace for `user:bcrypt-hash` (an htpasswd -nbB line); default: off")
	adminUI := fs.String("admin-ui", "", "the @socket.io/admin-ui package's ui/dist `directory`, served at /admin-ui/ with -admin (default: node_modules/@socket.io/admin-ui/ui/dist when found)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "chat: unexpected arguments %q\n", fs.Args())
		return 2
	}
	o := options{web: embeddedWeb(), clientDir: *clientDir, publicURL: *publicURL}
	if *dir != "" {
		o.web = os.DirFS(*dir)
	}
	if o.clientDir == "" {
		o.clientDir = findUp(filepath.Join("node_modules", "socket.io-client", "dist"))
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "chat: failed to listen: %v\n", err)
		return 1
	}
	if o.publicURL == "" {
		o.publicURL = "http://" + displayAddr(ln.Addr())
	}
	if *redisAddr != "" {
		rdb := redis.NewClient(&redis.Options{Addr: *redisAddr})
		node := redisadapter.NewNode(rdb, nil)
		defer func() {
			_ = node.Close()
			_ = rdb.Close()
		}()
		o.adapter = node.Adapter
		fmt.Fprintf(stdout, "chat: sharing rooms and broadcasts through Redis at %s (history and images stay on each node)\n", *redisAddr)
	}
	if *metrics {
		t, err := newTelemetry()
		if err != nil {
			fmt.Fprintf(stderr, "chat: failed to set up metrics: %v\n", err)
			return 1
		}
		defer func() { _ = t.meters.Shutdown(context.Background()) }()
		o.telemetry = t
	}
	a := newApp(o)
	if *adminLogin != "" {
		if *adminUI == "" {
			*adminUI = findUp(filepath.Join("node_modules", "@socket.io", "admin-ui", "ui", "dist"))
		}
		if err := a.enableAdmin(*adminLogin, *adminUI); err != nil {
			fmt.Fprintf(stderr, "chat: -admin: %v\n", err)
			_ = ln.Close()
			_ = a.sio.Shutdown(ctx)
			return 2
		}
	}
	if a.bundleMissing() {
		fmt.Fprintf(stderr, "chat: %s (looked for %s in %s)\n", buildHint, bundle, *dir)
	}
	hs := &http.Server{
		Handler: a.handler,
		// Limits for a realtime server: headers must come quickly and stay
		// small (16 KiB, as in Node), and idle keep-alive connections end.
		// No ReadTimeout or WriteTimeout: long-polls and websockets outlive
		// any one; the Engine.IO server bounds its writes itself.
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    16 << 10,
		IdleTimeout:       60 * time.Second,
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "chat: serving %s/ (rooms: lobby, random, go; Ctrl-C stops)\n", o.publicURL)
	switch {
	case a.admin != nil && *adminUI != "":
		fmt.Fprintf(stdout, "chat: admin UI at %s/admin-ui/ (its server URL: %s)\n", o.publicURL, o.publicURL)
	case a.admin != nil:
		fmt.Fprintln(stdout, "chat: admin namespace /admin on; no admin UI page to serve (see -admin-ui)")
	}

	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "chat: failed to serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.shutdown(sctx, hs); err != nil {
		fmt.Fprintf(stderr, "chat: failed to shut down cleanly: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "chat: stopped")
	return 0
}

// displayAddr is addr as a browser can reach it: an unspecified host (":8080",
// "0.0.0.0:8080") becomes localhost.
func displayAddr(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// findUp returns the first of the relative paths that exists in the working
// directory or one of its parents, or "" when none does.
func findUp(paths ...string) string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, p := range paths {
			if _, err := os.Stat(filepath.Join(d, p)); err == nil {
				return filepath.Join(d, p)
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return ""
}
