package sio

import (
	"bytes"
	"context"
	"slices"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// AuthFunc computes a socket's auth payload before each CONNECT (the first
// connection and every reconnection), for credentials that change, such as
// short-lived tokens. ctx ends when the manager closes or
// ClientOptions.Timeout passes. An error refuses the connection locally: the
// socket's connect error handlers get it and the socket stops.
type AuthFunc func(ctx context.Context) (any, error)

// SocketOptions configures a [ClientSocket]. Nil means the defaults.
type SocketOptions struct {
	// Auth is the CONNECT auth payload (the server's handshake auth): a
	// value that encodes to a JSON object (a map, a struct, a [Raw]...), or
	// an [AuthFunc] (or a plain func(context.Context) (any, error))
	// evaluated before each CONNECT. Nil sends none. With connection state
	// recovery the client adds "pid" and "offset", which the auth's own
	// members override.
	Auth any
}

type clientState int

const (
	csIdle       clientState = iota // never asked to connect: emits are buffered
	csConnecting                    // active, waiting for a connection or a CONNECT reply
	csConnected                     // active and connected
	csClosed                        // inactive: disconnected, refused, or gave up; emits fail
)

// maxReceiveBuffer bounds the events a socket keeps while it waits for its
// CONNECT reply (missed events replayed by recovery come then).
const maxReceiveBuffer = 1 << 16

// ClientSocket is a client's connection to one namespace, multiplexed with
// the others of its [Manager] on one Engine.IO connection. It is made by
// [Manager.Socket] or [Dial], and connects with [ClientSocket.Connect].
//
// Concurrency: every method is safe for concurrent use. Handlers run on the
// manager's dispatcher, one at a time, in the order the events arrived.
// Emits never wait for the network: while the socket is connected they are
// queued on the connection; while it is connecting or reconnecting they are
// buffered (up to ClientOptions.MaxBufferedEmits) and sent once, in order,
// right after the next CONNECT reply; after [ClientSocket.Disconnect], a
// server disconnect, a refusal or when reconnection gives up, they fail
// with [CodeDisconnected] until Connect is called again.
//
// Connection state recovery: when the server enables it, the socket keeps
// the session's private id and the offset of the last event received, sends
// them in its next CONNECT, and reports [ClientSocket.Recovered] when the
// server restored the session; the events missed meanwhile arrive before
// the CONNECT reply and are handled after it. Such a server appends the
// offset as a last string argument to every event it sends without an
// acknowledgement id, except volatile ones; while the session has a private
// id the client removes a trailing string argument from every event that has
// no acknowledgement id, so a volatile event's own trailing string argument
// would be taken for an offset (the JavaScript client shares the ambiguity).
type ClientSocket struct {
	m    *Manager
	nsp  string
	auth any

	mu             sync.Mutex
	state          clientState
	changed        chan struct{} // closed and replaced on each state change
	lastErr        *Error        // why the last attempt failed, or why the socket stopped
	conn           *engineio.Conn
	id             string
	pid            string
	offset         string
	recovered      bool
	ctx            context.Context // the current session's, canceled when it ends
	cancel         context.CancelFunc
	handlers       map[string][]func(*ClientEvent)
	anyIn          []func(*ClientEvent)
	envelope       bool // typed handlers are registered (see On)
	onConnect      []func()
	onDisconnect   []func(DisconnectReason)
	onConnectError []func(*Error)
	nextID         int64
	acks           map[int64]*clientAck
	sendBuf        []*outPacket
	recvBuf        []*parser.Packet
	retry          []*retryItem
}

// clientAck is an acknowledgement the socket waits for.
type clientAck struct {
	fn    func(Args, error) // called at most once, after removal from acks
	sent  bool              // the packet went out on a connection
	retry *retryItem        // set for an attempt of the retry queue
}

// outPacket is an emit waiting for a connection.
type outPacket struct {
	msgs  []*engineio.Message
	id    int64
	hasID bool
}

type clientAckResult struct {
	args Args
	err  error
}

var _ AckEmitter = (*ClientSocket)(nil)

func newClientSocket(m *Manager, nsp string, opts *SocketOptions) *ClientSocket {
	s := &ClientSocket{m: m, nsp: nsp, changed: make(chan struct{}), acks: make(map[int64]*clientAck)}
	if opts != nil {
		s.auth = opts.Auth
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.cancel()
	return s
}

// Namespace returns the socket's namespace, such as "/" or "/chat".
func (s *ClientSocket) Namespace() string { return s.nsp }

// Manager returns the manager the socket belongs to.
func (s *ClientSocket) Manager() *Manager { return s.m }

// ID returns the socket id the server gave in its CONNECT reply, or ""
// while the socket is not connected. A recovered session keeps its id.
func (s *ClientSocket) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != csConnected {
		return ""
	}
	return s.id
}

// Connected reports whether the socket is connected.
func (s *ClientSocket) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state == csConnected
}

// Recovered reports whether the last connection restored the previous
// session (connection state recovery): same id and rooms, and the events
// missed while disconnected were replayed.
func (s *ClientSocket) Recovered() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recovered
}

