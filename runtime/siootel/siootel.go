package siootel

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/siogen/siogen/runtime/sio"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/siogen/siogen/runtime/siootel"

// Options configures [New]. Nil, or a zero field, means the default.
type Options struct {
	// TracerProvider makes the tracer. Default otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// MeterProvider makes the meter. Default otel.GetMeterProvider().
	MeterProvider metric.MeterProvider
}

// Telemetry is the instrumentation of servers and clients: one may serve
// several. It is safe for concurrent use.
type Telemetry struct {
	tracer trace.Tracer

	connected   metric.Int64UpDownCounter
	handshakes  metric.Int64Counter
	events      metric.Int64Counter
	ackDuration metric.Float64Histogram
	invalid     metric.Int64Counter
	bytes       metric.Int64Counter
	drops       metric.Int64Counter
	adapterErrs metric.Int64Counter
	heartbeats  metric.Int64Counter
	refusals    metric.Int64Counter
	kicks       metric.Int64Counter
	hsLimited   metric.Int64Counter
}

// Attribute keys.
const (
	keyNamespace = attribute.Key("socketio.namespace")
	keyEvent     = attribute.Key("socketio.event")
	keyAck       = attribute.Key("socketio.ack")
	keyOutcome   = attribute.Key("socketio.outcome")
	keyCode      = attribute.Key("socketio.error.code")
	keyDirection = attribute.Key("socketio.direction")
	keyTransport = attribute.Key("socketio.transport")
	keyReason    = attribute.Key("socketio.reason")
	keyLimit     = attribute.Key("socketio.limit")
)

