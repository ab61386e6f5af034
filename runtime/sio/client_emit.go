package sio

import (
	"context"
	"slices"
	"sync/atomic"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// Emits of a ClientSocket (plain, acknowledged, volatile) and the events
// it receives.

// Emit sends an event. Arguments are any JSON-encodable values; []byte
// anywhere in them travels as binary. Emit does not wait for the network;
// see [ClientSocket] for what happens while the socket is not connected,
// and ClientOptions.Retries for the retry queue. It fails for reserved
// event names and unencodable arguments.
func (s *ClientSocket) Emit(event string, args ...any) error {
	if ics := s.m.opts.Interceptors; len(ics) > 0 {
		_, err := interceptOut(s.m.ctx, ics, &Invocation{Namespace: s.nsp, Event: event, Direction: Outbound, Client: s, Payload: slices.Clone(args)}, func(_ context.Context, event string, args []any) (any, error) {
			return nil, s.emit(event, args)
		})
		return err
	}
	return s.emit(event, args)
}

func (s *ClientSocket) emit(event string, args []any) error {
	if parser.IsReserved(event) {
		return NewError(CodeInvalidArgument, "%q is a reserved event name", event)
	}
	if s.m.opts.Retries > 0 {
		_, err := s.enqueue(nil, event, args, false)
		return err
	}
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return err
	}
	return s.send(&Packet{Type: eventType(att), Namespace: s.nsp, Data: data, Attachments: att}, nil)
}

// EmitWithAck sends an event and waits for the server's acknowledgement,
// returning its arguments. It returns an *[Error] with [CodeTimeout] when
// ctx ends, or ClientOptions.AckTimeout passes when ctx has no deadline, and
// with [CodeDisconnected] when the connection the event went out on is lost
// first. An event buffered while disconnected waits for the reconnection
// (and is dropped from the buffer on timeout).
func (s *ClientSocket) EmitWithAck(ctx context.Context, event string, args ...any) (Args, error) {
	if ics := s.m.opts.Interceptors; len(ics) > 0 {
		r, err := interceptOut(ctx, ics, &Invocation{Namespace: s.nsp, Event: event, Direction: Outbound, Client: s, Payload: slices.Clone(args), WantsAck: true}, func(ctx context.Context, event string, args []any) (any, error) {
			return withAckedError(s.emitWithAck(ctx, event, args))
		})
		return ackResultOf(r, err)
	}
	return s.emitWithAck(ctx, event, args)
}

func (s *ClientSocket) emitWithAck(ctx context.Context, event string, args []any) (Args, error) {
	if parser.IsReserved(event) {
		return Args{}, NewError(CodeInvalidArgument, "%q is a reserved event name", event)
	}
	if s.m.opts.Retries > 0 {
		return s.enqueue(ctx, event, args, true)
	}
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return Args{}, err
	}
	done := make(chan clientAckResult, 1)
	s.mu.Lock()
	id := s.nextID
	s.nextID++
	s.mu.Unlock()
	p := &Packet{Type: eventType(att), Namespace: s.nsp, ID: id, HasID: true, Data: data, Attachments: att}
	if err := s.send(p, &clientAck{fn: func(a Args, err error) { done <- clientAckResult{a, err} }}); err != nil {
		return Args{}, err
	}
	var timeout <-chan time.Time
	if _, ok := ctx.Deadline(); !ok && s.m.opts.AckTimeout > 0 {
		t := time.NewTimer(s.m.opts.AckTimeout)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case r := <-done:
		return r.args, r.err
	case <-ctx.Done():
		s.cancelAck(id)
		return Args{}, &Error{Code: CodeTimeout, Message: "operation has timed out", Err: ctx.Err()}
	case <-timeout:
		s.cancelAck(id)
		return Args{}, &Error{Code: CodeTimeout, Message: "operation has timed out"}
	}
}

