package engineio

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

// wsWire is the network connection under a server websocket, as
// gorilla/websocket sees it. The server writes its frames itself (see
// Message.wsFrame): whole batches in one write from wsDrain, and, when no
// writer is running, straight from the sending goroutine with a write that
// does not block (tryWrite), so that an ack or a broadcast reaches the
// socket without waking a goroutine. gorilla still reads, and writes its own
// control frames (a pong, a close after a protocol error); every write goes
// through mu, so that frames never interleave.
//
// Concurrency: safe for concurrent use; writes are serialized by mu.
type wsWire struct {
	net.Conn
	mu sync.Mutex
	// tail is the unwritten end of a frame a non-blocking write began; it
	// is written before anything else.
	tail []byte
	// raw writes without blocking; nil when the connection has no file
	// descriptor to do so (TLS), and then every write goes through wsDrain.
	raw syscall.RawConn
	// br is the buffered reader gorilla reads from, so that the session's
	// reader can tell when nothing is left to read (see serverWSReader).
	br *bufio.Reader
	// now is the state of writeNow's call, guarded by mu.
	now *nowWrite
}

// wsReadBuffer is the size of a server websocket's read buffer.
//
// The reader's fast path (serverWSReader, takeWholeFrame) takes frames
// from the bufio.Reader that the hijacker hands gorilla/websocket
// (wsWire.br), which works only if gorilla reads from that same reader.
// gorilla does so when Upgrader.ReadBufferSize is 0 and the hijacked
// reader's buffer is larger than 256 bytes, a rule of its own, not part of
// its API (server.go, Upgrader.Upgrade, in v1.5.3); with a smaller buffer
// it would read through a reader of its own, and frames would be read
// twice or lost. So this must stay above 256, and
// TestGorillaReadsFromHijackedReader fails if a gorilla release changes
// the rule.
const wsReadBuffer = 320

func newWSWire(c net.Conn) *wsWire {
	w := &wsWire{Conn: c}
	if nonBlockingWrites {
		if sc, ok := c.(syscall.Conn); ok {
			if raw, err := sc.SyscallConn(); err == nil {
				w.raw = raw
				w.now = &nowWrite{}
				w.now.fn = w.now.write
			}
		}
	}
	return w
}

// Write writes p after any unwritten tail; gorilla's writes come here.
func (w *wsWire) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.flushTailLocked(); err != nil {
		return 0, err
	}
	return w.Conn.Write(p)
}

// flushTail writes the tail, if any, blocking up to timeout.
func (w *wsWire) flushTail(timeout time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.tail) == 0 {
		return nil
	}
	_ = w.Conn.SetWriteDeadline(time.Now().Add(timeout))
	return w.flushTailLocked()
}

func (w *wsWire) flushTailLocked() error {
	if len(w.tail) == 0 {
		return nil
	}
	_, err := w.Conn.Write(w.tail)
	w.tail = nil
	return err
}

// tryWrite writes the frames of ms without blocking, as far as the socket
// takes them: with scratch, gathered into one write (a few, for large
// frames), else one write per frame. It returns the messages it did not
// begin, and whether it left a tail: the end of a write it began but could
// not finish. It writes nothing (and returns ms) when the connection cannot
// write without blocking, another write is under way or a tail is pending.
// The caller hands what is left to wsDrain.
func (w *wsWire) tryWrite(ms []*Message, scratch *[]byte) (rest []*Message, tail bool, err error) {
	if w.raw == nil || !w.mu.TryLock() {
		return ms, false, nil
	}
	defer w.mu.Unlock()
	if len(w.tail) > 0 {
		return ms, true, nil
	}
	for len(ms) > 0 {
		b, k := ms[0].wsFrame(), 1
		if scratch != nil && len(ms) > 1 {
			b, k = gatherFrames((*scratch)[:0], ms)
			*scratch = b[:0]
		}
		n, err := w.writeNow(b)
		switch {
		case err != nil:
			return ms, false, err
		case n == 0:
			return ms, false, nil
		case n < len(b):
			w.tail = append([]byte(nil), b[n:]...)
			return ms[k:], true, nil
		}
		ms = ms[k:]
	}
	return nil, false, nil
}

