package engineio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// startWebsocket runs the reader goroutine of a session whose transport is
// ws, and makes ws its writer's (see setWriterLocked).
func (s *Server) startWebsocket(c *Conn, ws *websocket.Conn, wire *wsWire) {
	ws.SetReadLimit(s.opts.MaxPayload)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.setWriterLocked(ws, wire, s.opts.WriteTimeout)
	c.goFunc(func() { c.serverWSReader(ws, wire) })
}

// setWriterLocked makes ws the transport of a server session's writes and
// writes what is queued. The server starts no goroutine per session for
// writing: a message is written straight from the goroutine that sends it
// when nothing else is waiting (writeDirect), and a writer goroutine
// (wsDrain) is started when a backlog builds up and ends when it is
// written, so that an idle session costs one goroutine, its reader. At most
// one writer runs at a time (c.writing); the one that finds the session
// closed sends the close frame and closes ws, as the client's long-lived
// wsWriter does. c.mu must be held, and the session open; setWriterLocked
// unlocks it.
func (c *Conn) setWriterLocked(ws *websocket.Conn, wire *wsWire, timeout time.Duration) {
	c.lazyWS, c.wire, c.wsTimeout = ws, wire, timeout
	c.direct = wire != nil && wire.raw != nil
	if c.sq.empty() {
		c.mu.Unlock()
		return
	}
	c.pushLocked(&SendPolicy{}, c.takeQueue())
}

// writeDirect writes ms on the sending goroutine, as far as the socket
// takes them without blocking; see afterWrite for the rest.
func (c *Conn) writeDirect(ms []*Message) {
	rest, tail, err := c.wire.tryWrite(ms, nil)
	c.afterWrite(rest, tail, err)
}

// afterWrite ends a non-blocking write made under the writer's claim
// (c.writing and its count in c.wg). What the socket did not take, and
// whatever was queued meanwhile, goes to the shared flusher when the socket
// kept up, and else to a wsDrain, which waits for the socket; either
// inherits the claim. So does a close that came meanwhile (wsDrain).
func (c *Conn) afterWrite(rest []*Message, tail bool, err error) {
	if err != nil {
		c.closeWith(closeError(ReasonTransportError, err), false)
	}
	c.mu.Lock()
	if len(rest) > 0 {
		c.sq.prepend(rest)
	}
	queued := !c.sq.empty()
	switch {
	case tail || c.err != nil || (queued && (len(rest) > 0 || c.flush == nil)):
		c.mu.Unlock()
		go c.wsDrain()
	case queued:
		c.mu.Unlock()
		c.flush.add(c)
	default:
		c.writing = false
		c.mu.Unlock()
		c.wg.Done()
	}
}

// SendShared queues ms like [Conn.SendMessages], for messages sent to many
// sessions at once (a broadcast): on a server websocket, a writer shared by
// many of the server's sessions (there is one per GOMAXPROCS) writes them,
// a session at a time, each session's queued messages in one write. While
// it keeps up, that is as soon as the sender is done; under load, messages
// pile up per session and go out together, in fewer writes than one per
// message. Other sessions send as SendMessages does.
func (c *Conn) SendShared(ms ...*Message) error {
	_, err := c.send(&SendPolicy{}, true, ms)
	return err
}

// pushSharedLocked queues ms for the shared writer, when the session has
// one, and else as pushLocked does. c.mu must be held, and the session
// open; pushSharedLocked unlocks it.
func (c *Conn) pushSharedLocked(p *SendPolicy, ms []*Message) {
	if c.flush == nil || !c.direct {
		c.pushLocked(p, ms)
		return
	}
	c.enqueueLocked(p, ms)
	if c.writing {
		c.mu.Unlock() // the writer, or the flusher, takes them
		return
	}
	c.claimLocked()
	c.mu.Unlock()
	c.flush.add(c)
}

// flusher is a writer that server websocket sessions share for
// SendShared: a goroutine that runs while sessions wait for it, and writes
// each waiting session's whole queue with one non-blocking write.
//
// Concurrency: safe for concurrent use. A session waiting for the flusher
// holds the writer's claim (c.writing), so nothing else writes to it.
type flusher struct {
	mu      sync.Mutex
	pending []*Conn
	running bool
	spare   []*Conn
}

func (f *flusher) add(c *Conn) {
	f.mu.Lock()
	f.pending = append(f.pending, c)
	start := !f.running
	f.running = true
	f.mu.Unlock()
	if start {
		go f.run()
	}
}

