package sio

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// Handshake is what the server knows of a socket's connection.
type Handshake struct {
	// Headers of the Engine.IO handshake request.
	Headers http.Header
	// Query of the Engine.IO handshake request.
	Query url.Values
	// Address is the remote address of the handshake request.
	Address string
	// Time is when the socket connected.
	Time time.Time
	// Secure tells whether the connection uses TLS.
	Secure bool
	// Auth is the auth payload of the CONNECT packet ({} when absent).
	Auth Raw
}

// Socket is one client's connection to one namespace.
//
// Concurrency: every method is safe for concurrent use. Event handlers of
// one connection run one at a time, in order, on its dispatcher; emits from
// any goroutine are queued without waiting for the network. A handler
// added to the socket while an event is being dispatched takes effect from
// the next event.
type Socket struct {
	id        string
	nsp       *Namespace
	conn      *conn
	handshake *Handshake
	queryOnce sync.Once // fills handshake.Query
	// The context is made on first use (most idle sockets never need
	// one); it is canceled on disconnect, or by the connection as soon as
	// it is lost (see conn.track).
	ctxMu     sync.Mutex
	ctx       context.Context
	ctxCancel context.CancelFunc
	canceled  bool
	pid       string
	recovered bool

	hasOutgoing atomic.Bool
	closeOnce   sync.Once

	// lastEvent is the name of the last event dispatched, reused for the
	// next one when equal; only the dispatcher touches it.
	lastEvent string
	// edge is the state of the socket's limits, made by the connection's
	// reader, which alone touches it; nil until a limited event arrives.
	edge *socketEdge

	mu        sync.Mutex
	connected bool
	gone      bool // disconnected: joins are ignored
	data      any
	// The handler lists are copy-on-write: adding a handler replaces the
	// slice under mu, never writing to an array already handed out, so a
	// reader takes the slice under mu and calls it unlocked, uncopied.
	handlers      map[string][]func(*Event)
	anyIn         []func(*Event)
	anyOut        []func(event string, args Args)
	disconnecting []func(DisconnectReason)
	disconnected  []func(DisconnectReason)
	acks          map[int64]func(Args, error) // made by the first expectAck
	acksClosed    bool                        // no more acks: the connection is lost or the socket gone
	// hold is set for a restored socket before it can be reached, and
	// never changed: see [replayHold].
	hold *replayHold
}

func newSocket(ns *Namespace, c *conn, id string, auth Raw) *Socket {
	r := c.eio.Request()
	hs := &Handshake{Time: time.Now(), Auth: auth}
	if r != nil {
		// The query is parsed when Handshake is first called: most sockets
		// never need it, and a parsed query is most of a socket's memory.
		hs.Headers, hs.Address, hs.Secure = r.Header, r.RemoteAddr, r.TLS != nil
	}
	s := &Socket{id: id, nsp: ns, conn: c, handshake: hs}
	if ns.srv.opts.Recovery != nil {
		s.pid = newID()
	}
	return s
}

// ID returns the socket's id, unique per namespace connection, which is also
// the name of its own room. It is not the Engine.IO session id.
func (s *Socket) ID() string { return s.id }

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() *Namespace { return s.nsp }

// Handshake returns the details of the socket's connection.
func (s *Socket) Handshake() *Handshake {
	s.queryOnce.Do(func() {
		if s.conn == nil {
			return
		}
		if r := s.conn.eio.Request(); r != nil {
			s.handshake.Query = r.URL.Query()
		}
	})
	return s.handshake
}

// Context returns a context that is canceled when the socket disconnects.
func (s *Socket) Context() context.Context {
	s.ctxMu.Lock()
	defer s.ctxMu.Unlock()
	if s.ctx == nil {
		s.ctx, s.ctxCancel = context.WithCancel(context.Background())
		if s.canceled {
			s.ctxCancel()
		}
	}
	return s.ctx
}

