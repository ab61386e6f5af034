package sio

import (
	"context"
	"errors"
	"log/slog"
	"strconv"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/logging"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// DebugLevel selects the packet-level debug view of a [Server] or a
// [Manager], the counterpart of DEBUG=socket.io* in JavaScript: a record
// per packet received or sent (connection, transport, namespace, type,
// event name, ack id, attachments and size), and why a connect was refused,
// why a payload was rejected, which events have no handler.
//
// The records are logged at debug level with the scope "sio:packets" on
// the configured Logger (which must enable debug to show them), or, with
// none, as text on standard error. The environment variable SIOGEN_DEBUG
// switches the view on too: "sio:packets" (or "sio*", or "*") for
// [DebugPackets], "sio:payloads", named in full, for [DebugPayloads].
type DebugLevel int

const (
	// DebugOff is the default: no packet view unless SIOGEN_DEBUG asks.
	DebugOff DebugLevel = iota
	// DebugPackets logs each packet without its payload.
	DebugPackets
	// DebugPayloads logs each packet with its payload (the JSON text,
	// attachments counted but not shown): user data ends up in the logs.
	DebugPayloads
)

// Monitor is told what happens on a [Server], for metrics and tracing
// (runtime/siootel builds one). Every field is optional. The functions are
// called synchronously where it happens (often the connection's reading
// goroutine or an emitting one), concurrently for different connections:
// they must be safe for concurrent use, fast, and must not block.
type Monitor struct {
	// Packet is called for every packet received, once complete, and every
	// packet queued for sending. A broadcast calls it once per recipient.
	Packet func(PacketInfo)
	// Connect is called for every namespace CONNECT once it is accepted
	// (err nil) or refused.
	Connect func(nsp, transport string, err error)
	// Disconnect is called when a connected socket disconnects.
	Disconnect func(nsp string, reason DisconnectReason)
	// Invalid is called for every received payload that a typed handler
	// rejects: it broke its schema or could not be decoded.
	Invalid func(nsp, event string, err *Error)
	// Dropped is called for every packet not sent: a volatile one the
	// connection was not ready for (volatile true), or one that found the
	// send queue full, which closes the connection.
	Dropped func(nsp string, volatile bool)
	// AdapterError is called when the namespace's adapter fails to do
	// what a socket or a broadcast asked of it.
	AdapterError func(nsp string, err error)
}

// PacketInfo describes one packet for [Monitor.Packet].
type PacketInfo struct {
	// Direction is Inbound for a packet received, Outbound for one sent.
	Direction Direction
	// Conn is the Engine.IO session id.
	Conn string
	// Transport is "polling" or "websocket".
	Transport string
	// Namespace is the packet's namespace.
	Namespace string
	// Type is the packet type, as in the protocol: "CONNECT", "EVENT",
	// "BINARY_ACK", ...
	Type string
	// Event is the event name of an EVENT or BINARY_EVENT packet.
	Event string
	// AckID is the acknowledgement id, when HasAck.
	AckID  int64
	HasAck bool
	// Attachments is the number of binary attachments.
	Attachments int
	// Size is the packet's size in bytes: its text and its attachments.
	Size int
	// Data is the packet's JSON payload, valid only during the call.
	Data []byte
}

// watcher is the debug view and the monitor of a server or a client,
// nil when neither is on, so that a packet costs one nil check.
type watcher struct {
	obs      *Monitor
	pkt      *slog.Logger // the debug view; nil when off
	payloads bool
	log      *slog.Logger // the server's or client's logger
}

// newWatcher returns the watcher for the options; nil when there is
// nothing to watch.
func newWatcher(level DebugLevel, user *slog.Logger, obs *Monitor, log *slog.Logger) *watcher {
	switch {
	case level >= DebugPayloads || logging.Enabled("sio:payloads"):
		level = DebugPayloads
	case level == DebugOff && logging.Enabled("sio:packets"):
		level = DebugPackets
	}
	if level == DebugOff && obs == nil {
		return nil
	}
	w := &watcher{obs: obs, log: log, payloads: level == DebugPayloads}
	if level != DebugOff {
		h := logging.Stderr()
		if user != nil {
			h = user.Handler()
		}
		w.pkt = slog.New(h).With("scope", "sio:packets")
	}
	if w.obs == nil {
		w.obs = &Monitor{}
	}
	return w
}

// packet reports a packet in or out.
func (w *watcher) packet(pi *PacketInfo) {
	if w.obs.Packet != nil {
		w.obs.Packet(*pi)
	}
	if w.pkt == nil {
		return
	}
	msg := "packet in"
	if pi.Direction == Outbound {
		msg = "packet out"
	}
	attrs := make([]slog.Attr, 0, 10)
	attrs = append(attrs, slog.String("conn", pi.Conn), slog.String("transport", pi.Transport),
		slog.String("nsp", pi.Namespace), slog.String("type", pi.Type))
	if pi.Event != "" {
		attrs = append(attrs, slog.String("event", pi.Event))
	}
	if pi.HasAck {
		attrs = append(attrs, slog.Int64("ack", pi.AckID))
	}
	if pi.Attachments > 0 {
		attrs = append(attrs, slog.Int("attachments", pi.Attachments))
	}
	attrs = append(attrs, slog.Int("size", pi.Size))
	if w.payloads && len(pi.Data) > 0 {
		attrs = append(attrs, slog.String("payload", string(pi.Data)))
	}
	w.pkt.LogAttrs(context.Background(), slog.LevelDebug, msg, attrs...)
}

// received reports a complete packet received on ec, of size bytes.
func (w *watcher) received(ec *engineio.Conn, p *Packet, size int) {
	pi := PacketInfo{Direction: Inbound, Conn: ec.ID(), Transport: ec.Transport(), Namespace: p.Namespace,
		Type: p.Type.String(), AckID: p.ID, HasAck: p.HasID, Attachments: len(p.Attachments), Size: size, Data: p.Data}
	if p.Type == parser.Event || p.Type == parser.BinaryEvent {
		pi.Event = eventOf(p.Data)
	}
	w.packet(&pi)
}

// sent reports the encoded messages of a packet queued on ec.
func (w *watcher) sent(ec *engineio.Conn, msgs []*engineio.Message) {
	if len(msgs) == 0 || msgs[0].Type() != engineio.MessageText {
		return
	}
	pi := headerOf(msgs[0].Data())
	pi.Direction, pi.Conn, pi.Transport = Outbound, ec.ID(), ec.Transport()
	for _, m := range msgs {
		pi.Size += len(m.Data())
	}
	w.packet(&pi)
}

// queued reports a packet handed to the connection: sent, or dropped
// (volatile and not queued, or the send queue full).
func (w *watcher) queued(ec *engineio.Conn, msgs []*engineio.Message, volatile, queued bool, err error) {
	switch {
	case !queued:
		w.dropped(ec, msgs, true)
	case err == nil:
		w.sent(ec, msgs)
	case engineio.ReasonOf(err) == engineio.ReasonSendQueueFull:
		w.dropped(ec, msgs, false)
	}
}

// dropped reports a packet that was not sent.
func (w *watcher) dropped(ec *engineio.Conn, msgs []*engineio.Message, volatile bool) {
	if len(msgs) == 0 || msgs[0].Type() != engineio.MessageText {
		return
	}
	pi := headerOf(msgs[0].Data())
	if w.obs.Dropped != nil {
		w.obs.Dropped(pi.Namespace, volatile)
	}
	if w.pkt != nil {
		w.pkt.Debug("packet dropped", "conn", ec.ID(), "nsp", pi.Namespace, "event", pi.Event, "volatile", volatile)
	}
}

// refused reports a namespace CONNECT refused with err. Refusals that are
// the server's fault (an error that is not an *Error, or an internal one)
// are logged as warnings; the others, the client's, at debug level.
func (w *watcher) refused(ec *engineio.Conn, nsp string, err error) {
	if w != nil {
		if w.obs.Connect != nil {
			w.obs.Connect(nsp, ec.Transport(), err)
		}
		if w.pkt != nil {
			w.pkt.Debug("connect refused", "conn", ec.ID(), "nsp", nsp, "err", err)
		}
	}
}

// logRefused logs a refused CONNECT on the server's logger: a warning
// when it is the server's fault, else at debug level.
func logRefused(log *slog.Logger, ec *engineio.Conn, nsp string, err error) {
	var e *Error
	if !errors.As(err, &e) || e.Code == CodeInternal {
		log.Warn("connection refused by the server", "nsp", nsp, "conn", ec.ID(), "err", err)
		return
	}
	log.Debug("connection refused", "nsp", nsp, "conn", ec.ID(), "err", err)
}

// rejected reports a payload a typed handler rejected.
func (w *watcher) rejected(nsp, event string, err *Error) {
	if w.obs.Invalid != nil {
		w.obs.Invalid(nsp, event, err)
	}
	if w.pkt != nil {
		w.pkt.Debug("payload rejected", "nsp", nsp, "event", event, "err", err, "details", err.Details)
	}
}

// unknown reports an event no handler took.
func (w *watcher) unknown(nsp, event string) {
	if w.pkt != nil {
		w.pkt.Debug("unknown event", "nsp", nsp, "event", event)
	}
}

// eventOf returns the event name at the head of an EVENT payload, "" when
// there is none.
func eventOf(data []byte) string {
	elems, err := parser.SplitArray(data)
	if err != nil || len(elems) == 0 {
		return ""
	}
	name, _ := eventNameOf(elems[0], "")
	return name
}

// headerOf reads the header of an encoded packet (see
// parser.AppendEncode): type, attachment count, namespace, ack id, and the
// event name of an EVENT.
func headerOf(b []byte) PacketInfo {
	var pi PacketInfo
	if len(b) == 0 || b[0] < '0' || b[0] > '6' {
		return pi
	}
	typ := parser.Type(b[0] - '0')
	pi.Type, pi.Namespace = typ.String(), "/"
	i := 1
	if typ == parser.BinaryEvent || typ == parser.BinaryAck {
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if j < len(b) && b[j] == '-' {
			pi.Attachments, _ = strconv.Atoi(string(b[i:j]))
			i = j + 1
		}
	}
	if i < len(b) && b[i] == '/' {
		j := i
		for j < len(b) && b[j] != ',' {
			j++
		}
		pi.Namespace = string(b[i:j])
		i = min(j+1, len(b))
	}
	j := i
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j > i {
		pi.AckID, _ = strconv.ParseInt(string(b[i:j]), 10, 64)
		pi.HasAck = true
	}
	pi.Data = b[j:]
	if typ == parser.Event || typ == parser.BinaryEvent {
		pi.Event = eventOf(pi.Data)
	}
	return pi
}

// String returns "off", "packets" or "payloads".
func (l DebugLevel) String() string {
	switch l {
	case DebugOff:
		return "off"
	case DebugPackets:
		return "packets"
	case DebugPayloads:
		return "payloads"
	}
	return "DebugLevel(" + strconv.Itoa(int(l)) + ")"
}

// adapterFailed logs an adapter's failure, which the caller also returns,
// as a warning and tells the monitor.
func (ns *Namespace) adapterFailed(op string, err error) {
	ns.srv.log.Warn("adapter failed", "nsp", ns.name, "op", op, "err", err)
	if w := ns.srv.watch; w != nil && w.obs.AdapterError != nil {
		w.obs.AdapterError(ns.name, err)
	}
}

// send queues msgs, a packet, on conn, showing it in the debug view.
func (m *Manager) send(conn *engineio.Conn, msgs ...*engineio.Message) error {
	err := conn.SendMessages(msgs...)
	if m.watch != nil && err == nil {
		m.watch.sent(conn, msgs)
	}
	return err
}
