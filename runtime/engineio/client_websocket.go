package engineio

import (
	"context"
	"net/http"

	"github.com/gorilla/websocket"
)

// dialWS opens a websocket for transport requests of the session sid ("" for
// a new session).
func (cs *clientState) dialWS(ctx context.Context, sid string) (*websocket.Conn, error) {
	h := http.Header{}
	for k, vs := range cs.opts.Header {
		h[k] = vs
	}
	ws, resp, err := cs.opts.Dialer.DialContext(ctx, cs.url(TransportWebsocket, sid), h)
	if err != nil {
		if resp != nil {
			body := make([]byte, 512)
			n, _ := resp.Body.Read(body)
			return nil, handshakeError(resp.StatusCode, body[:n])
		}
		return nil, &Error{Reason: ReasonHandshake, Code: -1, Err: err}
	}
	return ws, nil
}

// dialWebsocket opens a websocket-only connection.
func dialWebsocket(ctx context.Context, cs *clientState) (*Conn, error) {
	ws, err := cs.dialWS(ctx, "")
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = ws.SetReadDeadline(dl)
	}
	p, err := readWSPacket(ws)
	var hs handshakeResponse
	if err == nil {
		hs, err = parseOpen(p)
	}
	if err != nil {
		_ = ws.Close()
		return nil, &Error{Reason: ReasonHandshake, Code: -1, Err: err}
	}
	c := newClientConn(cs, hs, TransportWebsocket)
	c.ws, c.upgraded = ws, true
	ws.SetReadLimit(c.maxPayload * 2)
	c.startHeartbeat()
	c.goFunc(func() { c.wsWriter(ws, cs.opts.WriteTimeout) })
	c.goFunc(func() { c.wsReader(ws, c.clientPacket) })
	return c, nil
}

// upgrade runs the client side of the polling to websocket upgrade: probe,
// pause polling, "5", switch. A failed probe leaves the connection on
// polling.
func (c *Conn) upgrade() {
	cs := c.cl
	ctx, cancel := context.WithTimeout(cs.ctx, cs.opts.UpgradeTimeout)
	defer cancel()
	ws, err := cs.dialWS(ctx, c.id)
	if err != nil {
		c.debug("upgrade failed", "err", err)
		return
	}
	stop := context.AfterFunc(ctx, func() { _ = ws.Close() })
	ws.SetReadLimit(c.maxPayload * 2)
	ok := writeWS(ws, probePingPacket, cs.opts.WriteTimeout) == nil
	if ok {
		p, err := readWSPacket(ws)
		ok = err == nil && p.kind == packetPong && string(p.data) == "probe"
	}
	if !ok || !stop() {
		c.debug("probe failed")
		_ = ws.Close()
		return
	}
	// Pause polling: no new requests; the server releases the pending GET
	// with a noop, and the POST in flight finishes.
	cs.pauseOnce.Do(func() { close(cs.pause) })
	cs.pollWG.Wait()
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		_ = ws.Close()
		c.sayCloseByPOST(nil)
		return
	}
	c.ws, c.transport, c.upgraded = ws, TransportWebsocket, true
	// "5" goes first, ahead of the packets that queued up meanwhile.
	c.sq.prepend([]*Message{upgradePacket})
	c.mu.Unlock()
	c.debug("upgraded")
	if !c.goFunc(func() { c.wsWriter(ws, cs.opts.WriteTimeout) }) {
		_ = ws.Close() // "5" was not sent: the server is still on polling
		c.mu.Lock()
		if c.sq.head() == upgradePacket {
			c.sq.takePrefix(1)
		}
		c.mu.Unlock()
		c.sayCloseByPOST(nil)
		return
	}
	c.wsReader(ws, c.clientPacket)
}
