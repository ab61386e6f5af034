package sio

import "context"

// Typed client handlers for generated code: the mirror of [Handle] and
// [HandleAck] for events a server sends to a [ClientSocket].

// decodeClient decodes a client event's input (see decodeInput); on
// failure it answers the error when the server asked for an
// envelope-style acknowledgement, else logs it at debug level (see
// [AckPlain]), and returns false.
// [OnInvalid] does not apply to client handlers.
func decodeClient[In any](c *handlerConfig, e *ClientEvent) (In, bool) {
	in, err := decodeInput[In](c, e)
	if err == nil {
		return in, true
	}
	if e.WantsAck() && c.style != AckPlain {
		_ = e.Ack(errorEnvelope{Error: err})
	} else {
		e.socket.m.log.Debug("invalid payload dropped", "nsp", e.socket.nsp, "event", e.Name, "err", err)
	}
	if w := e.socket.m.watch; w != nil {
		w.rejected(nil, e.socket.nsp, e.Name, err)
	}
	return in, false
}

// OnClient registers a typed handler for an event the server sends without
// acknowledgement: the first argument (the recovery offset never counts) is
// validated when [WithValidator] is given, then decoded into In. ctx is
// the event's [ClientEvent.Context].
func OnClient[In any](s *ClientSocket, event string, fn func(ctx context.Context, in In), opts ...HandlerOption) {
	c := newHandlerConfig(opts)
	s.useEnvelopes()
	call := clientChain(s, c, func(ctx context.Context, in In) (struct{}, error) {
		fn(ctx, in)
		return struct{}{}, nil
	})
	s.On(event, func(e *ClientEvent) {
		in, ok := decodeClient[In](c, e)
		if !ok {
			return
		}
		if call == nil {
			fn(e.ctx, in)
			return
		}
		if _, err := call(e.ctx, &Invocation{Namespace: s.nsp, Event: e.Name, Direction: Inbound, Client: s, Payload: in}); err != nil {
			logHandlerError(s.m.log, s.nsp, e.Name, "", err)
		}
	})
}

// OnClientAck registers a typed handler for an event the server sends with
// an acknowledgement: the result, or the error, is sent back in the style
// set by [WithAckStyle] (an error that is not an *[Error] goes as
// [CodeInternal] without its text). An event that asked for no
// acknowledgement is still handled.
func OnClientAck[In, Out any](s *ClientSocket, event string, fn func(ctx context.Context, in In) (Out, error), opts ...HandlerOption) {
	c := newHandlerConfig(opts)
	s.useEnvelopes()
	call := clientChain(s, c, fn)
	s.On(event, func(e *ClientEvent) {
		in, ok := decodeClient[In](c, e)
		if !ok {
			return
		}
		var out Out
		var err error
		if call == nil {
			out, err = runClientHandler(fn, e.ctx, in)
		} else {
			var r any
			r, err = call(e.ctx, &Invocation{Namespace: s.nsp, Event: e.Name, Direction: Inbound, Client: s, Payload: in, WantsAck: e.WantsAck()})
			out = typedOut[Out](r)
		}
		plainErr := err != nil && c.style == AckPlain && e.WantsAck()
		switch {
		case plainErr && !isPanic(err):
			logPlainError(s.m.log, "client handler failed", s.nsp, e.Name, err)
		case err != nil:
			logHandlerError(s.m.log, s.nsp, e.Name, "", err)
		}
		if !e.WantsAck() || plainErr {
			return
		}
		if err == nil {
			if answer, bad := checkAck(c, out, s.skipChecks()); bad != nil {
				s.m.log.Error("acknowledgement breaks the contract", "nsp", s.nsp, "event", e.Name, "violations", bad.Details)
				if c.style == AckPlain {
					return // a plain-style ack cannot carry the error
				}
				err = answer
			}
		} else if c.style != AckPlain && !s.skipChecks() {
			if answer, bad := checkDetails(err, c.details); bad != nil {
				s.m.log.Error("error details break the contract", "nsp", s.nsp, "event", e.Name, "err", err, "violations", bad.Details)
				err = answer
			}
		}
		var one [1]any
		args, _ := replyArgs(c, out, err, &one)
		if err := e.Ack(args...); err != nil && !e.acked.Load() && c.style != AckPlain {
			s.m.log.Error("handler result not sent: it cannot be encoded", "nsp", s.nsp, "event", e.Name, "err", err)
			_ = e.Ack(errorEnvelope{Error: &Error{Code: CodeInternal, Message: "internal error"}})
		}
	})
}

// clientChain returns the interceptor chain of a client's typed handler
// ending in fn, nil when there are no interceptors.
func clientChain[In, Out any](s *ClientSocket, c *handlerConfig, fn func(context.Context, In) (Out, error)) InvokeFunc {
	ics := handlerInterceptors(s.m.opts.Interceptors, c)
	if len(ics) == 0 {
		return nil
	}
	return intercept(ics, func(ctx context.Context, call *Invocation) (any, error) {
		in, err := typedIn[In](call)
		if err != nil {
			return nil, err
		}
		return runClientHandler(fn, ctx, in)
	})
}

// runClientHandler calls a client's typed handler, turning a panic into an
// internal error.
func runClientHandler[In, Out any](fn func(context.Context, In) (Out, error), ctx context.Context, in In) (out Out, err error) {
	defer recoverInto(&err)
	return fn(ctx, in)
}
