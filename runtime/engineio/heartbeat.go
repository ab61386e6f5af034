package engineio

import (
	"errors"
	"time"
)

// The server pings every pingInterval and closes a session whose pong does
// not arrive within pingTimeout; it re-arms the interval when the pong comes.
// The client expects a ping within pingInterval+pingTimeout of the previous
// one and answers each with a pong.

// startHeartbeat arms the heartbeat timer of a new connection.
func (c *Conn) startHeartbeat() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	if c.client {
		c.hb = time.AfterFunc(c.pingInterval+c.pingTimeout, c.pingMissed)
		return
	}
	c.nextPing = time.Now().Add(c.pingInterval)
	c.hb = time.AfterFunc(c.pingInterval, c.heartbeatTick)
}

// pongDeadline is when the session dies unless a pong arrives: pingTimeout
// after the ping went out, or after it was due if it has not gone out yet
// (a polling session without a GET), so that a late timer neither keeps a
// silent session alive nor shortens the time a client has to answer.
// c.mu must be held.
func (c *Conn) pongDeadline() time.Time {
	start := c.nextPing
	if c.pingSent.After(start) {
		start = c.pingSent
	}
	return start.Add(c.pingTimeout)
}

// heartbeatTick runs on the server's timer: it sends the ping when it is due,
// and closes the session when its pong is overdue.
func (c *Conn) heartbeatTick() {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	now := time.Now()
	if deadline := c.pongDeadline(); !now.Before(deadline) {
		c.mu.Unlock()
		c.closeWith(closeError(ReasonPingTimeout, nil), false)
		return
	} else if c.pinged {
		c.hb.Reset(deadline.Sub(now))
		c.mu.Unlock()
		return
	} else {
		c.pinged = true
		if c.transport != TransportPolling {
			c.pingSent = now // written now; a polling GET takes it later
		}
		c.hb.Reset(c.pongDeadline().Sub(now))
	}
	c.mu.Unlock()
	c.sendControl(pingPacket)
}

// onPong records the pong of the outstanding ping and schedules the next.
func (c *Conn) onPong() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil || !c.pinged {
		return
	}
	c.pinged, c.pingSent = false, time.Time{}
	c.nextPing = time.Now().Add(c.pingInterval)
	c.hb.Reset(c.pingInterval)
}

// overdue closes the session, and reports true, when its pong is overdue even
// though the timer has not fired yet: a request must never revive a session
// that is already dead by the clock.
func (c *Conn) overdue() bool {
	c.mu.Lock()
	late := c.err == nil && !c.client && !time.Now().Before(c.pongDeadline())
	c.mu.Unlock()
	if late {
		c.closeWith(closeError(ReasonPingTimeout, nil), false)
	}
	return late
}

// onPing answers a server ping on the client and re-arms the dead-peer timer.
func (c *Conn) onPing() {
	c.mu.Lock()
	if c.hb != nil && c.err == nil {
		c.hb.Reset(c.pingInterval + c.pingTimeout)
	}
	c.mu.Unlock()
	c.sendControl(pongPacket)
}

// pingMissed runs on the client's timer when the server stopped pinging.
func (c *Conn) pingMissed() {
	c.closeWith(closeError(ReasonPingTimeout, errors.New("no ping from the server")), false)
}
