package sio

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// Middleware vets a connection to a namespace before it is accepted. The
// socket is not connected yet: its handshake, auth and data are available,
// and a middleware may set its data. A non-nil error refuses the connection
// with CONNECT_ERROR: an *[Error] sends its Message, and itself as "data"
// ({"code","name","message","details"}), which the Go client turns back
// into an *Error with the same code, name and details; any other error
// sends its text only. Middlewares run in order, on the connection's
// dispatcher; ctx ends if the connection closes.
type Middleware func(ctx context.Context, s *Socket) error

// Namespace is a communication channel that sockets join, with its own
// middlewares, event handlers, rooms and broadcasts. A namespace made by
// [Server.OfFunc] or [Server.OfRegexp] is a parent: what is registered on it
// applies to every child namespace created through it, and its broadcasts
// reach every child.
//
// A Namespace is safe for concurrent use; register middlewares and handlers
// before clients connect, as later registrations only apply to later events.
type Namespace struct {
	srv     *Server
	name    string
	parent  *Namespace
	match   func(string, Raw) bool // parents only
	adapter Adapter
	ackIDs  atomic.Int64
	// envelope is set once a typed handler ([Handle], [HandleAck]) is
	// registered: acknowledgements follow the envelope convention here.
	envelope atomic.Bool

	mu         sync.RWMutex
	sockets    map[string]*Socket
	restoring  map[string]*Socket // restored sockets until they join: see restore
	mws        []Middleware
	onConn     []func(*Socket)
	handlers   map[string][]EventHandler
	inPlace    map[string]int // how many of handlers[event] read in place (onInPlace)
	serverSide map[string][]func(Args)
	children   []*Namespace
	icepts     nsInterceptors // of the emits; see intercept.go
	limits     map[string]Limits
	refusals   refusalPolicy
	plain      map[string]bool // events whose typed handler acks in the plain style
	// limitTable is a copy of limits that the connections' readers load
	// without a lock; nil when there are none.
	limitTable atomic.Pointer[map[string]Limits]
}

// EventHandler handles an event received by a socket. It runs on the
// connection's dispatcher: events of one connection are handled one at a
// time, in order; a handler that blocks delays its connection's later
// events, never other connections.
type EventHandler func(s *Socket, e *Event)

func newNamespace(srv *Server, name string, parent *Namespace) *Namespace {
	ns := &Namespace{
		srv:        srv,
		name:       name,
		parent:     parent,
		sockets:    make(map[string]*Socket),
		handlers:   make(map[string][]EventHandler),
		serverSide: make(map[string][]func(Args)),
	}
	ns.adapter = srv.opts.Adapter(ns)
	return ns
}

// Name returns the namespace's name, such as "/" or "/chat".
func (ns *Namespace) Name() string { return ns.name }

// Server returns the server the namespace belongs to.
func (ns *Namespace) Server() *Server { return ns.srv }

// Adapter returns the namespace's adapter.
func (ns *Namespace) Adapter() Adapter { return ns.adapter }

// Use adds a middleware that runs for every connection to the namespace
// (for a parent: to each of its children), after the server's.
func (ns *Namespace) Use(mw Middleware) {
	ns.mu.Lock()
	ns.mws = append(ns.mws, mw)
	ns.mu.Unlock()
}

// OnConnection adds a function called with every socket that connects, after
// the CONNECT reply is sent. It runs on the connection's dispatcher.
func (ns *Namespace) OnConnection(fn func(s *Socket)) {
	ns.mu.Lock()
	ns.onConn = append(ns.onConn, fn)
	ns.mu.Unlock()
}

// On adds a handler for an event on every socket of the namespace. See
// [Handle] and [HandleAck] for typed handlers.
//
// An event that no handler takes (none here, on the socket, or OnAny) is
// logged at debug level. If it asks for an acknowledgement and the
// namespace has typed handlers (as a generated RegisterXServer registers:
// their acknowledgements are envelopes), it is answered
// {"ok":false,"error":{"code":"unimplemented",…}}; a namespace with only
// untyped handlers has no such convention and, like the reference server,
// leaves it unanswered.
func (ns *Namespace) On(event string, fn EventHandler) {
	ns.mu.Lock()
	ns.handlers[event] = append(ns.handlers[event], fn)
	ns.mu.Unlock()
}

// onInPlace adds a handler that reads the event's arguments only through
// a generated decoder, which checks the JSON it reads: the event's
// deferred arguments may be left to it (see Socket.dispatch).
func (ns *Namespace) onInPlace(event string, fn EventHandler) {
	ns.mu.Lock()
	ns.handlers[event] = append(ns.handlers[event], fn)
	if ns.inPlace == nil {
		ns.inPlace = make(map[string]int)
	}
	ns.inPlace[event]++
	ns.mu.Unlock()
}

