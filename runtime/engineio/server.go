package engineio

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/internal/logging"
)

// Handler serves one Engine.IO session. ServeEngineIO runs in its own
// goroutine for every new session and owns the session's reads: it should
// call [Conn.Receive] until it returns an error. The session is closed when
// ServeEngineIO returns.
type Handler interface {
	ServeEngineIO(c *Conn)
}

// A ReceiverHandler is a [Handler] that takes each session's messages as
// they arrive, on the goroutine reading the transport, instead of running a
// goroutine per session that calls [Conn.Receive]: an idle session then
// costs no goroutine of its own, and a message reaches the application
// without a hand-off. A Server whose handler implements ReceiverHandler
// calls OpenEngineIO, never ServeEngineIO.
type ReceiverHandler interface {
	// OpenEngineIO is called once for every new session, before its first
	// message, and returns the session's receiver. It must not block; the
	// session's open packet is not written yet, so it must not send.
	OpenEngineIO(c *Conn) Receiver
}

// A Receiver takes the messages of one session; see [ReceiverHandler].
type Receiver interface {
	// OnMessage handles one incoming message, whose data the receiver
	// owns. Calls come one at a time, in order, from the goroutine reading
	// the transport: while one runs the session reads nothing more, so a
	// receiver that blocks slows its peer down instead of letting
	// messages pile up. It must return once the session closes
	// ([Conn.Closing]).
	OnMessage(typ MessageType, data []byte)
	// OnClose is called once, after the last OnMessage has returned, with
	// the close error (an *[Error]). [Conn.Done] waits for it to return.
	OnClose(err error)
}

// HandlerFunc adapts a function to a [Handler].
type HandlerFunc func(c *Conn)

// ServeEngineIO calls f(c).
func (f HandlerFunc) ServeEngineIO(c *Conn) { f(c) }

// ServerOptions configures a [Server]. The zero value, or nil, means the
// defaults of the reference JavaScript server.
type ServerOptions struct {
	// Path is where the server is mounted, with a trailing slash; requests
	// whose path does not start with it get 404. Default "/engine.io/".
	Path string
	// PingInterval is the time between two server pings. Default 25s.
	PingInterval time.Duration
	// PingTimeout is how long a ping may wait for its pong before the session
	// is closed. Default 20s.
	PingTimeout time.Duration
	// UpgradeTimeout is how long a websocket probe may take to complete the
	// upgrade before it is dropped (the session stays on polling). Default 10s.
	UpgradeTimeout time.Duration
	// MaxPayload is the largest polling request body and websocket message
	// accepted, in bytes; larger ones get 413 (polling; at once when the
	// Content-Length says so, before any of the body is read) or close code
	// 1009 (websocket). It is announced to clients. Default 1,000,000.
	MaxPayload int64
	// MaxHeaderBytes bounds a request's line and headers, counted as sent;
	// larger requests get 431, as in Node (its default is the same). It
	// is checked once net/http has read the headers, which it bounds
	// with http.Server.MaxHeaderBytes (1 MiB by default): set that too,
	// to this value or a little more, so that a larger header is not even
	// read (see the README for a recommended http.Server). Default 16 KiB;
	// negative means no limit here.
	MaxHeaderBytes int
	// Transports lists the transports accepted, of [TransportPolling] and
	// [TransportWebsocket]. Default both.
	Transports []string
	// DisableUpgrades stops polling sessions from upgrading to websocket.
	DisableUpgrades bool
	// MaxQueuedMessages bounds the messages waiting to be written to one
	// session; a session that falls further behind is closed with
	// [ReasonSendQueueFull] so that a slow client cannot exhaust memory.
	// Default 4096; negative means unbounded.
	MaxQueuedMessages int
	// ReceiveQueue is how many received messages may wait for
	// [Conn.Receive] before the session stops reading. Default 64.
	ReceiveQueue int
	// ParkIdleAfter is how long the reader goroutine of a websocket session
	// waits for data before it hands the socket to a poller shared by the
	// process and ends, so that idle sessions hold no goroutine (Linux, no
	// TLS; elsewhere every session keeps its reader). Default 100ms; negative
	// keeps the readers.
	ParkIdleAfter time.Duration
	// WriteTimeout bounds each network write (a websocket frame, a polling
	// response). Default 10s.
	WriteTimeout time.Duration
	// AllowRequest, when set, vets every handshake request; a non-nil error
	// rejects it with 403 and code 4, the error's text as message.
	AllowRequest func(r *http.Request) error
	// CORS, when set, adds CORS headers to polling responses and answers
	// preflight requests. Nil means no CORS headers (same-origin pages only).
	//
	// Unless it allows any origin ("*"), it also guards the server: a
	// request whose Origin header names an origin it does not allow gets
	// 403 (code 4) before anything else, a websocket upgrade included.
	// Browsers do not apply CORS to websockets, so without that check any
	// site could open one with its visitors' cookies (cross-site websocket
	// hijacking); the Node server has no such check. Requests without an
	// Origin header (programs other than browsers, and browsers' own
	// same-origin GETs) are not concerned.
	CORS *CORSOptions
	// PerMessageDeflate negotiates websocket compression. Default off.
	PerMessageDeflate bool
	// HTTPCompressionThreshold is the smallest polling response, in bytes,
	// that is gzipped when the client accepts gzip. Default 1024; negative
	// disables compression.
	HTTPCompressionThreshold int
	// Logger receives debug logs. Default: silent unless SIOGEN_DEBUG names
	// "engineio".
	Logger *slog.Logger
	// HandshakeLimit, when set, bounds the handshakes per second of each
	// client address (429 Too Many Requests beyond); see [HandshakeLimit].
	// Default nil: no limit. It guards against a client that opens
	// sessions in a loop; the bound on each session's traffic is
	// Socket.IO's (sio.Namespace.Limit).
	HandshakeLimit *HandshakeLimit
}

