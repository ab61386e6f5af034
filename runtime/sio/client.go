package sio

import (
	"context"
	"crypto/tls"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/logging"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// The client: a [Manager] owns one Engine.IO connection to a server and
// multiplexes the namespace sockets ([ClientSocket]) on it; [Dial] is the
// shortcut of the JavaScript io(url).

// Error codes of the client, besides [CodeTimeout] and [CodeDisconnected].
const (
	// CodeConnectionFailed: the Engine.IO connection could not be opened
	// (refused handshake, network error, timeout), or reconnection gave up.
	CodeConnectionFailed = "connection_failed"
	// CodeBufferFull: an emit found the buffer of emits waiting for a
	// connection full (ClientOptions.MaxBufferedEmits).
	CodeBufferFull = "buffer_full"
)

// ClientOptions configures a [Manager] (and [Dial]). The zero value, or nil,
// means the defaults of the reference JavaScript client (socket.io-client
// 4.x).
type ClientOptions struct {
	// Path is the server's Socket.IO path. Default "/socket.io/".
	Path string
	// Transports lists the Engine.IO transports in order: the connection
	// opens on the first and upgrades to websocket when it is listed later.
	// Default polling then websocket; []string{"websocket"} for websocket
	// only, []string{"polling"} for polling only.
	Transports []string
	// Header is added to every HTTP request and websocket handshake. It may
	// carry credentials (cookies, Authorization): they go to this server only.
	Header http.Header
	// Query is added to every request's query string, after the URL's own.
	Query url.Values
	// TLSConfig is used for https and wss URLs. Nil means the system roots.
	TLSConfig *tls.Config
	// Engine tunes the Engine.IO layer (HTTP client, websocket dialer, queue
	// and write limits). Its Path, Transports, Header, Query and TLSConfig
	// are replaced by the fields above. Nil means the Engine.IO defaults.
	Engine *engineio.DialOptions

	// SkipOutgoingChecks turns off the checks generated code makes on what
	// the client sends (emits, calls and acknowledgements; see
	// [EmitChecked]). Default false: nothing that breaks the contract
	// leaves.
	SkipOutgoingChecks bool

	// Auth is the auth payload of the socket that [Dial] opens; see
	// [SocketOptions.Auth]. [NewManager] ignores it.
	Auth any

	// DisableReconnection turns automatic reconnection off: a lost
	// connection, or a failed first connection, then ends every socket
	// (Connect may be called again). Reconnection is on by default.
	DisableReconnection bool
	// ReconnectionAttempts is how many reconnection attempts are made in a
	// row before giving up. Zero means unlimited.
	ReconnectionAttempts int
	// ReconnectionDelay is the delay before the first reconnection attempt;
	// it doubles on each further attempt. Default 1s.
	ReconnectionDelay time.Duration
	// ReconnectionDelayMax caps the reconnection delay. Default 5s.
	ReconnectionDelayMax time.Duration
	// RandomizationFactor is the jitter applied to each delay: the delay
	// moves randomly by up to this fraction of itself. Default 0.5; a
	// negative value means none.
	RandomizationFactor float64
	// Timeout bounds each attempt to open the Engine.IO connection. Default
	// 20s.
	Timeout time.Duration

	// AckTimeout bounds every EmitWithAck whose context has no deadline, and
	// each attempt of the retry queue (see Retries). Zero means no default
	// bound: only the context and disconnections end the wait.
	AckTimeout time.Duration
	// Retries, when positive, sends every emit (except volatile ones)
	// through a retry queue: one packet at a time, each asking for an
	// acknowledgement, sent again when AckTimeout passes or the connection
	// drops, at most Retries more times. A packet is never sent again once
	// acknowledged, so delivery is at least once, and once per successful
	// attempt; the server must acknowledge every event. Zero (the default)
	// sends emits at most once.
	Retries int
	// MaxBufferedEmits bounds the emits of one socket that wait for a
	// connection (buffered while disconnected, or queued for retries);
	// beyond it emits fail with [CodeBufferFull]. Default 1000; a negative
	// value makes emits fail at once while disconnected.
	MaxBufferedEmits int

	// MaxAttachments bounds the binary attachments of a received packet.
	// Default 10.
	MaxAttachments int
	// MaxPendingEvents bounds the received events waiting for their
	// handlers; the connection stops reading while it is full. Default 256.
	MaxPendingEvents int
	// Logger receives the client's logs. Default: warnings and errors go
	// to slog.Default(), debug records to standard error when SIOGEN_DEBUG
	// names "sio".
	Logger *slog.Logger
	// Debug switches the packet-level debug view on; see [DebugLevel].
	// Default [DebugOff], unless SIOGEN_DEBUG asks for it.
	Debug DebugLevel
	// Interceptors wrap every typed handler ([OnClient], [OnClientAck])
	// and every emit of the manager's sockets, the first outermost; see
	// [Interceptor]. Default none.
	Interceptors []Interceptor

	user *slog.Logger // Logger as given
}

func (o *ClientOptions) withDefaults() ClientOptions {
	var r ClientOptions
	if o != nil {
		r = *o
	}
	if r.Path == "" {
		r.Path = "/socket.io/"
	}
	if !strings.HasSuffix(r.Path, "/") {
		r.Path += "/"
	}
	if r.ReconnectionDelay <= 0 {
		r.ReconnectionDelay = time.Second
	}
	if r.ReconnectionDelayMax <= 0 {
		r.ReconnectionDelayMax = 5 * time.Second
	}
	switch {
	case r.RandomizationFactor == 0:
		r.RandomizationFactor = 0.5
	case r.RandomizationFactor < 0:
		r.RandomizationFactor = 0
	case r.RandomizationFactor > 1:
		r.RandomizationFactor = 1
	}
	if r.Timeout <= 0 {
		r.Timeout = 20 * time.Second
	}
	if r.MaxBufferedEmits == 0 {
		r.MaxBufferedEmits = 1000
	}
	if r.MaxAttachments == 0 {
		r.MaxAttachments = parser.DefaultMaxAttachments
	}
	if r.MaxPendingEvents <= 0 {
		r.MaxPendingEvents = 256
	}
	r.user = r.Logger
	r.Logger = logging.For(r.Logger, "sio")
	return r
}

// reconnectDelay returns the delay before reconnection attempt n (from 1),
// computed as the JavaScript client does: ReconnectionDelay * 2^(n-1),
// moved by up to RandomizationFactor of itself, capped at
// ReconnectionDelayMax.
func (o *ClientOptions) reconnectDelay(n int, rnd float64) time.Duration {
	ms := float64(o.ReconnectionDelay) * math.Pow(2, float64(min(max(n-1, 0), 40)))
	if j := o.RandomizationFactor; j > 0 {
		dev := math.Floor(rnd * j * ms)
		if int(math.Floor(rnd*10))&1 == 0 {
			ms -= dev
		} else {
			ms += dev
		}
	}
	return time.Duration(math.Min(ms, float64(o.ReconnectionDelayMax)))
}

// Manager is a client's connection to one Socket.IO server: one Engine.IO
// connection, opened when a socket connects and closed when none remains
// connected, that multiplexes the namespace sockets made by
// [Manager.Socket]. It reconnects after a lost connection, with exponential
// backoff and jitter, and then sends CONNECT again for every socket that
// was connected or connecting, with its current auth.
//
// Concurrency: every method is safe for concurrent use. One goroutine owns
// the connection: it dials, reads and decodes packets, resolves
// acknowledgements and routes events; the handlers of every socket of the
// manager, and the manager's own callbacks, run one at a time, in order, on
// a dispatcher goroutine that exists only while there is work, so a handler
// may wait for an acknowledgement (EmitWithAck) without deadlock. Emits never
// wait for the network. [Manager.Close] ends every goroutine the manager
// started; [Manager.Done] tells when.
type Manager struct {
	url   string
	opts  ClientOptions
	eopts engineio.DialOptions
	log   *slog.Logger
	work  serial
	watch *watchers // the debug view; nil when off

	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	done   chan struct{}
	wg     sync.WaitGroup // the connection goroutine

	mu       sync.Mutex
	sockets  map[string]*ClientSocket
	conn     *engineio.Conn // the open connection, nil while there is none
	running  bool           // the connection goroutine is running
	closed   bool
	dropping bool          // conn is being closed by this side: no socket wants it
	wake     chan struct{} // capacity 1: a socket became active or inactive

	onAttempt   []func(attempt int)
	onReconnect []func(attempt int)
	onRecError  []func(err error)
	onRecFailed []func()
}

// NewManager returns a manager for the server at rawURL (http, https, ws or
// wss). The URL's query is sent with every request; its path is ignored
// (the Engine.IO path is ClientOptions.Path). No connection is made until a
// socket connects.
func NewManager(rawURL string, opts *ClientOptions) (*Manager, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "bad URL " + rawURL, Err: err}
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss":
	default:
		return nil, &Error{Code: CodeInvalidArgument, Message: "unsupported URL scheme " + u.Scheme}
	}
	if u.Host == "" {
		return nil, &Error{Code: CodeInvalidArgument, Message: "URL without host " + rawURL}
	}
	o := opts.withDefaults()
	var eo engineio.DialOptions
	if o.Engine != nil {
		eo = *o.Engine
	}
	eo.Path, eo.Transports, eo.Header, eo.Query, eo.TLSConfig = o.Path, o.Transports, o.Header, o.Query, o.TLSConfig
	m := &Manager{
		url:     rawURL,
		opts:    o,
		eopts:   eo,
		log:     o.Logger,
		done:    make(chan struct{}),
		sockets: make(map[string]*ClientSocket),
		wake:    make(chan struct{}, 1),
	}
	m.work.init(o.MaxPendingEvents, m.log)
	m.watch = newWatchers(newDebugView(o.Debug, o.user), nil)
	m.ctx, m.cancel = context.WithCancel(context.Background())
	return m, nil
}