// On adds a handler for an event. See [OnClient] and [OnClientAck] for
// typed handlers.
//
// An event no handler takes (none for its name, no OnAny) is logged at
// debug level; if it asks for an acknowledgement and typed handlers
// ([OnClient], [OnClientAck]) are registered on the socket, it is answered
// {"ok":false,"error":{"code":"unimplemented",…}}, else left unanswered,
// as by the reference client.
func (s *ClientSocket) On(event string, fn func(e *ClientEvent)) {
	s.mu.Lock()
	if s.handlers == nil {
		s.handlers = make(map[string][]func(*ClientEvent))
	}
	s.handlers[event] = append(s.handlers[event], fn)
	s.mu.Unlock()
}

// useEnvelopes records that typed handlers are registered (see
// [ClientSocket.On]).
func (s *ClientSocket) useEnvelopes() {
	s.mu.Lock()
	s.envelope = true
	s.mu.Unlock()
}

// OnAny adds a handler called for every event, before the event's own
// handlers.
func (s *ClientSocket) OnAny(fn func(e *ClientEvent)) {
	s.mu.Lock()
	s.anyIn = append(s.anyIn, fn)
	s.mu.Unlock()
}

// OnConnect adds a function called after each CONNECT reply (the first
// connection and every reconnection), after the events that arrived before
// the reply have been handled.
func (s *ClientSocket) OnConnect(fn func()) {
	s.mu.Lock()
	s.onConnect = append(s.onConnect, fn)
	s.mu.Unlock()
}

// OnDisconnect adds a function called when the connected socket
// disconnects, with the reason: [ReasonIOServerDisconnect] (the server
// disconnected it; no reconnection), [ReasonIOClientDisconnect]
// (Disconnect or Manager.Close), or a connection loss such as
// [ReasonTransportClose] or [ReasonPingTimeout], after which the manager
// reconnects.
func (s *ClientSocket) OnDisconnect(fn func(reason DisconnectReason)) {
	s.mu.Lock()
	s.onDisconnect = append(s.onDisconnect, fn)
	s.mu.Unlock()
}

// OnConnectError adds a function called when connecting fails: the server
// refused the namespace (Message and Details are the CONNECT_ERROR's
// "message" and "data"; the socket stops, it is not retried), or the
// Engine.IO connection could not be opened ([CodeConnectionFailed]; the
// manager tries again).
func (s *ClientSocket) OnConnectError(fn func(err *Error)) {
	s.mu.Lock()
	s.onConnectError = append(s.onConnectError, fn)
	s.mu.Unlock()
}

func (s *ClientSocket) active() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state == csConnecting || s.state == csConnected
}

func (s *ClientSocket) setStateLocked(st clientState) {
	s.state = st
	close(s.changed)
	s.changed = make(chan struct{})
}

// Connect connects the socket, opening the manager's connection if needed,
// and waits until the server accepts it. It returns nil at once when the
// socket is connected. It fails with the server's refusal (an *[Error]
// whose Message and Details are the CONNECT_ERROR's), with
// [CodeConnectionFailed] when reconnection gives up (or at the first
// failure when reconnection is disabled), or with [CodeTimeout] when ctx
// ends first; the socket then keeps trying in the background until
// [ClientSocket.Disconnect].
func (s *ClientSocket) Connect(ctx context.Context) error {
	s.mu.Lock()
	switch s.state {
	case csConnected:
		s.mu.Unlock()
		return nil
	case csIdle, csClosed:
		s.lastErr, s.conn = nil, nil
		s.setStateLocked(csConnecting)
	}
	s.mu.Unlock()
	conn, err := s.m.activate()
	if err != nil {
		s.end("", false, err)
		return err
	}
	if conn != nil {
		s.sendConnect(ctx, conn)
	}
	return s.waitConnected(ctx)
}

func (s *ClientSocket) waitConnected(ctx context.Context) error {
	for {
		s.mu.Lock()
		st, last, ch := s.state, s.lastErr, s.changed
		s.mu.Unlock()
		switch st {
		case csConnected:
			return nil
		case csClosed, csIdle:
			if last == nil {
				last = &Error{Code: CodeDisconnected, Message: "socket disconnected"}
			}
			return last
		}
		select {
		case <-ch:
		case <-ctx.Done():
			msg := "failed to connect to " + s.nsp + " in time"
			if last != nil {
				msg += ": " + last.Message
			}
			return &Error{Code: CodeTimeout, Message: msg, Err: ctx.Err()}
		}
	}
}

// Disconnect leaves the namespace: DISCONNECT is sent if the socket is
// connected, its disconnect handlers get [ReasonIOClientDisconnect],
// pending acknowledgements and buffered emits fail with [CodeDisconnected],
// and it is not reconnected. The manager closes its connection when no
// socket remains connected. Connect may be called again.
func (s *ClientSocket) Disconnect() {
	s.end(ReasonIOClientDisconnect, true, &Error{Code: CodeDisconnected, Message: "socket disconnected by the client"})
	s.m.maybeDrop()
}

