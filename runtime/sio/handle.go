package sio

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strconv"

	"github.com/siogen/siogen/runtime/siojson"
)

// AckStyle is how a typed handler's result travels in the acknowledgement.
type AckStyle int

const (
	// AckEnvelope (the default) acknowledges with one argument,
	// {"ok":true,"data":result} or {"ok":false,"error":{code,name,message,details}}.
	AckEnvelope AckStyle = iota
	// AckPlain acknowledges with the result itself as the only argument
	// (or a tuple's elements), for contracts that must match an existing
	// Socket.IO API. Nothing else is ever sent as a plain acknowledgement,
	// as the declared ack type has no place for an error: an invalid
	// payload (reported to [OnInvalid], else logged at debug level) and a
	// handler's error (logged) get no answer, and the caller's wait ends
	// with its timeout.
	AckPlain
)

// HandlerOption configures a typed handler registered with [Handle] or
// [HandleAck].
type HandlerOption interface{ apply(*handlerConfig) }

type handlerConfig struct {
	validator Validator
	schemaID  string
	read      any // a ReadFunc[In], from WithReader
	check     any // a CheckFunc[Out], from WithAckCheck
	style     AckStyle
	onInvalid func(s *Socket, e *Event, err *Error)
	icepts    []*interceptorSet
	details   map[string]DetailsCheck // from WithErrorDetails
}

type optionFunc func(*handlerConfig)

func (f optionFunc) apply(c *handlerConfig) { f(c) }

// WithValidator validates the payload against the schema id before the
// handler runs. An invalid payload never reaches the handler: the sender
// gets an [CodeInvalidArgument] error listing the violations in its
// acknowledgement, or, without one (or with a plain-style one, see
// [AckPlain]), the event is dropped and reported to [OnInvalid].
func WithValidator(v Validator, schemaID string) HandlerOption {
	return optionFunc(func(c *handlerConfig) { c.validator, c.schemaID = v, schemaID })
}

// WithReader decodes the payload with read, which checks it against the
// contract while it decodes (gogen generates one per payload): an invalid
// payload is answered as with [WithValidator], and the payload is read
// once. read must be a ReadFunc of the handler's input type; it takes
// precedence over [WithValidator].
func WithReader[T any](read siojson.ReadFunc[T]) HandlerOption {
	return optionFunc(func(c *handlerConfig) { c.read = read })
}

// WithAckStyle sets the acknowledgement style of a [HandleAck] handler.
func WithAckStyle(style AckStyle) HandlerOption {
	return optionFunc(func(c *handlerConfig) { c.style = style })
}

// OnInvalid sets a function told about payloads rejected without an
// acknowledgement to carry the error (none asked for, or a plain-style
// one). By default they are logged at debug level.
func OnInvalid(fn func(s *Socket, e *Event, err *Error)) HandlerOption {
	return optionFunc(func(c *handlerConfig) { c.onInvalid = fn })
}

func newHandlerConfig(opts []HandlerOption) *handlerConfig {
	c := &handlerConfig{}
	for _, o := range opts {
		o.apply(c)
	}
	return c
}

// incoming is an event a typed handler receives: a server [*Event] or a
// [*ClientEvent].
type incoming interface {
	arguments() Args
	WantsAck() bool
	Ack(args ...any) error
}

func (a Args) arguments() Args { return a }

