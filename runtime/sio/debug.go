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

// debugView is the packet-level debug view of a server or a client.
type debugView struct {
	log      *slog.Logger // scope "sio:packets"
	payloads bool
}

// newDebugView returns the debug view at level, or at the level
// SIOGEN_DEBUG asks for; nil when off. Records go to user's handler, or to
// standard error when user is nil.
func newDebugView(level DebugLevel, user *slog.Logger) *debugView {
	switch {
	case level >= DebugPayloads || logging.Enabled("sio:payloads"):
		level = DebugPayloads
	case level == DebugOff && logging.Enabled("sio:packets"):
		level = DebugPackets
	}
	if level == DebugOff {
		return nil
	}
	h := logging.Stderr()
	if user != nil {
		h = user.Handler()
	}
	return &debugView{log: slog.New(h).With("scope", "sio:packets"), payloads: level == DebugPayloads}
}

// packet logs a packet in or out.
func (d *debugView) packet(pi *PacketInfo) {
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
	if d.payloads && len(pi.Data) > 0 {
		attrs = append(attrs, slog.String("payload", string(pi.Data)))
	}
	d.log.LogAttrs(context.Background(), slog.LevelDebug, msg, attrs...)
}

// dropped logs a packet that was not sent.
func (d *debugView) dropped(pi *PacketInfo, reason DropReason) {
	d.log.Debug("packet dropped", "conn", pi.Conn, "nsp", pi.Namespace, "event", pi.Event, "reason", string(reason))
}

// refused logs a namespace CONNECT refused with err.
func (d *debugView) refused(ec *engineio.Conn, nsp string, err error) {
	d.log.Debug("connect refused", "conn", ec.ID(), "nsp", nsp, "err", err)
}

// rejected logs a payload a typed handler rejected.
func (d *debugView) rejected(nsp, event string, err *Error) {
	d.log.Debug("payload rejected", "nsp", nsp, "event", event, "err", err, "details", err.Details)
}

// unknown logs an event no handler took.
func (d *debugView) unknown(nsp, event string) {
	d.log.Debug("unknown event", "nsp", nsp, "event", event)
}

// logRefused logs a refused CONNECT on the server's logger: a warning
// when it is the server's fault (an error that is not an *Error, or an
// internal one), else, the client's (a namespace that does not exist, an
// *Error a middleware returned), at debug level.
func logRefused(log *slog.Logger, ec *engineio.Conn, nsp string, err error) {
	var e *Error
	if !errors.Is(err, ErrInvalidNamespace) && (!errors.As(err, &e) || e.Code == CodeInternal) {
		log.Warn("connection refused by the server", "nsp", nsp, "conn", ec.ID(), "err", err)
		return
	}
	log.Debug("connection refused", "nsp", nsp, "conn", ec.ID(), "err", err)
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
// as a warning and tells the observers.
func (ns *Namespace) adapterFailed(op string, err error) {
	ns.srv.log.Warn("adapter failed", "nsp", ns.name, "op", op, "err", err)
	if w := ns.srv.watch.Load(); w != nil {
		w.adapterFailed(ns, err)
	}
}

// ReportAdapterError tells the server's observers ([Observer.AdapterError])
// of a failure of ns's adapter that no caller sees: its backend became
// unreachable, or a message it sent on its own could not be delivered.
// Adapters call it; they log such failures themselves, so it logs nothing.
func (ns *Namespace) ReportAdapterError(err error) {
	if w := ns.srv.watch.Load(); w != nil {
		w.adapterFailed(ns, err)
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