// markPlain records that event's typed handler acknowledges in the plain
// style: a refused event is then dropped, not answered.
func (ns *Namespace) markPlain(event string) {
	ns.mu.Lock()
	if ns.plain == nil {
		ns.plain = make(map[string]bool)
	}
	ns.plain[event] = true
	ns.mu.Unlock()
}

// useEnvelopes records that typed handlers are registered on the
// namespace (see [Namespace.On]).
func (ns *Namespace) useEnvelopes() { ns.envelope.Store(true) }

// enveloped reports whether the namespace, or the parent it was created
// through, has typed handlers.
func (ns *Namespace) enveloped() bool {
	return ns.envelope.Load() || (ns.parent != nil && ns.parent.enveloped())
}

// OnServerSideEmit adds a handler for events that other nodes send with
// [Namespace.ServerSideEmit] (through a multi-node adapter).
func (ns *Namespace) OnServerSideEmit(event string, fn func(args Args)) {
	ns.mu.Lock()
	ns.serverSide[event] = append(ns.serverSide[event], fn)
	ns.mu.Unlock()
}

// ServerSideHandlers returns the handlers registered for a server-side
// event, for adapters that receive them from other nodes.
func (ns *Namespace) ServerSideHandlers(event string) []func(Args) {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	return slices.Clone(ns.serverSide[event])
}

// eventHandlers returns the handlers of event, the parent's included, and
// whether there are some and all of them read in place (onInPlace).
func (ns *Namespace) eventHandlers(event string) (h []EventHandler, inPlace bool) {
	ns.mu.RLock()
	h = ns.handlers[event]
	inPlace = ns.inPlace[event] == len(h)
	ns.mu.RUnlock()
	if ns.parent != nil {
		ph, pin := ns.parent.eventHandlers(event)
		h = append(h[:len(h):len(h)], ph...)
		inPlace = inPlace && pin
	}
	return h, inPlace && len(h) > 0
}

func (ns *Namespace) middlewares() []Middleware {
	var mws []Middleware
	if ns.parent != nil {
		mws = ns.parent.middlewares()
	}
	ns.mu.RLock()
	mws = append(mws, ns.mws...)
	ns.mu.RUnlock()
	return mws
}

func (ns *Namespace) connectionHandlers() []func(*Socket) {
	var h []func(*Socket)
	if ns.parent != nil {
		h = ns.parent.connectionHandlers()
	}
	ns.mu.RLock()
	h = append(h, ns.onConn...)
	ns.mu.RUnlock()
	return h
}

func (ns *Namespace) addChild(c *Namespace) {
	ns.mu.Lock()
	ns.children = append(ns.children, c)
	ns.mu.Unlock()
}

// Children returns the namespaces created through a parent namespace.
func (ns *Namespace) Children() []*Namespace {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	return append([]*Namespace(nil), ns.children...)
}

// runMiddlewares runs the server's and the namespace's middlewares.
func (ns *Namespace) runMiddlewares(s *Socket) error {
	ns.srv.mu.RLock()
	mws := append([]Middleware(nil), ns.srv.mws...)
	ns.srv.mu.RUnlock()
	mws = append(mws, ns.middlewares()...)
	for _, mw := range mws {
		if err := callMiddleware(mw, s); err != nil {
			return err
		}
	}
	return nil
}

func callMiddleware(mw Middleware, s *Socket) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.nsp.srv.log.Error("middleware panicked", "nsp", s.nsp.name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = &Error{Code: CodeInternal, Message: "internal error"}
		}
	}()
	return mw(s.Context(), s)
}

// join makes a vetted socket a member of the namespace: rooms, the missed
// packets of a restored session and the broadcasts held meanwhile (see
// [Namespace.restore]), the CONNECT reply, then the connection handlers.
func (ns *Namespace) join(s *Socket, restored bool) {
	ns.mu.Lock()
	ns.sockets[s.id] = s
	delete(ns.restoring, s.id)
	ns.mu.Unlock()
	rooms := []string{s.id}
	if restored {
		rooms = ns.adapter.SocketRooms(s.id) // a restored one is back in its rooms
	} else {
		ns.adapter.AddAll(s.id, rooms)
	}
	w := ns.srv.watch.Load()
	if w != nil {
		w.joined(s, rooms)
	}
	s.mu.Lock()
	s.connected = true
	s.mu.Unlock()
	if s.hold != nil {
		s.hold.release(s)
	}
	reply := struct {
		SID string `json:"sid"`
		PID string `json:"pid,omitempty"`
	}{s.id, s.pid}
	data, _ := json.Marshal(reply)
	_ = s.conn.send(&Packet{Type: parser.Connect, Namespace: ns.name, Data: data}, nil)
	ns.srv.log.Debug("socket connected", "nsp", ns.name, "sid", s.id, "recovered", restored)
	if w != nil {
		w.connected(s)
	}
	for _, fn := range ns.connectionHandlers() {
		fn(s)
	}
}

