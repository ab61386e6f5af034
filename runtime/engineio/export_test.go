package engineio

import (
	"log/slog"
	"time"
)

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// CanPark tells the tests whether idle sessions park on this system.
const CanPark = canPark

// HeldGET reports whether the session sid has a polling GET waiting for
// something to send.
func HeldGET(s *Server, sid string) bool {
	return sessionState(s, sid, func(c *Conn) bool { return c.getPending })
}

// HeldPOST reports whether the session sid has a polling POST in flight.
func HeldPOST(s *Server, sid string) bool {
	return sessionState(s, sid, func(c *Conn) bool { return c.postPending })
}

// Upgrading reports whether the session sid has answered a probe and waits
// for "5".
func Upgrading(s *Server, sid string) bool {
	return sessionState(s, sid, func(c *Conn) bool { return c.upgrading })
}

// sessionState reports f of the session sid, under its lock; false when
// there is no such session.
func sessionState(s *Server, sid string, f func(c *Conn) bool) bool {
	c := s.session(sid)
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return f(c)
}

// SetReleaseGETsAfter changes how long after a probe held GETs get a noop;
// call it before the server serves.
func SetReleaseGETsAfter(s *Server, d time.Duration) { s.releaseGETsAfter = d }

// SetHandshakeClock makes fn the clock of the server's handshake limit;
// call it before the server serves.
func SetHandshakeClock(s *Server, fn func() time.Time) {
	if s.handshakes != nil {
		base := fn()
		s.handshakes.now = func() time.Duration { return fn().Sub(base) }
	}
}

// TrackedAddresses returns how many addresses the handshake limit tracks.
func TrackedAddresses(s *Server) int { return s.handshakes.tracked() }

// HandshakeAllow runs the handshake limit for ip, as a request would.
func HandshakeAllow(s *Server, ip string) bool {
	ok, _ := s.handshakes.allow(ip)
	return ok
}