// Dial connects to the namespace named by rawURL's path ("/" when empty),
// like the JavaScript io(url): it makes a [Manager] for the server and a
// socket with opts.Auth, and returns the socket once connected. It fails
// when the server refuses the namespace (an *[Error] with the server's
// message and data), when reconnection gives up, or when ctx ends first;
// nothing is left running then. Close the connection with
// s.Manager().Close().
//
// Handlers registered after Dial returns may miss the events the server
// sends as soon as the socket connects; register them first with
// [NewSocket], then call [ClientSocket.Connect].
func Dial(ctx context.Context, rawURL string, opts *ClientOptions) (*ClientSocket, error) {
	s, err := NewSocket(rawURL, opts)
	if err != nil {
		return nil, err
	}
	if err := s.Connect(ctx); err != nil {
		_ = s.m.Close()
		return nil, err
	}
	return s, nil
}

// NewSocket is [Dial] without connecting: it returns the socket of the
// namespace named by rawURL's path, on a new [Manager], ready for its
// handlers; [ClientSocket.Connect] connects it.
func NewSocket(rawURL string, opts *ClientOptions) (*ClientSocket, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "bad URL " + rawURL, Err: err}
	}
	m, err := NewManager(rawURL, opts)
	if err != nil {
		return nil, err
	}
	var auth any
	if opts != nil {
		auth = opts.Auth
	}
	return m.Socket(u.Path, &SocketOptions{Auth: auth}), nil
}

