package parser

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// Default limits; see [Limits].
const (
	// DefaultMaxAttachments is the default of [Limits.MaxAttachments], the
	// cap of the reference parser.
	DefaultMaxAttachments = 10
	// DefaultMaxDepth is the default of [Limits.MaxDepth].
	DefaultMaxDepth = 32
)

// Limits bounds what a [Decoder] accepts from the network. The zero value
// means the defaults.
//
// The size of each message is not bounded here: the transport bounds it
// (Engine.IO maxPayload). The bytes one packet can hold are thus at most
// (1 + MaxAttachments) messages, unless MaxAttachmentBytes is set.
type Limits struct {
	// MaxAttachments is the largest attachment count a binary packet may
	// announce. Zero means [DefaultMaxAttachments] (10); a negative value
	// allows none, so only binary packets with count 0 are accepted. Every
	// announced attachment is held until the packet completes.
	MaxAttachments int
	// MaxDepth is how deeply arrays and objects may nest in a payload; the
	// outer array of an EVENT counts as 1. Zero or negative means
	// [DefaultMaxDepth] (32). Decoding is iterative, so depth costs memory
	// (8 bytes per level beyond 16), never stack.
	MaxDepth int
	// MaxAttachmentBytes bounds the total size of the attachments of one
	// packet. Zero or negative means no bound beyond the transport's
	// per-message limit.
	MaxAttachmentBytes int
}

func (l *Limits) maxAttachments() int {
	switch {
	case l.MaxAttachments == 0:
		return DefaultMaxAttachments
	case l.MaxAttachments < 0:
		return 0
	}
	return l.MaxAttachments
}

func (l *Limits) maxDepth() int {
	if l.MaxDepth <= 0 {
		return DefaultMaxDepth
	}
	return l.MaxDepth
}

// Decoder decodes Socket.IO packets from the Engine.IO messages of one
// connection, reassembling binary packets from their text header and the
// binary messages that follow it. It is not safe for concurrent use: one
// reader goroutine owns it. The zero value is ready to use, with default
// [Limits].
//
// Decoded packets alias the messages passed in (see [Packet]). After an
// error the connection should be closed (PROTOCOL.md 2.1); the Decoder
// itself is reset and may keep decoding.
//
// A payload must have the shape its type requires, else decoding fails with
// [CodePayload]: CONNECT has no payload or an object; DISCONNECT has none;
// EVENT and BINARY_EVENT have a non-empty array whose first element is a
// number or a string that is not reserved ([IsReserved]); ACK and
// BINARY_ACK have an array; CONNECT_ERROR has an object or a string.
type Decoder struct {
	// Limits bounds what the Decoder accepts; set it before the first call.
	Limits Limits
	// DeferArguments leaves the arguments of an EVENT packet (text, not
	// BINARY_EVENT) unchecked when there are any: the packet's shape, its
	// event name and what precedes the arguments are checked as always,
	// and the rest is left in [Packet.Deferred]. A receiver whose checking
	// decoder reads the arguments in place saves a scan of them; every
	// other use must call [Packet.CheckDeferred] or
	// [Packet.DeferredArguments] first, which apply the checks the Decoder
	// would have (the same error codes, the same Limits).
	DeferArguments bool

	pending *Packet // binary packet awaiting attachments
	want    int     // attachment count of pending
	size    int     // bytes of pending's attachments so far
	lastNsp string  // last namespace decoded, reused to save allocations
}

// DecodeText decodes one text message, the Engine.IO message payload
// without its "4" prefix. It returns the packet and complete == true,
// except for a binary packet announcing attachments: then it returns nil
// and false, and the packet completes with its last [Decoder.DecodeBinary].
// A text message while attachments are awaited is an error
// ([CodeUnexpectedText]). Every error is an [*Error].
//
// The packet aliases b; see [Packet].
func (d *Decoder) DecodeText(b []byte) (p *Packet, complete bool, err error) {
	if d.pending != nil {
		want, got := d.want, len(d.pending.Attachments)
		d.Reset()
		return nil, false, newError(CodeUnexpectedText,
			"text message while awaiting attachment "+strconv.Itoa(got+1)+" of "+strconv.Itoa(want))
	}
	p, n, err := d.parse(b)
	if err != nil {
		return nil, false, err
	}
	if n == 0 {
		return p, true, nil
	}
	p.Attachments = make([][]byte, 0, min(n, DefaultMaxAttachments))
	d.pending, d.want, d.size = p, n, 0
	return nil, false, nil
}