// cancel cancels the socket's context, now or when it is made.
func (s *Socket) cancel() {
	s.ctxMu.Lock()
	defer s.ctxMu.Unlock()
	s.canceled = true
	if s.ctxCancel != nil {
		s.ctxCancel()
	}
}

// Recovered reports whether the socket is a restored session (connection
// state recovery): same id, rooms and data, missed events replayed.
func (s *Socket) Recovered() bool { return s.recovered }

// Connected reports whether the socket is connected.
func (s *Socket) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// Transport returns the Engine.IO transport in use ("polling" or
// "websocket").
func (s *Socket) Transport() string { return s.conn.eio.Transport() }

// Data returns the value set by [Socket.SetData], or nil.
func (s *Socket) Data() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data
}

// SetData attaches any value to the socket. Multi-node adapters share it
// (as JSON) through FetchSockets, and recovery restores it.
func (s *Socket) SetData(v any) {
	s.mu.Lock()
	s.data = v
	s.mu.Unlock()
}

// On adds a handler for an event on this socket only. See
// [Namespace.On] for handlers that every socket gets.
func (s *Socket) On(event string, fn func(e *Event)) {
	s.mu.Lock()
	if s.handlers == nil {
		s.handlers = make(map[string][]func(*Event))
	}
	s.handlers[event] = appendCOW(s.handlers[event], fn)
	s.mu.Unlock()
}

// OnAny adds a handler called for every event the socket receives, before
// the event's own handlers.
func (s *Socket) OnAny(fn func(e *Event)) {
	s.mu.Lock()
	s.anyIn = appendCOW(s.anyIn, fn)
	s.mu.Unlock()
}

// OnAnyOutgoing adds a function called for every event sent to the socket,
// broadcasts included.
func (s *Socket) OnAnyOutgoing(fn func(event string, args Args)) {
	s.mu.Lock()
	s.anyOut = appendCOW(s.anyOut, fn)
	s.mu.Unlock()
	s.hasOutgoing.Store(true)
}

// OnDisconnecting adds a function called when the socket is about to
// disconnect, while its rooms are still visible.
func (s *Socket) OnDisconnecting(fn func(reason DisconnectReason)) {
	s.mu.Lock()
	s.disconnecting = appendCOW(s.disconnecting, fn)
	s.mu.Unlock()
}

// OnDisconnect adds a function called once the socket has disconnected.
func (s *Socket) OnDisconnect(fn func(reason DisconnectReason)) {
	s.mu.Lock()
	s.disconnected = appendCOW(s.disconnected, fn)
	s.mu.Unlock()
}

// Join adds the socket to the rooms. It does nothing once the socket has
// disconnected.
func (s *Socket) Join(rooms ...string) {
	// Under s.mu, so that a socket cannot join rooms after onClose has made
	// it leave them all.
	w := s.nsp.srv.watchingRooms()
	var added []string
	s.mu.Lock()
	if !s.gone {
		if w != nil && s.connected { // rooms joined in a middleware show in Connect
			added = s.newRooms(rooms)
		}
		s.nsp.adapter.AddAll(s.id, rooms)
	}
	s.mu.Unlock()
	if len(added) > 0 {
		w.joined(s, added)
	}
}

// Leave removes the socket from a room.
func (s *Socket) Leave(room string) {
	w := s.nsp.srv.watchingRooms()
	if w == nil {
		s.nsp.adapter.Del(s.id, room)
		return
	}
	was := s.inRoom(room)
	s.nsp.adapter.Del(s.id, room)
	if was {
		w.left(s, room)
	}
}

// Rooms returns the rooms the socket is in, its own room included.
func (s *Socket) Rooms() []string {
	r := s.nsp.adapter.SocketRooms(s.id)
	slices.Sort(r)
	return r
}

// To returns a broadcast to the rooms that excludes this socket.
func (s *Socket) To(rooms ...string) *BroadcastOperator {
	return s.nsp.broadcast().Except(s.id).To(rooms...)
}

