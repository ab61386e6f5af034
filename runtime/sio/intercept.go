package sio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
)

// Direction tells whether a [Invocation] is an event received or sent.
type Direction int

const (
	// Inbound is an event received and handled by a typed handler
	// ([Handle], [HandleAck], [OnClient], [OnClientAck]); the call's
	// result is what the handler returns, the acknowledgement.
	Inbound Direction = iota + 1
	// Outbound is an event sent: Emit, EmitWithAck, and their broadcast
	// forms; the call's result is the acknowledgement's [Args] for
	// EmitWithAck, and []Args for a broadcast's. An acknowledgement that is
	// an error envelope ({"ok":false,"error":...}) is also the call's
	// error, an *[AckedError], so that interceptors see the outcome; the
	// caller of EmitWithAck still gets the Args and no error.
	Outbound
)

// String returns "inbound" or "outbound".
func (d Direction) String() string {
	switch d {
	case Inbound:
		return "inbound"
	case Outbound:
		return "outbound"
	}
	return "Direction(?)"
}

// Invocation is one event going through the interceptors: see [Interceptor].
type Invocation struct {
	// Namespace is the namespace's name.
	Namespace string
	// Event is the event name.
	Event string
	// Direction says whether the event is received or sent.
	Direction Direction
	// Socket is the server socket that received or sends the event; nil
	// for a broadcast and on a client.
	Socket *Socket
	// Client is the client socket that received or sends the event; nil
	// on a server.
	Client *ClientSocket
	// Payload is the decoded input of an inbound event (the handler's In,
	// nil when it takes none), and the arguments, a []any (a copy), of an
	// outbound one. An interceptor may replace it with a value of the same
	// type.
	Payload any
	// WantsAck reports whether an acknowledgement is expected.
	WantsAck bool
}

// InvokeFunc handles a [Invocation]: the handler, or the emit, at the end of an
// interceptor chain, or the next interceptor.
type InvokeFunc func(ctx context.Context, c *Invocation) (result any, err error)

// Interceptor wraps every typed event handler and every emit, on a server
// ([ServerOptions].Interceptors, [WithInterceptors]) or a client
// ([ClientOptions].Interceptors, [WithInterceptors]), like connect-go's
// interceptors: Intercept is called once, when the handler is registered
// or the emit made, and returns the function called for each event. It may
// look at the call, time it, change its payload, or reject it by returning
// an error without calling next; an *[Error] then reaches the peer as the
// acknowledgement of an inbound event, or the caller of an outbound one.
//
// Interceptors run in order, the first one outermost. The acknowledgement
// of a typed handler is its call's result: an interceptor sees it, and may
// replace it, before it is sent. Untyped handlers ([Namespace.On],
// [Socket.On]) and their [Event.Ack] are not intercepted: they see the raw
// arguments, and [Socket.OnAny] observes them. Connect middlewares
// ([Middleware]) are not interceptors either: they vet connections, and
// stay.
type Interceptor interface {
	Intercept(next InvokeFunc) InvokeFunc
}

// InterceptorFunc is a function that is an [Interceptor].
type InterceptorFunc func(next InvokeFunc) InvokeFunc

// Intercept implements [Interceptor].
func (f InterceptorFunc) Intercept(next InvokeFunc) InvokeFunc { return f(next) }

// WithInterceptors adds interceptors to a typed handler: for the server's
// [Handle] and [HandleAck] (and the generated Register functions, which
// pass their options on), they wrap the handler, and also every emit made
// on the namespace's sockets and broadcasts, inside the server's own
// ([ServerOptions].Interceptors); for the client's [OnClient] and
// [OnClientAck], they wrap the handler.
func WithInterceptors(ics ...Interceptor) HandlerOption {
	set := &interceptorSet{ics: ics}
	return optionFunc(func(c *handlerConfig) { c.icepts = append(c.icepts, set) })
}

// interceptorSet is the interceptors of one WithInterceptors option,
// added to a namespace once however many handlers it is given to.
type interceptorSet struct{ ics []Interceptor }

// intercept returns fn wrapped by the interceptors, in order.
func intercept(ics []Interceptor, fn InvokeFunc) InvokeFunc {
	for i := len(ics) - 1; i >= 0; i-- {
		fn = ics[i].Intercept(fn)
	}
	return fn
}

// handlerInterceptors returns the interceptors of a typed handler: the
// outer ones, then those of its options.
func handlerInterceptors(outer []Interceptor, c *handlerConfig) []Interceptor {
	ics := outer[:len(outer):len(outer)]
	for _, set := range c.icepts {
		ics = append(ics, set.ics...)
	}
	return ics
}

// nsInterceptors are the interceptors of a namespace's emits: the server's,
// then those given to its handlers, copy on write.
type nsInterceptors struct {
	sets []*interceptorSet
	all  atomic.Pointer[[]Interceptor]
}

// add adds the sets not yet there.
func (ns *Namespace) addInterceptors(srv []Interceptor, sets []*interceptorSet) {
	if len(sets) == 0 {
		return
	}
	ns.mu.Lock()
	defer ns.mu.Unlock()
	changed := false
	for _, set := range sets {
		found := false
		for _, have := range ns.icepts.sets {
			found = found || have == set
		}
		if !found {
			ns.icepts.sets = append(ns.icepts.sets, set)
			changed = true
		}
	}
	if changed {
		all := handlerInterceptors(srv, &handlerConfig{icepts: ns.icepts.sets})
		ns.icepts.all.Store(&all)
	}
}

// emitInterceptors returns the interceptors of the namespace's emits; nil
// when there are none.
func (ns *Namespace) emitInterceptors() []Interceptor {
	if all := ns.icepts.all.Load(); all != nil {
		return *all
	}
	if ns.parent != nil {
		if all := ns.parent.icepts.all.Load(); all != nil {
			return *all
		}
	}
	return ns.srv.opts.Interceptors
}

