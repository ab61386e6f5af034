// Package sio is a Socket.IO v5 server (and, in client*.go, client) on top
// of runtime/engineio, interoperable byte for byte with the JavaScript
// socket.io 4.x packages. Generated code imports only this package.
//
// # Server
//
// [NewServer] returns an http.Handler (default path "/socket.io/").
// Namespaces come from [Server.Of] (static) or [Server.OfFunc] and
// [Server.OfRegexp] (dynamic, with a parent whose middlewares and handlers
// every child shares). A [Middleware] vets each connection and may refuse
// it with an *[Error] that the client receives as a connect error with data.
//
//	srv := sio.NewServer(nil)
//	chat := srv.Of("/chat")
//	chat.Use(func(ctx context.Context, s *sio.Socket) error { ... })
//	sio.HandleAck(chat, "message:send", func(ctx context.Context, s *sio.Socket, in SendMessage) (*Message, error) {
//		...
//		return msg, s.To(in.Room).Emit("message:new", msg)
//	})
//	http.Handle("/socket.io/", srv)
//
// Handlers are typed with [Handle] and [HandleAck] (payload decoded and
// checked against the contract in one pass by the generated reader given
// with [WithReader], or validated by a [Validator] and decoded
// reflectively; the result, checked with [WithAckCheck], or an *[Error]
// acknowledged), or
// untyped with [Namespace.On] and [Socket.On], whose [Event] gives raw
// access to the arguments: each is a [Raw] that decodes into any Go value or
// is re-emitted unchanged, binary included.
//
// The one pass is literal: the packet parser checks an event's text up to
// its name and leaves the arguments to the generated reader of a typed
// handler, which reads them in the packet and refuses what the parser
// would have (invalid JSON or UTF-8, nesting beyond its depth limit),
// closing the connection as the parser does. Events that anything else
// takes (an untyped handler, [Socket.OnAny], an [Observer], a reflective
// decoder) get their arguments checked by the parser first.
//
// # Client
//
// [Dial] and [NewSocket] return a [ClientSocket]; a [Manager] multiplexes
// namespace sockets on one Engine.IO connection and reconnects with the
// JavaScript client's backoff. Emits made while disconnected are buffered
// and sent once, in order, on reconnection; [OnClient] and [OnClientAck]
// register typed handlers, and a ClientSocket is an [AckEmitter] for
// [Call]. The client interoperates with the reference socket.io server.
//
//	cs, err := sio.Dial(ctx, "http://127.0.0.1:3000/chat", &sio.ClientOptions{Auth: map[string]string{"token": t}})
//	args, err := cs.EmitWithAck(ctx, "room:join", map[string]string{"room": "lobby"})
//
// # Values and binary
//
// Arguments are any values encoding/json accepts, with its rules (struct
// tags, omitempty, Marshaler), except that HTML characters are not escaped
// and every []byte, at any depth, travels as a binary attachment. Received
// attachments decode back into []byte fields.
//
// # Concurrency
//
// Every exported type is safe for concurrent use. The events of one
// connection are handled one at a time, in order, on a dispatcher goroutine
// that exists only while there is work (it lingers 200 to 400ms after the
// last event, so that a stream of events reuses it); a handler that blocks
// delays only its own connection. Acknowledgements from clients are resolved on the
// connection's reader, so a handler may wait for one (Socket.EmitWithAck)
// without deadlock. Emits never wait for the network: a packet is written
// from the emitting goroutine with a write that does not block, and what
// the socket does not take waits in a bounded queue
// (engineio.ServerOptions.MaxQueuedMessages) for the connection's writer.
// An idle connection holds no goroutine (see runtime/engineio).
//
// # Rooms, broadcasts and adapters
//
// Rooms and broadcasts go through each namespace's [Adapter]: the
// [MemoryAdapter] by default, runtime/redisadapter for several nodes. A
// broadcast encodes its packet once, as a websocket frame, and queues the
// same bytes on every recipient; one writer shared by the server's
// connections writes them (engineio.Conn.SendShared), so that under load a
// connection's pending broadcasts go out together in one write.
//
// # Slow clients
//
// A client that reads slowly, or stops reading, never slows the server or
// the other clients, and costs a bounded amount of memory. What its
// connection does not take at once waits, first in the kernel's socket
// buffers, then in the connection's queue; it gets everything, in order,
// as soon as it reads again, unless one of two limits is passed first:
// more than engineio.ServerOptions.MaxQueuedMessages messages waiting
// (default 4096) closes the connection with "send queue full", and a
// write that makes no progress for engineio.ServerOptions.WriteTimeout
// (default 10 s) closes it as a "transport error". Either way the client
// is disconnected and reconnects; with connection state recovery a
// "transport error" keeps its session, and the broadcasts it missed are
// replayed when it is back, while "send queue full" ends the session (the
// client fell too far behind for a replay to help). Like any client, it
// is also disconnected when its answer to a ping comes later than the
// ping timeout ("ping timeout", which keeps the session). Volatile emits
// ([BroadcastOperator.Volatile]) are dropped, not queued, for a
// connection with anything waiting. The churn scenarios of examples/bench
// measure this ("slow consumers").
//
// # Limits
//
// [Namespace.Limit] bounds what a client may send, per socket and event
// (gogen registers the contract's limits): a rate with a burst (a token
// bucket), the encoded size of the payload, binary attachments included,
// and the acknowledgements outstanding. The limits are applied on the
// connection's reader to the raw packet, whose head and event name are
// read and nothing more: an event over a limit costs neither the decoding
// of its arguments nor a place in the dispatcher's queue, and the
// attachments of a refused binary event are dropped as they arrive. An
// event that asked for an envelope-style acknowledgement is answered
// [CodeResourceExhausted] with [ResourceExhaustedDetails] (the limit, its
// value, and for a rate the milliseconds until the next token); any other
// is dropped. Refusals go to [Observer.Limited] and the debug view and
// are logged at debug level; [Namespace.DisconnectAfter] disconnects a
// socket that keeps exceeding ([ReasonTooManyRefusals]). A handler that
// acknowledges after it returns, from another goroutine, calls
// [Event.AckLater] so that its event keeps counting among those pending.
// Handshakes per client address are bounded by the Engine.IO option
// engineio.ServerOptions.HandshakeLimit (ServerOptions.Engine): 429 Too
// Many Requests with Retry-After.
//
// # Back-pressure
//
// What a slow client gets can be declared per event (the contract's
// "backpressure", which generated code registers) or per emit, with
// [Socket.Backpressure], [BroadcastOperator.Backpressure] and
// [Namespace.Backpressure]; see [Backpressure] for the modes:
//
//   - queue (the default): everything waits, in order; with a bound, a
//     socket that falls further behind is disconnected with "send queue
//     full" instead of waiting for the server-wide limit;
//   - volatile: dropped while the client is behind (more than Max
//     messages waiting), never a disconnection; for what is worthless
//     when late;
//   - latest, with a key (an entity's id): of the messages that wait, only
//     the newest of each key is kept; the client, once it reads again,
//     gets the newest state of each entity and nothing older.
//
// The client sees no protocol of its own: fewer events (volatile,
// latest), or, when a queue's bound is passed, its transport closing
// ("transport close" in the JavaScript client), after which it
// reconnects. Memory stays bounded in every mode: a socket's queue holds
// at most engineio.ServerOptions.MaxQueuedMessages messages, a replaced
// message leaves at most a slot until the queue compacts. A broadcast
// applies its back-pressure to each recipient on its own (a fast client
// gets everything) and, with runtime/redisadapter, on every Go node.
// Dropped packets are told to observers ([Observer.Dropped], with a
// [DropReason]; runtime/siootel counts them), logged at debug level by
// count (the first, second, fourth, ... of a connection), and a
// connection closed for its queue is logged once, as a warning ("slow
// client disconnected").
//
// With connection state recovery, back-pressure applies to what a
// restored socket is sent too: volatile events are neither replayed nor
// held for it; of the events under latest it missed, the [MemoryAdapter]
// replays the newest of each key, and one held while the socket is being
// restored replaces the held one of its key; held events keep their mode,
// so a queue's bound applies when they are released.
//
// # Connection state recovery
//
// With ServerOptions.Recovery, sockets that lose their connection keep their
// id, rooms and data for a while, and the events they missed are replayed
// when they come back ([Socket.Recovered]).
//
// A restored socket gets every broadcast to its rooms once and in order:
// those it missed while away, then those made while it was being restored
// (held until the missed ones are sent), then live ones. With the
// [MemoryAdapter] this holds whatever broadcasts run meanwhile; with
// another adapter, a broadcast in the instant between its RestoreSession
// and the socket's return to its rooms can be missed.
//
// # Errors
//
// Errors that cross the wire are *[Error] values with a [CodeOf]-readable
// code; disconnections carry a [DisconnectReason] named as in JavaScript.
// Where they go:
//   - an envelope-style ack: {"ok":false,"error":{code,name,message,details}};
//   - a connection refused by a [Middleware]: CONNECT_ERROR
//     {"message":…,"data":{code,name,message,details}}, which the Go client
//     turns back into the same *Error (code, name and details) and the
//     JavaScript client shows as err.message and err.data;
//   - an event no handler takes, sent with an ack, on a namespace of typed
//     handlers: [CodeUnimplemented] (see [Namespace.On]);
//   - an event refused by its limits, sent with an envelope-style ack:
//     [CodeResourceExhausted] (see [Namespace.Limit]);
//   - a plain-style ack ([AckPlain]): never; it carries only the declared
//     result, and a failure is logged instead of answered.
//
// [DetailsAs] (and the generated AsX functions) decode an error's details
// into the contract's type.
//
// # Logging
//
// The server and the client log through ServerOptions.Logger and
// ClientOptions.Logger, by default through slog.Default() for warnings
// and errors only, so that a healthy server is silent and a failing one
// never is. Warnings and errors are rate-limited per message (10 in a row,
// then one a second; the next record says how many were suppressed). The
// levels:
//
//   - Error: a handler panicked ("handler panicked", with "panic" and
//     "stack"; an envelope-style ack answers [CodeInternal]); a handler
//     failed with an error that reaches the peer as [CodeInternal]
//     ("handler failed", with the cause, which the peer does not see); a
//     handler's result cannot be encoded, breaking the contract ("handler
//     result not sent", an envelope-style ack answers CodeInternal); a
//     middleware panicked. Runtime/redisadapter logs Redis failures at
//     error and warning level the same way.
//   - Warn: a connection refused by the server's fault: a middleware
//     failed with an error that is not an *[Error], or an internal one
//     ("connection refused by the server"); a connection closed because
//     its send queue passed its bound ("slow client disconnected", see
//     Back-pressure).
//   - Debug: what clients get wrong, which they are told about: payloads
//     that break their schema, refusals with an *[Error] (bad auth), events
//     with no handler, events refused by their limits and sockets
//     disconnected for too many of them, expected *[Error] results; and the lifecycle of
//     connections and sockets. Set SIOGEN_DEBUG=sio to see them on standard
//     error without configuring a logger.
//
// Every record carries "scope" ("sio"), and "nsp", "event" and "sid" when
// they apply.
//
// # Debug view
//
// The packet-level view, like DEBUG=socket.io* in JavaScript, logs every
// packet in and out with its connection, transport, namespace, type, event
// name, ack id and size, and why a connect was refused, a payload rejected,
// an event unhandled: switch it on with ServerOptions.Debug or
// SIOGEN_DEBUG=sio:packets, and see payloads too with [DebugPayloads] or
// SIOGEN_DEBUG=sio:payloads (see [DebugLevel]).
//
// # Interceptors and observers
//
// An [Interceptor] wraps typed handlers and emits, on the server and the
// client, as connect-go's do: for logging, authorization, metrics and
// tracing ([ServerOptions].Interceptors, [ClientOptions].Interceptors,
// [WithInterceptors], which generated Register functions pass on). An
// [Observer] is told what happens on a server: every packet with its size,
// namespaces, connections accepted and refused, disconnections, rooms
// joined and left, rejected payloads, dropped packets, adapter failures.
// Give it to [ServerOptions].Observers, or add it while the server runs
// with [Server.Observe]; a server nobody observes pays one atomic load per
// packet. runtime/siootel builds an interceptor and an observer for
// OpenTelemetry; runtime/sioadmin, the server side of the Socket.IO Admin
// UI, observes the server to show it live.
package sio