// leave forgets a socket, connected or still being restored.
func (ns *Namespace) leave(s *Socket) {
	ns.mu.Lock()
	if ns.sockets[s.id] == s {
		delete(ns.sockets, s.id)
	}
	if ns.restoring[s.id] == s {
		delete(ns.restoring, s.id)
	}
	ns.mu.Unlock()
	ns.adapter.DelAll(s.id)
}

// recipient returns the socket with the given id that broadcasts reach:
// connected, or restored and about to be (its hold keeps what it is sent).
func (ns *Namespace) recipient(id string) *Socket {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	if s := ns.sockets[id]; s != nil {
		return s
	}
	return ns.restoring[id]
}

// Socket returns the connected socket of this node with the given id, or
// nil. Adapters use it for local delivery.
func (ns *Namespace) Socket(id string) *Socket {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	return ns.sockets[id]
}

// Sockets returns the sockets of this node connected to the namespace.
func (ns *Namespace) Sockets() []*Socket {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	out := make([]*Socket, 0, len(ns.sockets))
	for _, s := range ns.sockets {
		out = append(out, s)
	}
	return out
}

// Len returns the number of sockets of this node connected to the namespace.
func (ns *Namespace) Len() int {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	return len(ns.sockets)
}

func (ns *Namespace) broadcast() *BroadcastOperator { return &BroadcastOperator{ns: ns} }

// To returns a broadcast to the sockets in any of the rooms.
func (ns *Namespace) To(rooms ...string) *BroadcastOperator { return ns.broadcast().To(rooms...) }

// In is the same as [Namespace.To].
func (ns *Namespace) In(rooms ...string) *BroadcastOperator { return ns.broadcast().To(rooms...) }

// Except returns a broadcast to every socket not in any of the rooms.
func (ns *Namespace) Except(rooms ...string) *BroadcastOperator {
	return ns.broadcast().Except(rooms...)
}

// Volatile returns a broadcast that may be dropped for sockets that are not
// ready to receive.
func (ns *Namespace) Volatile() *BroadcastOperator { return ns.broadcast().Volatile() }

// Local returns a broadcast that reaches only this node's sockets.
func (ns *Namespace) Local() *BroadcastOperator { return ns.broadcast().Local() }

// Emit sends an event to every socket of the namespace.
func (ns *Namespace) Emit(event string, args ...any) error {
	return ns.broadcast().Emit(event, args...)
}

// EmitWithAck sends an event to every socket of the namespace and collects
// their acknowledgements; see [BroadcastOperator.EmitWithAck].
func (ns *Namespace) EmitWithAck(ctx context.Context, event string, args ...any) ([]Args, error) {
	return ns.broadcast().EmitWithAck(ctx, event, args...)
}

// FetchSockets returns the sockets of the namespace on every node.
func (ns *Namespace) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	return ns.broadcast().FetchSockets(ctx)
}

// SocketsJoin makes every socket of the namespace join the rooms.
func (ns *Namespace) SocketsJoin(ctx context.Context, rooms ...string) error {
	return ns.broadcast().SocketsJoin(ctx, rooms...)
}

// SocketsLeave makes every socket of the namespace leave the rooms.
func (ns *Namespace) SocketsLeave(ctx context.Context, rooms ...string) error {
	return ns.broadcast().SocketsLeave(ctx, rooms...)
}

// DisconnectSockets disconnects every socket of the namespace, closing
// their connections when close is true.
func (ns *Namespace) DisconnectSockets(ctx context.Context, close bool) error {
	return ns.broadcast().DisconnectSockets(ctx, close)
}

// ServerSideEmit sends an event to the other nodes of a cluster (see
// [Namespace.OnServerSideEmit]); with a single node it does nothing.
func (ns *Namespace) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return err
	}
	return ns.adapter.ServerSideEmit(ctx, &Packet{Type: eventType(att), Namespace: ns.name, Data: data, Attachments: att})
}

// ServerSideEmitWithAck is [Namespace.ServerSideEmit] collecting one answer
// per other node within ctx.
func (ns *Namespace) ServerSideEmitWithAck(ctx context.Context, event string, args ...any) ([]Args, error) {
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return nil, err
	}
	return ns.adapter.ServerSideEmitWithAck(ctx, &Packet{Type: eventType(att), Namespace: ns.name, Data: data, Attachments: att})
}