func (o *ServerOptions) withDefaults() ServerOptions {
	var r ServerOptions
	if o != nil {
		r = *o
	}
	if r.Path == "" {
		r.Path = "/engine.io/"
	}
	if !strings.HasSuffix(r.Path, "/") {
		r.Path += "/"
	}
	setDefault(&r.PingInterval, 25*time.Second)
	setDefault(&r.PingTimeout, 20*time.Second)
	setDefault(&r.UpgradeTimeout, 10*time.Second)
	setDefault(&r.WriteTimeout, 10*time.Second)
	setDefault(&r.ParkIdleAfter, 100*time.Millisecond)
	setDefault(&r.MaxPayload, 1_000_000)
	setDefault(&r.MaxHeaderBytes, 16<<10)
	setDefault(&r.MaxQueuedMessages, 4096)
	setDefault(&r.ReceiveQueue, 64)
	setDefault(&r.HTTPCompressionThreshold, 1024)
	if len(r.Transports) == 0 {
		r.Transports = []string{TransportPolling, TransportWebsocket}
	}
	r.Logger = logging.For(r.Logger, "engineio")
	return r
}

func readBufferSize(compress bool) int {
	if compress {
		return wsReadBuffer // gorilla's own, see Server.upgrade
	}
	return 0
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}

// Server is an Engine.IO v4 server, an http.Handler. It is safe for
// concurrent use.
type Server struct {
	opts     ServerOptions
	handler  Handler
	upgrader websocket.Upgrader
	open     []byte // the handshake template: everything after the sid

	mu       sync.RWMutex
	sessions map[string]*Conn
	shutdown bool
	stopped  chan struct{}  // closed by Shutdown
	wg       sync.WaitGroup // one count per live session

	// The sessions' shared writers (see Conn.SendShared), one per
	// GOMAXPROCS at creation; sessions are spread over them in turn.
	flushers  []flusher
	nextFlush atomic.Uint32

	releaseGETsAfter time.Duration // releaseGETsAfter; tests change it

	handshakes *handshakeLimiter // nil without ServerOptions.HandshakeLimit
}

// NewServer returns a server that hands every new session to h.
func NewServer(h Handler, opts *ServerOptions) *Server {
	o := opts.withDefaults()
	s := &Server{
		opts:     o,
		handler:  h,
		sessions: make(map[string]*Conn),
		stopped:  make(chan struct{}),
		upgrader: websocket.Upgrader{
			// Each session holds its read buffer for life: a small one
			// keeps idle sessions small; bigger frames are read straight
			// into the message (bufio passes large reads through). 0 makes
			// gorilla use the one upgrade's hijacker gives it (wsWire.br).
			ReadBufferSize:    readBufferSize(o.PerMessageDeflate),
			WriteBufferPool:   &sync.Pool{},
			EnableCompression: o.PerMessageDeflate,
			CheckOrigin:       func(*http.Request) bool { return true },
			Error:             func(http.ResponseWriter, *http.Request, int, error) {},
		},
		flushers:         make([]flusher, runtime.GOMAXPROCS(0)),
		releaseGETsAfter: releaseGETsAfter,
		handshakes:       newHandshakeLimiter(o.HandshakeLimit),
	}
	return s
}

