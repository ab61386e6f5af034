package parser

import "strconv"

// Type is a Socket.IO packet type, written on the wire as one digit.
type Type byte

// The packet types of Socket.IO v5 (PROTOCOL.md 2.1).
const (
	// Connect asks to join a namespace (client, optional auth object) or
	// accepts it (server, {"sid":...}).
	Connect Type = 0
	// Disconnect leaves a namespace; it has no payload.
	Disconnect Type = 1
	// Event carries [name, ...args].
	Event Type = 2
	// Ack answers an Event that had an ack id; the payload is the array of
	// the callback's arguments.
	Ack Type = 3
	// ConnectError refuses a Connect: {"message":...,"data":...}.
	ConnectError Type = 4
	// BinaryEvent is an Event whose arguments hold binary attachments.
	BinaryEvent Type = 5
	// BinaryAck is an Ack whose arguments hold binary attachments.
	BinaryAck Type = 6
)

var typeNames = [...]string{
	Connect:      "CONNECT",
	Disconnect:   "DISCONNECT",
	Event:        "EVENT",
	Ack:          "ACK",
	ConnectError: "CONNECT_ERROR",
	BinaryEvent:  "BINARY_EVENT",
	BinaryAck:    "BINARY_ACK",
}

// String returns the protocol name of t, such as "BINARY_EVENT", or
// "Type(n)" for a value outside 0-6.
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// binary reports whether packets of type t carry attachments.
func (t Type) binary() bool { return t == BinaryEvent || t == BinaryAck }

// array reports whether the payload of packets of type t is an array.
func (t Type) array() bool { return t == Event || t == Ack || t.binary() }

// Packet is one Socket.IO packet. The payload stays raw JSON: this package
// never converts it to or from Go values.
//
// A Packet returned by a [Decoder] aliases the decoder's input: Data and
// each of the Elements are subslices of the text message and each
// attachment is the binary message itself, so the caller must not modify
// those buffers while the Packet is in use.
type Packet struct {
	// Type is the packet type.
	Type Type
	// Namespace is the namespace, "/" when absent on the wire. When
	// encoding, "" means "/" too; any other value must start with '/' and
	// must not contain ','.
	Namespace string
	// ID is the ack id; it is meaningful only when HasID is set, and must
	// then be non-negative.
	ID int64
	// HasID reports whether the packet carries an ack id.
	HasID bool
	// Data is the JSON payload exactly as on the wire (placeholders intact,
	// white space kept), or nil when there is none. When encoding, it is
	// written verbatim and must be valid JSON of the shape the type requires
	// (see [Decoder]); JSON.stringify-compatible output is compact.
	Data []byte
	// Attachments are the binary attachments of a BinaryEvent or BinaryAck,
	// in placeholder order: Attachments[i] replaces the placeholder with num
	// i. Its length is the attachment count written on the wire; it is nil
	// for the other types and for a binary packet with no attachment.
	Attachments [][]byte
	// Elements are the elements of the array in Data, as [SplitArray]
	// returns them (subslices of Data, white space removed), so that the
	// receiver need not scan the payload again. A [Decoder] sets them for
	// Event, BinaryEvent, Ack and BinaryAck packets, non-nil even for an
	// empty array; they are nil otherwise. Encoding ignores them: code that
	// builds a Packet, or changes the Data of a decoded one, leaves them nil
	// and readers fall back on SplitArray.
	Elements [][]byte
	// Deferred, when not nil, is the unchecked text of an EVENT's
	// arguments, left so by a [Decoder] with DeferArguments: what follows
	// the comma after the event name, to the end of Data. Elements then
	// hold the event name only. See [Decoder.DeferArguments].
	Deferred []byte
	// depth is the MaxDepth the deferred arguments are held to.
	depth int
}

// AppendEncode appends the text form of p to dst and returns the extended
// slice:
//
//	<type digit>[<attachment count>-][<namespace>,][<ack id>][<JSON payload>]
//
// It does not write the Engine.IO message prefix "4", nor the attachments
// themselves, which the caller sends as the next len(p.Attachments) binary
// messages, in order. The count is written for BinaryEvent and BinaryAck
// only, from len(p.Attachments); the namespace only when it is not "/".
//
// AppendEncode does not validate p: it trusts the caller to hand it a
// packet that satisfies the field contracts of [Packet] (a decoded packet
// always does). It never fails and allocates only to grow dst.
func AppendEncode(dst []byte, p *Packet) []byte {
	dst = append(dst, '0'+byte(p.Type))
	if p.Type.binary() {
		dst = strconv.AppendInt(dst, int64(len(p.Attachments)), 10)
		dst = append(dst, '-')
	}
	if p.Namespace != "" && p.Namespace != "/" {
		dst = append(dst, p.Namespace...)
		dst = append(dst, ',')
	}
	if p.HasID {
		dst = strconv.AppendInt(dst, p.ID, 10)
	}
	return append(dst, p.Data...)
}

// EncodedLen returns the number of bytes [AppendEncode] appends for p, so
// that callers can size a buffer exactly.
func EncodedLen(p *Packet) int {
	n := 1 + len(p.Data)
	if p.Type.binary() {
		n += decimalLen(int64(len(p.Attachments))) + 1
	}
	if p.Namespace != "" && p.Namespace != "/" {
		n += len(p.Namespace) + 1
	}
	if p.HasID {
		n += decimalLen(p.ID)
	}
	return n
}

// decimalLen returns the length of strconv.FormatInt(v, 10).
func decimalLen(v int64) int {
	n := 1
	u := uint64(v)
	if v < 0 {
		n++
		u = -u
	}
	for ; u >= 10; u /= 10 {
		n++
	}
	return n
}
