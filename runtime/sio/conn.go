package sio

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// conn is the server side of one Engine.IO connection: it decodes packets
// and routes them to the namespace sockets multiplexed on it. It is the
// connection's [engineio.Receiver]: packets arrive on the goroutine reading
// the transport, which resolves acknowledgements itself and hands
// everything else to a serial dispatcher, so that a handler waiting for an
// acknowledgement never blocks the packet that resolves it, and an idle
// connection holds no goroutine of its own.
type conn struct {
	srv *Server
	eio *engineio.Conn

	mu      sync.Mutex
	sockets []*Socket // one per namespace joined; usually one or two
	// joining holds the namespaces whose CONNECT is being handled
	// (middlewares running), with their socket once it exists; nil when
	// there are none.
	joining map[string]*Socket
	joined  bool // a namespace was joined: no connect timeout
	// lost is set once the connection is lost: the contexts of its sockets
	// (joined or joining) are canceled then, so that middlewares and
	// handlers waiting on them cannot hold the connection's goroutines.
	lost  bool
	timer *time.Timer // the connect timeout, until a namespace is joined

	work serial

	// drops counts the packets the back-pressure of the connection's
	// sends dropped, for the debug log (see countDrop).
	drops atomic.Uint64
	// violation is set when a protocol violation closed the connection:
	// found by the receiving goroutine, or by the dispatcher in an event's
	// deferred arguments.
	violation atomic.Bool

	// Owned by the receiving goroutine (OnMessage, then OnClose).
	dec    parser.Decoder
	inSize int       // bytes of the packet being received, when watched
	adm    admission // the event admitted by its limits last; see limits.go
	skip   int       // attachments of a refused event still to drop
}

// engineHandler connects the Engine.IO server to s.
type engineHandler struct{ s *Server }

// OpenEngineIO starts serving a new Engine.IO connection.
func (h engineHandler) OpenEngineIO(ec *engineio.Conn) engineio.Receiver {
	s := h.s
	c := &conn{srv: s, eio: ec}
	c.work.init(s.opts.MaxPendingEvents, s.log)
	c.work.packets = c
	c.dec.Limits = parser.Limits{MaxAttachments: s.opts.MaxAttachments}
	// The arguments of an event are checked when it is dispatched: by the
	// generated decoder of a typed handler as it reads them, in one pass,
	// else by the parser's scan (see Socket.dispatch).
	c.dec.DeferArguments = true
	c.timer = time.AfterFunc(s.opts.ConnectTimeout, func() {
		c.mu.Lock()
		// Like the reference server, the timeout closes connections that
		// have not joined a namespace yet, even with middlewares running;
		// leaving every namespace later keeps the connection.
		idle := !c.joined
		c.mu.Unlock()
		if idle {
			s.log.Debug("connect timeout", "eio", ec.ID())
			_ = ec.Close()
		}
	})
	return c
}

// ServeEngineIO serves ec through its receiver, for completeness: the
// Engine.IO server calls OpenEngineIO instead.
func (h engineHandler) ServeEngineIO(ec *engineio.Conn) {
	r := h.OpenEngineIO(ec)
	for {
		typ, data, err := ec.Receive(context.Background())
		if err != nil {
			r.OnClose(err)
			return
		}
		r.OnMessage(typ, data)
	}
}

