package main

import (
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// authDelay is how long after the CONNECT reply the "auth" event is sent.
// The Socket.IO suite's client (ws 8.5) hands every frame of one read to
// its listeners at once, and the suite registers the listener for "auth"
// only after it has seen the CONNECT reply: sent together, as our server
// writes them, the two often arrive in one read and "auth" is lost. The
// reference server writes its second packet once the first write's
// callback has run, which is usually, not always, late enough (it failed 4
// of 30 connects on a loaded machine here). A few milliseconds apart, the
// two arrive in reads of their own.
const authDelay = 20 * time.Millisecond

// newSocketIO builds the Socket.IO side of the conformance server.
func newSocketIO(engine *engineio.ServerOptions) *sio.Server {
	srv := sio.NewServer(&sio.ServerOptions{Engine: engine, ConnectTimeout: time.Second})
	greet := func(s *sio.Socket) {
		auth := s.Handshake().Auth
		time.AfterFunc(authDelay, func() { _ = s.Emit("auth", auth) })
	}
	main := srv.Of("/")
	main.OnConnection(greet)
	main.On("message", func(s *sio.Socket, e *sio.Event) { _ = s.Emit("message-back", e.Values()...) })
	echo := func(s *sio.Socket, e *sio.Event) {
		if e.WantsAck() {
			_ = e.Ack(e.Values()...)
		}
	}
	main.On("message-with-ack", echo)
	main.On("echo", echo)
	srv.Of("/custom").OnConnection(greet)
	return srv
}
