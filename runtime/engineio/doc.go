// Package engineio implements Engine.IO protocol revision 4, server and
// client: the transport layer under Socket.IO, usable on its own like the
// engine.io and engine.io-client npm packages, with which it interoperates.
//
// # Server
//
// [NewServer] returns an http.Handler that opens sessions over HTTP
// long-polling or websocket, upgrades polling sessions to websocket, pings
// them, and enforces limits (payload size, queued messages, write
// deadlines). Every new session is handed to a [Handler] in its own
// goroutine:
//
//	srv := engineio.NewServer(engineio.HandlerFunc(func(c *engineio.Conn) {
//		for {
//			typ, data, err := c.Receive(ctx)
//			if err != nil {
//				return // the session closed; engineio.ReasonOf(err) says why
//			}
//			_ = c.Send(typ, data)
//		}
//	}), &engineio.ServerOptions{PingInterval: 25 * time.Second})
//	mux.Handle("/engine.io/", srv)
//
// # Client
//
// [Dial] connects to a server (ours or the reference one): over polling then
// websocket by default, like the JavaScript client, or over one transport
// only. The returned [Conn] has the same API as a server session.
//
// # Messages
//
// A [Conn] carries text and binary messages. [Conn.Send] queues without
// blocking on the network; a [Message] made once with [NewMessage] can be
// sent to many connections, which then share its encoded bytes.
//
// # Errors
//
// Closed and failed connections report an *[Error] whose [Reason] uses the
// JavaScript implementation's names ("transport close", "ping timeout", ...).
//
// # Caveats
//
// Engine.IO v3 (EIO=3) and JSONP polling are not supported. Websocket
// requests are not subject to CORS: check Origin in
// ServerOptions.AllowRequest when browsers from other origins must be kept
// out. Logging is silent unless SIOGEN_DEBUG names "engineio".
package engineio