// DecodeBinary adds b, one binary message, as the next attachment of the
// pending binary packet. It returns the packet and complete == true when b
// is its last attachment, else nil and false. A binary message with no
// pending packet is an error ([CodeUnexpectedBinary]), as is exceeding
// [Limits.MaxAttachmentBytes]. Every error is an [*Error].
//
// The packet keeps b as an attachment; see [Packet].
func (d *Decoder) DecodeBinary(b []byte) (p *Packet, complete bool, err error) {
	p = d.pending
	if p == nil {
		return nil, false, newError(CodeUnexpectedBinary, "binary message with no binary packet awaiting attachments")
	}
	d.size += len(b)
	if limit := d.Limits.MaxAttachmentBytes; limit > 0 && d.size > limit {
		d.Reset()
		return nil, false, newError(CodeAttachmentsTooLarge, "attachments exceed "+strconv.Itoa(limit)+" bytes")
	}
	p.Attachments = append(p.Attachments, b)
	if len(p.Attachments) < d.want {
		return nil, false, nil
	}
	d.pending, d.want, d.size = nil, 0, 0
	return p, true, nil
}

// Reset drops the pending binary packet, if any, so that the next message
// must be a text packet. Call it when the connection's transport restarts.
func (d *Decoder) Reset() {
	d.pending, d.want, d.size = nil, 0, 0
}

// parse decodes a text packet and returns it with its attachment count.
func (d *Decoder) parse(b []byte) (*Packet, int, error) {
	if len(b) == 0 {
		return nil, 0, newError(CodeType, "empty packet")
	}
	if b[0] < '0' || b[0] > '6' {
		return nil, 0, errAt(CodeType, 0, "invalid packet type "+strconv.QuoteRune(rune(b[0])))
	}
	p := newPacket(Type(b[0] - '0'))
	i := 1

	// Attachment count.
	n := 0
	if p.Type.binary() {
		v, end, ok := parseUint(b, i)
		if end == i || end == len(b) || b[end] != '-' {
			return nil, 0, errAt(CodeAttachmentCount, end, "attachment count must be decimal digits followed by '-'")
		}
		if limit := d.Limits.maxAttachments(); !ok || v > int64(limit) {
			return nil, 0, errAt(CodeTooManyAttachments, i, "attachment count "+string(b[i:end])+" exceeds "+strconv.Itoa(limit))
		}
		n, i = int(v), end+1
	}

	// Namespace: from '/' to ',' or the end.
	if i < len(b) && b[i] == '/' {
		end := len(b)
		if j := bytes.IndexByte(b[i:], ','); j >= 0 {
			end = i + j
		}
		nsp := b[i:end]
		if !utf8.Valid(nsp) {
			return nil, 0, errAt(CodeNamespace, i, "namespace is not valid UTF-8")
		}
		p.Namespace = d.namespace(nsp)
		i = min(end+1, len(b))
	}

	// Ack id.
	if i < len(b) && isDigit(b[i]) {
		v, end, ok := parseUint(b, i)
		if !ok {
			return nil, 0, errAt(CodeAckID, i, "ack id overflows int64")
		}
		p.ID, p.HasID, i = v, true, end
	}

	// Payload.
	if i == len(b) {
		if p.Type != Connect && p.Type != Disconnect {
			return nil, 0, newError(CodePayload, p.Type.String()+" packet has no payload")
		}
		return p, n, nil
	}
	data := b[i:len(b):len(b)]
	if d.DeferArguments && p.Type == Event {
		name, rest, err := splitEventName(data, i)
		if err != nil {
			return nil, 0, err
		}
		p.Data, p.Elements = data, append(p.Elements, name)
		if rest != nil {
			p.Deferred, p.depth = rest, d.Limits.maxDepth()
		}
		return p, n, nil
	}
	elems, err := d.checkPayload(p.Type, data, i, n, p.Elements)
	if err != nil {
		return nil, 0, err
	}
	p.Data, p.Elements = data, elems
	return p, n, nil
}