// decodeInput checks and decodes the event's input: its first argument,
// or every argument when In is a tuple ([TupleDecoder]), with the reader
// of [WithReader], else with the validator of [WithValidator] and the
// reflective decoder.
func decodeInput[In any](c *handlerConfig, e incoming) (In, *Error) {
	var zero In
	args := e.arguments()
	_, isTuple := any((*In)(nil)).(TupleDecoder)
	if read, ok := c.read.(siojson.ReadFunc[In]); ok {
		if p := args.deferred; p != nil && !isTuple {
			return decodeInPlace(p, read)
		}
		data := args.At(0).JSON()
		if isTuple {
			data = args.arrayJSON()
		}
		in, vs := siojson.Decode(data, args.att, read)
		if vs != nil {
			return zero, &Error{Code: CodeInvalidArgument, Message: "invalid payload", Details: vs}
		}
		return in, nil
	}
	raw := args.At(0)
	if isTuple {
		raw = NewRaw(args.arrayJSON())
	}
	if c.validator != nil {
		if v := c.validator.Validate(c.schemaID, raw.JSON()); len(v) > 0 {
			return zero, &Error{Code: CodeInvalidArgument, Message: "invalid payload", Details: v}
		}
	}
	in := new(In)
	var err error
	if isTuple {
		err = any(in).(TupleDecoder).DecodeArgs(args)
	} else {
		err = raw.Decode(in)
	}
	if err != nil {
		return zero, &Error{Code: CodeInvalidArgument, Message: "invalid payload", Details: []Violation{{Path: "", Message: err.Error()}}, Err: err}
	}
	return *in, nil
}

// errMalformed is decodeInPlace's verdict on arguments that are not valid
// JSON (or break the parser's limits): a protocol violation, for which
// the connection is closed, as the parser would have.
var errMalformed = &Error{Code: CodeInvalidArgument, Message: "malformed packet"}

// decodeInPlace reads the first argument of p, whose arguments the parser
// deferred, with read, in the packet: the one pass over it that checks
// both the JSON and the contract. Any further arguments, ignored as
// always, and the arguments of a payload the reader refuses, get the
// parser's check, which tells malformed JSON (errMalformed) from a
// breach of the contract.
func decodeInPlace[In any](p *Packet, read siojson.ReadFunc[In]) (In, *Error) {
	in, end, vs := siojson.DecodePrefix(p.Deferred, nil, read, p.DeferredDepth())
	if vs == nil && closesArray(p.Deferred[end:]) {
		return in, nil
	}
	if _, err := p.DeferredArguments(); err != nil {
		var zero In
		return zero, errMalformed
	}
	if vs != nil {
		var zero In
		return zero, &Error{Code: CodeInvalidArgument, Message: "invalid payload", Details: vs}
	}
	return in, nil
}

// closesArray reports whether b is white space, ']' and white space.
func closesArray(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\n\r")
	return len(b) > 0 && b[0] == ']' && len(bytes.TrimLeft(b[1:], " \t\n\r")) == 0
}

// replyArgs returns the acknowledgement of a typed handler's result or
// error in the configured style, using one for a single argument (so that
// the caller's Ack, on a concrete type, allocates no slice), and the error
// to log when its text is withheld from the peer.
func replyArgs[Out any](c *handlerConfig, out Out, err error, one *[1]any) (args []any, internal error) {
	if err != nil {
		we := asWireError(err)
		if we.Code == CodeInternal && we.Err != nil {
			internal = we.Err
		}
		one[0] = errorEnvelope{Error: we}
		return one[:], internal
	}
	switch {
	case c.style == AckPlain:
		if tuple, ok := any(out).(TupleEncoder); ok {
			return tuple.EncodeArgs(), nil
		}
		one[0] = out
	case isEmpty(out):
		one[0] = okOnly{OK: true} // an acknowledgement without data: {"ok":true}
	default:
		one[0] = okEnvelope[Out]{OK: true, Data: out}
	}
	return one[:], nil
}

func isEmpty[T any](v T) bool {
	_, empty := any(v).(struct{})
	return empty
}

// on returns how to register a typed handler with configuration c on ns:
// as one that reads its input in place when a generated reader decodes it
// (see decodeInPlace).
func on[In any](ns *Namespace, c *handlerConfig) func(string, EventHandler) {
	_, isTuple := any((*In)(nil)).(TupleDecoder)
	if _, ok := c.read.(siojson.ReadFunc[In]); ok && !isTuple {
		return ns.onInPlace
	}
	return ns.On
}