// send queues p on the connection, or buffers it while not connected;
// ack, when set, is registered under p.ID.
func (s *ClientSocket) send(p *Packet, ack *clientAck) error {
	msgs := encodePacket(p)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.state {
	case csConnected:
		if ack != nil {
			s.acks[p.ID] = ack
		}
		if s.m.send(s.conn, msgs...) == nil {
			if ack != nil {
				ack.sent = true
			}
			return nil
		}
		// The connection is closing: buffer for the reconnection.
		if ack != nil {
			delete(s.acks, p.ID)
		}
	case csClosed:
		return s.closedErrLocked()
	}
	if max := s.m.opts.MaxBufferedEmits; max < 0 {
		return &Error{Code: CodeDisconnected, Message: "socket is not connected"}
	} else if len(s.sendBuf) >= max {
		return &Error{Code: CodeBufferFull, Message: "too many emits waiting for a connection"}
	}
	if ack != nil {
		s.acks[p.ID] = ack
	}
	s.sendBuf = append(s.sendBuf, &outPacket{msgs: msgs, id: p.ID, hasID: p.HasID})
	return nil
}

func (s *ClientSocket) closedErrLocked() *Error {
	e := &Error{Code: CodeDisconnected, Message: "socket is disconnected"}
	if s.lastErr != nil {
		e.Message += ": " + s.lastErr.Message
		e.Err = s.lastErr
	}
	return e
}

// cancelAck forgets an acknowledgement that timed out, and its packet if it
// is still buffered.
func (s *ClientSocket) cancelAck(id int64) {
	s.mu.Lock()
	delete(s.acks, id)
	s.sendBuf = slices.DeleteFunc(s.sendBuf, func(o *outPacket) bool { return o.hasID && o.id == id })
	s.mu.Unlock()
}

// Volatile returns an emitter whose events are dropped, silently, unless
// the socket is connected and nothing is waiting to be written: for
// updates that are worthless when late.
func (s *ClientSocket) Volatile() VolatileEmitter { return VolatileEmitter{s} }

// VolatileEmitter sends volatile events; see [ClientSocket.Volatile].
type VolatileEmitter struct{ s *ClientSocket }

// Emit sends the event if it can go out at once, else drops it. It fails
// only for reserved names and unencodable arguments. Volatile events
// bypass the retry queue.
func (v VolatileEmitter) Emit(event string, args ...any) error {
	if parser.IsReserved(event) {
		return NewError(CodeInvalidArgument, "%q is a reserved event name", event)
	}
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return err
	}
	msgs := encodePacket(&Packet{Type: eventType(att), Namespace: v.s.nsp, Data: data, Attachments: att})
	s := v.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == csConnected && s.conn.SendVolatile(msgs...) && s.m.watch != nil {
		s.m.watch.sent(s.conn, msgs)
	}
	return nil
}

// ClientEvent is an event received by a [ClientSocket]. Its Args exclude
// the recovery offset.
type ClientEvent struct {
	Args
	// Name is the event's name.
	Name   string
	socket *ClientSocket
	conn   *engineio.Conn
	ctx    context.Context
	id     int64
	hasAck bool
	acked  atomic.Bool
}

// Socket returns the socket that received the event.
func (e *ClientEvent) Socket() *ClientSocket { return e.socket }

// Context returns a context canceled when the connection the event came on
// is lost or the socket disconnects.
func (e *ClientEvent) Context() context.Context { return e.ctx }

// WantsAck reports whether the server asked for an acknowledgement.
func (e *ClientEvent) WantsAck() bool { return e.hasAck }

// Ack sends the acknowledgement with the given arguments, on the connection
// the event came on. It may be called from any goroutine, at most once;
// later calls, calls for events that asked for none, and calls after that
// connection is lost return an error.
func (e *ClientEvent) Ack(args ...any) error {
	p, err := ackPacket(e.Name, e.hasAck, &e.acked, e.socket.nsp, e.id, args, nil)
	if err != nil {
		return err
	}
	if err := e.socket.m.send(e.conn, encodePacket(&p)...); err != nil {
		return &Error{Code: CodeDisconnected, Message: "failed to acknowledge: connection lost", Err: err}
	}
	return nil
}