// Socket returns the socket of the namespace nsp ("/" when empty), creating
// it, not connected, with opts; for an existing socket opts are ignored.
// Register handlers, then call [ClientSocket.Connect].
func (m *Manager) Socket(nsp string, opts *SocketOptions) *ClientSocket {
	if nsp == "" {
		nsp = "/"
	} else if nsp[0] != '/' {
		nsp = "/" + nsp
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.sockets[nsp]; s != nil {
		return s
	}
	s := newClientSocket(m, nsp, opts)
	m.sockets[nsp] = s
	return s
}

// OnReconnectAttempt adds a function called before each reconnection
// attempt, with its number (from 1).
func (m *Manager) OnReconnectAttempt(fn func(attempt int)) {
	m.mu.Lock()
	m.onAttempt = append(m.onAttempt, fn)
	m.mu.Unlock()
}

// OnReconnect adds a function called when a reconnection attempt succeeds,
// with its number.
func (m *Manager) OnReconnect(fn func(attempt int)) {
	m.mu.Lock()
	m.onReconnect = append(m.onReconnect, fn)
	m.mu.Unlock()
}

// OnReconnectError adds a function called when a reconnection attempt
// fails.
func (m *Manager) OnReconnectError(fn func(err error)) {
	m.mu.Lock()
	m.onRecError = append(m.onRecError, fn)
	m.mu.Unlock()
}

// OnReconnectFailed adds a function called when reconnection gives up
// after ClientOptions.ReconnectionAttempts attempts.
func (m *Manager) OnReconnectFailed(fn func()) {
	m.mu.Lock()
	m.onRecFailed = append(m.onRecFailed, fn)
	m.mu.Unlock()
}

// Transport returns the Engine.IO transport in use ("polling" or
// "websocket"), or "" while there is no connection.
func (m *Manager) Transport() string {
	m.mu.Lock()
	c := m.conn
	m.mu.Unlock()
	if c == nil {
		return ""
	}
	return c.Transport()
}

// Close disconnects every socket (DISCONNECT for each connected namespace,
// then the Engine.IO close; their disconnect handlers get
// [ReasonIOClientDisconnect]), fails pending acknowledgements with
// [CodeDisconnected] and stops reconnecting, for good. It does not wait;
// [Manager.Done] is closed once every goroutine the manager started has
// ended. Close is idempotent.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	conn := m.conn
	socks := make([]*ClientSocket, 0, len(m.sockets))
	for _, s := range m.sockets {
		socks = append(socks, s)
	}
	m.mu.Unlock()
	for _, s := range socks {
		s.end(ReasonIOClientDisconnect, true, errManagerClosed())
	}
	if conn != nil {
		_ = conn.Close() // after the DISCONNECT packets, which are queued
	}
	m.cancel()
	m.signal()
	go func() {
		m.wg.Wait()
		m.work.wait()
		close(m.done)
	}()
	return nil
}

