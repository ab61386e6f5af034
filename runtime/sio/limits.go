package sio

import (
	"math"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/siogen/siogen/runtime/internal/parser"
	"github.com/siogen/siogen/runtime/internal/tokenbucket"
)

// The enforcement of [Namespace.Limit] and [Namespace.DisconnectAfter].
//
// Limits are applied on the connection's reader, to the raw text message
// of an EVENT (parser.PeekEvent reads its head and event name, never its
// arguments), before the Socket.IO decoder sees it: a refused event is
// never scanned, decoded or queued for the dispatcher, and the attachments
// of a refused binary event are dropped as they arrive. The state is per
// socket and per limited event (an [eventLimit], made on the event's first
// arrival), owned by the reader but for the count of pending
// acknowledgements, which the ack's sender decrements.

// eventLimit is the state of one limited event on one socket.
type eventLimit struct {
	rate tokenbucket.Bucket // the rate's, owned by the connection's reader
	// pending counts the events accepted with an ack id whose answer is
	// not sent, while they hold their slot (see [Event.AckLater]).
	pending atomic.Int32
}

// socketEdge is a socket's limit state, owned by the connection's reader.
type socketEdge struct {
	events   map[string]*eventLimit
	refusals tokenbucket.Bucket // DisconnectAfter's
	kicked   bool               // disconnected for too many refusals: drop its events
}

// admission is what the reader keeps of the event admitted last, until
// the decoder completes it: its pending-ack slot, and, for a binary event
// with a payload limit, what its attachments may still weigh.
type admission struct {
	slot   *eventLimit // nil: the event holds no slot
	sock   *Socket
	left   int // attachments still to come
	budget int // bytes they may still weigh; checked when limited
	sized  bool
	name   string
	max    int
	id     int64
	hasID  bool
}

// limitOf returns the limits of event on ns, or its parent's.
func (ns *Namespace) limitOf(name []byte) (Limits, bool) {
	if t := ns.limitTable.Load(); t != nil {
		if l, ok := (*t)[string(name)]; ok {
			return l, true
		}
	}
	if ns.parent != nil {
		return ns.parent.limitOf(name)
	}
	return Limits{}, false
}

// publishLimits publishes a copy of ns.limits for the reader; ns.mu is
// held.
func (ns *Namespace) publishLimits() {
	t := make(map[string]Limits, len(ns.limits))
	for k, v := range ns.limits {
		t[k] = v
	}
	ns.limitTable.Store(&t)
	ns.srv.limited.Store(true)
}

// plainAck reports whether event's typed handler acknowledges in the plain
// style, which cannot carry an error.
func (ns *Namespace) plainAck(event string) bool {
	ns.mu.RLock()
	plain := ns.plain[event]
	ns.mu.RUnlock()
	if !plain && ns.parent != nil {
		return ns.parent.plainAck(event)
	}
	return plain
}

// refusalPolicyOf returns the DisconnectAfter policy of ns, or its parent's.
func (ns *Namespace) refusalPolicyOf() refusalPolicy {
	ns.mu.RLock()
	p := ns.refusals
	ns.mu.RUnlock()
	if p.n <= 0 && ns.parent != nil {
		return ns.parent.refusalPolicyOf()
	}
	return p
}

// now returns the server's monotonic clock, the time since the server was
// made (a test may set another). It reads the monotonic clock only, which
// costs less than time.Now.
func (s *Server) now() time.Duration {
	if s.clock != nil {
		return s.clock()
	}
	return time.Since(s.epoch)
}