// gatherFrames appends the frames of the first messages of ms to buf, up to
// gatherMax bytes (at least one frame), and returns buf and how many it took.
func gatherFrames(buf []byte, ms []*Message) ([]byte, int) {
	k := 0
	for _, m := range ms {
		f := m.wsFrame()
		if k > 0 && len(buf)+len(f) > gatherMax {
			break
		}
		buf = append(buf, f...)
		k++
	}
	return buf, k
}

// gatherMax bounds the frames gathered into one write.
const gatherMax = 64 << 10

// errWouldBlock reports a write the socket could not take at once.
var errWouldBlock = errors.New("write would block")

// writeNow makes one non-blocking write of b and returns how much was
// written: less than len(b), possibly 0, when the socket buffer is full.
// w.mu must be held.
func (w *wsWire) writeNow(b []byte) (int, error) {
	w.now.b = b
	defer func() { w.now.b = nil }()
	err := w.raw.Write(w.now.fn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		// A deadline of an earlier blocking write has passed; clear it
		// (mu is held: no write is under way) and try again.
		_ = w.Conn.SetWriteDeadline(time.Time{})
		err = w.raw.Write(w.now.fn)
	}
	if err != nil {
		return 0, err
	}
	if errors.Is(w.now.err, errWouldBlock) {
		return max(w.now.n, 0), nil
	}
	return max(w.now.n, 0), w.now.err
}

// nowWrite is writeNow's call to the file descriptor, made once per wire so
// that a write allocates nothing.
type nowWrite struct {
	b   []byte
	n   int
	err error
	fn  func(fd uintptr) bool
}

func (nw *nowWrite) write(fd uintptr) bool {
	nw.n, nw.err = writeFD(fd, nw.b)
	return true // never wait for the socket: wsDrain does
}

// writeFrames writes the frames of ms, blocking up to timeout, after any
// tail; small frames are gathered in scratch and written together.
func (w *wsWire) writeFrames(ms []*Message, timeout time.Duration, scratch *[]byte) error {
	const gather = 32 << 10 // frames larger than this are written on their own
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.Conn.SetWriteDeadline(time.Now().Add(timeout))
	if err := w.flushTailLocked(); err != nil {
		return err
	}
	buf := (*scratch)[:0]
	defer func() {
		if cap(buf) <= 2*gather {
			*scratch = buf[:0]
		}
	}()
	for _, m := range ms {
		f := m.wsFrame()
		if len(buf) > 0 && len(buf)+len(f) > 2*gather {
			if _, err := w.Conn.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		if len(f) > gather {
			// After the frames gathered before it, which must not wait.
			if len(buf) > 0 {
				if _, err := w.Conn.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
			if _, err := w.Conn.Write(f); err != nil {
				return err
			}
			continue
		}
		buf = append(buf, f...)
	}
	if len(buf) > 0 {
		if _, err := w.Conn.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// hijacker hands gorilla/websocket a wsWire instead of the hijacked
// connection.
type hijacker struct {
	http.ResponseWriter
	wire *wsWire
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.wire = newWSWire(c)
	if brw.Reader.Buffered() == 0 { // else gorilla refuses the upgrade
		// gorilla reads from this reader (Upgrader.ReadBufferSize is 0).
		h.wire.br = bufio.NewReaderSize(h.wire, wsReadBuffer)
		brw = bufio.NewReadWriter(h.wire.br, brw.Writer)
	}
	return h.wire, brw, nil
}

// upgrade answers a websocket request. The wire is nil when the server
// lets gorilla write frames (compression).
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request) (*websocket.Conn, *wsWire, error) {
	if s.opts.PerMessageDeflate {
		ws, err := s.upgrader.Upgrade(w, r, nil)
		return ws, nil, err
	}
	h := &hijacker{ResponseWriter: w}
	ws, err := s.upgrader.Upgrade(h, r, nil)
	if err != nil {
		return nil, nil, err
	}
	return ws, h.wire, nil
}