// decode decodes a server event's input; on failure it answers the error
// (or reports it to OnInvalid) and returns false.
func decode[In any](c *handlerConfig, s *Socket, e *Event) (In, bool) {
	in, err := decodeInput[In](c, e)
	switch {
	case err == nil:
		return in, true
	case err == errMalformed:
		s.nsp.srv.log.Debug("bad packet", "eio", s.conn.eio.ID(), "err", "malformed arguments of event "+strconv.Quote(e.Name))
		s.conn.violate()
		return in, false
	case e.WantsAck() && c.style != AckPlain:
		_ = e.Ack(errorEnvelope{Error: err})
	case c.onInvalid != nil:
		c.onInvalid(s, e, err)
	default:
		s.nsp.srv.log.Debug("invalid payload dropped", "nsp", s.nsp.name, "event", e.Name, "err", err)
	}
	if w := s.nsp.srv.watch.Load(); w != nil {
		w.rejected(s, s.nsp.name, e.Name, err)
	}
	return in, false
}

// Handle registers a typed handler for an event without acknowledgement on
// every socket of ns: the first argument is validated (see
// [WithValidator]) and decoded into In. ctx is the socket's context.
func Handle[In any](ns *Namespace, event string, fn func(ctx context.Context, s *Socket, in In), opts ...HandlerOption) {
	c := newHandlerConfig(opts)
	ns.useEnvelopes()
	call := serverChain(ns, c, func(ctx context.Context, s *Socket, in In) (struct{}, error) {
		fn(ctx, s, in)
		return struct{}{}, nil
	})
	on[In](ns, c)(event, func(s *Socket, e *Event) {
		in, ok := decode[In](c, s, e)
		if !ok {
			return
		}
		if call == nil {
			fn(s.Context(), s, in)
			return
		}
		if _, err := call(s.Context(), &Invocation{Namespace: s.nsp.name, Event: e.Name, Direction: Inbound, Socket: s, Payload: in}); err != nil {
			s.handlerFailed(e.Name, err)
		}
	})
}

// HandleAck registers a typed handler for an event with acknowledgement on
// every socket of ns. The result, or the error, is sent back in the style
// set by [WithAckStyle]; an error that is not an *[Error] is sent as
// [CodeInternal] without its text. A client that asked for no
// acknowledgement still has its event handled.
func HandleAck[In, Out any](ns *Namespace, event string, fn func(ctx context.Context, s *Socket, in In) (Out, error), opts ...HandlerOption) {
	c := newHandlerConfig(opts)
	ns.useEnvelopes()
	if c.style == AckPlain {
		ns.markPlain(event)
	}
	call := serverChain(ns, c, fn)
	on[In](ns, c)(event, func(s *Socket, e *Event) {
		in, ok := decode[In](c, s, e)
		if !ok {
			return
		}
		var out Out
		var err error
		if call == nil {
			out, err = runHandler(fn, s.Context(), s, in)
		} else {
			var r any
			r, err = call(s.Context(), &Invocation{Namespace: s.nsp.name, Event: e.Name, Direction: Inbound, Socket: s, Payload: in, WantsAck: e.WantsAck()})
			out = typedOut[Out](r)
		}
		plainErr := err != nil && c.style == AckPlain && e.WantsAck()
		switch {
		case plainErr && !isPanic(err):
			logPlainError(s.nsp.srv.log, "handler failed", s.nsp.name, e.Name, err)
		case err != nil:
			s.handlerFailed(e.Name, err)
		}
		if !e.WantsAck() || plainErr {
			return
		}
		if err == nil {
			if answer, bad := checkAck(c, out, s.skipChecks()); bad != nil {
				s.nsp.srv.log.Error("acknowledgement breaks the contract", "nsp", s.nsp.name, "event", e.Name, "violations", bad.Details)
				if c.style == AckPlain {
					return // a plain-style ack cannot carry the error
				}
				err = answer
			}
		} else if c.style != AckPlain && !s.skipChecks() {
			if answer, bad := checkDetails(err, c.details); bad != nil {
				s.nsp.srv.log.Error("error details break the contract", "nsp", s.nsp.name, "event", e.Name, "err", err, "violations", bad.Details)
				err = answer
			}
		}
		var one [1]any
		args, _ := replyArgs(c, out, err, &one)
		if err := e.Ack(args...); err != nil && !e.acked.Load() && c.style != AckPlain {
			// The result could not be encoded: it breaks the contract.
			s.nsp.srv.log.Error("handler result not sent: it cannot be encoded", "nsp", s.nsp.name, "event", e.Name, "sid", s.id, "err", err)
			_ = e.Ack(errorEnvelope{Error: &Error{Code: CodeInternal, Message: "internal error"}})
		}
	})
}