// In is the same as [Socket.To].
func (s *Socket) In(rooms ...string) *BroadcastOperator { return s.To(rooms...) }

// Except returns a broadcast to every other socket not in the rooms.
func (s *Socket) Except(rooms ...string) *BroadcastOperator {
	return s.nsp.broadcast().Except(append([]string{s.id}, rooms...)...)
}

// Volatile returns an operator that emits to this socket only, dropping the
// event when the socket is not ready to receive it (its connection's send
// queue is not empty), like socket.volatile.emit in JavaScript. Volatile
// events are never replayed by connection state recovery.
func (s *Socket) Volatile() *BroadcastOperator {
	return s.nsp.broadcast().To(s.id).Volatile()
}

// Broadcast returns a broadcast to every other socket of the namespace.
func (s *Socket) Broadcast() *BroadcastOperator { return s.nsp.broadcast().Except(s.id) }

// Emit sends an event to the socket. Arguments are any JSON-encodable
// values; []byte anywhere in them travels as binary. Emit does not wait for
// the network; it fails for reserved event names, unencodable arguments and
// closed connections.
func (s *Socket) Emit(event string, args ...any) error {
	return s.emitWith(nil, event, args)
}

// emitWith emits through the interceptors, following bp (nil: the default
// queue).
func (s *Socket) emitWith(bp *Backpressure, event string, args []any) error {
	if ics := s.nsp.emitInterceptors(); len(ics) > 0 {
		_, err := interceptOut(s.Context(), ics, &Invocation{Namespace: s.nsp.name, Event: event, Direction: Outbound, Socket: s, Payload: slices.Clone(args)}, func(_ context.Context, event string, args []any) (any, error) {
			return nil, s.emit(bp, event, args)
		})
		return err
	}
	return s.emit(bp, event, args)
}

func (s *Socket) emit(bp *Backpressure, event string, args []any) error {
	if parser.IsReserved(event) {
		return NewError(CodeInvalidArgument, "%q is a reserved event name", event)
	}
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return err
	}
	p := &Packet{Type: eventType(att), Namespace: s.nsp.name, Data: data, Attachments: att}
	if s.nsp.srv.opts.Recovery != nil {
		// Through the adapter, which logs it with an offset for recovery.
		opts := &BroadcastOptions{Rooms: []string{s.id}}
		if bp != nil {
			opts.Backpressure = *bp
		}
		err := s.nsp.adapter.Broadcast(p, opts)
		if err != nil {
			s.nsp.adapterFailed("broadcast", err)
		}
		return err
	}
	s.notifyOutgoing(p)
	if bp == nil {
		return s.conn.send(p, nil)
	}
	pol := sendPolicy(p, event, false, bp)
	return s.conn.send(p, &pol)
}

// Send emits the "message" event, the WebSocket-like shorthand.
func (s *Socket) Send(args ...any) error { return s.Emit("message", args...) }

// EmitWithAck sends an event and waits for the client's acknowledgement,
// returning its arguments. It returns an *[Error] with [CodeTimeout] when
// ctx ends or the server's AckTimeout passes first, and [CodeDisconnected]
// when the socket disconnects first.
func (s *Socket) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	if ics := s.nsp.emitInterceptors(); len(ics) > 0 {
		r, err := interceptOut(ctx, ics, &Invocation{Namespace: s.nsp.name, Event: event, Direction: Outbound, Socket: s, Payload: slices.Clone(args), WantsAck: true}, func(ctx context.Context, event string, args []any) (any, error) {
			return withAckedError(s.emitWithAck(ctx, event, args))
		})
		return ackResultOf(r, err)
	}
	return s.emitWithAck(ctx, event, args)
}

