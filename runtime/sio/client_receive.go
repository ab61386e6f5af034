package sio

import (
	"context"
	encjson "encoding/json"
	"slices"
	"strconv"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// What a ClientSocket receives from its connection (on the manager's
// connection goroutine): CONNECT replies and refusals, DISCONNECT, events,
// acknowledgements, and the loss of the connection.

// refuse ends a connecting socket with a connect error.
func (s *ClientSocket) refuse(conn *engineio.Conn, e *Error) {
	s.mu.Lock()
	if s.state != csConnecting || s.conn != conn {
		s.mu.Unlock()
		return
	}
	acks, items := s.deactivateLocked(e)
	fns := slices.Clone(s.onConnectError)
	s.mu.Unlock()
	s.m.log.Debug("connect error", "nsp", s.nsp, "err", e)
	failAcks(acks, items, e)
	s.m.work.push(func() {
		for _, fn := range fns {
			s.m.safely(func() { fn(e) })
		}
	})
	s.m.maybeDrop()
}

// transportFailed tells a connecting socket that the connection could not
// be opened; it stays active.
func (s *ClientSocket) transportFailed(e *Error) {
	s.mu.Lock()
	if s.state != csConnecting {
		s.mu.Unlock()
		return
	}
	s.lastErr = e
	fns := slices.Clone(s.onConnectError)
	s.mu.Unlock()
	s.m.work.push(func() {
		for _, fn := range fns {
			s.m.safely(func() { fn(e) })
		}
	})
}

// connLost handles the loss of conn: a connected socket reports the reason
// and waits for the reconnection; acknowledgements of packets sent on conn
// fail, emits still buffered stay.
func (s *ClientSocket) connLost(conn *engineio.Conn, reason DisconnectReason) {
	s.mu.Lock()
	if s.conn != conn {
		s.mu.Unlock()
		return
	}
	wasConnected := s.state == csConnected
	s.conn = nil
	if wasConnected {
		s.setStateLocked(csConnecting)
	}
	s.recvBuf = nil
	s.cancel()
	var lost []*clientAck
	for id, a := range s.acks {
		if a.sent && a.retry == nil {
			lost = append(lost, a)
			delete(s.acks, id)
		}
	}
	dead := s.retryLostLocked()
	var fns []func(DisconnectReason)
	if wasConnected {
		fns = slices.Clone(s.onDisconnect)
	}
	s.mu.Unlock()
	err := &Error{Code: CodeDisconnected, Message: "socket has been disconnected: " + string(reason)}
	for _, a := range lost {
		a.fn(Args{}, err)
	}
	if dead != nil {
		dead.finish(Args{}, err)
	}
	if len(fns) > 0 {
		s.m.work.push(func() {
			for _, fn := range fns {
				s.m.safely(func() { fn(reason) })
			}
		})
	}
}

// onConnectReply handles CONNECT from the server: the socket is connected;
// the events that came before are handled, buffered emits are sent.
func (s *ClientSocket) onConnectReply(conn *engineio.Conn, p *parser.Packet) {
	var reply struct {
		SID string `json:"sid"`
		PID string `json:"pid"`
	}
	if err := encjson.Unmarshal(p.Data, &reply); err != nil || reply.SID == "" {
		e := &Error{Code: CodeInvalidArgument, Message: errNoSID.Error(), Err: err}
		if err == nil {
			e.Err = errNoSID
		}
		s.refuse(conn, e)
		return
	}
	s.mu.Lock()
	if s.state != csConnecting || s.conn != conn {
		s.mu.Unlock()
		return
	}
	s.id = reply.SID
	s.recovered = reply.PID != "" && reply.PID == s.pid
	s.pid = reply.PID
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.lastErr = nil
	s.setStateLocked(csConnected)
	events := make([]*ClientEvent, 0, len(s.recvBuf))
	for _, q := range s.recvBuf {
		if ev := s.eventLocked(conn, q); ev != nil {
			events = append(events, ev)
		}
	}
	s.recvBuf = nil
	buf := s.sendBuf
	s.sendBuf = nil
	for i, out := range buf {
		if s.m.send(conn, out.msgs...) != nil {
			s.sendBuf = buf[i:] // the connection is closing: keep the rest
			break
		}
		if a := s.acks[out.id]; out.hasID && a != nil {
			a.sent = true
		}
	}
	s.drainLocked()
	fns := slices.Clone(s.onConnect)
	recovered := s.recovered
	s.mu.Unlock()
	s.m.log.Debug("socket connected", "nsp", s.nsp, "sid", reply.SID, "recovered", recovered, "replayed", len(events))
	s.m.work.push(func() {
		for _, ev := range events {
			s.deliver(ev)
		}
		for _, fn := range fns {
			s.m.safely(fn)
		}
	})
}

// onConnectErrorPacket handles CONNECT_ERROR: the namespace is refused.
func (s *ClientSocket) onConnectErrorPacket(conn *engineio.Conn, p *parser.Packet) {
	s.refuse(conn, connectErrorOf(p.Data))
}

// connectErrorOf decodes a CONNECT_ERROR payload, {"message":...,"data":...}
// or a string, into an *Error. When data is an error object as our server
// sends it ({"code","name","message","details"}: a string code, no other
// members), the *Error has its code, name and details. Otherwise Details is
// the decoded data and Code is data.code when data is an object with a
// string "code" member, "invalid_namespace" for the server's "Invalid
// namespace", else [CodeUnauthenticated].
func connectErrorOf(data []byte) *Error {
	e := &Error{Code: CodeUnauthenticated}
	var body struct {
		Message any                `json:"message"`
		Data    encjson.RawMessage `json:"data"`
	}
	var str string
	switch {
	case encjson.Unmarshal(data, &str) == nil:
		e.Message = str
	case encjson.Unmarshal(data, &body) == nil:
		e.Message, _ = body.Message.(string)
		if len(body.Data) == 0 || string(body.Data) == "null" {
			break
		}
		if wire, ok := wireErrorOf(body.Data); ok {
			wire.Message = e.Message
			return wire
		}
		_ = encjson.Unmarshal(body.Data, &e.Details)
		e.rawDetails = string(body.Data)
		if m, ok := e.Details.(map[string]any); ok {
			if c, ok := m["code"].(string); ok && c != "" {
				e.Code = c
			}
		}
	default:
		e.Message = "connection refused"
	}
	if e.Message == "Invalid namespace" && e.Code == CodeUnauthenticated {
		e.Code = "invalid_namespace"
	}
	return e
}

// wireErrorOf decodes data as the wire form of an *Error: an object with a
// non-empty string "code" and no members but code, name, message and
// details.
func wireErrorOf(data []byte) (*Error, bool) {
	var members map[string]encjson.RawMessage
	if encjson.Unmarshal(data, &members) != nil || members == nil {
		return nil, false
	}
	for k := range members {
		switch k {
		case "code", "name", "message", "details":
		default:
			return nil, false
		}
	}
	e := new(Error)
	if e.UnmarshalJSON(data) != nil || e.Code == "" {
		return nil, false
	}
	return e, true
}

// onServerDisconnect handles DISCONNECT from the server: the socket stops
// and is not reconnected.
func (s *ClientSocket) onServerDisconnect(conn *engineio.Conn) {
	s.mu.Lock()
	ok := s.conn == conn && s.state == csConnected
	s.mu.Unlock()
	if !ok {
		return
	}
	s.end(ReasonIOServerDisconnect, false, &Error{Code: CodeDisconnected, Message: "socket disconnected by the server"})
	s.m.maybeDrop()
}

// eventLocked turns an EVENT packet into a ClientEvent, taking the
// recovery offset off its arguments.
func (s *ClientSocket) eventLocked(conn *engineio.Conn, p *parser.Packet) *ClientEvent {
	name, args, err := packetEvent(p, "")
	if err != nil {
		return nil
	}
	if s.pid != "" && !p.HasID && len(args.raw) > 0 {
		last := args.raw[len(args.raw)-1]
		if len(last) > 0 && last[0] == '"' {
			if off, err := parser.UnquoteString(last); err == nil {
				s.offset = off
				args.raw = args.raw[:len(args.raw)-1]
			}
		}
	}
	return &ClientEvent{Args: args, Name: name, socket: s, conn: conn, ctx: s.ctx, id: p.ID, hasAck: p.HasID}
}

// onEvent handles an EVENT: queued for the handlers when connected,
// buffered until the CONNECT reply when connecting.
func (s *ClientSocket) onEvent(conn *engineio.Conn, p *parser.Packet) {
	s.mu.Lock()
	if s.conn != conn {
		s.mu.Unlock()
		return
	}
	switch s.state {
	case csConnected:
		ev := s.eventLocked(conn, p)
		s.mu.Unlock()
		if ev != nil {
			s.m.work.pushWait(s.m.ctx.Done(), func() { s.deliver(ev) })
		}
	case csConnecting:
		if len(s.recvBuf) < maxReceiveBuffer {
			s.recvBuf = append(s.recvBuf, p)
		}
		s.mu.Unlock()
	default:
		s.mu.Unlock()
	}
}

// deliver runs the handlers of an event, on the dispatcher.
func (s *ClientSocket) deliver(ev *ClientEvent) {
	s.mu.Lock()
	if s.state == csClosed {
		s.mu.Unlock()
		return
	}
	anyIn := slices.Clone(s.anyIn)
	own := slices.Clone(s.handlers[ev.Name])
	envelope := s.envelope
	s.mu.Unlock()
	for _, fn := range anyIn {
		s.m.safely(func() { fn(ev) })
	}
	for _, fn := range own {
		s.m.safely(func() { fn(ev) })
	}
	if len(anyIn) == 0 && len(own) == 0 {
		s.m.log.Debug("unhandled event", "nsp", s.nsp, "event", ev.Name, "ack", ev.WantsAck())
		if ev.WantsAck() && envelope {
			_ = ev.Ack(errorEnvelope{Error: &Error{Code: CodeUnimplemented, Message: "no handler for event " + strconv.Quote(ev.Name)}})
		}
	}
}

// onAck resolves an acknowledgement, on the reader; unknown ids are
// ignored.
func (s *ClientSocket) onAck(p *parser.Packet) {
	s.mu.Lock()
	a := s.acks[p.ID]
	delete(s.acks, p.ID)
	s.mu.Unlock()
	if a == nil {
		return
	}
	args, err := packetArgs(p, 0)
	a.fn(args, err)
}