// Done returns a channel closed once the manager is closed and every
// goroutine it started has ended (handlers that never return excepted).
func (m *Manager) Done() <-chan struct{} { return m.done }

func errManagerClosed() *Error {
	return &Error{Code: CodeDisconnected, Message: "manager closed"}
}

func (m *Manager) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

func (m *Manager) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}

// activate makes sure the connection goroutine runs for a socket that wants
// to connect, and returns the open connection, if any, on which the socket
// may send CONNECT now.
func (m *Manager) activate() (*engineio.Conn, *Error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, errManagerClosed()
	}
	if !m.running {
		m.running = true
		m.wg.Add(1)
		go m.run()
	}
	m.signal()
	if m.dropping {
		return nil, nil
	}
	return m.conn, nil
}

// activeLocked returns the sockets that want a connection. m.mu is held.
func (m *Manager) activeLocked() []*ClientSocket {
	var out []*ClientSocket
	for _, s := range m.sockets {
		if s.active() {
			out = append(out, s)
		}
	}
	return out
}

// maybeDrop closes the connection when no socket wants it any more.
func (m *Manager) maybeDrop() {
	m.mu.Lock()
	c := m.conn
	drop := c != nil && !m.dropping && !m.closed && len(m.activeLocked()) == 0
	if drop {
		m.dropping = true
	}
	m.mu.Unlock()
	m.signal()
	if drop {
		m.log.Debug("no socket left, closing the connection")
		_ = c.Close()
	}
}