func (s *Socket) emitWithAck(ctx context.Context, event string, args []any) (Args, error) {
	if parser.IsReserved(event) {
		return Args{}, NewError(CodeInvalidArgument, "%q is a reserved event name", event)
	}
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return Args{}, err
	}
	id := s.nsp.ackIDs.Add(1) - 1
	done := make(chan ackResult, 1)
	if !s.expectAck(id, func(a Args, err error) { done <- ackResult{a, err} }) {
		return Args{}, &Error{Code: CodeDisconnected, Message: "socket is disconnected"}
	}
	p := &Packet{Type: eventType(att), Namespace: s.nsp.name, ID: id, HasID: true, Data: data, Attachments: att}
	s.notifyOutgoing(p)
	if err := s.conn.send(p, nil); err != nil {
		s.dropAck(id)
		return Args{}, &Error{Code: CodeDisconnected, Message: "socket is disconnected", Err: err}
	}
	return waitAck(ctx, s.nsp.srv.opts.AckTimeout, done, func() { s.dropAck(id) })
}

type ackResult struct {
	args Args
	err  error
}

// waitAck waits for an acknowledgement, the context, or the default timeout.
func waitAck(ctx context.Context, def time.Duration, done <-chan ackResult, cancel func()) (Args, error) {
	var timeout <-chan time.Time
	if _, ok := ctx.Deadline(); !ok && def > 0 {
		t := time.NewTimer(def)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case r := <-done:
		return r.args, r.err
	case <-ctx.Done():
		cancel()
		return Args{}, &Error{Code: CodeTimeout, Message: "operation has timed out", Err: ctx.Err()}
	case <-timeout:
		cancel()
		return Args{}, &Error{Code: CodeTimeout, Message: "operation has timed out"}
	}
}

// expectAck registers fn for the acknowledgement id; false when the socket
// is gone.
func (s *Socket) expectAck(id int64, fn func(Args, error)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.acksClosed {
		return false
	}
	if s.acks == nil {
		s.acks = make(map[int64]func(Args, error))
	}
	s.acks[id] = fn
	return true
}

func (s *Socket) dropAck(id int64) {
	s.mu.Lock()
	delete(s.acks, id)
	s.mu.Unlock()
}

// failAcks fails the pending acknowledgements of a socket whose connection
// is lost, and refuses new ones.
func (s *Socket) failAcks() {
	s.mu.Lock()
	acks := s.acks
	s.acks, s.acksClosed = nil, true
	s.mu.Unlock()
	for _, fn := range acks {
		fn(Args{}, &Error{Code: CodeDisconnected, Message: "socket has been disconnected"})
	}
}

// resolveAck delivers an ACK packet; unknown ids are ignored.
func (s *Socket) resolveAck(p *Packet) {
	s.mu.Lock()
	fn := s.acks[p.ID]
	delete(s.acks, p.ID)
	s.mu.Unlock()
	if fn == nil {
		return
	}
	args, err := packetArgs(p, 0)
	fn(args, err)
}

// notifyOutgoing calls the OnAnyOutgoing listeners.
func (s *Socket) notifyOutgoing(p *Packet) {
	if !s.hasOutgoing.Load() {
		return
	}
	// From Data, not p.Elements: adapters may hand over copies of
	// packets with Data changed.
	elems, err := parser.SplitArray(p.Data)
	if err != nil || len(elems) == 0 {
		return
	}
	name, err := eventNameOf(elems[0], "")
	if err != nil {
		return
	}
	args := Args{raw: elems[1:], att: p.Attachments}
	s.mu.Lock()
	fns := s.anyOut
	s.mu.Unlock()
	for _, fn := range fns {
		fn(name, args)
	}
}

