package sio

import (
	"bytes"
	"strconv"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// Packet is a Socket.IO packet: its type, namespace, ack id, JSON payload
// (with placeholders for the binary attachments) and attachments. Adapters
// that carry broadcasts between nodes pass Packets.
type Packet = parser.Packet

// Packet types, for adapters.
const (
	PacketConnect      = parser.Connect
	PacketDisconnect   = parser.Disconnect
	PacketEvent        = parser.Event
	PacketAck          = parser.Ack
	PacketConnectError = parser.ConnectError
	PacketBinaryEvent  = parser.BinaryEvent
	PacketBinaryAck    = parser.BinaryAck
)

func eventType(att [][]byte) parser.Type {
	if len(att) > 0 {
		return parser.BinaryEvent
	}
	return parser.Event
}

func ackType(att [][]byte) parser.Type {
	if len(att) > 0 {
		return parser.BinaryAck
	}
	return parser.Ack
}

// Args are the arguments of a received event or acknowledgement. Decode
// them into Go values, or pass them on unchanged: each [Args.At] is a [Raw]
// that re-emits byte for byte.
type Args struct {
	raw [][]byte // each argument's JSON, aliasing the packet
	att [][]byte
	// deferred, when not nil, is the event whose arguments the parser
	// left unchecked (see Socket.dispatch): raw is then empty, and every
	// accessor checks and splits them first (elems).
	deferred *Packet
}

// elems returns the arguments' JSON texts. Deferred arguments are checked
// and split on each call, as only unusual paths need them (the generated
// decoder of a typed handler reads them in place); malformed ones, for
// which the connection is closed, read as none.
func (a Args) elems() [][]byte {
	if a.deferred == nil {
		return a.raw
	}
	elems, err := a.deferred.DeferredArguments()
	if err != nil {
		return nil
	}
	return elems
}

// packetArgs returns the Args of p, an ACK or EVENT packet, skipping the
// first skip elements (the event name). A decoded packet is not scanned
// again: its elements are already split.
func packetArgs(p *Packet, skip int) (Args, error) {
	elems, err := elementsOf(p)
	if err != nil {
		return Args{}, err
	}
	return argsFrom(elems, p.Attachments, skip), nil
}

// packetEvent returns the name and the Args of p, an EVENT packet. A name
// equal to prev is returned as prev, with no allocation; see
// [eventNameOf].
func packetEvent(p *Packet, prev string) (string, Args, error) {
	elems, err := elementsOf(p)
	if err != nil || len(elems) == 0 {
		return "", Args{}, err
	}
	name, err := eventNameOf(elems[0], prev)
	if err != nil {
		return "", Args{}, err
	}
	return name, Args{raw: elems[1:], att: p.Attachments}, nil
}

// elementsOf returns the elements of p's array payload: those the decoder
// recorded, else (packets built here or by adapters) split from p.Data.
func elementsOf(p *Packet) ([][]byte, error) {
	if p.Elements != nil {
		return p.Elements, nil
	}
	return parser.SplitArray(p.Data)
}

func argsFrom(elems [][]byte, att [][]byte, skip int) Args {
	if len(elems) < skip {
		skip = len(elems)
	}
	return Args{raw: elems[skip:], att: att}
}

// Len returns the number of arguments.
func (a Args) Len() int { return len(a.elems()) }

// At returns argument i, or a null Raw when there is no such argument.
func (a Args) At(i int) Raw {
	raw := a.elems()
	if i < 0 || i >= len(raw) {
		return Raw{}
	}
	return Raw{json: raw[i], att: a.att}
}

// Decode unmarshals the arguments, in order, into the pointers vs; extra
// arguments are ignored and missing ones decode as null.
func (a Args) Decode(vs ...any) error {
	for i, v := range vs {
		if err := a.At(i).Decode(v); err != nil {
			return &Error{Code: CodeInvalidArgument, Message: "argument " + strconv.Itoa(i) + ": " + err.Error(), Err: err}
		}
	}
	return nil
}

// Values returns the arguments as []any of [Raw], ready to be emitted again
// unchanged: s.Emit("relay", e.Values()...).
func (a Args) Values() []any {
	raw := a.elems()
	out := make([]any, len(raw))
	for i, r := range raw {
		out[i] = Raw{json: r, att: a.att}
	}
	return out
}

// eventNameOf returns the event name that elem, the first element of an
// event payload, holds: a string, or a number as the reference
// implementation allows. A name equal to prev is returned as prev, so that
// a caller who passes the last name it saw allocates nothing for a repeated
// one. elem must be one valid JSON value, as [parser.SplitArray] and the
// decoder produce.
func eventNameOf(elem []byte, prev string) (string, error) {
	raw := elem
	if len(elem) >= 2 && elem[0] == '"' {
		raw = elem[1 : len(elem)-1]
		if bytes.IndexByte(raw, '\\') >= 0 {
			return parser.UnquoteString(elem)
		}
	}
	// A valid string without escapes is its content (the scanner checked
	// the UTF-8); a number is its text.
	if string(raw) == prev {
		return prev, nil
	}
	return string(raw), nil
}

// NewArgs returns Args holding one JSON text per argument, whose
// placeholders refer to att. Adapters use it for the acknowledgements and
// events that other nodes send.
func NewArgs(elems [][]byte, att [][]byte) Args { return Args{raw: elems, att: att} }

// Attachments returns the binary attachments the arguments' placeholders
// refer to. The caller must not modify them.
func (a Args) Attachments() [][]byte { return a.att }