// OnMessage decodes one Engine.IO message and routes the packet once it is
// complete (with its attachments); a malformed packet or a protocol
// violation closes the connection.
func (c *conn) OnMessage(typ engineio.MessageType, data []byte) {
	if c.violation.Load() {
		return
	}
	// Limits (limits.go): the attachments of an admitted binary event are
	// weighed, those of a refused one dropped; a text message is admitted
	// unless attachments are awaited, which the decoder, or here the
	// attachments of a refused event, make a protocol violation.
	if typ == engineio.MessageBinary {
		if (c.skip > 0 || c.adm.left > 0) && !c.attachment(data) {
			return
		}
	} else if c.skip > 0 {
		c.srv.log.Debug("bad packet", "eio", c.eio.ID(), "err", "text message while awaiting the attachments of a refused event")
		c.violate()
		return
	} else if c.srv.limited.Load() && c.adm.left == 0 && !c.admit(data) {
		return
	}
	var p *parser.Packet
	var complete bool
	var err error
	c.inSize += len(data)
	if typ == engineio.MessageBinary {
		p, complete, err = c.dec.DecodeBinary(data)
	} else {
		p, complete, err = c.dec.DecodeText(data)
	}
	if err != nil {
		c.srv.log.Debug("bad packet", "eio", c.eio.ID(), "err", err)
		c.violate()
		return
	}
	if complete {
		if w := c.srv.watch.Load(); w != nil {
			// Observers are promised JSON: no deferred arguments.
			if !c.checkDeferred(p) {
				return
			}
			w.received(c.eio, p, c.inSize)
		}
		c.inSize = 0
	}
	if complete && !c.route(p) && c.eio.Err() == nil {
		// Not when the connection closed while the packet waited for room
		// in the dispatcher's queue: that is no violation.
		c.violate()
	}
}

// violate closes the connection for a protocol violation.
func (c *conn) violate() {
	c.violation.Store(true)
	_ = c.eio.Close()
}

// checkDeferred checks the deferred arguments of p, if any (see
// parser.Decoder.DeferArguments); when they are malformed it closes the
// connection, as the decoder would have, and returns false.
func (c *conn) checkDeferred(p *parser.Packet) bool {
	if err := p.CheckDeferred(); err != nil {
		c.srv.log.Debug("bad packet", "eio", c.eio.ID(), "err", err)
		c.violate()
		return false
	}
	return true
}

// OnClose disconnects every socket once the connection is closed.
func (c *conn) OnClose(err error) {
	reason := fromEngine(engineio.ReasonOf(err))
	if c.violation.Load() {
		reason = ReasonParseError
	}
	if reason == ReasonSendQueueFull {
		// The operator's business: a client too slow for what it is sent
		// (or a bound too tight). Once per connection; the logger limits
		// the rate of warnings.
		c.srv.log.Warn("slow client disconnected", "eio", c.eio.ID(), "reason", string(reason), "dropped", c.drops.Load())
	}
	c.mu.Lock()
	c.lost = true
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	lost := slices.Clone(c.sockets)
	for _, s := range c.joining {
		if s != nil {
			lost = append(lost, s)
		}
	}
	c.mu.Unlock()
	for _, s := range lost {
		s.cancel()
	}
	c.closeAll(reason)
	c.work.wait()
}

// socketLocked returns the socket joined for namespace nsp, or nil. c.mu
// must be held.
func (c *conn) socketLocked(nsp string) *Socket {
	for _, s := range c.sockets {
		if s.nsp.name == nsp {
			return s
		}
	}
	return nil
}

// track records the socket being connected for a namespace, so that its
// context is canceled if the connection is lost meanwhile. It reports false,
// having canceled it, when the connection is already lost.
func (c *conn) track(nsp string, s *Socket) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lost {
		s.cancel()
		return false
	}
	c.joining[nsp] = s
	return true
}

// route handles one packet on the receiving goroutine; false closes the
// connection for a protocol violation.
func (c *conn) route(p *parser.Packet) bool {
	c.mu.Lock()
	sock := c.socketLocked(p.Namespace)
	_, joining := c.joining[p.Namespace]
	c.mu.Unlock()
	switch p.Type {
	case parser.Connect:
		if sock != nil || joining {
			return false // a second CONNECT for a joined namespace
		}
		c.mu.Lock()
		if c.joining == nil {
			c.joining = make(map[string]*Socket, 1)
		}
		c.joining[p.Namespace] = nil
		c.mu.Unlock()
		return c.work.pushWait(c.eio.Closing(), func() { c.connect(p) })
	case parser.Ack, parser.BinaryAck:
		if sock == nil {
			return joining // ignore acks racing a connect, else a violation
		}
		sock.resolveAck(p)
		return true
	case parser.Event, parser.BinaryEvent, parser.Disconnect:
		if sock == nil {
			// Events may follow a CONNECT whose middlewares still run; they
			// queue behind it and find the socket, or are dropped.
			if !joining {
				return false
			}
		}
		return c.work.pushPacketWait(c.eio.Closing(), p, c.takeSlot())
	}
	return false // CONNECT_ERROR from a client, or a type it must not send
}

