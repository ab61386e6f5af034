package sio

import (
	"errors"
	"strconv"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

// Edge policies: the limits a contract puts on what a client sends (see
// [Namespace.Limit], enforced in limits.go) and the back-pressure it
// declares for what the server sends (see [Backpressure]). gogen registers
// both from the contract; code without a contract may call them directly.

// CodeResourceExhausted: an event was refused by one of its limits before
// it was decoded; the details are a [ResourceExhaustedDetails].
const CodeResourceExhausted = "resource_exhausted"

// Limits are the edge limits of one event a client sends, enforced per
// socket before its payload is decoded (see [Namespace.Limit]). A zero
// field is no limit.
type Limits struct {
	// Rate is how many events per second refill the socket's token bucket
	// for the event; each event takes a token, and the bucket starts full.
	// 0: no rate limit. The answer to an event over the rate says, in
	// RetryAfterMs, when the next token is back.
	Rate float64
	// Burst is the bucket's size: how many events may come at once. 0 with
	// a Rate: the rate rounded up (at least 1).
	Burst int
	// MaxPayload is the largest encoded payload in bytes: the JSON of the
	// event's arguments as received (after the event name and its comma,
	// before the closing bracket), plus its binary attachments. It is
	// measured on the raw packet, without reading the arguments; a binary
	// event's attachments are counted as they arrive and, once over, are
	// dropped, not held.
	MaxPayload int
	// MaxPendingAcks is how many of the event's acknowledgements a socket
	// may have outstanding: events accepted with an ack id (queued for
	// their handler, or being handled) whose answer is not yet sent. An
	// event gives its place up when it is acknowledged, when its handlers
	// return without acknowledging it unless one called [Event.AckLater],
	// and when the socket disconnects. Events without an ack id are not
	// counted.
	MaxPendingAcks int
}

// LimitKind names the limit an event was refused by.
type LimitKind string

// The limits, as [ResourceExhaustedDetails.Limit] and [Observer.Limited]
// name them.
const (
	// LimitRate: [Limits.Rate] and Burst.
	LimitRate LimitKind = "rate"
	// LimitPayload: [Limits.MaxPayload].
	LimitPayload LimitKind = "payload"
	// LimitPendingAcks: [Limits.MaxPendingAcks].
	LimitPendingAcks LimitKind = "pending_acks"
)

// ResourceExhaustedDetails are the details of a [CodeResourceExhausted]
// error.
type ResourceExhaustedDetails struct {
	// Limit is the limit the event hit.
	Limit LimitKind `json:"limit"`
	// Max is its value: the burst of a rate, the bytes of a payload, the
	// acknowledgements that may be pending.
	Max int64 `json:"max"`
	// RetryAfterMs, for a rate, is how long until the bucket holds a token
	// again, in milliseconds (at least 1); absent for the other limits.
	RetryAfterMs int64 `json:"retry_after_ms,omitempty"`
}

// AsResourceExhausted returns the details of err when it is (or wraps) an
// *[Error] with code [CodeResourceExhausted] and readable details.
func AsResourceExhausted(err error) (*ResourceExhaustedDetails, bool) {
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeResourceExhausted {
		return nil, false
	}
	return DetailsAs[ResourceExhaustedDetails](err, e.Name)
}

// Limit sets the limits of event on every socket of ns (for a parent
// namespace, of its children too, unless a child sets the event's own),
// replacing any set before; it applies to the events that arrive after
// it, whatever their handlers, typed or untyped. The limits are checked in the order payload, pending
// acknowledgements, rate.
//
// An event over a limit is refused on the connection's reader, before it
// is decoded or queued for a handler. If it asked for an acknowledgement
// and the namespace's acknowledgements are envelopes (it has typed
// handlers, and the event's is not [AckPlain]), the answer is
//
//	{"ok":false,"error":{"code":"resource_exhausted","message":"…",
//	 "details":{"limit":"rate","max":10,"retry_after_ms":250}}}
//
// ([ResourceExhaustedDetails]; [AsResourceExhausted] reads it on the Go
// client); otherwise the event is dropped. Either way it is reported to
// [Observer.Limited] (runtime/siootel counts it), logged at debug level,
// shown by the debug view, and counted toward [Namespace.DisconnectAfter].
//
// A server without limits pays one atomic load per packet received; with
// limits, an event costs no allocation to admit (a token bucket per socket
// and limited event, made on the event's first arrival; no goroutine, no
// timer). Events that arrive while their socket is still being connected
// (middlewares running) are not limited.
func (ns *Namespace) Limit(event string, l Limits) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	if ns.limits == nil {
		ns.limits = make(map[string]Limits)
	}
	ns.limits[event] = l
	ns.publishLimits()
}