func (f *flusher) run() {
	var scratch []byte
	for {
		f.mu.Lock()
		batch := f.pending
		if len(batch) == 0 {
			f.running = false
			f.mu.Unlock()
			return
		}
		f.pending, f.spare = f.spare, nil
		f.mu.Unlock()
		for i, c := range batch {
			c.flushQueue(&scratch)
			batch[i] = nil
		}
		if cap(scratch) > 256<<10 {
			scratch = nil
		}
		f.mu.Lock()
		if f.spare == nil {
			f.spare = batch[:0]
		}
		f.mu.Unlock()
	}
}

// flushQueue writes c's queue for the flusher, which holds the writer's
// claim.
func (c *Conn) flushQueue(scratch *[]byte) {
	c.mu.Lock()
	ms := c.takeQueue()
	c.mu.Unlock()
	rest, tail, err := c.wire.tryWrite(ms, scratch)
	c.afterWrite(rest, tail, err)
}

// writerIdle is how long wsDrain waits for more to write before it ends.
const writerIdle = 200 * time.Millisecond

// quickStartsToLinger is how many writers in a row must start within
// writerIdle of the previous one's end before wsDrain lingers.
const quickStartsToLinger = 3

// claimWriterLocked reports whether the caller must start wsDrain: the
// session writes to a websocket on demand, no writer is running, and there
// is something to write or a close to carry out. It marks the writer as
// running and counts it in c.wg. c.mu must be held; the caller starts
// wsDrain after unlocking.
func (c *Conn) claimWriterLocked() bool {
	if c.lazyWS == nil || (c.sq.empty() && c.err == nil) {
		return false
	}
	if c.writing {
		notify(c.drainWake) // it may be lingering
		return false
	}
	// A writer started soon after the last one ended means a steady stream
	// of sends: after a few of those, wsDrain lingers (see wsDrain).
	if !c.drainEnded.IsZero() && time.Since(c.drainEnded) < writerIdle {
		c.quickStarts = min(c.quickStarts+1, 255)
	} else {
		c.quickStarts = 0
	}
	c.claimLocked()
	return true
}

// claimLocked makes the caller the session's only writer (wsDrain,
// writeDirect, the flusher), counted in c.wg until it ends or hands the
// claim on. c.mu must be held, and no writer running.
func (c *Conn) claimLocked() {
	c.writing = true
	c.wg.Add(1) // under c.mu: before closeWith's wg.Wait (see closeWith)
}

// wsDrain writes what is queued to the session's websocket, one packet per
// frame, and ends when the queue is empty. Once the session is closed it
// writes what is left, sends a close frame (unless the peer closed) and
// closes the websocket; c.writing then stays set, so no other writer
// starts.
func (c *Conn) wsDrain() {
	defer c.wg.Done()
	ws, wire, timeout := c.lazyWS, c.wire, c.wsTimeout
	var spare []*Message // the last batch, emptied: senders append to it
	var scratch []byte   // frames gathered for one write
	var linger *time.Timer
	defer func() {
		if linger != nil {
			linger.Stop()
		}
	}()
	if wire != nil {
		// A non-blocking write may have left the end of a frame, and
		// nothing else queued: it must go out now, not with the next send.
		if err := wire.flushTail(timeout); err != nil {
			c.closeWith(closeError(ReasonTransportError, err), false)
			_ = ws.Close()
			return
		}
	}
	for {
		c.mu.Lock()
		queued := !c.sq.empty()
		closed := c.err != nil
		if !queued && !closed && (c.direct || c.quickStarts < quickStartsToLinger) {
			// Sessions that write directly do not linger: the next send
			// writes itself once this writer has ended.
			c.writing = false // c.queue keeps its capacity for the next sends
			c.drainEnded = time.Now()
			c.mu.Unlock()
			return
		}
		if !queued && !closed {
			// Linger a little, so a steady stream of sends (broadcasts)
			// wakes this goroutine instead of starting one per message.
			// Sessions that write now and then (the handshake, then
			// nothing) do not linger: idle sessions hold no writer.
			if c.drainWake == nil {
				c.drainWake = make(chan struct{}, 1)
			}
			wake := c.drainWake
			c.mu.Unlock()
			if linger == nil {
				linger = time.NewTimer(writerIdle)
			} else {
				linger.Reset(writerIdle)
			}
			select {
			case <-wake:
				continue
			case <-c.closing:
				continue
			case <-linger.C:
			}
			c.mu.Lock()
			if !c.sq.empty() || c.err != nil {
				c.mu.Unlock()
				continue
			}
			c.writing = false // c.queue keeps its capacity for the next sends
			c.drainEnded, c.quickStarts = time.Now(), 0
			c.mu.Unlock()
			return
		}
		batch := c.sq.take(spare)
		c.mu.Unlock()
		if err := c.writeBatch(ws, wire, batch, timeout, &scratch); err != nil {
			c.closeWith(closeError(ReasonTransportError, err), false)
			_ = ws.Close()
			return
		}
		clear(batch) // do not keep written messages alive
		if spare = batch[:0]; cap(spare) > 64 {
			spare = nil
		}
		if closed {
			if !c.byPeerClosed() {
				_ = ws.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(timeout))
				if wire != nil {
					lingerClose(wire.Conn)
				}
			}
			_ = ws.Close()
			return
		}
	}
}