// runPacket runs an event or a DISCONNECT on the dispatcher.
func (c *conn) runPacket(p *parser.Packet, slot *eventLimit) {
	c.mu.Lock()
	s := c.socketLocked(p.Namespace)
	c.mu.Unlock()
	if s == nil {
		c.checkDeferred(p) // dropped, but not if malformed
		return
	}
	if p.Type == parser.Disconnect {
		s.onClose(ReasonClientNamespaceDisconnect, false)
		return
	}
	s.dispatch(p, slot)
}

// connect joins a namespace: middlewares, then the CONNECT reply, then the
// connection handlers. It runs on the dispatcher.
func (c *conn) connect(p *parser.Packet) {
	defer func() {
		c.mu.Lock()
		delete(c.joining, p.Namespace)
		if len(c.joining) == 0 {
			c.joining = nil // most connections join once: keep no map
		}
		c.mu.Unlock()
	}()
	auth := Raw{json: withoutRecovery(p.Data)}
	ns := c.srv.lookup(p.Namespace, auth)
	if ns == nil {
		// As the reference server words it, without data.
		c.connectError(p.Namespace, ErrInvalidNamespace)
		return
	}
	sock, restored := ns.restore(c, p)
	if sock == nil {
		sock = newSocket(ns, c, newID(), auth)
	}
	if !c.track(p.Namespace, sock) {
		ns.lost(sock)
		return
	}
	if !restored || (c.srv.opts.Recovery != nil && c.srv.opts.Recovery.RunMiddlewares) {
		if err := ns.runMiddlewares(sock); err != nil {
			// Forget what the refused socket may have set up: rooms joined
			// by a middleware, its context.
			ns.leave(sock)
			sock.cancel()
			c.connectError(p.Namespace, err)
			return
		}
	}
	c.mu.Lock()
	if c.eio.Err() != nil {
		c.mu.Unlock()
		ns.lost(sock)
		sock.cancel()
		return
	}
	c.sockets = append(c.sockets, sock)
	c.joined = true
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	c.mu.Unlock()
	ns.join(sock, restored)
}

// connectError refuses a namespace with CONNECT_ERROR {message, data}: an
// *Error goes whole as data ({code,name,message,details}, as in an ack
// envelope), so that code and name reach the client; any other error only
// as its text. An *Error whose details break the contract (see
// checkDetails) is logged and goes as [CodeInternal], unless the server
// skips outgoing checks.
func (c *conn) connectError(nsp string, err error) {
	logRefused(c.srv.log, c.eio, nsp, err)
	if w := c.srv.watch.Load(); w != nil {
		w.refused(c.eio, nsp, err)
	}
	body := struct {
		Message string `json:"message"`
		Data    *Error `json:"data,omitempty"`
	}{Message: err.Error()}
	var e *Error
	if errors.As(err, &e) {
		if answer, bad := checkDetails(e, nil); bad != nil && !c.srv.opts.SkipOutgoingChecks {
			c.srv.log.Error("connect error details break the contract", "nsp", nsp, "err", err, "violations", bad.Details)
			e = answer
		}
		body.Message, body.Data = e.Message, e
	}
	data, merr := json.Marshal(body)
	if merr != nil {
		c.srv.log.Error("connect error details cannot be encoded", "nsp", nsp, "err", merr)
		body.Data = &Error{Code: e.Code, Name: e.Name, Message: e.Message}
		data, _ = json.Marshal(body)
	}
	c.send(&parser.Packet{Type: parser.ConnectError, Namespace: nsp, Data: data}, nil)
}