// splitEventName checks the start of data, an EVENT payload found at
// offset base, up to its event name, and returns the name and the text
// after the comma that follows it, or a nil rest when the name ends the
// array (then the whole payload has been checked).
func splitEventName(data []byte, base int) (name, rest []byte, err error) {
	j := skipSpace(data, 0)
	if j == len(data) || data[j] != '[' {
		// Not an array: the full check says what is wrong.
		var d Decoder
		_, err := d.checkPayload(Event, data, base, 0, nil)
		return nil, nil, err
	}
	i := skipSpace(data, j+1)
	var end int
	switch c := byteAt(data, i); {
	case c == '"':
		e, esc, bad := scanString(data, i)
		if bad >= 0 {
			return nil, nil, errAt(CodeJSON, base+bad, "invalid string")
		}
		if reservedRaw(data[i+1:e-1], esc) {
			return nil, nil, errAt(CodeReservedName, base+i, "reserved event name "+string(data[i:e]))
		}
		end = e
	case c == '-' || isDigit(c):
		e, _, ok := scanNumber(data, i)
		if !ok {
			return nil, nil, errAt(CodeJSON, base+i, "invalid number")
		}
		end = e
	case c == ']':
		return nil, nil, errAt(CodePayload, base+i, "event payload is an empty array")
	default:
		return nil, nil, errAt(CodePayload, base+i, "event name is not a string or a number")
	}
	k := skipSpace(data, end)
	switch byteAt(data, k) {
	case ',':
		return data[i:end], data[k+1:], nil
	case ']':
		if k = skipSpace(data, k+1); k != len(data) {
			return nil, nil, errAt(CodeJSON, base+k, "invalid character "+strconv.QuoteRune(rune(data[k]))+" after top-level value")
		}
		return data[i:end], nil, nil
	}
	return nil, nil, errAt(CodeJSON, base+k, "expected ',' or ']' after the event name")
}

// byteAt returns data[i], or 0 past the end.
func byteAt(data []byte, i int) byte {
	if i < len(data) {
		return data[i]
	}
	return 0
}

// CheckDeferred applies to the deferred arguments of p, if any, the checks
// the [Decoder] left out: on success Elements hold every element and
// Deferred is nil; on failure it returns the [*Error] the Decoder would
// have, and p is unchanged.
func (p *Packet) CheckDeferred() error {
	if p.Deferred == nil {
		return nil
	}
	// The elements go where the name is, in the packet's own room: the
	// first one the check finds is the name again, so a failed check
	// leaves Elements as they were.
	elems, err := p.checkAll(p.Elements[:0])
	if err != nil {
		return err
	}
	p.Elements, p.Deferred = elems, nil
	return nil
}

// DeferredArguments returns the arguments of p, an EVENT whose arguments
// were deferred, checked as the [Decoder] would have, without changing p:
// safe for concurrent use.
func (p *Packet) DeferredArguments() ([][]byte, error) {
	elems, err := p.checkAll(nil)
	if err != nil {
		return nil, err
	}
	return elems[1:], nil
}

// checkAll checks the whole payload of p as the Decoder does, appending
// the elements to elems.
func (p *Packet) checkAll(elems [][]byte) ([][]byte, error) {
	d := Decoder{Limits: Limits{MaxDepth: p.depth}}
	return d.checkPayload(p.Type, p.Data, 0, 0, elems)
}

