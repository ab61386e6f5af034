package engineio

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// servePolling answers a polling request of an existing session.
func (s *Server) servePolling(w http.ResponseWriter, r *http.Request, c *Conn) {
	switch r.Method {
	case http.MethodGet:
		s.servePollGET(w, r, c)
	case http.MethodPost:
		s.servePollPOST(w, r, c)
	default:
		s.fail(w, false, CodeBadRequest, "")
	}
}

// servePollGET holds the request until there is something to send, then
// answers with every queued packet.
//
// The outcome of racing requests does not depend on which goroutine runs
// first:
//   - A GET made while another is held closes the session at once: the held
//     one is answered with the close packet, this one with 400, and later
//     ones with 400 (unknown session), as the reference server does.
//   - A GET held when an upgrade completes is answered with 400, like any
//     GET after it: a client completes the upgrade only once its own GET
//     has ended (see Server.probe).
//   - A GET made after the client closed the session with a POST gets a
//     noop if no held GET got one; later ones get 400 (see closeWith).
func (s *Server) servePollGET(w http.ResponseWriter, r *http.Request, c *Conn) {
	c.mu.Lock()
	if c.getPending {
		c.mu.Unlock()
		c.closeWith(closeError(ReasonTransportError, errors.New("overlapping polling GET")), false)
		s.fail(w, false, CodeBadRequest, "")
		return
	}
	c.getPending = true
	c.mu.Unlock()

	ctx := r.Context()
	for {
		c.mu.Lock()
		var batch []*Message
		flushOnly := false
		switch {
		case c.upgraded:
			// The session moved to websocket while this GET waited.
			c.getPending = false
			c.mu.Unlock()
			s.fail(w, false, CodeBadRequest, "")
			return
		case c.err != nil:
			batch = c.takeQueue()
			switch {
			case c.byPeer:
				batch = append(batch, noopPacket)
			case len(batch) > 0 && c.linger:
				// What was queued before the close goes in a response of
				// its own and the close packet in the next one, as the
				// reference server does: socket.io-client handles decoded
				// packets a tick later, so packets sharing a response with
				// the close packet would be dropped.
				flushOnly = true
			default:
				batch = append(batch, closePacket)
			}
		case !c.sq.empty():
			batch = c.takeQueue()
			if c.pinged && c.pingSent.IsZero() {
				c.pingSent = time.Now() // the ping goes out now
			}
		case c.upgrading && c.releaseGETs:
			batch = []*Message{noopPacket}
		}
		closed := c.err != nil && !flushOnly
		if batch != nil {
			// No longer pending before the response is flushed: the client
			// may send its next GET, on another connection, as soon as it
			// has the response, and that one is not overlapping.
			c.getPending = false
			if closed && c.byPeer {
				// The client closed the session: this noop is its last
				// word, and a GET after it must be answered "unknown
				// session" even if it comes before this write returns.
				c.sentOnce.Do(func() { close(c.closeSent) })
			}
		}
		c.mu.Unlock()
		if batch != nil {
			ok := s.writePolling(w, r, c, batch)
			if closed {
				c.sentOnce.Do(func() { close(c.closeSent) })
			} else if !ok && !flushOnly {
				c.closeWith(closeError(ReasonTransportError, errors.New("failed to write a polling response")), false)
			}
			return
		}
		select {
		case <-c.wake:
		case <-c.closing:
		case <-ctx.Done():
			// The client went away; whatever is queued waits for the next GET.
			c.mu.Lock()
			c.getPending = false
			c.mu.Unlock()
			c.signal()
			return
		}
	}
}

// writePolling writes batch as the response to a polling GET, gzipped when
// large and accepted. It reports whether the write succeeded.
func (s *Server) writePolling(w http.ResponseWriter, r *http.Request, c *Conn, batch []*Message) bool {
	body := appendPayload(nil, batch)
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout))
	if t := s.opts.HTTPCompressionThreshold; t >= 0 && len(body) >= t && acceptsGzip(r) {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = buf.Bytes()
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	if err == nil {
		err = rc.Flush()
	}
	return err == nil
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}

// servePollPOST reads a payload from the client and hands its packets on.
func (s *Server) servePollPOST(w http.ResponseWriter, r *http.Request, c *Conn) {
	if r.ContentLength > s.opts.MaxPayload {
		payloadTooLarge(w) // before reading any of it
		return
	}
	c.mu.Lock()
	if c.err != nil {
		linger := c.linger
		c.mu.Unlock()
		if linger {
			// Closed, its close packet not collected yet: what the client
			// sent meanwhile is taken and dropped, as the reference server
			// does, so that the client learns of the close from the GET.
			_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, s.opts.MaxPayload))
			postOK(w)
			return
		}
		s.fail(w, false, CodeUnknownSID, "")
		return
	}
	if c.postPending {
		c.mu.Unlock()
		c.closeWith(closeError(ReasonTransportError, errors.New("overlapping polling POST")), false)
		s.fail(w, false, CodeBadRequest, "")
		return
	}
	c.postPending = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.postPending = false
		c.mu.Unlock()
	}()

	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/octet-stream") {
		c.closeWith(closeError(ReasonParseError, errors.New("binary polling body in protocol v4")), false)
		s.fail(w, false, CodeBadRequest, "")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxPayload+1))
	if err != nil {
		c.closeWith(closeError(ReasonTransportError, fmt.Errorf("failed to read a polling body: %w", err)), false)
		s.fail(w, false, CodeBadRequest, "")
		return
	}
	if int64(len(body)) > s.opts.MaxPayload {
		payloadTooLarge(w)
		return
	}
	err = decodePayload(body, func(p packet) error { return c.serverPacket(p, false) })
	if err != nil && !errors.Is(err, errClosed) {
		if errors.Is(err, errBadPacket) {
			c.closeWith(closeError(ReasonParseError, err), false)
		}
		s.fail(w, false, CodeBadRequest, "")
		return
	}
	postOK(w)
}

// postOK answers a polling POST that was taken.
func postOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Length", "2")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("ok"))
}

// payloadTooLarge answers a POST whose body exceeds maxPayload. The
// session stays open; the connection, whose body is not read to its end,
// is closed.
func payloadTooLarge(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	http.Error(w, "Payload Too Large", http.StatusRequestEntityTooLarge)
}

var errClosed = errors.New("session closed")

// serverPacket handles a packet received by a server session on its main
// transport. It returns an error that stops processing the rest of a
// payload.
func (c *Conn) serverPacket(p packet, websocket bool) error {
	switch p.kind {
	case packetMessage:
		if !c.deliver(p) {
			return errClosed
		}
	case packetPong:
		c.onPong()
	case packetClose:
		c.closeWith(closeError(ReasonTransportClose, nil), true)
		return errClosed
	case packetNoop:
	default:
		err := fmt.Errorf("%w: unexpected packet %q on %s", errBadPacket, p.kind, c.Transport())
		c.closeWith(closeError(ReasonParseError, err), false)
		return err
	}
	return nil
}
