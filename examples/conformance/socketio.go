package main

import (
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// newSocketIO builds the Socket.IO side of the conformance server.
func newSocketIO(engine *engineio.ServerOptions) *sio.Server {
	srv := sio.NewServer(&sio.ServerOptions{Engine: engine, ConnectTimeout: time.Second})
	greet := func(s *sio.Socket) { _ = s.Emit("auth", s.Handshake().Auth) }
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
