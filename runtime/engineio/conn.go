package engineio

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Transport names, as in the "transport" query parameter.
const (
	TransportPolling   = "polling"
	TransportWebsocket = "websocket"
)

// Conn is one Engine.IO connection: a session on a [Server], or a connection
// made by [Dial]. It carries text and binary messages in both directions and
// hides the transports, heartbeats and upgrades underneath.
//
// Concurrency: Send, SendMessage, Close and the accessors are safe for
// concurrent use; Receive is meant for one goroutine (the connection's
// reader) but is safe to call from several. Outgoing messages go through a
// bounded queue drained by exactly one writer at a time (the websocket
// writer goroutine, or the pending polling request), so Send never blocks
// on the network; on a server websocket with nothing queued, Send writes
// the message itself with a write that does not block, and queues what the
// socket does not take. Incoming messages wait in a small bounded queue
// until Receive takes them; when it is full the transport stops reading
// (backpressure), so a connection whose messages are not received
// eventually times out. A server session whose handler is a
// [ReceiverHandler] hands them to its [Receiver] instead, as they arrive.
//
// Every goroutine a Conn starts ends once it is closed and its transport has
// shut down; [Conn.Done] is closed when that happens.
type Conn struct {
	id           string
	client       bool
	baseLog      *slog.Logger  // see debug
	req          *http.Request // server role: the handshake request
	pingInterval time.Duration
	pingTimeout  time.Duration
	maxPayload   int64
	maxQueued    int

	// Received messages wait in inq until Receive takes them; nil for a
	// session with a Receiver.
	inq *recvQueue

	// recv, when set, takes the messages instead of in (see
	// ReceiverHandler); recvMu serializes its calls.
	recv       Receiver
	recvMu     sync.Mutex
	recvClosed bool // OnClose was called: no more OnMessage

	mu          sync.Mutex
	sq          sendQueue // what waits for the writer
	transport   string
	ws          *websocket.Conn // the websocket in use once upgraded, or from the start
	probe       *websocket.Conn // server: the websocket being probed for an upgrade
	upgrading   bool            // server: probe answered, the upgrade under way
	releaseGETs bool            // server: upgrading for a while: polling GETs get a noop
	probeTimer  *time.Timer     // server: sets releaseGETs
	upgraded    bool            // the transport is websocket, for good
	nextPing    time.Time       // server: when the next (or outstanding) ping is due
	pinged      bool            // server: the ping is sent, its pong awaited
	pingSent    time.Time       // server: when the outstanding ping went out; zero until then
	hb          *time.Timer     // heartbeat timer
	getPending  bool
	postPending bool
	err         *Error          // why it closed, set once
	byPeer      bool            // the peer closed it (a close packet or a closed transport)
	linger      bool            // server polling: closed, waiting for a GET to collect the close (or noop) packet
	lazyWS      *websocket.Conn // server: the websocket wsDrain writes to, started on demand
	wire        *wsWire         // server: lazyWS's connection, when the server writes its frames
	direct      bool            // server: wire can write without blocking (see writeDirect)
	wsTimeout   time.Duration   // server: write timeout for lazyWS
	writing     bool            // server: a writer (wsDrain, writeDirect) is running, or has closed lazyWS
	drainWake   chan struct{}   // server: capacity 1: wakes a lingering wsDrain; made when one lingers
	drainEnded  time.Time       // server: when the last wsDrain ended
	quickStarts uint8           // server: wsDrains started in a row soon after the previous one
	flush       *flusher        // server: the writer shared for SendShared
	readWS      *websocket.Conn // server: the websocket a parked reader resumes
	readWire    *wsWire         // server: readWS's connection
	parkAfter   time.Duration   // server: idle time before the reader parks; 0: never
	parkKey     uint64          // server: key in sessionParker, 0 if not registered (guarded by sessionParker.mu)
	parked      bool            // server: no reader goroutine, the socket is watched (guarded by sessionParker.mu)

	wake       chan struct{} // capacity 1: the queue or the state changed
	closing    chan struct{} // closed when Close begins
	closeOnce  sync.Once
	closeSent  chan struct{}   // server polling: a GET delivered the close packet; nil for websocket sessions
	stopLinger <-chan struct{} // server: closed at shutdown
	sentOnce   sync.Once
	done       chan struct{} // closed when every goroutine has ended
	wg         sync.WaitGroup
	onDone     func()       // server: forget the session; client: cancel requests
	cl         *clientState // client role only
}