// dispatch runs the handlers of an EVENT packet, on the dispatcher.
func (s *Socket) dispatch(p *Packet, slot *eventLimit) {
	name, args, err := packetEvent(p, s.lastEvent)
	var anyIn, own []func(*Event)
	var nsh []EventHandler
	if err == nil {
		s.lastEvent = name
		s.mu.Lock()
		anyIn = s.anyIn
		own = s.handlers[name]
		s.mu.Unlock()
		var inPlace bool
		nsh, inPlace = s.nsp.eventHandlers(name)
		// Arguments the parser deferred (conn.go) are read in place by the
		// generated decoder when only typed handlers take the event (see
		// decodeInput); anyone else gets them checked by the parser first.
		switch {
		case p.Deferred == nil:
		case inPlace && len(anyIn) == 0 && len(own) == 0:
			args.deferred = p
		case s.conn.checkDeferred(p):
			args = argsFrom(p.Elements, nil, 1)
		default:
			err = errMalformed
		}
	}
	if err != nil {
		if slot != nil {
			slot.pending.Add(-1)
		}
		return
	}
	e := &Event{Args: args, Name: name, socket: s, id: p.ID, hasAck: p.HasID}
	if slot != nil {
		e.slot.Store(slot)
		defer func() {
			if !e.later.Load() {
				e.release()
			}
		}()
	}
	defer func() {
		if r := recover(); r != nil {
			s.handlerPanicked(e, r)
		}
	}()
	for _, fn := range anyIn {
		fn(e)
	}
	for _, fn := range own {
		fn(e)
	}
	for _, fn := range nsh {
		fn(s, e)
	}
	if len(anyIn) == 0 && len(own) == 0 && len(nsh) == 0 {
		s.unhandled(e)
	}
}

// unhandled deals with an event no handler took (no OnAny, socket or
// namespace handler): it is logged at debug level, and, on a namespace of
// typed handlers, an acknowledgement it asks for is answered with an
// envelope error [CodeUnimplemented]; see [Namespace.On].
func (s *Socket) unhandled(e *Event) {
	s.nsp.srv.log.Debug("unhandled event", "nsp", s.nsp.name, "sid", s.id, "event", e.Name, "ack", e.WantsAck())
	if w := s.nsp.srv.watch.Load(); w != nil {
		w.unknown(s.nsp.name, e.Name)
	}
	if e.WantsAck() && s.nsp.enveloped() {
		_ = e.Ack(errorEnvelope{Error: &Error{Code: CodeUnimplemented, Message: "no handler for event " + strconv.Quote(e.Name)}})
	}
}

// handlerPanicked logs the panic of an untyped handler, with its stack,
// and, on a namespace of typed handlers, answers the event with an internal
// error if it is still waiting for its acknowledgement.
func (s *Socket) handlerPanicked(e *Event, r any) {
	s.handlerFailed(e.Name, panicked(r))
	if e.hasAck && !e.acked.Load() && s.nsp.enveloped() {
		_ = e.Ack(errorEnvelope{Error: &Error{Code: CodeInternal, Message: "internal error"}})
	}
}

// Disconnect disconnects the socket from its namespace ("server namespace
// disconnect"); the client does not reconnect it automatically. With close,
// every other socket of the underlying connection is disconnected the same
// way and the connection is closed.
func (s *Socket) Disconnect(close bool) {
	if !close {
		s.onClose(ReasonServerNamespaceDisconnect, true)
		return
	}
	// Like the reference server: every socket of the connection is told,
	// so that none of them reconnects, then the connection closes.
	s.conn.mu.Lock()
	socks := make([]*Socket, 0, len(s.conn.sockets))
	for _, o := range s.conn.sockets {
		socks = append(socks, o)
	}
	s.conn.mu.Unlock()
	s.onClose(ReasonServerNamespaceDisconnect, true)
	for _, o := range socks {
		o.onClose(ReasonServerNamespaceDisconnect, true)
	}
	_ = s.conn.eio.Close()
}

