package parser

// EventHead is what [PeekEvent] reads of an EVENT or BINARY_EVENT text
// message without scanning its arguments: enough to apply limits to the
// event before it is decoded.
type EventHead struct {
	// Attachments is the attachment count a BINARY_EVENT announces (0 for
	// an EVENT).
	Attachments int
	// Namespace is the namespace as written, "/" when absent; it aliases
	// the message.
	Namespace []byte
	// ID is the ack id, meaningful when HasID is set.
	ID    int64
	HasID bool
	// Name is the event name's JSON as written (a string with its quotes,
	// or a number); it aliases the message. NameEscaped reports a string
	// with escapes, which [UnquoteString] turns into the name.
	Name        []byte
	NameEscaped bool
	// ArgsSize is the size in bytes of the arguments' JSON: the payload
	// after the event name and its comma, without the closing bracket and
	// the white space around it.
	ArgsSize int
}

// PeekEvent reads the head of b, a text message (without the Engine.IO
// prefix "4"), when it is an EVENT or BINARY_EVENT: type, attachment count,
// namespace, ack id and event name, and the size of the arguments. It
// reads the event name only, never the arguments: the cost does not grow
// with the payload. ok is false for any other packet, and for a head that
// is malformed; the [Decoder] then tells what is wrong. A message that
// PeekEvent accepts may still fail to decode.
func PeekEvent(b []byte) (h EventHead, ok bool) {
	if len(b) == 0 || (b[0] != '0'+byte(Event) && b[0] != '0'+byte(BinaryEvent)) {
		return h, false
	}
	i := 1
	if b[0] == '0'+byte(BinaryEvent) {
		v, end, fits := parseUint(b, i)
		if !fits || end == i || end == len(b) || b[end] != '-' || v > 1<<20 {
			return h, false
		}
		h.Attachments, i = int(v), end+1
	}
	h.Namespace = b[i:i]
	if i < len(b) && b[i] == '/' {
		end := i
		for end < len(b) && b[end] != ',' {
			end++
		}
		h.Namespace = b[i:end]
		i = min(end+1, len(b))
	}
	if len(h.Namespace) == 0 {
		h.Namespace = slash
	}
	if i < len(b) && isDigit(b[i]) {
		v, end, fits := parseUint(b, i)
		if !fits {
			return h, false
		}
		h.ID, h.HasID, i = v, true, end
	}
	data := b[i:]
	j := skipSpace(data, 0)
	if j >= len(data) || data[j] != '[' {
		return h, false
	}
	j = skipSpace(data, j+1)
	if j >= len(data) {
		return h, false
	}
	var end int
	switch c := data[j]; {
	case c == '"':
		var bad int
		end, h.NameEscaped, bad = scanString(data, j)
		if bad >= 0 {
			return h, false
		}
	case c == '-' || isDigit(c):
		var valid bool
		end, _, valid = scanNumber(data, j)
		if !valid {
			return h, false
		}
	default:
		return h, false
	}
	h.Name = data[j:end]
	k := skipSpace(data, end)
	if k < len(data) && data[k] == ',' {
		k = skipSpace(data, k+1)
	}
	last := len(data)
	for last > k && isSpace(data[last-1]) {
		last--
	}
	if last > k && data[last-1] == ']' {
		last--
	}
	for last > k && isSpace(data[last-1]) {
		last--
	}
	h.ArgsSize = last - k
	return h, true
}

var slash = []byte{'/'}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
