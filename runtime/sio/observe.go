package sio

import (
	"errors"
	"slices"
	"strings"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// Observer is told what happens on a [Server]: every packet received and
// sent, namespaces created, connections accepted and refused,
// disconnections, rooms joined and left, payloads rejected, packets
// dropped, adapter failures. It is the hook for metrics and tracing
// (runtime/siootel makes one for OpenTelemetry) and for tools that show a
// server live (runtime/sioadmin, the server side of @socket.io/admin-ui).
// Every field is optional: a nil function is skipped.
//
// Give observers to [ServerOptions.Observers] to see everything from the
// start, or add and remove them while the server runs with
// [Server.Observe]. A server nobody observes (and without the debug view,
// see [DebugLevel]) pays one atomic load per packet and per change. An
// observer sees this node only: with a multi-node adapter, each node has
// its own.
//
// The functions run synchronously on the goroutine where it happens (a
// connection's reader or dispatcher, an emitting goroutine, the caller of
// [Socket.Join]), concurrently for different connections, each observer in
// the order it was added. They must be safe for concurrent use and fast,
// and must not block: the packet or the change waits for them. Namespace,
// Connect, Disconnect, Join and Leave run with no lock of the server, the
// namespace or the socket held, so they may call any method; Packet and
// Dropped may run while an adapter holds a lock, and must not call back
// into the server.
type Observer struct {
	// Packet is called for every packet received, once complete with its
	// binary attachments, and every packet queued for sending; a broadcast
	// calls it once per recipient. See [PacketInfo].
	Packet func(p PacketInfo)
	// Dropped is called for a packet not sent, reason saying why: instead
	// of Packet for a volatile one the connection was not ready for
	// ([DropVolatile]) and for one that found the send queue full, which
	// closes the connection ([DropQueueFull]); after Packet, for one that
	// waited in the send queue and was replaced by a newer one
	// ([DropSuperseded], see [BackpressureLatest]).
	Dropped func(p PacketInfo, reason DropReason)
	// Namespace is called when a namespace is created: by [Server.Of], or a
	// child of a dynamic namespace when its first client connects.
	Namespace func(ns *Namespace)
	// Connect is called when a socket has connected, after the CONNECT
	// reply and before the namespace's connection handlers. Its own room is
	// already joined (and reported to Join).
	Connect func(s *Socket)
	// Refuse is called for every namespace CONNECT refused: err is what a
	// middleware returned, or [ErrInvalidNamespace] for a namespace that
	// does not exist (nsp is then whatever the client asked for). transport
	// is the connection's, "polling" or "websocket".
	Refuse func(nsp, transport string, err error)
	// Disconnect is called when a connected socket has disconnected, after
	// its rooms are left and before its OnDisconnect functions run; Leave
	// is then called for each room it was in, its own room included.
	Disconnect func(s *Socket, reason DisconnectReason)
	// Join is called when a socket enters a room it was not in: its own
	// room and restored rooms as it connects, then any room it joins while
	// connected (rooms a middleware joins are in its Rooms at Connect).
	Join func(s *Socket, room string)
	// Leave is called when a socket leaves a room it was in.
	Leave func(s *Socket, room string)
	// Invalid is called for every received payload that a typed handler
	// rejected, before its handler: it broke its schema or could not be
	// decoded. err is what the client is told, code
	// [CodeInvalidArgument] with the violations as details.
	Invalid func(s *Socket, event string, err *Error)
	// AdapterError is called when the namespace's adapter fails to do what
	// a socket or a broadcast asked of it (the caller gets err too), and
	// when the adapter reports a failure of its own
	// ([Namespace.ReportAdapterError]): runtime/redisadapter reports the
	// start of a Redis outage to each namespace, and a message published
	// without waiting that Redis refused.
	AdapterError func(ns *Namespace, err error)
	// Limited is called for every event refused by one of its limits (see
	// [Namespace.Limit]), before it is decoded, on the connection's
	// reader: answered with [CodeResourceExhausted] or dropped. event is
	// the limited event's name, limit the limit it hit. A refused event is
	// not reported to Packet: it is never decoded.
	Limited func(s *Socket, event string, limit LimitKind)
}

// DropReason says why a packet was not sent; see [Observer.Dropped]. Its
// values are fit for a metric attribute.
type DropReason string

const (
	// DropVolatile: the packet was volatile ([BroadcastOperator.Volatile],
	// [BackpressureVolatile]) and its connection not ready for it.
	DropVolatile DropReason = "volatile"
	// DropSuperseded: the packet waited in the send queue and a newer one
	// of the same event and key replaced it ([BackpressureLatest]).
	DropSuperseded DropReason = "superseded"
	// DropQueueFull: the packet found the send queue over its bound, which
	// closed the connection ([ReasonSendQueueFull]).
	DropQueueFull DropReason = "send_queue_full"
)

// PacketInfo describes one packet for [Observer.Packet] and
// [Observer.Dropped].
type PacketInfo struct {
	// Direction is Inbound for a packet received, Outbound for one sent.
	Direction Direction
	// Conn is the Engine.IO session id ([Socket.ClientID]).
	Conn string
	// Transport is "polling" or "websocket".
	Transport string
	// Namespace is the packet's namespace: one that may not exist, for a
	// packet received.
	Namespace string
	// Type is the packet type, as in the protocol: "CONNECT", "EVENT",
	// "BINARY_ACK", ...
	Type string
	// Event is the event name of an EVENT or BINARY_EVENT packet.
	Event string
	// AckID is the acknowledgement id, when HasAck.
	AckID  int64
	HasAck bool
	// Attachments is the number of binary attachments, each an Engine.IO
	// message of its own after the packet's text.
	Attachments int
	// Size is the packet's size in bytes: its text (without the Engine.IO
	// packet type) and its attachments.
	Size int
	// Data is the packet's JSON payload, valid only during the call.
	Data []byte
}

// ErrInvalidNamespace refuses a CONNECT to a namespace that does not
// exist; its text is the message the client receives, as from the
// reference server.
var ErrInvalidNamespace = errors.New("Invalid namespace") //nolint:staticcheck // the reference's wire text

// Observe adds an observer of the server and returns a function that
// removes it. Changes made while Observe runs may be missed, and a change
// under way when remove returns may still reach the observer: a tool
// registers its observer first, then reads the state ([Server.Namespaces],
// [Namespace.Sockets], [Socket.Rooms]).
func (s *Server) Observe(o Observer) (remove func()) {
	p := &o
	s.watchMu.Lock()
	s.observers = append(slices.Clip(s.observers), p)
	s.rewatch()
	s.watchMu.Unlock()
	return func() {
		s.watchMu.Lock()
		defer s.watchMu.Unlock()
		s.observers = slices.DeleteFunc(slices.Clone(s.observers), func(q *Observer) bool { return q == p })
		s.rewatch()
	}
}

// rewatch publishes the debug view and the observers; s.watchMu is held.
func (s *Server) rewatch() {
	s.watch.Store(newWatchers(s.debug, s.observers))
}

// watchers is what watches a server or a client at one time: the debug
// view and the observers. A server publishes a new one when an observer
// comes or goes; nil when there is nothing to tell, so that a packet costs
// one load and a nil check.
type watchers struct {
	debug   *debugView  // nil when off
	obs     []*Observer // never changed once published
	packets bool        // some observer has Packet or Dropped
	rooms   bool        // some observer has Join or Leave
}

// newWatchers returns the watchers of the debug view and the observers, nil
// when there are none.
func newWatchers(debug *debugView, obs []*Observer) *watchers {
	if debug == nil && len(obs) == 0 {
		return nil
	}
	w := &watchers{debug: debug, obs: obs}
	for _, o := range obs {
		w.packets = w.packets || o.Packet != nil || o.Dropped != nil
		w.rooms = w.rooms || o.Join != nil || o.Leave != nil
	}
	return w
}

// watchesPackets reports whether a packet must be described.
func (w *watchers) watchesPackets() bool { return w.packets || w.debug != nil }

// received reports a complete packet received on ec, of size bytes.
func (w *watchers) received(ec *engineio.Conn, p *Packet, size int) {
	if !w.watchesPackets() {
		return
	}
	pi := PacketInfo{Direction: Inbound, Conn: ec.ID(), Transport: ec.Transport(), Namespace: p.Namespace,
		Type: p.Type.String(), AckID: p.ID, HasAck: p.HasID, Attachments: len(p.Attachments), Size: size, Data: p.Data}
	if p.Type == parser.Event || p.Type == parser.BinaryEvent {
		pi.Event = eventOf(p.Data)
	}
	w.packet(&pi)
}

// packet reports a packet in or out.
func (w *watchers) packet(pi *PacketInfo) {
	if w.packets {
		for _, o := range w.obs {
			if o.Packet != nil {
				o.Packet(*pi)
			}
		}
	}
	if w.debug != nil {
		w.debug.packet(pi)
	}
}

// describe returns the description of a packet encoded as msgs, queued or
// not on ec; false when msgs is not a packet.
func describe(ec *engineio.Conn, msgs []*engineio.Message) (PacketInfo, bool) {
	if len(msgs) == 0 || msgs[0].Type() != engineio.MessageText {
		return PacketInfo{}, false
	}
	pi := headerOf(msgs[0].Data())
	pi.Direction, pi.Conn, pi.Transport = Outbound, ec.ID(), ec.Transport()
	for _, m := range msgs {
		pi.Size += len(m.Data())
	}
	return pi, true
}

// sent reports the encoded messages of a packet queued on ec.
func (w *watchers) sent(ec *engineio.Conn, msgs []*engineio.Message) {
	if !w.watchesPackets() {
		return
	}
	if pi, ok := describe(ec, msgs); ok {
		w.packet(&pi)
	}
}

// queued reports a packet handed to the connection: sent, or dropped
// (volatile and not queued, or the send queue full), and the packets it
// replaced.
func (w *watchers) queued(ec *engineio.Conn, msgs []*engineio.Message, r *engineio.SendResult, err error) {
	switch {
	case r.Dropped:
		w.dropped(ec, msgs, DropVolatile)
	case err == nil:
		w.sent(ec, msgs)
		if r.Replaced != nil {
			w.dropped(ec, r.Replaced, DropSuperseded)
		}
	case engineio.ReasonOf(err) == engineio.ReasonSendQueueFull:
		w.dropped(ec, msgs, DropQueueFull)
	}
}

// dropped reports a packet that was not sent.
func (w *watchers) dropped(ec *engineio.Conn, msgs []*engineio.Message, reason DropReason) {
	if !w.watchesPackets() {
		return
	}
	pi, ok := describe(ec, msgs)
	if !ok {
		return
	}
	if w.packets {
		for _, o := range w.obs {
			if o.Dropped != nil {
				o.Dropped(pi, reason)
			}
		}
	}
	if w.debug != nil {
		w.debug.dropped(&pi, reason)
	}
}

// refused reports a namespace CONNECT refused with err.
func (w *watchers) refused(ec *engineio.Conn, nsp string, err error) {
	for _, o := range w.obs {
		if o.Refuse != nil {
			o.Refuse(nsp, ec.Transport(), err)
		}
	}
	if w.debug != nil {
		w.debug.refused(ec, nsp, err)
	}
}

// rejected reports a payload a typed handler rejected: on the server's
// socket s, or on a client's namespace nsp (s nil).
func (w *watchers) rejected(s *Socket, nsp, event string, err *Error) {
	for _, o := range w.obs {
		if o.Invalid != nil {
			o.Invalid(s, event, err)
		}
	}
	if w.debug != nil {
		w.debug.rejected(nsp, event, err)
	}
}

// unknown reports an event no handler took.
func (w *watchers) unknown(nsp, event string) {
	if w.debug != nil {
		w.debug.unknown(nsp, event)
	}
}

func (w *watchers) adapterFailed(ns *Namespace, err error) {
	for _, o := range w.obs {
		if o.AdapterError != nil {
			o.AdapterError(ns, err)
		}
	}
}

func (w *watchers) namespace(ns *Namespace) {
	for _, o := range w.obs {
		if o.Namespace != nil {
			o.Namespace(ns)
		}
	}
}

func (w *watchers) connected(s *Socket) {
	for _, o := range w.obs {
		if o.Connect != nil {
			o.Connect(s)
		}
	}
}

// disconnected reports a disconnection, then the rooms the socket left.
func (w *watchers) disconnected(s *Socket, reason DisconnectReason, rooms []string) {
	for _, o := range w.obs {
		if o.Disconnect != nil {
			o.Disconnect(s, reason)
		}
	}
	for _, r := range rooms {
		w.left(s, r)
	}
}

func (w *watchers) joined(s *Socket, rooms []string) {
	for _, r := range rooms {
		for _, o := range w.obs {
			if o.Join != nil {
				o.Join(s, r)
			}
		}
	}
}

func (w *watchers) left(s *Socket, room string) {
	for _, o := range w.obs {
		if o.Leave != nil {
			o.Leave(s, room)
		}
	}
}

// watchingRooms returns the watchers when some observer wants rooms
// joined and left, else nil.
func (s *Server) watchingRooms() *watchers {
	if w := s.watch.Load(); w != nil && w.rooms {
		return w
	}
	return nil
}

// Namespaces returns the server's namespaces, sorted by name: those made by
// [Server.Of] and the children created through dynamic namespaces (not the
// dynamic parents themselves).
func (s *Server) Namespaces() []*Namespace {
	s.mu.RLock()
	out := make([]*Namespace, 0, len(s.nsps))
	for _, ns := range s.nsps {
		out = append(out, ns)
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b *Namespace) int { return strings.Compare(a.name, b.name) })
	return out
}

// ClientID returns the id of the socket's Engine.IO connection, which the
// sockets of one client in several namespaces share (the reference server's
// socket.client.id).
func (s *Socket) ClientID() string {
	if s.conn == nil {
		return ""
	}
	return s.conn.eio.ID()
}

// newRooms returns the rooms of want that the socket is not in, each once;
// it is only called when someone observes.
func (s *Socket) newRooms(want []string) []string {
	have := s.nsp.adapter.SocketRooms(s.id)
	var out []string
	for _, r := range want {
		if !slices.Contains(have, r) && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// inRoom reports whether the socket is in room.
func (s *Socket) inRoom(room string) bool {
	return slices.Contains(s.nsp.adapter.SocketRooms(s.id), room)
}