// DisconnectAfter disconnects a socket of ns whose events are refused by
// their limits more than n times within per: the refusals are counted in a
// bucket of n that refills at n per per (per 0: never), and the refusal
// that finds it empty disconnects the socket, as [Socket.Disconnect] does
// (the client is told, and does not reconnect by itself), with
// [ReasonTooManyRefusals] for its OnDisconnect functions and
// [Observer.Disconnect]. Its later events are dropped meanwhile. The
// disconnection is logged at debug level, like the refusals (a client's
// fault, which it is told about); runtime/siootel counts it. n <= 0 turns
// it off (the default). A parent's policy applies to children that set
// none.
func (ns *Namespace) DisconnectAfter(n int, per time.Duration) {
	ns.mu.Lock()
	defer ns.mu.Unlock()
	ns.refusals = refusalPolicy{n: n, per: per}
}

type refusalPolicy struct {
	n   int
	per time.Duration
}

// BackpressureMode says what happens to a message for a socket whose send
// queue is backed up: whose connection has messages waiting for the
// network (see engineio.Conn.Queued). A connection that keeps up has none,
// and then every mode sends at once.
type BackpressureMode uint8

const (
	// BackpressureQueue, the default, queues the message; when more than
	// Max messages would wait (0: no bound of its own) the connection is
	// closed with [ReasonSendQueueFull]. The server's limit
	// (engineio.ServerOptions.MaxQueuedMessages, 4096 by default) applies
	// above it in every mode.
	BackpressureQueue BackpressureMode = iota
	// BackpressureVolatile drops the message when more than Max messages
	// are waiting (0: when any is), and where the server's limit would
	// be passed; it never closes the connection. Drops are counted
	// ([DropVolatile]).
	BackpressureVolatile
	// BackpressureLatest keeps the newest message per key: a message
	// replaces a waiting one of the same namespace, event and Key, which
	// is dropped ([DropSuperseded]) and the new one queued at the end, in
	// the order of its own time; messages of other events or keys never
	// replace each other. A message already handed to the writer is not
	// touched. Max bounds the waiting messages as BackpressureQueue's
	// does. An event that expects an acknowledgement is never replaced:
	// it is queued, as under BackpressureQueue.
	BackpressureLatest
)

// Backpressure is what the server does with a message for a socket whose
// send queue is backed up; the zero value is the default queue. Memory
// stays bounded in every mode by the server's send queue limit, which
// counts every waiting message (so, under BackpressureLatest, the keys
// that can wait).
type Backpressure struct {
	Mode BackpressureMode
	// Max is the number of waiting messages the mode allows (see the
	// modes); counted in Engine.IO messages: a packet is one, plus one per
	// binary attachment.
	Max int
	// Key, for BackpressureLatest, identifies what the message is the
	// newest of (an entity's id, say); "" makes every message of the
	// event replace the waiting one.
	Key string
}

// Backpressure returns an emitter of events to s that follow bp. Its
// emits go through the interceptors like [Socket.Emit]'s.
func (s *Socket) Backpressure(bp Backpressure) Emitter {
	return socketPolicy{s: s, bp: bp}
}

type socketPolicy struct {
	s  *Socket
	bp Backpressure
}

func (p socketPolicy) Emit(event string, args ...any) error { return p.s.emitWith(&p.bp, event, args) }
func (p socketPolicy) skipChecks() bool                     { return p.s.skipChecks() }

// Backpressure returns an operator whose broadcasts follow bp for every
// recipient, on every node (runtime/redisadapter carries it). With
// [BroadcastOperator.Volatile] the broadcast is volatile, with bp.Max when
// bp is [BackpressureVolatile] and 0 otherwise.
func (b *BroadcastOperator) Backpressure(bp Backpressure) *BroadcastOperator {
	return b.with(func(o *BroadcastOptions) { o.Backpressure = bp })
}

// Backpressure returns a broadcast to every socket of ns that follows bp;
// see [BroadcastOperator.Backpressure].
func (ns *Namespace) Backpressure(bp Backpressure) *BroadcastOperator {
	return ns.broadcast().Backpressure(bp)
}

// sendPolicy returns the Engine.IO send policy of p, an event called event
// ("" to read it from p when needed), volatile or following bp. A packet
// that expects an acknowledgement is never replaced (its ack would never
// come): under BackpressureLatest it is queued, with bp.Max.
func sendPolicy(p *Packet, event string, volatile bool, bp *Backpressure) engineio.SendPolicy {
	switch {
	case volatile || bp.Mode == BackpressureVolatile:
		n := 0
		if bp.Mode == BackpressureVolatile {
			n = bp.Max
		}
		return engineio.SendPolicy{Mode: engineio.SendVolatile, Max: n}
	case bp.Mode == BackpressureLatest && !p.HasID:
		if event == "" {
			event = eventOf(p.Data)
		}
		return engineio.SendPolicy{Mode: engineio.SendLatest, Max: bp.Max, Key: latestKey(p.Namespace, event, bp.Key)}
	}
	return engineio.SendPolicy{Max: bp.Max}
}

// latestKey is the Engine.IO key of the messages of event in nsp under
// [BackpressureLatest] with key: one key space per connection, which the
// namespaces and events share without colliding.
func latestKey(nsp, event, key string) string {
	return strconv.Itoa(len(nsp)) + ":" + nsp + strconv.Itoa(len(event)) + ":" + event + key
}
