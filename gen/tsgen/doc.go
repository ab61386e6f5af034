// Package tsgen generates TypeScript for siogen contracts: types that
// describe every payload's JSON, and event maps for the official
// socket.io-client 4.x typed Socket<ServerToClientEvents,
// ClientToServerEvents> and for a Node socket.io 4.x server.
//
// Entry point: [Generate]. Examples of its output: testdata/examples/out
// (generated from examples/schemas) and examples/generated/ts.
//
// # Modules
//
// One set of modules per schema file (package P), all in one directory:
//
//	P.ts             the contract: types, errors, error codes, and per namespace
//	                 the path, event names (as const), ClientToServerEvents and
//	                 ServerToClientEvents. It imports no npm package, so
//	                 browsers and servers share it.
//	P.client.ts      XClientSocket = Socket<XServerToClientEvents, XClientToServerEvents>
//	                 (import type from "socket.io-client")
//	P.server.ts      XServer, XServerNamespace, XServerSocket
//	                 (import type from "socket.io")
//	siogen.types.ts  shared: Bytes, AckResult, the runtime's errors, Violation
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
// (each with literal code and name); an ack without data has T = null. A
// plain-style ack takes its raw arguments. socket.emit with a callback,
// socket.emitWithAck and socket.timeout(ms) all type-check against these
// maps (TestTypeScript runs tsc on them, with negative cases).
//
// Generate fails with an [*Error] when a name siogen adds to a module
// (ChatEvents, ChatClientToServerEvents, …) collides with a declared one.
package tsgen
