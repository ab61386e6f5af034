package parser

import (
	"strconv"
	"unicode/utf8"

	"github.com/siogen/siogen/runtime/internal/jsonstr"
)

// This file holds the JSON scanner: one iterative pass that checks RFC 8259
// syntax (plus UTF-8 validity inside strings), the nesting depth, and,
// optionally, the binary placeholders. It never builds values and never
// allocates unless nesting exceeds the inline stack.

// kind is the kind of a JSON value.
type kind uint8

const (
	kindNone kind = iota // no value: the payload is absent
	kindObject
	kindArray
	kindString
	kindNumber
	kindTrue
	kindFalse
	kindNull
)

// Key classes, tracked only to recognize placeholder objects.
const (
	keyOther uint8 = iota
	keyPlaceholder
	keyNum
)

// frame is one open array or object.
type frame struct {
	obj bool  // object (true) or array
	key uint8 // class of the key whose value is being scanned (objects)
	ph  bool  // the last "_placeholder" member was true (objects)
	num int32 // the last "num" member as an index, or -1 (objects)
}

// scanner validates one JSON text. The zero value validates syntax only,
// with no depth limit.
type scanner struct {
	// base is added to offsets in error messages: the position of the
	// scanned bytes inside the packet.
	base int
	// maxDepth bounds nesting; 0 means no bound.
	maxDepth int
	// track recognizes placeholder objects: objects whose last
	// "_placeholder" member is true.
	track bool
	// limit, with track, is the attachment count: every placeholder must
	// have an integer num in [0, limit). A negative limit checks nothing.
	limit int
	// collect appends the elements of a top-level array to the elems
	// passed to scan.
	collect bool
	// topPH and topNum, with track, describe a top-level object.
	topPH  bool
	topNum int32
}

// scan validates data as one JSON text (a value with optional white space
// around it) and returns the kind of the value. With collect, it returns
// elems extended with the elements of a top-level array; the slice is
// passed in and out (not kept in s) so that a caller's buffer can stay on
// its stack.
func (s *scanner) scan(data []byte, elems [][]byte) (kind, [][]byte, error) {
	var inline [16]frame
	stack := inline[:0]
	elemStart := 0
	i := skipSpace(data, 0)
	for {
		// A value starts at i.
		if i >= len(data) {
			return kindNone, nil, s.errAt(CodeJSON, i, "unexpected end of JSON")
		}
		if s.collect && len(stack) == 1 {
			elemStart = i
		}
		k := kindNone
		num := int32(-1)
		switch c := data[i]; c {
		case '{', '[':
			if s.maxDepth > 0 && len(stack) >= s.maxDepth {
				return kindNone, nil, s.errAt(CodeTooDeep, i, "JSON nested deeper than "+strconv.Itoa(s.maxDepth))
			}
			obj := c == '{'
			closer := byte(']')
			k = kindArray
			if obj {
				closer, k = '}', kindObject
			}
			i = skipSpace(data, i+1)
			if i < len(data) && data[i] == closer {
				i++ // empty container: complete already
				break
			}
			stack = append(stack, frame{obj: obj, num: -1})
			if obj {
				var err error
				if i, err = s.key(data, i, &stack[len(stack)-1]); err != nil {
					return kindNone, nil, err
				}
			}
			continue
		case '"':
			end, _, err := s.str(data, i)
			if err != nil {
				return kindNone, nil, err
			}
			i, k = end, kindString
		case 't':
			if !hasLiteral(data, i, "true") {
				return kindNone, nil, s.errAt(CodeJSON, i, "invalid literal")
			}
			i, k = i+4, kindTrue
		case 'f':
			if !hasLiteral(data, i, "false") {
				return kindNone, nil, s.errAt(CodeJSON, i, "invalid literal")
			}
			i, k = i+5, kindFalse
		case 'n':
			if !hasLiteral(data, i, "null") {
				return kindNone, nil, s.errAt(CodeJSON, i, "invalid literal")
			}
			i, k = i+4, kindNull
		default:
			end, n, ok := scanNumber(data, i)
			if !ok {
				return kindNone, nil, s.errAt(CodeJSON, i, "invalid character "+strconv.QuoteRune(rune(c))+" looking for a value")
			}
			i, k, num = end, kindNumber, n
		}

		// A value of kind k ended at i; close every container it completes.
		for {
			if len(stack) == 0 {
				if i = skipSpace(data, i); i != len(data) {
					return kindNone, nil, s.errAt(CodeJSON, i, "invalid character "+strconv.QuoteRune(rune(data[i]))+" after top-level value")
				}
				return k, elems, nil
			}
			f := &stack[len(stack)-1]
			if f.obj {
				if s.track {
					switch f.key {
					case keyPlaceholder:
						f.ph = k == kindTrue
					case keyNum:
						f.num = num
					}
				}
			} else if s.collect && len(stack) == 1 {
				elems = append(elems, data[elemStart:i])
			}
			i = skipSpace(data, i)
			if i >= len(data) {
				return kindNone, nil, s.errAt(CodeJSON, i, "unexpected end of JSON")
			}
			c := data[i]
			if c == ',' {
				i = skipSpace(data, i+1)
				if f.obj {
					var err error
					if i, err = s.key(data, i, f); err != nil {
						return kindNone, nil, err
					}
				}
				break // scan the next value
			}
			if f.obj && c == '}' {
				if f.ph {
					if len(stack) == 1 {
						s.topPH, s.topNum = true, f.num
					}
					if s.limit >= 0 && (f.num < 0 || int(f.num) >= s.limit) {
						return kindNone, nil, s.errAt(CodePlaceholder, i, "placeholder num is not an index below the attachment count "+strconv.Itoa(s.limit))
					}
				}
				k = kindObject
			} else if !f.obj && c == ']' {
				k = kindArray
			} else {
				return kindNone, nil, s.errAt(CodeJSON, i, "invalid character "+strconv.QuoteRune(rune(c))+" after element")
			}
			i++
			num = -1
			stack = stack[:len(stack)-1]
		}
	}
}

