// Package siootel instruments siogen servers and clients with
// OpenTelemetry: a span per event received and per acknowledgement round
// trip, and metrics of connections, events, acknowledgements, validation,
// traffic, drops and failures. It lives apart from runtime/sio, which does
// not depend on OpenTelemetry; it plugs into sio's [sio.Interceptor] and
// [sio.Observer] hooks.
//
//	tel, err := siootel.New(nil) // the global tracer and meter providers
//	srv := sio.NewServer(tel.Server(&sio.ServerOptions{...}))
//	m, err := sio.NewManager(url, tel.Client(&sio.ClientOptions{...}))
//
// # Spans
//
// Every event a typed handler receives is a span named "receive <event>"
// (kind server on a server, consumer on a client), and every EmitWithAck a
// span named "call <event>" (kind client) lasting the round trip. Their
// attributes: socketio.namespace, socketio.event, socketio.ack (whether
// an acknowledgement was asked for), socketio.outcome ("ok" or "error")
// and, on failure, socketio.error.code (the [sio.CodeOf] code); a failed
// call has the status Error. Spans have no parent from the peer:
// Socket.IO packets carry no trace context.
//
// # Metrics
//
// Instruments are named siogen.*; the attributes in parentheses:
//
//   - siogen.sockets.connected, up-down counter: connected sockets
//     (socketio.namespace).
//   - siogen.handshakes, counter: namespace CONNECTs (socketio.namespace,
//     "(invalid)" for a namespace that does not exist, socketio.transport,
//     socketio.outcome "accepted" or "refused").
//   - siogen.events, counter: events handled or sent through typed
//     handlers and emits (socketio.namespace, socketio.event,
//     socketio.direction "in" or "out", socketio.outcome "ok" or the error
//     code).
//   - siogen.ack.duration, histogram in seconds: acknowledgement round
//     trips of EmitWithAck (socketio.namespace, socketio.event,
//     socketio.outcome).
//   - siogen.validation.failures, counter: received payloads rejected by
//     a typed handler (socketio.namespace, socketio.event).
//   - siogen.bytes, counter in bytes: packets received and sent, binary
//     attachments included (socketio.direction).
//   - siogen.drops, counter: packets not sent (socketio.namespace,
//     socketio.event, socketio.reason: a sio.DropReason, "volatile",
//     "superseded" (replaced in the send queue by a newer one of its key,
//     under back-pressure "latest") or "send_queue_full").
//   - siogen.adapter.errors, counter: adapter failures, operations the
//     adapter could not do and failures it reports itself; with
//     runtime/redisadapter, the start of each Redis outage (once per
//     namespace) and each message Redis refused (socketio.namespace).
//   - siogen.heartbeat.timeouts, counter: sockets disconnected by a ping
//     timeout (socketio.namespace).
//   - siogen.limit.refusals, counter: events refused by their limits
//     before decoding, answered resource_exhausted or dropped
//     (socketio.namespace, socketio.event, socketio.limit "rate",
//     "payload" or "pending_acks"); see sio.Namespace.Limit.
//   - siogen.limit.disconnects, counter: sockets disconnected for too many
//     refused events (socketio.namespace); see sio.Namespace.DisconnectAfter.
//   - siogen.handshakes.limited, counter: Engine.IO handshakes refused by
//     engineio.ServerOptions.HandshakeLimit, counted through its OnLimited
//     hook, which [Telemetry.Server] sets.
//
// Event names are attributes: they come from the handlers and emits of
// the program, never from what a peer sends, so their number is bounded.
// The metrics that need a [sio.Observer] (all but siogen.events and
// siogen.ack.duration) exist on servers only.
package siootel