// admit applies the limits to the text message data, on the reader; false
// when the event is refused (it was answered or dropped). It is called
// only when some namespace of the server has limits.
func (c *conn) admit(data []byte) bool {
	c.adm = admission{}
	h, ok := parser.PeekEvent(data)
	if !ok {
		return true // not an event, or malformed: the decoder tells
	}
	s := c.socketFor(h.Namespace)
	if s == nil {
		return true // not joined (yet): the dispatcher decides
	}
	if s.edge != nil && s.edge.kicked {
		c.skipAttachments(h.Attachments)
		return false
	}
	name := unquoted(h)
	l, ok := s.nsp.limitOf(name)
	if !ok {
		return true
	}
	el := s.eventLimit(name)
	kind, max, retry := el.check(l, h.ArgsSize, h.HasID, c.srv)
	if kind != "" {
		c.skipAttachments(h.Attachments)
		c.refuse(s, string(name), h.ID, h.HasID, kind, max, retry)
		return false
	}
	if h.HasID && l.MaxPendingAcks > 0 {
		el.pending.Add(1)
		c.adm.slot = el
	}
	if h.Attachments > 0 {
		c.adm.sock, c.adm.left = s, h.Attachments
		if l.MaxPayload > 0 {
			c.adm.sized, c.adm.budget, c.adm.max = true, l.MaxPayload-h.ArgsSize, l.MaxPayload
			c.adm.name, c.adm.id, c.adm.hasID = string(name), h.ID, h.HasID
		}
	}
	return true
}

// unquoted returns the event name h holds: the string's content, or the
// number's text. It allocates only for a name with escapes.
func unquoted(h parser.EventHead) []byte {
	n := h.Name
	if n[0] != '"' {
		return n
	}
	if h.NameEscaped {
		s, err := parser.UnquoteString(n)
		if err != nil {
			return n
		}
		return []byte(s)
	}
	return n[1 : len(n)-1]
}

// attachment accounts for one binary message on the reader; false when it
// must not reach the decoder: it belongs to a refused event.
func (c *conn) attachment(data []byte) bool {
	if c.skip > 0 {
		c.skip--
		return false
	}
	a := &c.adm
	if a.left == 0 {
		return true
	}
	a.left--
	if !a.sized {
		return true
	}
	a.budget -= len(data)
	if a.budget >= 0 {
		return true
	}
	// Over the limit: drop what the decoder holds of the event, and the
	// attachments still to come.
	c.dec.Reset()
	c.inSize = 0
	c.skip, a.left = a.left, 0
	if a.slot != nil {
		a.slot.pending.Add(-1)
		a.slot = nil
	}
	c.refuse(a.sock, a.name, a.id, a.hasID, LimitPayload, int64(a.max), 0)
	return false
}

// skipAttachments drops the next n binary messages: those of a refused
// event.
func (c *conn) skipAttachments(n int) { c.skip = n }

// takeSlot hands the pending-ack slot of the event just decoded to its
// dispatch.
func (c *conn) takeSlot() *eventLimit {
	el := c.adm.slot
	c.adm = admission{}
	return el
}

// socketFor returns the joined socket of the namespace nsp, or nil.
func (c *conn) socketFor(nsp []byte) *Socket {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.sockets {
		if s.nsp.name == string(nsp) {
			return s
		}
	}
	return nil
}

// eventLimit returns the state of the limited event name on s, made on
// first use; on the reader.
func (s *Socket) eventLimit(name []byte) *eventLimit {
	if s.edge == nil {
		s.edge = &socketEdge{}
	}
	if el := s.edge.events[string(name)]; el != nil {
		return el
	}
	if s.edge.events == nil {
		s.edge.events = make(map[string]*eventLimit, 1)
	}
	el := &eventLimit{}
	s.edge.events[string(name)] = el
	return el
}

// check applies l to an event of size bytes (the arguments' JSON), on the
// clock of srv; it returns the limit it breaks, with its value and, for
// the rate, the milliseconds until a token is back, or "" having taken a
// token.
func (el *eventLimit) check(l Limits, size int, hasID bool, srv *Server) (LimitKind, int64, int64) {
	if l.MaxPayload > 0 && size > l.MaxPayload {
		return LimitPayload, int64(l.MaxPayload), 0
	}
	if hasID && l.MaxPendingAcks > 0 && int(el.pending.Load()) >= l.MaxPendingAcks {
		return LimitPendingAcks, int64(l.MaxPendingAcks), 0
	}
	if l.Rate > 0 {
		burst := float64(l.burst())
		if ok, wait := el.rate.Take(srv.now(), l.Rate, burst); !ok {
			ms := (wait + time.Millisecond - 1) / time.Millisecond
			return LimitRate, int64(burst), max(1, int64(ms))
		}
	}
	return "", 0, 0
}

