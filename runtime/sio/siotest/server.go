package siotest

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// Host is the host name of every in-memory server; URLs made by
// [Server.URL] use it. It resolves nowhere: only the clients this package
// makes reach it.
const Host = "siotest.invalid"

// ShutdownTimeout bounds how long a server's clean-up waits for its
// connections to end.
const ShutdownTimeout = 10 * time.Second

// Server is a [sio.Server] served in memory. Make clients with [Server.Connect],
// [Server.Dial] or [Server.NewManager], or give your own [sio.ClientOptions]
// to [Server.ClientOptions].
//
// Concurrency: safe for concurrent use. Close is idempotent.
type Server struct {
	srv  *sio.Server
	ln   *listener
	hs   *http.Server
	http *http.Client
	path string

	closeOnce sync.Once
	closeErr  error
	served    chan struct{}
}

// NewServer serves srv in memory and returns the server; srv must be
// mounted at its default path ("/socket.io/") or at path, when given.
// tb.Cleanup closes it (see [Server.Close]).
func NewServer(tb testing.TB, srv *sio.Server, path ...string) *Server {
	tb.Helper()
	s := Start(srv, path...)
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("siotest: failed to shut the server down: %v", err)
		}
	})
	return s
}

// Start is [NewServer] for code that has no testing.TB (examples,
// benchmarks' helpers); the caller must call [Server.Close].
func Start(srv *sio.Server, path ...string) *Server {
	p := "/socket.io/"
	if len(path) > 0 && path[0] != "" {
		p = path[0]
	}
	ln := newListener()
	s := &Server{
		srv:    srv,
		ln:     ln,
		hs:     &http.Server{Handler: srv, ReadHeaderTimeout: ShutdownTimeout},
		path:   p,
		served: make(chan struct{}),
	}
	s.http = &http.Client{Transport: &http.Transport{DialContext: ln.dial, MaxIdleConnsPerHost: 4}}
	go func() {
		defer close(s.served)
		_ = s.hs.Serve(ln)
	}()
	return s
}

// Server returns the served sio.Server.
func (s *Server) Server() *sio.Server { return s.srv }

// URL returns the URL of the namespace nsp on this server, for
// [sio.Dial] and [sio.NewManager] with [Server.ClientOptions].
func (s *Server) URL(nsp string) string {
	if nsp == "" || nsp[0] != '/' {
		nsp = "/" + nsp
	}
	return "http://" + Host + nsp
}

// ClientOptions returns a copy of opts (nil means the defaults) whose
// connections go to this server in memory: its Engine.IO HTTP client and
// websocket dialer are replaced, its Path is the server's, and its
// Transports, when empty, are websocket only.
func (s *Server) ClientOptions(opts *sio.ClientOptions) *sio.ClientOptions {
	var o sio.ClientOptions
	if opts != nil {
		o = *opts
	}
	var eo engineio.DialOptions
	if o.Engine != nil {
		eo = *o.Engine
	}
	eo.HTTPClient = s.http
	eo.Dialer = &websocket.Dialer{NetDialContext: s.ln.dial, HandshakeTimeout: ShutdownTimeout}
	o.Engine = &eo
	o.Path = s.path
	if len(o.Transports) == 0 {
		o.Transports = []string{engineio.TransportWebsocket}
	}
	return &o
}

// NewManager returns a [sio.Manager] connected to this server in memory
// (see [Server.ClientOptions]); tb.Cleanup closes it. Generated clients
// take it: chat.NewChatClient(ts.NewManager(t, nil), auth).
func (s *Server) NewManager(tb testing.TB, opts *sio.ClientOptions) *sio.Manager {
	tb.Helper()
	m, err := sio.NewManager(s.URL("/"), s.ClientOptions(opts))
	if err != nil {
		tb.Fatalf("siotest: %v", err)
	}
	tb.Cleanup(func() { _ = m.Close() })
	return m
}

// Dial connects a client to the namespace nsp, like [sio.Dial] (opts.Auth
// is the auth payload). Close it with cs.Manager().Close().
func (s *Server) Dial(ctx context.Context, nsp string, opts *sio.ClientOptions) (*sio.ClientSocket, error) {
	return sio.Dial(ctx, s.URL(nsp), s.ClientOptions(opts))
}

// Connect is [Server.Dial] for tests: it fails the test when the client
// cannot connect, and tb.Cleanup closes the client.
func (s *Server) Connect(tb testing.TB, nsp string, opts *sio.ClientOptions) *sio.ClientSocket {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	cs, err := s.Dial(ctx, nsp, opts)
	if err != nil {
		tb.Fatalf("siotest: failed to connect to %s: %v", nsp, err)
	}
	tb.Cleanup(func() { _ = cs.Manager().Close() })
	return cs
}

// Cut drops every connection made so far at once, without a close
// handshake, as a lost network does: both sides see a transport error
// ("transport close"), and clients with reconnection on come back.
func (s *Server) Cut() { s.ln.cut() }

// Close shuts the sio.Server down (every socket is disconnected with
// "server shutting down"), waits up to [ShutdownTimeout] for its
// connections to end, then stops serving and closes every in-memory
// connection. It returns the shutdown's error; later calls return it too.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
		defer cancel()
		s.closeErr = s.srv.Shutdown(ctx)
		_ = s.hs.Close()
		<-s.served
		s.ln.cut()
		s.http.CloseIdleConnections()
	})
	return s.closeErr
}