// end stops the socket: state closed, session ended, acknowledgements and
// buffered emits failed with err. When it was connected, tellServer sends
// DISCONNECT and a non-empty reason runs the disconnect handlers.
func (s *ClientSocket) end(reason DisconnectReason, tellServer bool, err *Error) {
	s.mu.Lock()
	if s.state == csClosed {
		s.mu.Unlock()
		return
	}
	wasConnected := s.state == csConnected
	conn := s.conn
	acks, items := s.deactivateLocked(err)
	var fns []func(DisconnectReason)
	if wasConnected && reason != "" {
		fns = slices.Clone(s.onDisconnect)
	}
	s.mu.Unlock()
	if wasConnected && tellServer && conn != nil {
		_ = s.m.send(conn, encodePacket(&Packet{Type: parser.Disconnect, Namespace: s.nsp})...)
	}
	failAcks(acks, items, err)
	if len(fns) > 0 {
		s.m.work.push(func() {
			for _, fn := range fns {
				s.m.safely(func() { fn(reason) })
			}
		})
	}
}

// deactivateLocked closes the socket and returns what must be failed.
func (s *ClientSocket) deactivateLocked(err *Error) (map[int64]*clientAck, []*retryItem) {
	s.setStateLocked(csClosed)
	s.lastErr = err
	s.conn = nil
	s.cancel()
	acks := s.acks
	s.acks = make(map[int64]*clientAck)
	s.sendBuf, s.recvBuf = nil, nil
	items := s.retry
	s.retry = nil
	for _, it := range items {
		it.stopLocked()
	}
	return acks, items
}

func failAcks(acks map[int64]*clientAck, items []*retryItem, err *Error) {
	for _, a := range acks {
		if a.retry == nil {
			a.fn(Args{}, err)
		}
	}
	for _, it := range items {
		it.finish(Args{}, err)
	}
}

// sendConnect sends CONNECT on conn, once per connection.
func (s *ClientSocket) sendConnect(ctx context.Context, conn *engineio.Conn) {
	s.mu.Lock()
	if s.state != csConnecting || s.conn == conn {
		s.mu.Unlock()
		return
	}
	s.conn = conn
	pid, offset := s.pid, s.offset
	s.mu.Unlock()
	data, e := s.connectPayload(ctx, pid, offset)
	if e != nil {
		s.refuse(conn, e)
		return
	}
	// A failure means the connection is closing; connLost resets the claim.
	_ = s.m.send(conn, encodePacket(&Packet{Type: parser.Connect, Namespace: s.nsp, Data: data})...)
}

// connectPayload returns the CONNECT payload: the auth object, merged into
// {"pid":P,"offset":O} when the socket has a session to recover.
func (s *ClientSocket) connectPayload(ctx context.Context, pid, offset string) ([]byte, *Error) {
	auth := s.auth
	var err error
	switch f := auth.(type) {
	case AuthFunc:
		auth, err = f(ctx)
	case func(context.Context) (any, error):
		auth, err = f(ctx)
	}
	if err != nil {
		if e, ok := err.(*Error); ok {
			return nil, e
		}
		return nil, &Error{Code: CodeUnauthenticated, Message: "failed to get the auth payload: " + err.Error(), Err: err}
	}
	var authJSON []byte
	if auth != nil {
		b, err := json.Marshal(auth, v1opts)
		if err != nil {
			return nil, &Error{Code: CodeInvalidArgument, Message: "failed to encode the auth payload: " + err.Error(), Err: err}
		}
		b = bytes.TrimSpace(b)
		if string(b) != "null" {
			if len(b) == 0 || b[0] != '{' {
				return nil, &Error{Code: CodeInvalidArgument, Message: "the auth payload must encode to a JSON object"}
			}
			authJSON = b
		}
	}
	if pid == "" {
		return authJSON, nil
	}
	out, err := mergeRecovery(pid, offset, authJSON)
	if err != nil {
		return nil, &Error{Code: CodeInvalidArgument, Message: "failed to encode the auth payload: " + err.Error(), Err: err}
	}
	return out, nil
}

// mergeRecovery returns {"pid":pid,"offset":offset,...auth}, as the
// JavaScript Object.assign({pid, offset}, auth) does: auth members override
// in place, others follow in order; no offset member when offset is "".
func mergeRecovery(pid, offset string, auth []byte) ([]byte, error) {
	type member struct {
		name  string
		value []byte
	}
	quote := func(s string) []byte { b, _ := json.Marshal(s, v1opts); return b }
	ms := []member{{"pid", quote(pid)}}
	if offset != "" {
		ms = append(ms, member{"offset", quote(offset)})
	}
	if auth != nil {
		dec := jsontext.NewDecoder(bytes.NewReader(auth))
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			name := tok.String()
			v, err := dec.ReadValue()
			if err != nil {
				return nil, err
			}
			if i := slices.IndexFunc(ms, func(m member) bool { return m.name == name }); i >= 0 {
				ms[i].value = bytes.Clone(v)
			} else {
				ms = append(ms, member{name, bytes.Clone(v)})
			}
		}
	}
	out := []byte{'{'}
	for i, m := range ms {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, quote(m.name)...)
		out = append(out, ':')
		out = append(out, m.value...)
	}
	return append(out, '}'), nil
}
