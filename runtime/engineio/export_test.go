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
	c := s.session(sid)
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.getPending
}

// Upgrading reports whether the session sid has answered a probe and waits
// for "5".
func Upgrading(s *Server, sid string) bool {
	c := s.session(sid)
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.upgrading
}

// SetReleaseGETsAfter changes how long after a probe held GETs get a noop;
// call it before the server serves.
func SetReleaseGETsAfter(s *Server, d time.Duration) { s.releaseGETsAfter = d }

// HeldPOST reports whether the session sid has a polling POST in flight.
func HeldPOST(s *Server, sid string) bool {
	c := s.session(sid)
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.postPending
}