func (s *Server) transportEnabled(t string) bool {
	for _, x := range s.opts.Transports {
		if x == t {
			return true
		}
	}
	return false
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, s.opts.Path) {
		http.NotFound(w, r)
		return
	}
	isWS := websocket.IsWebSocketUpgrade(r)
	if max := s.opts.MaxHeaderBytes; max > 0 && headerBytes(r) > max {
		w.Header().Set("Connection", "close")
		http.Error(w, "Request Header Fields Too Large", http.StatusRequestHeaderFieldsTooLarge)
		return
	}
	if s.opts.CORS != nil {
		if s.opts.CORS.apply(w, r) {
			return // preflight answered
		}
		if s.opts.CORS.refuses(r) {
			s.fail(w, isWS, CodeForbidden, "Origin not allowed")
			return
		}
	}
	q := r.URL.Query()
	transport := q.Get("transport")
	fail := func(code int) { s.fail(w, isWS, code, "") }

	if transport != TransportPolling && transport != TransportWebsocket || !s.transportEnabled(transport) {
		fail(CodeUnknownTransport)
		return
	}
	if origin := r.Header.Get("Origin"); !validHeaderValue(origin) {
		fail(CodeBadRequest)
		return
	}
	if sid := q.Get("sid"); sid != "" {
		c := s.session(sid)
		if c == nil || c.gone() {
			fail(CodeUnknownSID)
			return
		}
		if q.Get("EIO") != "4" {
			fail(CodeBadRequest)
			return
		}
		if c.overdue() {
			fail(CodeUnknownSID)
			return
		}
		if transport == TransportWebsocket {
			if !isWS {
				fail(CodeBadRequest)
				return
			}
			s.serveUpgrade(w, r, c)
			return
		}
		if c.Transport() != TransportPolling {
			fail(CodeBadRequest)
			return
		}
		s.servePolling(w, r, c)
		return
	}
	if r.Method != http.MethodGet {
		fail(CodeBadHandshakeMethod)
		return
	}
	if transport == TransportWebsocket && !isWS {
		fail(CodeBadRequest)
		return
	}
	if s.limitHandshake(w, r, isWS) {
		return
	}
	if s.opts.AllowRequest != nil {
		if err := s.opts.AllowRequest(r); err != nil {
			s.fail(w, isWS, CodeForbidden, err.Error())
			return
		}
	}
	if q.Get("EIO") != "4" {
		fail(CodeUnsupportedVersion)
		return
	}
	s.handshake(w, r, transport)
}

// fail answers a request with an Engine.IO error: a JSON body on polling, a
// plain 400 that closes the connection for websocket upgrades.
func (s *Server) fail(w http.ResponseWriter, ws bool, code int, msg string) {
	if msg == "" {
		msg = codeMessages[code]
	}
	status := http.StatusBadRequest
	if code == CodeForbidden {
		status = http.StatusForbidden
	}
	h := w.Header()
	if ws {
		h.Set("Connection", "close")
		h.Set("Content-Type", "text/plain; charset=UTF-8")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(msg))
		return
	}
	body, _ := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{code, msg})
	h.Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// headerBytes is the size of r's request line and headers as sent, give or
