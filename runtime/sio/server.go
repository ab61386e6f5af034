package sio

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"io/fs"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/logging"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// ServerOptions configures a [Server]. The zero value, or nil, means the
// defaults of the reference JavaScript server.
type ServerOptions struct {
	// Path is where the server is mounted. Default "/socket.io/".
	Path string
	// Engine configures the Engine.IO layer (heartbeat, limits, CORS,
	// transports); its Path is ignored in favour of Path. Nil means the
	// Engine.IO defaults.
	Engine *engineio.ServerOptions
	// ConnectTimeout closes connections that join no namespace in time.
	// Default 45s.
	ConnectTimeout time.Duration
	// AckTimeout bounds every server-to-client acknowledgement whose
	// context has no deadline. Zero means no default bound: only the
	// context and the disconnection end the wait.
	AckTimeout time.Duration
	// Adapter makes the adapter of each namespace. Default
	// [NewMemoryAdapter], for a single node.
	Adapter func(ns *Namespace) Adapter
	// Recovery, when set, enables connection state recovery.
	Recovery *RecoveryOptions
	// MaxAttachments bounds the binary attachments of one packet. Default 10.
	MaxAttachments int
	// MaxPendingEvents bounds the received events of one connection that
	// wait for their handlers; the connection stops reading while it is
	// full. Default 256.
	MaxPendingEvents int
	// SkipOutgoingChecks turns off the checks generated code makes on what
	// the server sends (emits, broadcasts, calls and acknowledgements; see
	// [EmitChecked]). Default false: nothing that breaks the contract
	// leaves. The checks walk the Go value without encoding it; the cost is
	// measured in examples/bench (README, "outgoing checks").
	SkipOutgoingChecks bool
	// Logger receives the server's logs (see the package doc's Logging
	// section for the levels). Default: warnings and errors go to
	// slog.Default(), debug records to standard error when SIOGEN_DEBUG
	// names "sio".
	Logger *slog.Logger
	// Debug switches the packet-level debug view on; see [DebugLevel].
	// Default [DebugOff], unless SIOGEN_DEBUG asks for it.
	Debug DebugLevel
	// Observers are told what happens on the server from its start, in
	// this order, before those added by [Server.Observe]; see [Observer].
	// Default none.
	Observers []Observer
	// Interceptors wrap every typed handler of every namespace and every
	// emit, the first outermost; see [Interceptor]. Default none.
	Interceptors []Interceptor
	// ClientDir, when set, is an installed socket.io-client/dist directory
	// whose socket.io.js, socket.io.min.js, socket.io.esm.min.js and their
	// .map files the server serves under Path, like the reference server's
	// serveClient: with an ETag, Cache-Control "public, max-age=3600", gzip
	// and 304 answers. Default "": not served. Files are read on first
	// request and kept in memory.
	ClientDir string
	// ClientFS, when set, holds the same files as ClientDir, at its root:
	// an embed.FS of a copy of socket.io-client/dist (through fs.Sub), or
	// os.DirFS. It is served like ClientDir, and takes precedence over it.
	// Default nil.
	ClientFS fs.FS

	user *slog.Logger // Logger as given
}

// RecoveryOptions configures connection state recovery.
type RecoveryOptions struct {
	// MaxDisconnectionDuration is how long a lost session can be restored.
	// Default 2 minutes.
	MaxDisconnectionDuration time.Duration
	// SkipMiddlewares skips the connect middlewares when a session is
	// restored. Default true, like the reference server; set RunMiddlewares
	// to run them.
	RunMiddlewares bool
}

func (o *ServerOptions) withDefaults() ServerOptions {
	var r ServerOptions
	if o != nil {
		r = *o
	}
	if r.Path == "" {
		r.Path = "/socket.io/"
	}
	if !strings.HasSuffix(r.Path, "/") {
		r.Path += "/"
	}
	if r.ConnectTimeout == 0 {
		r.ConnectTimeout = 45 * time.Second
	}
	if r.Adapter == nil {
		r.Adapter = func(ns *Namespace) Adapter { return NewMemoryAdapter(ns) }
	}
	if r.MaxAttachments == 0 {
		r.MaxAttachments = parser.DefaultMaxAttachments
	}
	if r.MaxPendingEvents <= 0 {
		r.MaxPendingEvents = 256
	}
	if r.Recovery != nil {
		rec := *r.Recovery
		if rec.MaxDisconnectionDuration <= 0 {
			rec.MaxDisconnectionDuration = 2 * time.Minute
		}
		r.Recovery = &rec
	}
	r.user = r.Logger
	r.Logger = logging.For(r.Logger, "sio")
	return r
}