// lingerTimeout bounds how long a websocket the server closes is read
// after its close frame, see lingerClose.
const lingerTimeout = time.Second

// lingerClose ends the server's side of a websocket it closes, the close
// frame written: it shuts down writing (the peer gets a FIN after all that
// was sent), then reads and discards what the peer still sends until it
// closes too, for at most lingerTimeout. Closing the socket at once with
// unread data in its receive buffer would send a reset instead, and a peer
// that was still sending (events after its namespace was disconnected,
// say) could lose what it had not yet read: the last packets and the close
// frame. The session's reader, if it still runs, reads alongside and ends
// the same way.
func lingerClose(conn net.Conn) {
	tc, ok := conn.(interface{ CloseWrite() error })
	if !ok || tc.CloseWrite() != nil {
		return
	}
	// Closing the connection ends every read on it, whatever deadline a
	// reader set.
	stop := time.AfterFunc(lingerTimeout, func() { _ = conn.Close() })
	defer stop.Stop()
	var buf [512]byte
	for {
		if _, err := conn.Read(buf[:]); err != nil {
			return
		}
	}
}

// writeBatch writes ms to the session's websocket: through wire, in as few
// writes as it can, or message by message through gorilla (compression).
func (c *Conn) writeBatch(ws *websocket.Conn, wire *wsWire, ms []*Message, timeout time.Duration, scratch *[]byte) error {
	if wire != nil {
		return wire.writeFrames(ms, timeout, scratch)
	}
	for _, m := range ms {
		if err := writeWS(ws, m, timeout); err != nil {
			return err
		}
	}
	return nil
}

// wsReader reads packets from ws until it fails or the connection closes,
// and hands each to handle. It owns ws's reads.
func (c *Conn) wsReader(ws *websocket.Conn, handle func(packet, bool) error) {
	for c.readWSOne(ws, handle) {
	}
}

// readWSOne reads one message through gorilla, under the liveness
// deadline, and hands it to handle; false when the reader must end.
func (c *Conn) readWSOne(ws *websocket.Conn, handle func(packet, bool) error) bool {
	_ = ws.SetReadDeadline(time.Now().Add(c.pingInterval + c.pingTimeout + 5*time.Second))
	p, err := readWSPacket(ws)
	if err != nil {
		c.closeWith(wsCloseError(err), isPeerClose(err))
		return false
	}
	return handle(p, true) == nil
}

// serverWSReader is a server session's websocket reader. Once it has
// waited c.parkAfter for data, it parks the session (see parker) and ends;
// the parker starts it again when data arrives.
//
// It waits for data itself, with the buffered reader that gorilla reads
// from, and takes a data frame that arrived whole straight from the
// buffer (takeWholeFrame); everything else (control frames, fragments,
// frames still arriving, errors) it leaves to gorilla. So a message
// costs no call into gorilla, and no clock reading or deadline change:
// the park deadline is set once and looked at when it passes, and a
// session that read something since then is given another period.
func (c *Conn) serverWSReader(ws *websocket.Conn, wire *wsWire) {
	if c.parkAfter <= 0 || wire == nil || wire.raw == nil || wire.br == nil || !canPark {
		c.wsReader(ws, c.serverPacket)
		return
	}
	c.readWS, c.readWire = ws, wire
	br := wire.br
	var (
		armed      bool   // the read deadline is the park deadline
		read, seen uint64 // messages read; read when it was set
		handled    bool   // a message was handed on since the last wait
	)
	for {
		if br.Buffered() == 0 {
			if handled {
				// Let the goroutines the message woke (the dispatcher
				// with its handler, the writer) run before looking at the
				// socket again: under load the peer's next message is
				// often there by then, which spares a read that finds
				// nothing and a trip through the network poller.
				handled = false
				runtime.Gosched()
			}
			if !armed {
				armed, seen = true, read
				_ = wire.Conn.SetReadDeadline(time.Now().Add(c.parkAfter))
			}
			// Wait for the next frame here rather than in gorilla, which
			// gives up on a connection after a timeout; bufio does not.
			_, err := br.Peek(1)
			if isTimeout(err) && br.Buffered() == 0 {
				armed = false
				if read != seen {
					continue // not idle for a whole period yet
				}
				if sessionParker.park(c, wire) {
					return
				}
			}
			// Data, or an error that gorilla's read meets again.
		}
		read++
		typ, data, ok := takeWholeFrame(br, c.maxPayload)
		handled = true
		if !ok {
			armed = false
			if !c.readWSOne(ws, c.serverPacket) {
				return
			}
			continue
		}
		p, err := framePacket(typ, data)
		if err != nil {
			c.closeWith(wsCloseError(err), false)
			return
		}
		if c.serverPacket(p, true) != nil {
			return
		}
	}
}

