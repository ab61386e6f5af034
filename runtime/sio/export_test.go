package sio

import (
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

// SetSendHook makes fn see the encoded messages of every packet the server
// queues on a connection. Call it before the server serves.
func SetSendHook(s *Server, fn func(msgs []*engineio.Message)) { s.onSend = fn }

// SetClock makes fn the clock of the server's limits. Call it before the
// server serves.
func SetClock(s *Server, fn func() time.Time) {
	base := fn()
	s.clock = func() time.Duration { return fn().Sub(base) }
}

// Queued returns how many messages wait in the send queue of s's
// connection (see engineio.Conn.Queued).
func Queued(s *Socket) int { return s.conn.eio.Queued() }