// Server is a Socket.IO v5 server and an http.Handler. Mount it at its path
// on any mux. It is safe for concurrent use.
type Server struct {
	opts ServerOptions
	eio  *engineio.Server
	log  *slog.Logger
	// watch is the debug view and the observers; nil when there are none.
	watch     atomic.Pointer[watchers]
	watchMu   sync.Mutex  // held to change observers
	observers []*Observer // never changed in place: see Observe
	debug     *debugView  // nil when off

	mu      sync.RWMutex
	nsps    map[string]*Namespace
	parents []*Namespace // dynamic namespace templates, in registration order
	mws     []Middleware // server-wide, run before each namespace's own
	closed  bool
	client  *clientBundle // nil unless ServerOptions.ClientFS or ClientDir is set

	// limited is set once a namespace has limits: only then do readers
	// look at events before decoding them (see limits.go).
	limited atomic.Bool
	// epoch is when the server was made: the limits' clock counts from it.
	epoch time.Time
	// clock, set by tests before serving, replaces the limits' clock.
	clock func() time.Duration

	// onSend, set by tests before serving, sees every packet queued on a
	// connection, as encoded messages.
	onSend func(msgs []*engineio.Message)
}

// NewServer returns a server with the main namespace "/" created.
func NewServer(opts *ServerOptions) *Server {
	o := opts.withDefaults()
	s := &Server{opts: o, log: o.Logger, nsps: make(map[string]*Namespace), client: newClientBundle(o.ClientFS, o.ClientDir), epoch: time.Now()}
	s.debug = newDebugView(o.Debug, o.user)
	for _, obs := range o.Observers {
		s.observers = append(s.observers, &obs)
	}
	s.rewatch()
	var eo engineio.ServerOptions
	if o.Engine != nil {
		eo = *o.Engine
	}
	eo.Path = o.Path
	s.eio = engineio.NewServer(engineHandler{s}, &eo)
	s.Of("/")
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveClient(w, r) {
		return
	}
	s.eio.ServeHTTP(w, r)
}

// Engine returns the underlying Engine.IO server.
func (s *Server) Engine() *engineio.Server { return s.eio }

// Of returns the namespace called name ("/" if empty), creating it.
func (s *Server) Of(name string) *Namespace {
	if name == "" {
		name = "/"
	} else if name[0] != '/' {
		name = "/" + name
	}
	s.mu.RLock()
	ns := s.nsps[name]
	s.mu.RUnlock()
	if ns != nil {
		return ns
	}
	s.mu.Lock()
	created := false
	if ns = s.nsps[name]; ns == nil {
		ns = newNamespace(s, name, nil)
		s.nsps[name] = ns
		created = true
	}
	s.mu.Unlock()
	if created {
		if w := s.watch.Load(); w != nil {
			w.namespace(ns)
		}
	}
	return ns
}

// OfFunc registers dynamic namespaces: a client connecting to a namespace
// that does not exist gets it created when match returns true. The returned
// parent namespace holds the middlewares, connection handlers and event
// handlers that every child gets, and broadcasts to all children.
func (s *Server) OfFunc(match func(name string, auth Raw) bool) *Namespace {
	ns := newNamespace(s, "(dynamic)", nil)
	ns.match = match
	s.mu.Lock()
	s.parents = append(s.parents, ns)
	s.mu.Unlock()
	return ns
}

// OfRegexp is [Server.OfFunc] matching names with re.
func (s *Server) OfRegexp(re *regexp.Regexp) *Namespace {
	ns := s.OfFunc(func(name string, _ Raw) bool { return re.MatchString(name) })
	ns.name = re.String()
	return ns
}

// lookup finds or creates, through a dynamic parent, the namespace a client
// asks for; nil when there is none.
func (s *Server) lookup(name string, auth Raw) *Namespace {
	s.mu.RLock()
	ns := s.nsps[name]
	parents := s.parents
	s.mu.RUnlock()
	if ns != nil {
		return ns
	}
	for _, p := range parents {
		if p.match(name, auth) {
			s.mu.Lock()
			created := false
			if ns = s.nsps[name]; ns == nil {
				ns = newNamespace(s, name, p)
				s.nsps[name] = ns
				p.addChild(ns)
				created = true
			}
			s.mu.Unlock()
			if created {
				if w := s.watch.Load(); w != nil {
					w.namespace(ns)
				}
			}
			return ns
		}
	}
	return nil
}

// Use adds a middleware that runs for every connection to every namespace,
// before the namespace's own middlewares.
func (s *Server) Use(mw Middleware) {
	s.mu.Lock()
	s.mws = append(s.mws, mw)
	s.mu.Unlock()
}

// To, In, Except, Emit and the other broadcast methods on the server act on
// the main namespace "/".

// To returns a broadcast to the given rooms of the main namespace.
func (s *Server) To(rooms ...string) *BroadcastOperator { return s.Of("/").To(rooms...) }

// Emit sends an event to every socket of the main namespace.
func (s *Server) Emit(event string, args ...any) error { return s.Of("/").Emit(event, args...) }

// Shutdown disconnects every socket ("server shutting down"), closes the
// adapters, and waits for the connections to end or ctx to be done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	nsps := make([]*Namespace, 0, len(s.nsps))
	for _, ns := range s.nsps {
		nsps = append(nsps, ns)
	}
	s.mu.Unlock()
	err := s.eio.Shutdown(ctx)
	for _, ns := range nsps {
		_ = ns.adapter.Close()
	}
	return err
}

// newID returns an unguessable id of 20 URL-safe characters.
func newID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