// takeWholeFrame takes a data frame from br when the whole of it is
// buffered and gorilla would read it as one message without further
// checks: a final, masked, uncompressed text or binary frame within limit
// (0: none). It returns the frame's opcode and its unmasked payload, in a
// new slice. ok is false, and br untouched, for anything else.
func takeWholeFrame(br *bufio.Reader, limit int64) (op byte, data []byte, ok bool) {
	b, _ := br.Peek(br.Buffered())
	if len(b) < 6 || b[0]&0xf0 != 0x80 || b[1]&0x80 == 0 {
		return 0, nil, false
	}
	if op = b[0] & 0x0f; op != wsOpText && op != wsOpBinary {
		return 0, nil, false
	}
	n, h := int(b[1]&0x7f), 2
	switch n {
	case 126:
		if len(b) < 4 {
			return 0, nil, false
		}
		n, h = int(binary.BigEndian.Uint16(b[2:4])), 4
	case 127:
		return 0, nil, false // larger than any buffer
	}
	if limit > 0 && int64(n) > limit || len(b) < h+4+n {
		return 0, nil, false
	}
	key := binary.LittleEndian.Uint32(b[h:])
	data = make([]byte, n)
	copy(data, b[h+4:])
	maskBytes(key, data)
	_, _ = br.Discard(h + 4 + n)
	return op, data, true
}

// maskBytes applies a websocket masking key, read little-endian, to b,
// which starts at a multiple of 4 bytes into the payload.
func maskBytes(key uint32, b []byte) {
	k := uint64(key) | uint64(key)<<32
	i := 0
	for ; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^k)
	}
	for ; i < len(b); i++ {
		b[i] ^= byte(key >> (8 * (i & 3)))
	}
}

// resumeReader starts the reader of a parked session again, unless the
// session is closing.
func (c *Conn) resumeReader() {
	c.goFunc(func() { c.serverWSReader(c.readWS, c.readWire) })
}

func isTimeout(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// readWSPacket reads one message as a packet.
func readWSPacket(ws *websocket.Conn) (packet, error) {
	typ, data, err := ws.ReadMessage()
	if err != nil {
		return packet{}, err
	}
	return framePacket(byte(typ), data)
}

// framePacket is the packet in a websocket message of type op.
func framePacket(op byte, data []byte) (packet, error) {
	if op == wsOpBinary {
		return packet{kind: packetMessage, binary: true, data: data}, nil
	}
	return decodeText(data)
}

// wsCloseError classifies a websocket read error.
func wsCloseError(err error) *Error {
	switch {
	case errors.Is(err, errBadPacket):
		return closeError(ReasonParseError, err)
	case errors.Is(err, websocket.ErrReadLimit):
		return closeError(ReasonParseError, fmt.Errorf("message larger than maxPayload: %w", err))
	case isPeerClose(err):
		return closeError(ReasonTransportClose, nil)
	}
	return closeError(ReasonTransportError, err)
}

func isPeerClose(err error) bool {
	var ce *websocket.CloseError
	return errors.As(err, &ce)
}

// wsWriter is the client's websocket writer: it writes queued packets to
// ws, one per frame, until the connection closes; then it flushes what is
// left, sends a close frame and closes ws. It owns ws's writes. (Server
// sessions use wsDrain.)
func (c *Conn) wsWriter(ws *websocket.Conn, timeout time.Duration) {
	defer ws.Close()
	for {
		c.mu.Lock()
		batch := c.takeQueue()
		closed := c.err != nil
		c.mu.Unlock()
		for _, m := range batch {
			if err := writeWS(ws, m, timeout); err != nil {
				c.closeWith(closeError(ReasonTransportError, err), false)
				return
			}
		}
		if closed {
			if !c.byPeerClosed() {
				_ = ws.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(timeout))
			}
			return
		}
		if len(batch) > 0 {
			continue // more may have been queued meanwhile
		}
		select {
		case <-c.wake:
		case <-c.closing:
		}
	}
}