// send encodes p and queues it on the connection, following pol (nil: the
// default queue): the text packet and its attachments go in one step, so
// nothing can come between them.
func (c *conn) send(p *parser.Packet, pol *engineio.SendPolicy) error {
	if pol == nil {
		pol = &defaultPolicy
	}
	if len(p.Attachments) == 0 {
		one := [1]*engineio.Message{encodeText(p)}
		return c.sendEncoded(one[:], pol, false)
	}
	return c.sendEncoded(encodePacket(p), pol, false)
}

// defaultPolicy is the policy of packets without one: queued, up to the
// server's limit. Never modified.
var defaultPolicy engineio.SendPolicy

// sendEncoded queues encoded messages following pol (see [Backpressure]),
// shared ones (a packet sent to many connections) through the Engine.IO
// server's shared writer, see [engineio.Conn.SendShared].
func (c *conn) sendEncoded(msgs []*engineio.Message, pol *engineio.SendPolicy, shared bool) error {
	if c.srv.onSend != nil {
		c.srv.onSend(slices.Clone(msgs)) // so that msgs need not escape
	}
	var r engineio.SendResult
	var err error
	if shared {
		r, err = c.eio.SendSharedWith(*pol, msgs...)
	} else {
		r, err = c.eio.SendWith(*pol, msgs...)
	}
	if r.Dropped {
		c.countDrop(DropVolatile)
	} else if r.Replaced != nil {
		c.countDrop(DropSuperseded)
	}
	if w := c.srv.watch.Load(); w != nil {
		w.queued(c.eio, msgs, &r, err)
	}
	return err
}

// countDrop counts a packet that back-pressure dropped, and logs the count
// at debug level at the first drop, the second, the fourth, and so on, so
// that a stream of drops does not flood the log; observers see each one
// ([Observer.Dropped]).
func (c *conn) countDrop(reason DropReason) {
	n := c.drops.Add(1)
	if n&(n-1) == 0 {
		c.srv.log.Debug("packets dropped by back-pressure", "eio", c.eio.ID(), "reason", string(reason), "dropped", n)
	}
}

// encodePacket returns p's Engine.IO messages: the text packet, then one
// binary message per attachment. They can be sent to any number of
// connections.
func encodePacket(p *parser.Packet) []*engineio.Message {
	msgs := make([]*engineio.Message, 1+len(p.Attachments))
	msgs[0] = encodeText(p)
	for i, a := range p.Attachments {
		msgs[i+1] = engineio.NewMessage(engineio.MessageBinary, a)
	}
	return msgs
}

// encodeText returns p's text message.
func encodeText(p *parser.Packet) *engineio.Message {
	return engineio.NewTextMessageFunc(parser.EncodedLen(p), func(b []byte) []byte {
		return parser.AppendEncode(b, p)
	})
}

// remove forgets the socket of a namespace.
func (c *conn) remove(s *Socket) {
	c.mu.Lock()
	if i := slices.Index(c.sockets, s); i >= 0 {
		c.sockets = slices.Delete(c.sockets, i, i+1)
	}
	c.mu.Unlock()
}

// closeAll disconnects every socket of a closed connection.
func (c *conn) closeAll(reason DisconnectReason) {
	c.mu.Lock()
	socks := slices.Clone(c.sockets)
	c.mu.Unlock()
	for _, s := range socks {
		// Acknowledgements can no longer arrive: fail them now, as a
		// handler waiting for one would otherwise keep the disconnect
		// handlers queued behind it from ever running.
		s.failAcks()
		// Disconnect handlers run on the dispatcher, after pending events.
		c.work.push(func() { s.onClose(reason, false) })
	}
}
