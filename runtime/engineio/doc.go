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
// A Handler that also implements [ReceiverHandler] gets each session's
// messages as they arrive, on the goroutine reading the transport, with no
// goroutine of its own per session: that is how Socket.IO (runtime/sio)
// uses it.
//
// # Costs
//
// The server is built for many mostly idle sessions. A websocket session's
// messages are framed once (a broadcast shares its frame) and written from
// the sending goroutine with a non-blocking write when nothing else is
// queued; a writer goroutine runs only while a backlog drains, and gathers
// it into few writes.
//
// On Linux, for websockets without TLS, the reader takes a data frame that
// arrived whole straight from its buffer, leaving control frames,
// fragments and frames still arriving to gorilla/websocket. It yields once
// after handing a message on, so that the handler's reply goes out before
// the socket is read again: under load the next message has arrived by
// then, which makes one read per message and no round trip through the
// network poller. A session that has been silent for
// ServerOptions.ParkIdleAfter (100ms; up to twice that after a busy spell,
// as the deadline is set once per period, not per message) gives up its
// reader goroutine: one epoll instance watches every parked socket and
// starts a reader again when data arrives. An idle session then holds no
// goroutine, only its state and a 320-byte read buffer.
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
// # Back-pressure
//
// What a connection does not take at once waits in its send queue, bounded
// by ServerOptions.MaxQueuedMessages: past it the connection is closed
// with [ReasonSendQueueFull]. [Conn.SendWith] (and [Conn.SendSharedWith],
// for broadcasts) say per send what happens when messages are waiting
// ([Conn.Queued]); see [SendMode]:
//
//   - [SendQueue]: queued; with Max, the connection closes as soon as more
//     than Max would wait;
//   - [SendVolatile]: dropped when more than Max wait ([Conn.SendVolatile]
//     is Max 0), never a close;
//   - [SendLatest]: a send with a Key replaces the waiting messages of the
//     previous send with that key (all of them: a Socket.IO packet and its
//     attachments go and are replaced together), and queues at the end.
//     Messages the writer has taken are not touched.
//
// It works alike on websocket (the direct write, the shared writer, the
// writer goroutine take from the same queue) and polling (a GET takes the
// queue). Replacing costs O(1): the old messages leave empty slots,
// removed when a writer takes the queue or once they outnumber the live
// ones, so memory stays bounded by what waits. The peer sees nothing
// but fewer messages, or the transport closing.
//
// # Errors
//
// Closed and failed connections report an *[Error] whose [Reason] uses the
// JavaScript implementation's names ("transport close", "ping timeout", ...).
//
// # Caveats
//
// Engine.IO v3 (EIO=3) and JSONP polling are not supported. Browsers do
// not apply CORS to websockets: when ServerOptions.CORS lists the allowed
// origins, the server itself refuses requests, websocket upgrades
// included, from pages of other origins (403), which the Node server does
// not; without CORS options, or with "*", any page may open a websocket.
// Limits apply before work: a request whose headers exceed
// ServerOptions.MaxHeaderBytes gets 431, a polling body announced larger
// than MaxPayload 413 before it is read, a handshake beyond
// ServerOptions.HandshakeLimit for its client address 429 before a
// session is made. Logging is silent unless
// SIOGEN_DEBUG names "engineio".
package engineio