// newConn returns a connection whose Receive queue holds recv messages
// (at least one); recv < 0 means no queue, for a server session with a
// Receiver.
func newConn(id string, client bool, log *slog.Logger, queued, recv int) *Conn {
	c := &Conn{
		id:        id,
		client:    client,
		baseLog:   log,
		maxQueued: queued,
		closing:   make(chan struct{}),
		done:      make(chan struct{}),
	}
	if client {
		c.wake = make(chan struct{}, 1)
	}
	if recv >= 0 {
		c.inq = &recvQueue{max: max(recv, 1), wake: make(chan struct{}, 1), space: make(chan struct{}, 1)}
	}
	return c
}

// debug logs at debug level with the session id; logs are off by default,
// and then it costs nothing.
func (c *Conn) debug(msg string, args ...any) {
	if c.baseLog.Enabled(context.Background(), slog.LevelDebug) {
		c.baseLog.With("sid", c.id).Debug(msg, args...)
	}
}

// ID returns the Engine.IO session id.
func (c *Conn) ID() string { return c.id }

// Request returns the HTTP request that opened the session on a server (its
// headers, query, remote address and TLS state; the body is not readable), or
// nil for a connection made by [Dial].
func (c *Conn) Request() *http.Request { return c.req }

// Transport returns the transport in use: [TransportPolling] or
// [TransportWebsocket].
func (c *Conn) Transport() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transport
}

// MaxPayload returns the largest payload the peer accepts in one request or
// message, as announced in the handshake.
func (c *Conn) MaxPayload() int64 { return c.maxPayload }

// Queued returns how many messages wait to be written: queued, not yet
// taken by the writer (nor replaced, see [SendLatest]). A connection that
// keeps up has none most of the time.
func (c *Conn) Queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sq.waiting()
}

// Send queues a message of the given type. It does not wait for the network
// and does not copy a binary message's data: the caller must not modify data
// afterwards. It returns the close error when the connection is closed, and
// closes the connection with [ReasonSendQueueFull] when more than the allowed
// number of messages are waiting.
func (c *Conn) Send(typ MessageType, data []byte) error {
	return c.SendMessage(NewMessage(typ, data))
}

// SendMessage queues m, which may be shared with other connections. See
// [Conn.Send].
func (c *Conn) SendMessage(m *Message) error { return c.SendMessages(m) }

// SendMessages queues ms in one step: no other message can come between
// them, which keeps a Socket.IO packet and its binary attachments together.
// See [Conn.Send] for the queue limit.
func (c *Conn) SendMessages(ms ...*Message) error {
	_, err := c.send(&SendPolicy{}, false, ms)
	return err
}

// SendVolatile queues ms only when nothing else is waiting to be written,
// and otherwise drops them silently: for messages that are worthless when
// late. It reports whether they were queued. It is [Conn.SendWith] with
// [SendVolatile] and Max 0.
func (c *Conn) SendVolatile(ms ...*Message) bool {
	r, err := c.send(&SendPolicy{Mode: SendVolatile}, false, ms)
	return err == nil && !r.Dropped
}

// SendWith queues ms in one step, like [Conn.SendMessages], following p
// when the send queue is backed up: see [SendMode]. It returns the close
// error when the connection is closed or the policy closed it (then with
// [ReasonSendQueueFull]), and tells in its result what the policy
// dropped. A message replaced under [SendLatest] may be shared with other
// connections; only this connection's queue forgets it.
func (c *Conn) SendWith(p SendPolicy, ms ...*Message) (SendResult, error) {
	return c.send(&p, false, ms)
}

// SendSharedWith is [Conn.SendWith] for messages sent to many sessions at
// once; see [Conn.SendShared].
func (c *Conn) SendSharedWith(p SendPolicy, ms ...*Message) (SendResult, error) {
	return c.send(&p, true, ms)
}

