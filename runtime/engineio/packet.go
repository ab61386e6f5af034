package engineio

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
)

// packetType is the Engine.IO packet type, an ASCII digit on the wire.
type packetType byte

const (
	packetOpen    packetType = '0'
	packetClose   packetType = '1'
	packetPing    packetType = '2'
	packetPong    packetType = '3'
	packetMessage packetType = '4'
	packetUpgrade packetType = '5'
	packetNoop    packetType = '6'
)

// recordSeparator joins packets in a polling payload.
const recordSeparator = 0x1e

// MessageType tells text from binary messages.
type MessageType int

const (
	// MessageText is a UTF-8 text message: a text frame on websocket, "4..."
	// in a polling payload.
	MessageText MessageType = iota + 1
	// MessageBinary is a binary message: a binary frame on websocket,
	// "b<base64>" in a polling payload.
	MessageBinary
)

// String returns "text" or "binary".
func (t MessageType) String() string {
	switch t {
	case MessageText:
		return "text"
	case MessageBinary:
		return "binary"
	}
	return fmt.Sprintf("MessageType(%d)", int(t))
}

// Message is an outgoing Engine.IO packet, encoded once and shareable between
// any number of connections: broadcasting one Message to many [Conn]s writes
// the same bytes to each of them.
//
// A Message is immutable after [NewMessage] and safe for concurrent use; the
// data passed to NewMessage must not be modified afterwards.
type Message struct {
	kind   packetType
	binary bool
	// wire is the packet as written on websocket: the type digit and the
	// text for text packets, the raw bytes for binary ones. Text packets use
	// the same bytes in polling payloads.
	wire []byte

	// frame is wire as one unmasked websocket frame (header, then wire),
	// as the server writes it: built with the message for text packets
	// (wire follows the header in the same array), on first use for
	// binary ones, whose data NewMessage does not copy.
	frame     []byte
	frameOnce sync.Once // binary packets

	b64Once sync.Once
	b64     []byte // "b" + base64(wire), the polling form of a binary packet
}

// NewMessage returns a message packet of the given type carrying data.
// NewMessage does not copy data when typ is [MessageBinary].
func NewMessage(typ MessageType, data []byte) *Message {
	if typ == MessageBinary {
		return &Message{kind: packetMessage, binary: true, wire: data}
	}
	return controlPacket(packetMessage, data)
}

// NewTextMessageFunc returns a text message of n bytes that write appends
// to an empty slice with room for them: the message is built in place,
// with no copy. When write appends other than n bytes, the message is what
// it appended, copied.
func NewTextMessageFunc(n int, write func(b []byte) []byte) *Message {
	h := frameHeaderLen(1 + n)
	m, buf := newFramed(h + 1 + n)
	putFrameHeader(buf[:h], wsOpText, 1+n)
	buf[h] = byte(packetMessage)
	out := write(buf[h+1 : h+1 : h+1+n])
	if len(out) != n || (n > 0 && &out[0] != &buf[h+1 : h+1+n][0]) {
		return NewMessage(MessageText, out)
	}
	m.kind, m.wire, m.frame = packetMessage, buf[h:], buf
	return m
}

// controlPacket returns a text packet of kind k with payload data.
func controlPacket(k packetType, data []byte) *Message {
	n := 1 + len(data)
	h := frameHeaderLen(n)
	m, buf := newFramed(h + n)
	putFrameHeader(buf[:h], wsOpText, n)
	buf[h] = byte(k)
	copy(buf[h+1:], data)
	m.kind, m.wire, m.frame = k, buf[h:], buf
	return m
}

// newFramed returns a new message and size bytes for its frame, in one
// allocation when the frame is small (the sizes fill Go's 256, 512 and
// 1024-byte size classes with a 104-byte Message).
func newFramed(size int) (*Message, []byte) {
	switch {
	case size <= 152:
		x := new(struct {
			m Message
			b [152]byte
		})
		return &x.m, x.b[:size:size]
	case size <= 408:
		x := new(struct {
			m Message
			b [408]byte
		})
		return &x.m, x.b[:size:size]
	case size <= 920:
		x := new(struct {
			m Message
			b [920]byte
		})
		return &x.m, x.b[:size:size]
	}
	return new(Message), make([]byte, size)
}

