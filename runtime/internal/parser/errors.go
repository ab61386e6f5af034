package parser

import (
	"errors"
	"strconv"
)

// ErrInvalidPacket is matched, with errors.Is, by every error this package
// returns. Every such error is also an [*Error], whose [Code] says which
// rule of the protocol was broken. PROTOCOL.md 2.1: the Socket.IO runtime
// closes the whole connection on any of them.
var ErrInvalidPacket = errors.New("invalid Socket.IO packet")

// Code says which rule a packet broke; see [Error].
type Code uint8

// The codes of [Error].
const (
	// CodeType: the packet is empty or its first byte is not a type 0-6.
	CodeType Code = iota + 1
	// CodeAttachmentCount: a BINARY_EVENT or BINARY_ACK does not start with
	// decimal digits followed by '-'.
	CodeAttachmentCount
	// CodeTooManyAttachments: the attachment count is above
	// [Limits.MaxAttachments].
	CodeTooManyAttachments
	// CodeNamespace: the namespace is not valid UTF-8.
	CodeNamespace
	// CodeAckID: the ack id overflows int64, or the header is followed by
	// something that is neither an ack id nor a JSON value (`2abc["x"]`).
	CodeAckID
	// CodeJSON: the payload is not valid JSON (this includes invalid UTF-8
	// inside strings and a payload made only of white space).
	CodeJSON
	// CodeTooDeep: the payload nests arrays and objects deeper than
	// [Limits.MaxDepth].
	CodeTooDeep
	// CodePayload: the payload has the wrong shape for the packet type
	// (`2{}`, a DISCONNECT with a payload, an EVENT whose name is not a
	// string or number, ...).
	CodePayload
	// CodeReservedName: an EVENT or BINARY_EVENT is named with a reserved
	// name; see [IsReserved].
	CodeReservedName
	// CodePlaceholder: a placeholder's num is not an integer in
	// [0, attachment count).
	CodePlaceholder
	// CodeUnexpectedText: a text packet arrived while the attachments of a
	// binary packet were still awaited.
	CodeUnexpectedText
	// CodeUnexpectedBinary: a binary message arrived with no binary packet
	// awaiting attachments.
	CodeUnexpectedBinary
	// CodeAttachmentsTooLarge: the attachments of one packet total more than
	// [Limits.MaxAttachmentBytes].
	CodeAttachmentsTooLarge
)

var codeNames = [...]string{
	CodeType:                "bad type",
	CodeAttachmentCount:     "bad attachment count",
	CodeTooManyAttachments:  "too many attachments",
	CodeNamespace:           "bad namespace",
	CodeAckID:               "bad ack id",
	CodeJSON:                "bad JSON",
	CodeTooDeep:             "JSON too deep",
	CodePayload:             "bad payload",
	CodeReservedName:        "reserved event name",
	CodePlaceholder:         "bad placeholder",
	CodeUnexpectedText:      "unexpected text message",
	CodeUnexpectedBinary:    "unexpected binary message",
	CodeAttachmentsTooLarge: "attachments too large",
}

// String returns a short lowercase description of c, such as "bad type".
func (c Code) String() string {
	if int(c) < len(codeNames) && codeNames[c] != "" {
		return codeNames[c]
	}
	return "Code(" + strconv.Itoa(int(c)) + ")"
}

// Error is the type of every error this package returns; match it with
// errors.As to read the [Code], or with errors.Is against [ErrInvalidPacket].
// The message says what was wrong and, for text packets, at which byte
// offset.
type Error struct {
	// Code says which rule was broken.
	Code Code
	msg  string
}

// Error returns "failed to decode packet: <detail>".
func (e *Error) Error() string {
	return "failed to decode packet: " + e.msg
}

// Unwrap returns [ErrInvalidPacket].
func (e *Error) Unwrap() error { return ErrInvalidPacket }

// newError returns an *Error. It is only called on failure, so it may
// allocate freely.
func newError(code Code, msg string) *Error {
	return &Error{Code: code, msg: msg}
}

// errAt returns an *Error whose message ends with the byte offset off.
func errAt(code Code, off int, msg string) *Error {
	return newError(code, msg+" at offset "+strconv.Itoa(off))
}
