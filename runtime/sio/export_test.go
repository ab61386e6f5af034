package sio

import "github.com/siogen/siogen/runtime/engineio"

// SetSendHook makes fn see the encoded messages of every packet the server
// queues on a connection. Call it before the server serves.
func SetSendHook(s *Server, fn func(msgs []*engineio.Message)) { s.onSend = fn }

// Queued returns how many messages wait in the send queue of s's
// connection (see engineio.Conn.Queued).
func Queued(s *Socket) int { return s.conn.eio.Queued() }
