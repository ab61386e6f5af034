package engineio

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// startWebsocket runs the reader and writer goroutines of a session whose
// transport is ws.
func (s *Server) startWebsocket(c *Conn, ws *websocket.Conn) {
	ws.SetReadLimit(s.opts.MaxPayload)
	c.goFunc(func() { c.wsWriter(ws, s.opts.WriteTimeout) })
	c.goFunc(func() { c.wsReader(ws, c.serverPacket) })
}

// wsReader reads packets from ws until it fails or the connection closes,
// and hands each to handle. It owns ws's reads.
func (c *Conn) wsReader(ws *websocket.Conn, handle func(packet, bool) error) {
	for {
		_ = ws.SetReadDeadline(time.Now().Add(c.pingInterval + c.pingTimeout + 5*time.Second))
		p, err := readWSPacket(ws)
		if err != nil {
			c.closeWith(wsCloseError(err), isPeerClose(err))
			return
		}
		if err := handle(p, true); err != nil {
			return
		}
	}
}

// readWSPacket reads one frame as a packet.
func readWSPacket(ws *websocket.Conn) (packet, error) {
	typ, data, err := ws.ReadMessage()
	if err != nil {
		return packet{}, err
	}
	if typ == websocket.BinaryMessage {
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

// wsWriter writes queued packets to ws, one per frame, until the connection
// closes; then it flushes what is left, sends a close frame and closes ws. It
// owns ws's writes.
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
	ws, err := s.upgrader.Upgrade(w, r, nil)
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
		s.probe(c, ws)
	}) {
		_ = ws.Close()
	}
}

// probe runs the server side of an upgrade on ws: "2probe" is answered with
// "3probe", then pending polling GETs are released with noops until "5"
// arrives; then ws becomes the session's transport and this goroutine its
// reader.
func (s *Server) probe(c *Conn, ws *websocket.Conn) {
	abandon := func(why string) {
		c.log.Debug("upgrade abandoned", "why", why)
		c.mu.Lock()
		if c.probe == ws {
			c.probe = nil
			c.upgrading = false
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
	c.mu.Unlock()
	c.signal() // a pending GET answers with a noop

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
	c.upgrading = false
	c.upgraded = true
	c.transport = TransportWebsocket
	c.ws = ws
	c.mu.Unlock()
	c.log.Debug("upgraded")
	c.signal()
	if !c.goFunc(func() { c.wsWriter(ws, s.opts.WriteTimeout) }) {
		_ = ws.Close()
		return
	}
	c.wsReader(ws, c.serverPacket)
}
