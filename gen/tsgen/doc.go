// Package tsgen generates TypeScript for siogen contracts: types that
// describe every payload's JSON, and event maps for the official
// socket.io-client 4.x typed Socket<ServerToClientEvents,
// ClientToServerEvents> and for a Node socket.io 4.x server.
//
// Entry points: [Generate], and [GenerateWith] for a client-only or
// server-only build or checks off by default ([Options]; in siogen.yaml
// outputs.ts.side, validate_outgoing and validate_incoming). Examples of
// its output: testdata/examples/out (generated from examples/schemas) and
// examples/generated/ts.
//
// # Modules
//
// One set of modules per schema file (package P), all in one directory:
//
//	P.ts             the contract: types, errors, error codes, and per namespace
//	                 the path, event names (as const), ClientToServerEvents and
//	                 ServerToClientEvents. It imports no npm package, so
//	                 browsers and servers share it.
//	P.validate.ts    per declared type X: checkX, validateX(value): Violation[]
//	                 and the type guard isX(value): value is X
//	P.client.ts      XClientSocket = Socket<XServerToClientEvents, XClientToServerEvents>
//	                 (import type from "socket.io-client"), and the typed
//	                 client createXClient(socket, options): XClient
//	P.server.ts      XServer, XServerNamespace, XServerSocket
//	                 (import type from "socket.io")
//	siogen.types.ts  shared: Bytes, AckResult, the runtime's errors, Violation
//	siogen.validate.ts  shared: the checks the validators are built of
//	siogen.client.ts    shared: the engine of the typed clients
//
// None imports an npm package at run time: socket.io-client and socket.io
// are imported as types only.
//
// # Validators
//
// validateX judges a value as socket.io hands it over (parsed JSON, binary
// attachments as ArrayBuffer, Buffer or Blob) exactly as the generated Go
// decoder judges the JSON text: same rules (formats, lengths in code
// points, integers, unknown members refused unless "unknown: ignore",
// nullable and optional members), same JSON pointers and messages,
// sorted by pointer, at most 100. An int64 is the integer its JSON text
// names (2^63, which 9223372036854775807 parses to, is out of range).
// Where JSON.parse has already lost what Go sees (a member named twice,
// an int64 beyond 2^53 rounded into or out of range), they cannot agree;
// examples/generated/agreement_ts_test.go lists these cases and holds the
// validators to the Go decoders on the shared corpus and on made-up
// payloads.
//
// # Typed client
//
// createXClient(socket) wraps a socket.io-client socket: one method per
// client event (roomJoin(payload): Promise<AckResult<RoomInfo,
// RoomNotFound | DisconnectedError>>, typing(payload): SendResult), one
// onX(handler) per server event (an acked one's handler returns the
// answer), connect(auth) and onConnectError with typed ConnectErrors
// (code, name, and the auth violations). Outgoing payloads and answers
// are checked before sending (refused with an invalid_argument error,
// nothing sent), incoming events and ack answers before they are handed
// over (an event that breaks the contract is dropped and reported to
// ClientOptions.onInvalid; defaults are applied). The raw typed socket
// stays available as client.socket.
//
// The client and server aliases live apart so that a browser project need
// not install socket.io, nor a server socket.io-client. Modules import each
// other with ".js" specifiers ("./common.js"), which TypeScript resolves to
// the .ts files under node16/nodenext and bundler resolution alike. A
// schema import becomes a namespace import under the schema's alias
// (common.User); the shared module is imported as $siogen, a name no
// schema can declare.
//
// # Types
//
//	string, timestamp   string (a timestamp is RFC 3339 text)
//	int32, number       number
//	int64               number, documented: beyond ±(2^53-1) precision is lost
//	boolean             boolean
//	bytes               $siogen.Bytes = ArrayBuffer | ArrayBufferView | Blob
//	                    (what socket.io-client accepts on emit; on receive a
//	                    browser gets an ArrayBuffer, Node a Buffer)
//	list<T>, map<string,T>  T[], Record<string, T>
//	enum                a union of string literals, and a const object of the
//	                    values by member name (as const), under the same name
//	object              an interface; optional fields "?:", nullable "| null"
//	union               a discriminated union: ({ kind: "image" } & ImageRef) | …
//
// Descriptions, constraints, defaults and deprecations become JSDoc.
//
// # Events
//
// Each event is a property of the events interface of the side that emits
// it, its value the function type socket.io expects: the payload (or the
// args, by name), then for an acknowledged event the ack callback:
//
//	"room:join": (payload: ChatRoomJoinPayload, ack: (res: $siogen.AckResult<RoomInfo, RoomNotFound>) => void) => void;
//
// AckResult<T, E> is {ok: true, data: T} | {ok: false, error: E |
// RuntimeAckError}, E the union of the event's declared error interfaces
// (each with literal code and name; the runtime's errors have no name, so
// that error.name === "RoomNotFound" types error.details); an ack without
// data has T = null. A
// plain-style ack takes its raw arguments. socket.emit with a callback,
// socket.emitWithAck and socket.timeout(ms) all type-check against these
// maps (TestTypeScript runs tsc on them, with negative cases).
//
// Edge policies: an event with limits and an envelope-style ack has
// $siogen.ResourceExhaustedError in E, the runtime's refusal by a limit
// ({code: "resource_exhausted", name absent, details: {limit, max,
// retry_after_ms?}}), so narrowing on the code types its details; the
// typed client checks those details on receipt, on any event (the code is
// the runtime's; a server may add limits without breaking older clients,
// which take codes they do not know as they come). Doc comments state an
// event's limits and back-pressure.
//
// Generate fails with an [*Error] when a name siogen adds to a module
// (ChatEvents, ChatClientToServerEvents, …) collides with a declared one.
package tsgen