// wsFrame returns the message as one unmasked websocket frame.
func (m *Message) wsFrame() []byte {
	if !m.binary {
		return m.frame // set by controlPacket
	}
	m.frameOnce.Do(func() {
		h := frameHeaderLen(len(m.wire))
		f := make([]byte, h+len(m.wire))
		putFrameHeader(f[:h], wsOpBinary, len(m.wire))
		copy(f[h:], m.wire)
		m.frame = f
	})
	return m.frame
}

// Websocket opcodes (RFC 6455, section 5.2).
const (
	wsOpText   = 1
	wsOpBinary = 2
)

// frameHeaderLen returns the length of the header of an unmasked frame
// carrying n bytes.
func frameHeaderLen(n int) int {
	switch {
	case n < 126:
		return 2
	case n <= 0xffff:
		return 4
	}
	return 10
}

// putFrameHeader writes into h (of frameHeaderLen(n) bytes) the header of
// a final, unmasked frame with the given opcode carrying n bytes.
func putFrameHeader(h []byte, op byte, n int) {
	h[0] = 0x80 | op
	switch len(h) {
	case 2:
		h[1] = byte(n)
	case 4:
		h[1] = 126
		binary.BigEndian.PutUint16(h[2:], uint16(n))
	default:
		h[1] = 127
		binary.BigEndian.PutUint64(h[2:], uint64(n))
	}
}

// Type returns the message's type.
func (m *Message) Type() MessageType {
	if m.binary {
		return MessageBinary
	}
	return MessageText
}

// Data returns the message's payload. The caller must not modify it.
func (m *Message) Data() []byte {
	if m.binary {
		return m.wire
	}
	return m.wire[1:]
}

// pollingForm returns the packet as it appears in a polling payload.
func (m *Message) pollingForm() []byte {
	if !m.binary {
		return m.wire
	}
	m.b64Once.Do(func() {
		b := make([]byte, 1+base64.StdEncoding.EncodedLen(len(m.wire)))
		b[0] = 'b'
		base64.StdEncoding.Encode(b[1:], m.wire)
		m.b64 = b
	})
	return m.b64
}

// Shared control packets: they carry no data and are never modified.
var (
	pingPacket      = controlPacket(packetPing, nil)
	pongPacket      = controlPacket(packetPong, nil)
	probePingPacket = controlPacket(packetPing, []byte("probe"))
	probePongPacket = controlPacket(packetPong, []byte("probe"))
	closePacket     = controlPacket(packetClose, nil)
	upgradePacket   = controlPacket(packetUpgrade, nil)
	noopPacket      = controlPacket(packetNoop, nil)
)

// packet is a decoded incoming Engine.IO packet.
type packet struct {
	kind   packetType
	binary bool
	data   []byte
}

var errBadPacket = errors.New("invalid packet")

// decodeText decodes one text-encoded packet: a type digit and its data, or
// "b" and base64 for a binary message. The returned data aliases s except for
// binary packets.
func decodeText(s []byte) (packet, error) {
	if len(s) == 0 {
		return packet{}, fmt.Errorf("%w: empty packet", errBadPacket)
	}
	c := s[0]
	if c == 'b' {
		data := make([]byte, base64.StdEncoding.DecodedLen(len(s)-1))
		n, err := base64.StdEncoding.Decode(data, s[1:])
		if err != nil {
			return packet{}, fmt.Errorf("%w: bad base64: %v", errBadPacket, err)
		}
		return packet{kind: packetMessage, binary: true, data: data[:n]}, nil
	}
	if c < '0' || c > '6' {
		return packet{}, fmt.Errorf("%w: unknown packet type %q", errBadPacket, c)
	}
	return packet{kind: packetType(c), data: s[1:]}, nil
}

// appendPayload appends msgs to dst as a polling payload: packets joined by
// the record separator.
func appendPayload(dst []byte, msgs []*Message) []byte {
	for i, m := range msgs {
		if i > 0 {
			dst = append(dst, recordSeparator)
		}
		dst = append(dst, m.pollingForm()...)
	}
	return dst
}

// decodePayload splits a polling payload into packets and calls fn for each,
// stopping at the first error. The data passed to fn aliases body.
func decodePayload(body []byte, fn func(packet) error) error {
	for {
		i := bytes.IndexByte(body, recordSeparator)
		seg := body
		if i >= 0 {
			seg = body[:i]
		}
		p, err := decodeText(seg)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		if i < 0 {
			return nil
		}
		body = body[i+1:]
	}
}