// DeferredDepth is how deeply the deferred arguments of p may nest, an
// argument that is an array or object counting as 1: the Decoder's
// MaxDepth less the payload's own array.
func (p *Packet) DeferredDepth() int { return p.depth - 1 }

// inlineElements is how many array elements a decoded packet holds without
// an allocation of their own: an event name and three arguments.
const inlineElements = 4

// arrayPacket is a Packet with room for its Elements, so that a typical
// event costs one allocation.
type arrayPacket struct {
	Packet
	inline [inlineElements][]byte
}

// newPacket allocates a packet of type t in namespace "/"; the Elements of
// an array type are empty, with room for inlineElements.
func newPacket(t Type) *Packet {
	if !t.array() {
		return &Packet{Type: t, Namespace: "/"}
	}
	ap := &arrayPacket{Packet: Packet{Type: t, Namespace: "/"}}
	ap.Elements = ap.inline[:0]
	return &ap.Packet
}

// checkPayload validates data, the payload of a packet of type t found at
// offset base, against the JSON grammar, the limits and the shape t
// requires; n is the attachment count. For an array type, it returns elems
// extended with the array's elements, capacity clipped.
func (d *Decoder) checkPayload(t Type, data []byte, base, n int, elems [][]byte) ([][]byte, error) {
	// Reject by the first byte before scanning: it tells the kind of any
	// valid value.
	j := skipSpace(data, 0)
	var c byte
	if j < len(data) {
		c = data[j]
	}
	switch c {
	case '{', '[', '"', 't', 'f', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
	default:
		if j == 0 {
			return nil, errAt(CodeAckID, base, "invalid character "+strconv.QuoteRune(rune(c))+" where an ack id or a JSON payload must start")
		}
		return nil, errAt(CodeJSON, base+j, "payload is not a JSON value")
	}
	var ok bool
	switch t {
	case Connect:
		ok = c == '{'
	case Disconnect:
		ok = false
	case Event, BinaryEvent, Ack, BinaryAck:
		ok = c == '['
	case ConnectError:
		ok = c == '{' || c == '"'
	}
	if !ok {
		return nil, errAt(CodePayload, base+j, "invalid payload for a "+t.String()+" packet")
	}

	s := scanner{base: base, maxDepth: d.Limits.maxDepth(), track: t.binary(), limit: n, collect: t.array()}
	_, elems, err := s.scan(data, elems)
	if err != nil {
		return nil, err
	}
	if t == Event || t == BinaryEvent {
		if err := checkEventName(data, base); err != nil {
			return nil, err
		}
	}
	return elems[:len(elems):len(elems)], nil
}

// checkEventName checks the first element of data, a valid JSON array,
// found at offset base.
func checkEventName(data []byte, base int) error {
	i := skipSpace(data, skipSpace(data, 0)+1)
	switch c := data[i]; {
	case c == '"':
		end, esc, _ := scanString(data, i)
		if reservedRaw(data[i+1:end-1], esc) {
			return errAt(CodeReservedName, base+i, "reserved event name "+string(data[i:end]))
		}
	case c == '-' || isDigit(c):
	case c == ']':
		return errAt(CodePayload, base+i, "event payload is an empty array")
	default:
		return errAt(CodePayload, base+i, "event name is not a string or a number")
	}
	return nil
}

// namespace returns nsp, a namespace starting with '/', as a string,
// reusing the previous one when it is the same.
func (d *Decoder) namespace(nsp []byte) string {
	if len(nsp) == 1 {
		return "/"
	}
	if string(nsp) != d.lastNsp {
		d.lastNsp = string(nsp)
	}
	return d.lastNsp
}

// parseUint parses the decimal digits of b from i. It returns the value,
// the offset after the digits, and false if the value overflows int64.
func parseUint(b []byte, i int) (v int64, end int, ok bool) {
	ok = true
	for ; i < len(b) && isDigit(b[i]); i++ {
		d := int64(b[i] - '0')
		if v > (1<<63-1-d)/10 {
			ok = false
			continue
		}
		if ok {
			v = v*10 + d
		}
	}
	return v, i, ok
}