// logPlainError logs a handler's error that a plain-style acknowledgement
// cannot carry (see [AckPlain]): at error level when it is not an *[Error]
// (a failure the operator must know of), else at debug level.
func logPlainError(log *slog.Logger, msg, nsp, event string, err error) {
	level := slog.LevelDebug
	if CodeOf(err) == CodeInternal {
		level = slog.LevelError
	}
	log.Log(context.Background(), level, msg+"; a plain-style ack cannot carry the error: not answered", "nsp", nsp, "event", event, "err", err)
}

type okEnvelope[T any] struct {
	OK   bool `json:"ok"`
	Data T    `json:"data"`
}

// AppendJSON encodes the envelope without reflection when its data is a
// [siojson.Appender].
func (e okEnvelope[T]) AppendJSON(b []byte) ([]byte, error) {
	data, ok := any(e.Data).(siojson.Appender)
	if !ok {
		return b, errors.ErrUnsupported
	}
	b = append(b, `{"ok":`...)
	b = strconv.AppendBool(b, e.OK)
	b = append(b, `,"data":`...)
	b, err := data.AppendJSON(b)
	if err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

type okOnly struct {
	OK bool `json:"ok"`
}

// AppendJSON implements [siojson.Appender].
func (e okOnly) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"ok":`...)
	return append(strconv.AppendBool(b, e.OK), '}'), nil
}

type errorEnvelope struct {
	OK    bool   `json:"ok"`
	Error *Error `json:"error"`
}

// envelopeIn is an envelope as received.
type envelopeIn struct {
	OK    *bool  `json:"ok"`
	Data  Raw    `json:"data"`
	Error *Error `json:"error"`
}

// DecodeAck decodes an acknowledgement in the given style into Out: the
// first argument itself (plain), or the data of an {"ok":true} envelope. An
// {"ok":false} envelope, in either style, returns its *[Error]. With a
// non-nil read (generated code passes one), the answer is checked against
// the contract while it is decoded, and one that breaks it is a
// [CodeInvalidArgument] error listing the violations; else it is decoded
// reflectively, unchecked.
func DecodeAck[Out any](args Args, style AckStyle, read siojson.ReadFunc[Out]) (Out, error) {
	var out Out
	raw := args.At(0)
	if read != nil {
		return decodeAckWith(args, style, read)
	}
	var env envelopeIn
	isEnvelope := raw.Decode(&env) == nil && env.OK != nil
	if isEnvelope && !*env.OK {
		if env.Error == nil {
			env.Error = &Error{Code: CodeInternal, Message: "acknowledged with an error"}
		}
		return out, env.Error
	}
	if style != AckPlain {
		if !isEnvelope {
			return out, &Error{Code: CodeInvalidArgument, Message: "acknowledgement is not an envelope: " + string(raw.JSON())}
		}
		raw = env.Data
	}
	if style == AckPlain {
		if tuple, ok := any(&out).(TupleDecoder); ok {
			if err := tuple.DecodeArgs(args); err != nil {
				return out, &Error{Code: CodeInvalidArgument, Message: "bad acknowledgement: " + err.Error(), Err: err}
			}
			return out, nil
		}
	}
	if err := raw.Decode(&out); err != nil {
		return out, &Error{Code: CodeInvalidArgument, Message: "bad acknowledgement: " + err.Error(), Err: err}
	}
	return out, nil
}

// decodeAckWith is DecodeAck with a generated reader: one pass over the
// answer on success. A plain answer that the reader refuses may still be
// an {"ok":false} envelope, which only then is decoded as one.
func decodeAckWith[Out any](args Args, style AckStyle, read siojson.ReadFunc[Out]) (Out, error) {
	raw := args.At(0)
	var out Out
	var vs []Violation
	var ackErr *Error
	if style == AckPlain {
		data := raw.JSON()
		if _, isTuple := any(&out).(TupleDecoder); isTuple {
			data = args.arrayJSON()
		}
		if out, vs = siojson.Decode(data, args.att, read); vs == nil {
			return out, nil
		}
		var env envelopeIn
		if raw.Decode(&env) == nil && env.OK != nil && !*env.OK {
			if env.Error == nil {
				env.Error = &Error{Code: CodeInternal, Message: "acknowledged with an error"}
			}
			return out, env.Error
		}
	} else {
		out, vs = siojson.Decode(raw.JSON(), args.att, func(r *siojson.Reader) Out {
			v, e := readEnvelope(r, read)
			ackErr = e
			return v
		})
		if ackErr != nil {
			return out, ackErr
		}
	}
	if vs != nil {
		return out, &Error{Code: CodeInvalidArgument, Message: "invalid acknowledgement", Details: vs}
	}
	return out, nil
}

// readEnvelope reads an envelope-style acknowledgement with one pass:
// {"ok":true,"data":…} checked by read, or {"ok":false,"error":…}, whose
// error it returns.
func readEnvelope[Out any](r *siojson.Reader, read siojson.ReadFunc[Out]) (Out, *Error) {
	var zero Out
	out, failed, errJSON := siojson.ReadEnvelope(r, read, !isEmpty(zero))
	if !failed {
		return out, nil
	}
	var e Error
	if errJSON == nil || NewRaw(errJSON).Decode(&e) != nil {
		return out, &Error{Code: CodeInternal, Message: "acknowledged with an error"}
	}
	return out, &e
}

// AckEmitter is what can send one event and wait for its acknowledgement:
// a server [Socket], or a client socket.
type AckEmitter interface {
	EmitWithAck(ctx context.Context, event string, args ...any) (Args, error)
}

// Call emits an event with one payload and decodes the acknowledgement into
// Out in the given style. Generated code calls it for acknowledged events.
func Call[Out any](ctx context.Context, to AckEmitter, style AckStyle, event string, payload any) (Out, error) {
	args, err := to.EmitWithAck(ctx, event, payload)
	if err != nil {
		var out Out
		return out, err
	}
	return DecodeAck[Out](args, style, nil)
}

// ValidateAuth returns a middleware that validates the CONNECT auth payload
// against the schema id, refusing invalid ones with a CONNECT_ERROR whose
// data is {"code":"invalid_argument","message":…,"details":[violations]}.
func ValidateAuth(v Validator, schemaID string) Middleware {
	return func(_ context.Context, s *Socket) error {
		if vs := v.Validate(schemaID, s.handshake.Auth.JSON()); len(vs) > 0 {
			return &Error{Code: CodeInvalidArgument, Message: "invalid auth payload", Details: vs}
		}
		return nil
	}
}

// CheckAuth returns a middleware that checks the CONNECT auth payload with
// read (gogen generates one per namespace with auth), refusing an invalid
// one as [ValidateAuth] does.
func CheckAuth[T any](read siojson.ReadFunc[T]) Middleware {
	return func(_ context.Context, s *Socket) error {
		if _, vs := siojson.Decode(s.handshake.Auth.JSON(), nil, read); vs != nil {
			return &Error{Code: CodeInvalidArgument, Message: "invalid auth payload", Details: vs}
		}
		return nil
	}
}

// AuthWith decodes the socket's auth payload with read, a generated
// reader: declared defaults are filled in, and a payload that breaks the
// contract (possible only without [CheckAuth]) is a [CodeInvalidArgument]
// error.
func AuthWith[T any](s *Socket, read siojson.ReadFunc[T]) (T, error) {
	v, vs := siojson.Decode(s.handshake.Auth.JSON(), nil, read)
	if vs != nil {
		return v, &Error{Code: CodeInvalidArgument, Message: "invalid auth payload", Details: vs}
	}
	return v, nil
}

// AuthAs decodes the socket's auth payload into T.
func AuthAs[T any](s *Socket) (T, error) {
	var t T
	err := s.handshake.Auth.Decode(&t)
	return t, err
}