// New returns the instrumentation, with its instruments made.
func New(opts *Options) (*Telemetry, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TracerProvider == nil {
		o.TracerProvider = otel.GetTracerProvider()
	}
	if o.MeterProvider == nil {
		o.MeterProvider = otel.GetMeterProvider()
	}
	m := o.MeterProvider.Meter(ScopeName)
	t := &Telemetry{tracer: o.TracerProvider.Tracer(ScopeName)}
	var errs []error
	counter := func(name, desc, unit string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithDescription(desc), metric.WithUnit(unit))
		errs = append(errs, err)
		return c
	}
	var err error
	t.connected, err = m.Int64UpDownCounter("siogen.sockets.connected", metric.WithDescription("Connected sockets."), metric.WithUnit("{socket}"))
	errs = append(errs, err)
	t.handshakes = counter("siogen.handshakes", "Namespace connections, accepted or refused.", "{handshake}")
	t.events = counter("siogen.events", "Events handled or emitted.", "{event}")
	t.ackDuration, err = m.Float64Histogram("siogen.ack.duration", metric.WithDescription("Acknowledgement round trips."), metric.WithUnit("s"),
		metric.WithExplicitBucketBoundaries(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
	errs = append(errs, err)
	t.invalid = counter("siogen.validation.failures", "Received payloads rejected by a typed handler.", "{payload}")
	t.bytes = counter("siogen.bytes", "Bytes of the packets received and sent.", "By")
	t.drops = counter("siogen.drops", "Packets not sent: volatile, superseded by a newer one, or the send queue full.", "{packet}")
	t.adapterErrs = counter("siogen.adapter.errors", "Adapter failures.", "{error}")
	t.heartbeats = counter("siogen.heartbeat.timeouts", "Sockets disconnected by a ping timeout.", "{socket}")
	t.refusals = counter("siogen.limit.refusals", "Events refused by their limits before decoding.", "{event}")
	t.kicks = counter("siogen.limit.disconnects", "Sockets disconnected for too many refused events.", "{socket}")
	t.hsLimited = counter("siogen.handshakes.limited", "Engine.IO handshakes refused by the per-address limit.", "{handshake}")
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// Server returns opts (a new value when nil) with the interceptor first
// among its Interceptors, so that its spans enclose the other
// interceptors, and the observer added to its Observers. When the
// Engine.IO options set a HandshakeLimit, its OnLimited also counts the
// refused handshakes (after calling the one set, if any); opts itself is
// left as it was.
func (t *Telemetry) Server(opts *sio.ServerOptions) *sio.ServerOptions {
	var o sio.ServerOptions
	if opts != nil {
		o = *opts
	}
	o.Interceptors = append([]sio.Interceptor{t.Interceptor()}, o.Interceptors...)
	o.Observers = append(slices.Clip(o.Observers), t.Observer())
	if o.Engine != nil && o.Engine.HandshakeLimit != nil {
		eo, hl := *o.Engine, *o.Engine.HandshakeLimit
		hl.OnLimited = t.HandshakeLimited(hl.OnLimited)
		eo.HandshakeLimit, o.Engine = &hl, &eo
	}
	return &o
}

// HandshakeLimited returns a function for
// engineio.HandshakeLimit.OnLimited that counts the refused handshakes
// (siogen.handshakes.limited) and then calls next, when not nil.
// [Telemetry.Server] installs it; an Engine.IO server without Socket.IO
// may use it directly.
func (t *Telemetry) HandshakeLimited(next func(r *http.Request, ip string)) func(r *http.Request, ip string) {
	return func(r *http.Request, ip string) {
		t.hsLimited.Add(r.Context(), 1)
		if next != nil {
			next(r, ip)
		}
	}
}

// Client returns opts (a new value when nil) with the interceptor first
// among its Interceptors.
func (t *Telemetry) Client(opts *sio.ClientOptions) *sio.ClientOptions {
	var o sio.ClientOptions
	if opts != nil {
		o = *opts
	}
	o.Interceptors = append([]sio.Interceptor{t.Interceptor()}, o.Interceptors...)
	return &o
}

// Interceptor returns the interceptor that makes the spans and counts the
// events and acknowledgement round trips.
func (t *Telemetry) Interceptor() sio.Interceptor {
	return sio.InterceptorFunc(func(next sio.InvokeFunc) sio.InvokeFunc {
		return func(ctx context.Context, c *sio.Invocation) (any, error) {
			nsp, event := keyNamespace.String(c.Namespace), keyEvent.String(c.Event)
			dir := "in"
			if c.Direction == sio.Outbound {
				dir = "out"
			}
			traced := c.Direction == sio.Inbound || c.WantsAck
			var span trace.Span
			if traced {
				name, kind := "receive "+c.Event, trace.SpanKindServer
				switch {
				case c.Direction == sio.Outbound:
					name, kind = "call "+c.Event, trace.SpanKindClient
				case c.Client != nil:
					kind = trace.SpanKindConsumer
				}
				ctx, span = t.tracer.Start(ctx, name, trace.WithSpanKind(kind),
					trace.WithAttributes(nsp, event, keyAck.Bool(c.WantsAck)))
			}
			start := time.Now()
			r, err := next(ctx, c)
			outcome, code := "ok", sio.CodeOf(err)
			if err != nil {
				outcome = code
			}
			if traced {
				if err != nil {
					span.SetAttributes(keyOutcome.String("error"), keyCode.String(code))
					span.SetStatus(codes.Error, err.Error())
				} else {
					span.SetAttributes(keyOutcome.String("ok"))
				}
				span.End()
			}
			t.events.Add(ctx, 1, metric.WithAttributes(nsp, event, keyDirection.String(dir), keyOutcome.String(outcome)))
			if c.Direction == sio.Outbound && c.WantsAck {
				t.ackDuration.Record(ctx, time.Since(start).Seconds(), metric.WithAttributes(nsp, event, keyOutcome.String(outcome)))
			}
			return r, err
		}
	})
}

// Observer returns the observer that feeds the metrics of connections,
// traffic, validation, drops and failures. [Telemetry.Server] puts it in
// the server's options, so that it sees the server from its start; added
// later with [sio.Server.Observe], siogen.sockets.connected counts the
// disconnections of the sockets it did not see connect.
func (t *Telemetry) Observer() sio.Observer {
	ctx := context.Background()
	in, out := metric.WithAttributes(keyDirection.String("in")), metric.WithAttributes(keyDirection.String("out"))
	return sio.Observer{
		Packet: func(p sio.PacketInfo) {
			// Not by namespace: a packet may name one that does not exist.
			dir := in
			if p.Direction == sio.Outbound {
				dir = out
			}
			t.bytes.Add(ctx, int64(p.Size), dir)
		},
		Connect: func(s *sio.Socket) {
			nsp := keyNamespace.String(s.Namespace().Name())
			t.connected.Add(ctx, 1, metric.WithAttributes(nsp))
			t.handshakes.Add(ctx, 1, metric.WithAttributes(nsp, keyTransport.String(s.Transport()), keyOutcome.String("accepted")))
		},
		Refuse: func(nsp, transport string, err error) {
			if errors.Is(err, sio.ErrInvalidNamespace) {
				nsp = "(invalid)" // any name a client asks for: not an attribute
			}
			t.handshakes.Add(ctx, 1, metric.WithAttributes(keyNamespace.String(nsp), keyTransport.String(transport), keyOutcome.String("refused")))
		},
		Disconnect: func(s *sio.Socket, reason sio.DisconnectReason) {
			nsp := keyNamespace.String(s.Namespace().Name())
			t.connected.Add(ctx, -1, metric.WithAttributes(nsp))
			switch reason {
			case sio.ReasonPingTimeout:
				t.heartbeats.Add(ctx, 1, metric.WithAttributes(nsp))
			case sio.ReasonTooManyRefusals:
				t.kicks.Add(ctx, 1, metric.WithAttributes(nsp))
			}
		},
		Invalid: func(s *sio.Socket, event string, err *sio.Error) {
			t.invalid.Add(ctx, 1, metric.WithAttributes(keyNamespace.String(s.Namespace().Name()), keyEvent.String(event)))
		},
		Dropped: func(p sio.PacketInfo, reason sio.DropReason) {
			t.drops.Add(ctx, 1, metric.WithAttributes(keyNamespace.String(p.Namespace), keyEvent.String(p.Event), keyReason.String(string(reason))))
		},
		AdapterError: func(ns *sio.Namespace, err error) {
			t.adapterErrs.Add(ctx, 1, metric.WithAttributes(keyNamespace.String(ns.Name())))
		},
		Limited: func(s *sio.Socket, event string, limit sio.LimitKind) {
			t.refusals.Add(ctx, 1, metric.WithAttributes(keyNamespace.String(s.Namespace().Name()), keyEvent.String(event), keyLimit.String(string(limit))))
		},
	}
}