// onClose disconnects the socket once: disconnecting handlers (rooms still
// visible), session kept for recovery, rooms left, pending acks failed,
// disconnect handlers.
func (s *Socket) onClose(reason DisconnectReason, tellClient bool) {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		wasConnected := s.connected
		s.connected = false
		s.gone = true
		before := s.disconnecting
		after := s.disconnected
		acks := s.acks
		s.acks, s.acksClosed = nil, true
		s.mu.Unlock()
		if !wasConnected {
			s.cancel()
			return
		}
		for _, fn := range before {
			fn(reason)
		}
		if s.nsp.srv.opts.Recovery != nil && reason.recoverable() {
			s.nsp.adapter.PersistSession(&Session{
				SID: s.id, PID: s.pid, Namespace: s.nsp.name, Rooms: s.nsp.adapter.SocketRooms(s.id), Data: s.Data(),
			})
		}
		if tellClient {
			_ = s.conn.send(&Packet{Type: parser.Disconnect, Namespace: s.nsp.name}, nil)
		}
		w := s.nsp.srv.watch.Load()
		var left []string
		if w != nil && w.rooms {
			left = s.nsp.adapter.SocketRooms(s.id)
			slices.Sort(left)
		}
		s.nsp.leave(s)
		s.conn.remove(s)
		s.cancel()
		for _, fn := range acks {
			fn(Args{}, &Error{Code: CodeDisconnected, Message: "socket has been disconnected"})
		}
		s.nsp.srv.log.Debug("socket disconnected", "nsp", s.nsp.name, "sid", s.id, "reason", reason)
		if w != nil {
			w.disconnected(s, reason, left)
		}
		for _, fn := range after {
			fn(reason)
		}
	})
}

// appendCOW returns list with v appended, in a new array: list itself, which
// readers may hold, is left untouched.
func appendCOW[T any](list []T, v T) []T {
	return append(list[:len(list):len(list)], v)
}

// Event is an event received by a socket.
type Event struct {
	Args
	// Name is the event's name.
	Name   string
	socket *Socket
	id     int64
	hasAck bool
	acked  atomic.Bool
	// slot is the event's place among the pending acknowledgements of a
	// limited event (see [Limits.MaxPendingAcks]), until it is answered;
	// later keeps it when the handler returns ([Event.AckLater]).
	slot  atomic.Pointer[eventLimit]
	later atomic.Bool
}

// Socket returns the socket that received the event.
func (e *Event) Socket() *Socket { return e.socket }

// WantsAck reports whether the sender asked for an acknowledgement.
func (e *Event) WantsAck() bool { return e.hasAck }

// Ack sends the acknowledgement with the given arguments. It may be called
// from any goroutine, at most once; later calls and calls for events that
// asked for no acknowledgement return an error.
func (e *Event) Ack(args ...any) error {
	// The array is encoded into a pooled buffer: the frame is built from
	// it before send returns, and nothing else sees the packet.
	bp := fastPool.Get().(*[]byte)
	p, err := ackPacket(e.Name, e.hasAck, &e.acked, e.socket.nsp.name, e.id, args, *bp)
	if err == nil {
		e.release()
		err = e.socket.conn.send(&p, nil)
	}
	if len(p.Attachments) == 0 && cap(p.Data) > 0 && cap(p.Data) <= 64<<10 {
		*bp = p.Data[:0]
	}
	fastPool.Put(bp)
	return err
}

// ackPacket checks that event name asked for an acknowledgement not yet
// sent, marks it sent, and encodes it.
func ackPacket(name string, wanted bool, acked *atomic.Bool, nsp string, id int64, args []any, dst []byte) (Packet, error) {
	if !wanted {
		return Packet{}, NewError(CodeInvalidArgument, "event %q asked for no acknowledgement", name)
	}
	if acked.Load() {
		return Packet{}, NewError(CodeInvalidArgument, "event %q is already acknowledged", name)
	}
	// Encoded before it is marked sent, so that an acknowledgement that
	// cannot be encoded can be replaced by an error.
	data, att, err := appendArgs(dst, "", args)
	if err != nil {
		return Packet{}, err
	}
	if acked.Swap(true) {
		return Packet{}, NewError(CodeInvalidArgument, "event %q is already acknowledged", name)
	}
	return Packet{Type: ackType(att), Namespace: nsp, ID: id, HasID: true, Data: data, Attachments: att}, nil
}