// send queues ms following p, through the shared writer when shared; see
// SendWith and SendShared.
func (c *Conn) send(p *SendPolicy, shared bool, ms []*Message) (SendResult, error) {
	var r SendResult
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return r, err
	}
	if p.Mode == SendLatest && c.sq.keyed != nil {
		r.Replaced = c.sq.replace(p.Key)
	}
	n := c.sq.waiting()
	over := c.maxQueued > 0 && n+len(ms) > c.maxQueued
	switch p.Mode {
	case SendVolatile:
		if over || n > p.Max {
			c.mu.Unlock()
			r.Dropped = true
			return r, nil
		}
	default:
		if over || (p.Max > 0 && n+len(ms) > p.Max) {
			c.mu.Unlock()
			c.closeWith(closeError(ReasonSendQueueFull, nil), false)
			return r, c.Err()
		}
	}
	if shared {
		c.pushSharedLocked(p, ms)
	} else {
		c.pushLocked(p, ms)
	}
	return r, nil
}

// sendControl queues a control packet, which the queue limit does not count.
func (c *Conn) sendControl(m *Message) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.pushLocked(&SendPolicy{}, []*Message{m})
}

// pushLocked queues ms for the writer (keyed by p.Key under SendLatest)
// and wakes or starts it. A websocket session with nothing waiting and no
// writer running writes them at once instead, from the calling goroutine
// and without blocking (see writeDirect). c.mu must be held, and the
// session open; pushLocked unlocks c.mu.
func (c *Conn) pushLocked(p *SendPolicy, ms []*Message) {
	if c.direct && !c.writing && c.sq.empty() {
		c.claimLocked()
		c.mu.Unlock()
		c.writeDirect(ms)
		return
	}
	c.enqueueLocked(p, ms)
	c.wakeLocked()
}

// enqueueLocked appends ms to the queue, as the run of p.Key under
// SendLatest. c.mu must be held.
func (c *Conn) enqueueLocked(p *SendPolicy, ms []*Message) {
	if p.Mode == SendLatest {
		c.sq.pushKeyed(p.Key, ms)
	} else {
		c.sq.push(ms)
	}
}

// wakeLocked wakes or starts the writer of what is queued. c.mu must be
// held; wakeLocked unlocks it.
func (c *Conn) wakeLocked() {
	start := c.claimWriterLocked()
	c.mu.Unlock()
	c.signal()
	if start {
		go c.wsDrain()
	}
}

// signal wakes the current writer without blocking.
func (c *Conn) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// takeQueue removes and returns every queued message. c.mu must be held.
func (c *Conn) takeQueue() []*Message { return c.sq.take(nil) }

// Receive waits for the next message and returns its type and data, which
// the caller owns. Messages that arrived before the connection closed are
// still returned; after them Receive returns the close error, an *[Error].
// It returns ctx.Err() when ctx ends first. On a server session whose
// handler is a [ReceiverHandler], messages go to the receiver: Receive only
// waits for the close.
func (c *Conn) Receive(ctx context.Context) (MessageType, []byte, error) {
	for {
		if p, ok := c.takeIn(); ok {
			return p.messageType(), p.data, nil
		}
		var wake chan struct{} // nil with a Receiver: wait for the close
		if c.inq != nil {
			wake = c.inq.wake
		}
		select {
		case <-wake:
		case <-c.closing:
			if p, ok := c.takeIn(); ok {
				return p.messageType(), p.data, nil
			}
			return 0, nil, c.Err()
		case <-ctx.Done():
			return 0, nil, ctx.Err()
		}
	}
}

// takeIn removes the oldest received packet, if any.
func (c *Conn) takeIn() (packet, bool) {
	q := c.inq
	if q == nil {
		return packet{}, false
	}
	q.mu.Lock()
	if len(q.in) == 0 {
		q.mu.Unlock()
		return packet{}, false
	}
	p := q.in[0]
	q.in[0] = packet{}
	q.in = q.in[1:]
	if len(q.in) == 0 {
		q.in = q.buf[:0]
	}
	more := len(q.in) > 0
	q.mu.Unlock()
	notify(q.space)
	if more {
		notify(q.wake) // for another Receive
	}
	return p, true
}

// recvQueue holds received messages until Receive takes them: a slice, not
// a buffered channel, so that an idle connection does not hold a buffer of
// max packets; buf holds the first one.
type recvQueue struct {
	mu    sync.Mutex
	in    []packet
	buf   [1]packet
	max   int
	wake  chan struct{} // capacity 1: a packet was queued
	space chan struct{} // capacity 1: a packet was taken
}