// typedIn returns the payload of an inbound call as In: the handler's
// input unless an interceptor replaced it with a value of another type.
func typedIn[In any](c *Invocation) (In, error) {
	if in, ok := c.Payload.(In); ok {
		return in, nil
	}
	var zero In
	if c.Payload == nil {
		return zero, nil
	}
	return zero, &Error{Code: CodeInternal, Message: "internal error", Err: errPayloadType}
}

// typedOut returns the result of an inbound call as Out.
func typedOut[Out any](r any) Out {
	out, _ := r.(Out)
	return out
}

var errPayloadType = errors.New("sio: an interceptor changed the payload's type")

// serverChain returns the interceptor chain of a server's typed handler
// ending in fn, nil when there are no interceptors; it adds the handler's
// interceptors to the namespace's emits.
func serverChain[In, Out any](ns *Namespace, c *handlerConfig, fn func(context.Context, *Socket, In) (Out, error)) InvokeFunc {
	srv := ns.srv.opts.Interceptors
	ns.addInterceptors(srv, c.icepts)
	ics := handlerInterceptors(srv, c)
	if len(ics) == 0 {
		return nil
	}
	return intercept(ics, func(ctx context.Context, call *Invocation) (any, error) {
		in, err := typedIn[In](call)
		if err != nil {
			return nil, err
		}
		return runHandler(fn, ctx, call.Socket, in)
	})
}

// runHandler calls a server's typed handler, turning a panic into an
// internal error (see [PanicError]).
func runHandler[In, Out any](fn func(context.Context, *Socket, In) (Out, error), ctx context.Context, s *Socket, in In) (out Out, err error) {
	defer recoverInto(&err)
	return fn(ctx, s, in)
}

// recoverInto, deferred, turns a panic into an internal *Error wrapping a
// *[PanicError].
func recoverInto(err *error) {
	if r := recover(); r != nil {
		*err = panicked(r)
	}
}

func panicked(r any) *Error {
	return &Error{Code: CodeInternal, Message: "internal error", Err: &PanicError{Value: r, Stack: debug.Stack()}}
}

// PanicError is the cause of the internal error that answers an event
// whose handler panicked: the value passed to panic, and the handler's
// stack.
type PanicError struct {
	Value any
	Stack []byte
}

// Error implements error.
func (e *PanicError) Error() string { return fmt.Sprint("panic: ", e.Value) }

// handlerFailed logs the error of a handler: a panic (with its stack) or
// an error that reaches the client as internal at error level, any other
// *Error, which the contract foresees, at debug level.
func (s *Socket) handlerFailed(event string, err error) {
	logHandlerError(s.nsp.srv.log, s.nsp.name, event, s.id, err)
}

// logHandlerError logs err, returned by the handler of event; sid is ""
// on a client.
func logHandlerError(log *slog.Logger, nsp, event, sid string, err error) {
	attrs := []any{"nsp", nsp, "event", event}
	if sid != "" {
		attrs = append(attrs, "sid", sid)
	}
	var p *PanicError
	switch {
	case errors.As(err, &p):
		log.Error("handler panicked", append(attrs, "panic", fmt.Sprint(p.Value), "stack", string(p.Stack))...)
	case CodeOf(err) == CodeInternal:
		log.Error("handler failed", append(attrs, "err", err)...)
	default:
		log.Debug("handler returned an error", append(attrs, "err", err)...)
	}
}

// outArgs returns the arguments of an outbound call.
func outArgs(c *Invocation) ([]any, error) {
	if args, ok := c.Payload.([]any); ok || c.Payload == nil {
		return args, nil
	}
	return nil, &Error{Code: CodeInternal, Message: "internal error", Err: errPayloadType}
}

// AckedError is the error of an outbound [Invocation] whose
// acknowledgement is an error envelope: interceptors see the peer's
// *[Error] through it (errors.As, [CodeOf]).
type AckedError struct {
	Args Args
	Err  *Error
}

// Error implements error.
func (e *AckedError) Error() string { return e.Err.Error() }

// Unwrap returns the peer's error.
func (e *AckedError) Unwrap() error { return e.Err }

// withAckedError returns the result of an EmitWithAck for an interceptor
// chain: an error envelope becomes an *AckedError.
func withAckedError(a Args, err error) (any, error) {
	if err != nil {
		return a, err
	}
	raw := a.At(0).JSON()
	if !bytes.HasPrefix(raw, []byte(`{"ok":false`)) {
		return a, nil
	}
	var env envelopeIn
	if a.At(0).Decode(&env) != nil || env.Error == nil {
		return a, nil
	}
	return a, &AckedError{Args: a, Err: env.Error}
}

// ackResultOf returns what EmitWithAck returns after the chain: the Args,
// and no error for an acknowledgement that came as an error envelope.
func ackResultOf(r any, err error) (Args, error) {
	var acked *AckedError
	if errors.As(err, &acked) {
		return acked.Args, nil
	}
	a, _ := r.(Args)
	return a, err
}

// interceptOut runs the outbound call c through ics, ending in send with
// the event and the arguments as the interceptors leave them.
func interceptOut(ctx context.Context, ics []Interceptor, c *Invocation, send func(ctx context.Context, event string, args []any) (any, error)) (any, error) {
	return intercept(ics, func(ctx context.Context, c *Invocation) (any, error) {
		args, err := outArgs(c)
		if err != nil {
			return nil, err
		}
		return send(ctx, c.Event, args)
	})(ctx, c)
}

// isPanic reports whether err is a handler's panic.
func isPanic(err error) bool {
	var p *PanicError
	return errors.As(err, &p)
}