// key scans an object key starting at i, then the ':' after it, and returns
// the offset of the member's value.
func (s *scanner) key(data []byte, i int, f *frame) (int, error) {
	if i >= len(data) || data[i] != '"' {
		return 0, s.errAt(CodeJSON, i, "expected object key")
	}
	end, esc, err := s.str(data, i)
	if err != nil {
		return 0, err
	}
	if s.track {
		f.key = classifyKey(data[i+1:end-1], esc)
	}
	i = skipSpace(data, end)
	if i >= len(data) || data[i] != ':' {
		return 0, s.errAt(CodeJSON, i, "expected ':' after object key")
	}
	return skipSpace(data, i+1), nil
}

// str scans the string starting at data[i] == '"'; see scanString.
func (s *scanner) str(data []byte, i int) (end int, esc bool, err error) {
	end, esc, bad := scanString(data, i)
	if bad >= 0 {
		return 0, false, s.errAt(CodeJSON, bad, "invalid string")
	}
	return end, esc, nil
}

func (s *scanner) errAt(code Code, off int, msg string) error {
	return errAt(code, s.base+off, msg)
}

// classifyKey returns the class of the object key whose content (between
// the quotes) is raw.
func classifyKey(raw []byte, esc bool) uint8 {
	if esc {
		var buf [16]byte
		if len(raw) > 6*len("_placeholder") {
			return keyOther
		}
		raw = appendUnquote(buf[:0], raw)
	}
	switch string(raw) {
	case "_placeholder":
		return keyPlaceholder
	case "num":
		return keyNum
	}
	return keyOther
}

// scanString scans the JSON string starting at data[i] == '"'. It returns
// the offset just past the closing quote and whether the string holds
// escapes; on error, bad is the offset of the offending byte (else -1).
func scanString(data []byte, i int) (end int, esc bool, bad int) {
	i++
	for {
		i += jsonstr.PlainPrefix(data[i:])
		if i >= len(data) {
			return 0, false, i
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, esc, -1
		case c == '\\':
			esc = true
			if i+1 >= len(data) {
				return 0, false, i
			}
			switch data[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(data) || hex4(data[i+2:i+6]) < 0 {
					return 0, false, i
				}
				i += 6
			default:
				return 0, false, i
			}
		case c < 0x20:
			return 0, false, i
		default:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				return 0, false, i
			}
			i += size
		}
	}
}

// scanNumber scans the JSON number starting at data[i]. It returns the
// offset just past it, the number as an index when it is written as a
// non-negative integer that fits an int32 (else -1), and whether it is a
// valid number at all.
func scanNumber(data []byte, i int) (end int, index int32, ok bool) {
	index = -1
	neg := data[i] == '-'
	if neg {
		i++
	}
	if i >= len(data) || !isDigit(data[i]) {
		return 0, -1, false
	}
	n := int64(0)
	if data[i] == '0' {
		i++
	} else {
		for i < len(data) && isDigit(data[i]) {
			if n <= 1<<31 {
				n = n*10 + int64(data[i]-'0')
			}
			i++
		}
	}
	simple := !neg
	if i < len(data) && data[i] == '.' {
		simple = false
		i++
		if i >= len(data) || !isDigit(data[i]) {
			return 0, -1, false
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		simple = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) || !isDigit(data[i]) {
			return 0, -1, false
		}
		for i < len(data) && isDigit(data[i]) {
			i++
		}
	}
	if simple && n <= 1<<31-1 {
		index = int32(n)
	}
	return i, index, true
}

// hex4 decodes four hex digits, or returns -1.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r<<4 | rune(c)
	}
	return r
}

func hasLiteral(data []byte, i int, lit string) bool {
	return len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit
}

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