// notify sends on a capacity-1 channel without blocking.
func notify(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (p packet) messageType() MessageType {
	if p.binary {
		return MessageBinary
	}
	return MessageText
}

// deliver hands an incoming message to the receiver, or to Receive, waiting
// while the receive queue is full. It returns false when the connection
// closed first.
func (c *Conn) deliver(p packet) bool {
	if c.recv != nil {
		c.recvMu.Lock()
		defer c.recvMu.Unlock()
		if c.recvClosed {
			return false
		}
		c.recv.OnMessage(p.messageType(), p.data)
		return true
	}
	q := c.inq
	for {
		q.mu.Lock()
		if q.in == nil {
			q.in = q.buf[:0]
		}
		if len(q.in) < q.max {
			q.in = append(q.in, p)
			room := len(q.in) < q.max
			q.mu.Unlock()
			notify(q.wake)
			if room {
				notify(q.space) // for another waiting deliver
			}
			return true
		}
		q.mu.Unlock()
		select {
		case <-q.space:
		case <-c.closing:
			return false
		}
	}
}

// Close closes the connection with [ReasonForcedClose]: queued messages are
// still written (within the write timeout), then the peer is told and the
// transport is shut down. Close is idempotent and does not wait; see
// [Conn.Done].
func (c *Conn) Close() error {
	c.closeWith(closeError(ReasonForcedClose, nil), false)
	return nil
}

// Done returns a channel that is closed once the connection is closed and
// every goroutine it started has ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Closing returns a channel that is closed as soon as the connection begins
// to close.
func (c *Conn) Closing() <-chan struct{} { return c.closing }

// Err returns why the connection closed, an *[Error], or nil while it is open.
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		return nil
	}
	return c.err
}

// closeWith begins closing with err; byPeer tells that the peer asked for it.
// Only the first call has an effect.
func (c *Conn) closeWith(err *Error, byPeer bool) {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.err = err
		c.byPeer = byPeer
		if c.hb != nil {
			c.hb.Stop()
		}
		// A polling session closed by the application is kept until a GET
		// collects the close packet, for a while; the reference server does
		// the same. So is one the client closed with a POST, until a GET
		// collects the noop that ends it: a GET the client sent alongside
		// the POST gets it whichever of the two the server handles first.
		// Dead and broken sessions are forgotten at once.
		linger := !c.client && !c.upgraded && c.transport == TransportPolling &&
			(err.Reason == ReasonForcedClose || err.Reason == ReasonSendQueueFull ||
				byPeer && err.Reason == ReasonTransportClose)
		c.linger = linger
		probe := c.probe
		// The websocket writer must run once more to close; counted in
		// c.wg here, before the wg.Wait below.
		startWriter := c.claimWriterLocked()
		c.mu.Unlock()
		if startWriter {
			go c.wsDrain()
		}
		if probe != nil {
			_ = probe.Close() // its reader gives up the upgrade
		}
		c.debug("closing", "reason", err.Reason, "err", err.Err)
		close(c.closing)
		c.signal()
		if c.recv != nil {
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				c.recvMu.Lock() // after the OnMessage under way, if any
				c.recvClosed = true
				c.recvMu.Unlock()
				c.recv.OnClose(err)
			}()
		}
		if linger {
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				t := time.NewTimer(c.pingTimeout)
				defer t.Stop()
				select {
				case <-c.closeSent:
				case <-t.C:
				case <-c.stopLinger:
				}
			}()
		}
		go func() {
			c.wg.Wait()
			if c.onDone != nil {
				c.onDone()
			}
			close(c.done)
		}()
	})
}

// goFunc runs fn in a goroutine that Done waits for. It reports false, and
// runs nothing, once the connection is closing.
func (c *Conn) goFunc(fn func()) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return false
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		fn()
	}()
	return true
}

// gone reports whether a server session is closed and has nothing left to
// tell its client, so that requests for it get "Session ID unknown".
func (c *Conn) gone() bool {
	c.mu.Lock()
	closed, linger := c.err != nil, c.linger
	c.mu.Unlock()
	if !closed {
		return false
	}
	if !linger {
		return true
	}
	select {
	case <-c.closeSent:
		return true
	default:
		return false
	}
}
