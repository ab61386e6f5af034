package main

// A driver runs the websocket connections of the echo, broadcast and ramp
// scenarios: it dials them, answers Engine.IO pings ("2" → "3") and
// WebSocket pings itself, and hands every other message to the scenario's
// handler. On Linux (loop_linux.go) a few epoll event loops drive all the
// connections, so that the generator costs little next to the server it
// measures; elsewhere (driver_other.go) each connection has a reading
// goroutine over gorilla/websocket, the portable and heavier way. Both
// have the same API:
//
//	startDriver(ctx, addr, n, h) (*driver, error)  // dial n, then drive them for h
//	(*driver).close()                             // stop; no handler call after it
//	(*peer).id                                    // 0..n-1, the dial order
//	(*peer).send(m []byte) error                  // one text frame, from handler calls only

// handler is a scenario's per-connection logic. Calls for one connection
// never overlap; calls for different connections may run concurrently. A
// handler may call [peer.send] on the connection it is called for.
type handler interface {
	// open is called once the driver runs the connection, before any
	// message.
	open(p *peer)
	// message is called with each Engine.IO packet other than a ping; m is
	// valid only during the call.
	message(p *peer, m []byte)
	// closed is called once when the connection fails while the driver
	// runs (not when the driver closes it).
	closed(p *peer, err error)
}