// burst returns the size of the rate's bucket.
func (l Limits) burst() int {
	if l.Burst > 0 {
		return l.Burst
	}
	return max(1, int(math.Ceil(l.Rate)))
}

// refuse deals with an event refused by its limit, on the reader: answered
// with [CodeResourceExhausted] when it asked for an envelope-style
// acknowledgement, else dropped; logged, observed, and counted toward
// DisconnectAfter.
func (c *conn) refuse(s *Socket, event string, id int64, hasID bool, kind LimitKind, max, retry int64) {
	ns := s.nsp
	answered := hasID && ns.enveloped() && !ns.plainAck(event)
	c.srv.log.Debug("event refused by its limit", "nsp", ns.name, "sid", s.id, "event", event, "limit", string(kind), "max", max, "answered", answered)
	if w := c.srv.watch.Load(); w != nil {
		w.limited(s, event, kind)
	}
	if answered {
		c.send(&Packet{Type: parser.Ack, Namespace: ns.name, ID: id, HasID: true, Data: exhaustedAck(kind, max, retry)}, nil)
	}
	p := ns.refusalPolicyOf()
	if p.n <= 0 || s.edge.kicked {
		return
	}
	var perSecond float64 // 0: never refills
	if p.per > 0 {
		perSecond = float64(p.n) / p.per.Seconds()
	}
	if ok, _ := s.edge.refusals.Take(c.srv.now(), perSecond, float64(p.n)); ok {
		return
	}
	e := s.edge
	e.kicked = true
	c.srv.log.Debug("socket disconnected: too many refused events", "nsp", ns.name, "sid", s.id, "event", event, "max", p.n, "per", p.per)
	c.work.push(func() { s.onClose(ReasonTooManyRefusals, true) })
}

// exhaustedAck returns the arguments of the acknowledgement that refuses an
// event: [{"ok":false,"error":{"code":"resource_exhausted",...}}].
func exhaustedAck(kind LimitKind, max, retry int64) []byte {
	b := make([]byte, 0, 192)
	b = append(b, `[{"ok":false,"error":{"code":"`+CodeResourceExhausted+`","message":"`...)
	switch kind {
	case LimitRate:
		b = append(b, "rate limit exceeded, retry after "...)
		b = strconv.AppendInt(b, retry, 10)
		b = append(b, "ms"...)
	case LimitPayload:
		b = append(b, "payload larger than "...)
		b = strconv.AppendInt(b, max, 10)
		b = append(b, " bytes"...)
	default:
		b = append(b, "too many acknowledgements pending: at most "...)
		b = strconv.AppendInt(b, max, 10)
	}
	b = append(b, `","details":{"limit":"`...)
	b = append(b, kind...)
	b = append(b, `","max":`...)
	b = strconv.AppendInt(b, max, 10)
	if retry > 0 {
		b = append(b, `,"retry_after_ms":`...)
		b = strconv.AppendInt(b, retry, 10)
	}
	return append(b, `}}}]`...)
}

// release frees the event's pending-ack slot, once.
func (e *Event) release() {
	if e.slot.Load() == nil {
		return // no limit: the common case costs a load
	}
	if el := e.slot.Swap(nil); el != nil {
		el.pending.Add(-1)
	}
}

// AckLater tells the server that the handler will acknowledge e after it
// returns (from another goroutine): the event then keeps its place among
// the acknowledgements pending that [Limits.MaxPendingAcks] bounds until
// [Event.Ack] is called or the socket disconnects. Without it, an event
// whose handlers return without acknowledging gives its place up then,
// so that a handler that never answers cannot block its socket. Call it
// from the handler; it does nothing for events that asked for no
// acknowledgement or have no such limit.
func (e *Event) AckLater() { e.later.Store(true) }

// limited reports an event refused by its limit.
func (w *watchers) limited(s *Socket, event string, kind LimitKind) {
	for _, o := range w.obs {
		if o.Limited != nil {
			o.Limited(s, event, kind)
		}
	}
	if w.debug != nil {
		w.debug.limited(s.nsp.name, event, kind)
	}
}

// limited logs an event refused by its limit.
func (d *debugView) limited(nsp, event string, kind LimitKind) {
	d.log.Debug("event refused", "nsp", nsp, "event", event, "limit", string(kind))
}