func (c *Conn) byPeerClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byPeer
}

func writeWS(ws *websocket.Conn, m *Message, timeout time.Duration) error {
	_ = ws.SetWriteDeadline(time.Now().Add(timeout))
	if m.binary {
		return ws.WriteMessage(websocket.BinaryMessage, m.wire)
	}
	return ws.WriteMessage(websocket.TextMessage, m.wire)
}

// serveUpgrade handles a websocket request for an existing session: the
// upgrade of a polling session, or a refused second websocket.
func (s *Server) serveUpgrade(w http.ResponseWriter, r *http.Request, c *Conn) {
	ws, wire, err := s.upgrade(w, r)
	if err != nil {
		return
	}
	c.mu.Lock()
	busy := c.upgraded || c.upgrading || c.probe != nil || c.err != nil || s.opts.DisableUpgrades
	if !busy {
		c.probe = ws
	}
	c.mu.Unlock()
	if busy {
		_ = ws.Close()
		return
	}
	ws.SetReadLimit(s.opts.MaxPayload)
	timer := time.AfterFunc(s.opts.UpgradeTimeout, func() {
		c.mu.Lock()
		stale := c.probe == ws && !c.upgraded
		c.mu.Unlock()
		if stale {
			_ = ws.Close() // the probe reader sees the error and gives up
		}
	})
	if !c.goFunc(func() {
		defer timer.Stop()
		s.probe(c, ws, wire)
	}) {
		_ = ws.Close()
	}
}

// releaseGETsAfter is how long after the probe a held polling GET is
// answered with a noop, so that the client, which completes the upgrade
// only once its GET has ended, can go on. Until then a GET waits, and one
// still held when "5" arrives gets 400: a client that sends "5" and a GET
// at once (as the protocol suite does) gets 400 whichever arrives first.
// The reference server's check runs every 100ms too.
const releaseGETsAfter = 100 * time.Millisecond

// probe runs the server side of an upgrade on ws: "2probe" is answered with
// "3probe", then, after releaseGETsAfter, held polling GETs are released
// with noops until "5" arrives; then ws becomes the session's transport and
// this goroutine its reader.
func (s *Server) probe(c *Conn, ws *websocket.Conn, wire *wsWire) {
	stopUpgrading := func() {
		c.upgrading, c.releaseGETs = false, false
		if c.probeTimer != nil {
			c.probeTimer.Stop()
			c.probeTimer = nil
		}
	}
	abandon := func(why string) {
		c.debug("upgrade abandoned", "why", why)
		c.mu.Lock()
		if c.probe == ws {
			c.probe = nil
			stopUpgrading()
		}
		c.mu.Unlock()
		_ = ws.Close()
	}
	p, err := readWSPacket(ws)
	if err != nil || p.kind != packetPing || string(p.data) != "probe" {
		abandon("no probe")
		return
	}
	if err := writeWS(ws, probePongPacket, s.opts.WriteTimeout); err != nil {
		abandon("failed to answer the probe")
		return
	}
	c.mu.Lock()
	c.upgrading = true
	c.probeTimer = time.AfterFunc(s.releaseGETsAfter, func() {
		c.mu.Lock()
		release := c.probe == ws && c.upgrading
		c.releaseGETs = release
		c.mu.Unlock()
		if release {
			c.signal() // a held GET answers with a noop
		}
	})
	c.mu.Unlock()

	p, err = readWSPacket(ws)
	if err != nil || p.kind != packetUpgrade {
		abandon("no upgrade packet")
		return
	}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		abandon("session closed")
		return
	}
	c.probe = nil
	stopUpgrading()
	c.upgraded = true
	c.transport = TransportWebsocket
	c.ws = ws
	c.setWriterLocked(ws, wire, s.opts.WriteTimeout)
	c.debug("upgraded")
	c.signal()
	c.serverWSReader(ws, wire)
}
