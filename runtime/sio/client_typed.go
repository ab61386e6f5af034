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
	return in, false
}

// OnClient registers a typed handler for an event the server sends without
// acknowledgement: the first argument (the recovery offset never counts) is
// validated when [WithValidator] is given, then decoded into In. ctx is
// the event's [ClientEvent.Context].
func OnClient[In any](s *ClientSocket, event string, fn func(ctx context.Context, in In), opts ...HandlerOption) {
	c := newHandlerConfig(opts)
	s.useEnvelopes()
	s.On(event, func(e *ClientEvent) {
		if in, ok := decodeClient[In](c, e); ok {
			fn(e.ctx, in)
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
	s.On(event, func(e *ClientEvent) {
		in, ok := decodeClient[In](c, e)
		if !ok {
			return
		}
		out, err := fn(e.ctx, in)
		if !e.WantsAck() {
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
			if answer, bad := checkDetails(err); bad != nil {
				s.m.log.Error("error details break the contract", "nsp", s.nsp, "event", e.Name, "err", err, "violations", bad.Details)
				err = answer
			}
		}
		if err != nil && c.style == AckPlain {
			logPlainError(s.m.log, "client handler failed", s.nsp, e.Name, err)
			return
		}
		var one [1]any
		args, internal := replyArgs(c, out, err, &one)
		if internal != nil {
			s.m.log.Error("client handler failed", "nsp", s.nsp, "event", e.Name, "err", internal)
		}
		_ = e.Ack(args...)
	})
}
