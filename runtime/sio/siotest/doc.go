// Package siotest runs a [sio.Server] and its clients in one process, with
// no TCP: a handler test takes milliseconds and can run inside a
// testing/synctest bubble, where ack timeouts, heartbeats and reconnection
// delays pass in fake time.
//
// # Where the memory is
//
// The in-memory part is the network connection and nothing above it.
// [NewServer] serves the real sio.Server through a real net/http server on
// a listener whose connections are in-memory pipes, and the clients it
// makes dial that listener through their Engine.IO dialers
// (engineio.DialOptions.HTTPClient and Dialer). Everything above the byte
// stream is the production code, unchanged: HTTP long-polling, the
// websocket handshake and framing, Engine.IO heartbeats and upgrades,
// Socket.IO packets, binary attachments, acks, rooms, broadcasts,
// middlewares, disconnections and reconnection. What differs from TCP is
// what sits under it: a pipe has no kernel buffer, so a write waits for
// the reader (every connection has a reader running, so nothing waits
// long), and the server's websocket writer takes its blocking path, as it
// does over TLS.
//
//	srv := sio.NewServer(nil)
//	chat.RegisterChatServer(srv, myServer{})
//	ts := siotest.NewServer(t, srv)
//	cs := ts.Connect(t, "/chat", &sio.ClientOptions{Auth: auth})
//	args, err := cs.EmitWithAck(ctx, "room:join", map[string]any{"room": "lobby"})
//
// Clients use the websocket transport unless their options list others
// (Transports: []string{"polling", "websocket"} exercises the upgrade).
// [Server.Cut] drops every connection without a close handshake, as a
// lost network does, to test disconnections and reconnection.
//
// # testing/synctest
//
// Create the server and the clients inside the bubble (synctest.Test): the
// pipes, timers and goroutines then belong to it, and time.Sleep,
// heartbeats and ack timeouts advance the fake clock only when every
// goroutine of the bubble is blocked. See the package's tests for one.
//
// # Clean-up
//
// Everything made with a testing.TB ([NewServer], [Server.Connect],
// [Server.NewManager]) is closed by tb.Cleanup: the clients first, then the
// server, which is shut down (its sockets get "server shutting down") and
// waited for, so that goleak finds nothing left.
//
// # Typed fakes and contract tests
//
// With options.testkit in siogen.yaml, siogen generates per contract a
// package P/Ptest built on this package (see gen/gogen): NClient, a fake
// client for testing a server implementation, NServer, a fake server for
// code that uses the generated client, and TestNContract, the contract
// test. Their building blocks are here: [Log] with [Next] and [Expect]
// (what crossed, decoded and checked), [Script] (scripted answers, checked
// when scripted), [NewClient] and [Watch] (check and log every event a
// side receives), and [RunContract] with [ContractEvent] (the contract
// test, against a *[Server] or a [URL]). A payload or an answer from either
// side that breaks the contract fails the test.
package siotest
