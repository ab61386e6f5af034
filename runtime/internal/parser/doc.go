// Package parser is the Socket.IO v5 packet codec: it turns a [Packet] into
// its text form and back, binary attachments included, as specified in
// PROTOCOL.md section 2 and as the reference socket.io-parser 4.2.x does.
//
// The package is pure: no I/O, no goroutines, no logging. It works on raw
// JSON bytes and attachment byte slices, never on Go values; marshaling
// belongs to the Socket.IO runtime above it. Payloads are validated by a
// small JSON scanner and kept byte for byte, never re-encoded.
//
// Entry points:
//
//   - [AppendEncode] writes a packet's text form (without the Engine.IO
//     message prefix "4"); the caller sends the attachments after it as
//     binary messages.
//   - [Decoder] decodes the messages of one connection: [Decoder.DecodeText]
//     for text messages, [Decoder.DecodeBinary] for binary ones. It enforces
//     every validity rule of the protocol and the [Limits].
//   - [SplitArray], [UnquoteString], [IsReserved], [CheckPlaceholders],
//     [AppendPlaceholder] and [ParsePlaceholder] help the runtime read event
//     names and arguments and handle placeholders. A decoded EVENT or ACK
//     already holds its array split, in [Packet.Elements]: the payload is
//     scanned once. With [Decoder.DeferArguments], an EVENT's arguments
//     are left unchecked for a receiver that reads them with a checking
//     decoder of its own ([Packet.Deferred]); [Packet.CheckDeferred] applies
//     the parser's checks when another reader needs them.
//
// Every decode error is an [*Error] carrying a [Code] and matches
// [ErrInvalidPacket]. Nothing in this package panics on any input.
//
// Example_decode and ExampleAppendEncode in example_test.go show the round
// trip; decode_test.go holds every byte example of PROTOCOL.md 2.2.
//
// Caveats: decoded packets alias the caller's buffers (see [Packet]);
// message size is bounded by the transport, not here (see [Limits]); JSON
// text must be UTF-8, and invalid UTF-8 in a string is a decode error, so
// that echoing data cannot break other peers' text frames.
package parser