// take a few bytes of spacing.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
	if r.Host != "" && r.Header.Get("Host") == "" {
		n += len("Host: \r\n") + len(r.Host) // net/http moves Host out of Header
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// validHeaderValue reports whether v holds only characters allowed in an
// HTTP header value.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

func (s *Server) session(sid string) *Conn {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.sessions[sid]
}

// newSessionID returns an unguessable id: 15 random bytes as 20 URL-safe
// base64 characters, like the reference server's.
func newSessionID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// openPacket returns the open packet for a session.
func (s *Server) openPacket(sid, transport string) *Message {
	upgrades := []string{}
	if transport == TransportPolling && !s.opts.DisableUpgrades && s.transportEnabled(TransportWebsocket) {
		upgrades = append(upgrades, TransportWebsocket)
	}
	b, _ := json.Marshal(struct {
		SID          string   `json:"sid"`
		Upgrades     []string `json:"upgrades"`
		PingInterval int64    `json:"pingInterval"`
		PingTimeout  int64    `json:"pingTimeout"`
		MaxPayload   int64    `json:"maxPayload"`
	}{sid, upgrades, s.opts.PingInterval.Milliseconds(), s.opts.PingTimeout.Milliseconds(), s.opts.MaxPayload})
	return controlPacket(packetOpen, b)
}

// handshake opens a new session on the given transport.
func (s *Server) handshake(w http.ResponseWriter, r *http.Request, transport string) {
	rh, _ := s.handler.(ReceiverHandler)
	queue := s.opts.ReceiveQueue
	if rh != nil {
		queue = -1 // messages go to the receiver
	}
	c := newConn(newSessionID(), false, s.opts.Logger, s.opts.MaxQueuedMessages, queue)
	c.req = handshakeRequest(r)
	c.transport = transport
	if transport == TransportPolling {
		// Polling requests wait on wake; a GET collecting the close
		// packet closes closeSent. Websocket sessions need neither.
		c.wake, c.closeSent = make(chan struct{}, 1), make(chan struct{})
	}
	c.pingInterval, c.pingTimeout, c.maxPayload = s.opts.PingInterval, s.opts.PingTimeout, s.opts.MaxPayload
	c.parkAfter = max(s.opts.ParkIdleAfter, 0)
	c.flush = &s.flushers[int(s.nextFlush.Add(1))%len(s.flushers)]
	c.onDone = func() {
		sessionParker.forget(c)
		s.forget(c)
	}
	c.stopLinger = s.stopped

	var ws *websocket.Conn
	var wire *wsWire
	if transport == TransportWebsocket {
		var err error
		if ws, wire, err = s.upgrade(w, r); err != nil {
			return // the upgrader answered the request
		}
		c.ws, c.upgraded = ws, true
	}
	if rh != nil {
		c.recv = rh.OpenEngineIO(c) // before the session is visible: no message yet
	}
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		if c.recv != nil {
			c.closeWith(closeError(ReasonServerShutdown, nil), false)
		}
		if ws != nil {
			_ = ws.Close()
		} else {
			s.fail(w, false, CodeBadRequest, "Server is shutting down")
		}
		return
	}
	c.startHeartbeat() // before the session is visible: requests check its deadline
	s.sessions[c.id] = c
	s.wg.Add(1)
	s.mu.Unlock()
	c.debug("handshake", "transport", transport, "remote", r.RemoteAddr)

	open := s.openPacket(c.id, transport)
	if ws != nil {
		// The send queue is c.mu's, and a Receiver made above may already
		// hold the session.
		c.mu.Lock()
		c.sq.push([]*Message{open})
		c.mu.Unlock()
		s.startWebsocket(c, ws, wire)
	} else if !s.writePolling(w, r, c, []*Message{open}) {
		c.closeWith(closeError(ReasonTransportError, fmt.Errorf("failed to write the handshake")), false)
	}
	if c.recv == nil {
		c.goFunc(func() {
			defer c.Close()
			s.handler.ServeEngineIO(c)
		})
	}
}

// handshakeRequest keeps what the application may want of the handshake
// request, without its body. It shares the request's header, URL and TLS
// state, which net/http does not touch once the handler has returned.
func handshakeRequest(r *http.Request) *http.Request {
	c := r.WithContext(context.WithoutCancel(r.Context()))
	c.Body = http.NoBody
	c.GetBody = nil
	return c
}

func (s *Server) forget(c *Conn) {
	s.mu.Lock()
	if s.sessions[c.id] == c {
		delete(s.sessions, c.id)
		s.wg.Done()
	}
	s.mu.Unlock()
}

// Len returns the number of open sessions.
func (s *Server) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.sessions)
}

// Shutdown stops accepting sessions, closes every session with
// [ReasonServerShutdown], and waits until all of them have ended or ctx is
// done. It does not close listeners: shut the http.Server down too.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.shutdown {
		s.shutdown = true
		close(s.stopped)
	}
	conns := make([]*Conn, 0, len(s.sessions))
	for _, c := range s.sessions {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.closeWith(closeError(ReasonServerShutdown, nil), false)
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
