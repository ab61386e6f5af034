package sio

// The reflection-free JSON of generated payload types: gogen emits
// AppendJSON, ReadJSON and DecodeJSON methods for the types it can encode
// and decode itself, built on the helpers here, and the runtime uses them
// before its reflective codec (see encodeArgs and decodeInput). They agree
// byte for byte with the reflective codec, which takes over whenever they
// meet something they do not handle.

import (
	"errors"
	"math"
	"strconv"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// JSONDecoder is implemented by the payload types gogen generates, on
// their pointers: DecodeJSON returns a new value decoded from data without
// reflection, or false when data holds anything it cannot decode exactly
// as the reflective decoder would (unknown or duplicate members, members
// matched only case-insensitively, escapes in member names, numbers out of
// range, invalid UTF-8, nesting deeper than 1,000, ...). The receiver is
// not used and may be nil, so that the runtime can call the method on the
// zero value of a payload pointer.
//
// The typed handlers ([Handle], [HandleAck], client handlers) and
// [DecodeAck] try it before the reflective decoder; the result is the same
// value either way.
type JSONDecoder[T any] interface {
	DecodeJSON(data []byte) (T, bool)
}

// JSONReaderFrom is implemented by pointers to generated payload types:
// ReadJSON decodes the value r is at into the receiver, a zero value, and
// reports false when r meets anything it cannot decode exactly as the
// reflective decoder would. After false, r and the receiver are in an
// unspecified state.
type JSONReaderFrom interface {
	ReadJSON(r *JSONReader) bool
}

// DecodeJSON decodes data, one JSON value, into a new T with T's
// generated ReadJSON method; it reports false when the method does or
// when anything but whitespace follows the value. Generated DecodeJSON
// methods call it.
func DecodeJSON[T any, PT interface {
	*T
	JSONReaderFrom
}](data []byte) (*T, bool) {
	r := readerPool.Get().(*JSONReader)
	*r = JSONReader{data: data, buf: r.buf[:0]}
	v := PT(new(T))
	ok := v.ReadJSON(r) && r.peek() == 0 && r.pos == len(data)
	r.data = nil
	if cap(r.buf) <= 4096 {
		readerPool.Put(r)
	}
	if !ok {
		return nil, false
	}
	return v, true
}

var readerPool = sync.Pool{New: func() any { return new(JSONReader) }}

// maxReadDepth bounds the nesting a [JSONReader] follows; deeper values
// are left to the reflective decoder.
const maxReadDepth = 1000

// JSONReader reads the JSON text of one value for generated ReadJSON
// methods. It accepts a strict subset of what the reflective decoder
// accepts: every method reports false, without a reason, when the input
// is malformed or outside that subset, and decoding then starts over with
// the reflective decoder. A JSONReader is used by one goroutine.
type JSONReader struct {
	data  []byte
	pos   int
	depth int
	first bool   // just after '{' or '['
	buf   []byte // scratch for unescaping strings
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (r *JSONReader) peek() byte {
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; c {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return c
		}
	}
	return 0
}

func (r *JSONReader) literal(lit string) bool {
	if len(r.data)-r.pos < len(lit) || string(r.data[r.pos:r.pos+len(lit)]) != lit {
		return false
	}
	r.pos += len(lit)
	return true
}

// Null consumes a null and reports whether there was one.
func (r *JSONReader) Null() bool { return r.peek() == 'n' && r.literal("null") }

// BeginObject consumes the '{' of an object.
func (r *JSONReader) BeginObject() bool { return r.begin('{') }

// BeginArray consumes the '[' of an array.
func (r *JSONReader) BeginArray() bool { return r.begin('[') }

func (r *JSONReader) begin(c byte) bool {
	if r.peek() != c || r.depth >= maxReadDepth {
		return false
	}
	r.pos++
	r.depth++
	r.first = true
	return true
}

// More reports whether the object or array being read has another member
// or element, consuming the comma before it. It returns false at the end,
// and on malformed input, which [JSONReader.EndObject] or
// [JSONReader.EndArray] then rejects.
func (r *JSONReader) More() bool {
	c := r.peek()
	if c == '}' || c == ']' || c == 0 {
		return false
	}
	if r.first {
		r.first = false
		return true
	}
	if c != ',' {
		return false
	}
	r.pos++
	return true
}

// EndObject consumes the '}' of an object.
func (r *JSONReader) EndObject() bool { return r.end('}') }

// EndArray consumes the ']' of an array.
func (r *JSONReader) EndArray() bool { return r.end(']') }

func (r *JSONReader) end(c byte) bool {
	if r.peek() != c {
		return false
	}
	r.pos++
	r.depth--
	r.first = false
	return true
}

// Name reads a member name and its colon and returns the name's bytes,
// valid until the next call; it returns nil for a name with escapes or
// non-ASCII bytes, which generated code treats as unknown.
func (r *JSONReader) Name() []byte {
	if r.peek() != '"' {
		return nil
	}
	start := r.pos + 1
	for i := start; i < len(r.data); i++ {
		c := r.data[i]
		if c == '"' {
			r.pos = i + 1
			if r.peek() != ':' {
				return nil
			}
			r.pos++
			return r.data[start:i]
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return nil
		}
	}
	return nil
}

// MapKey reads a member name of a map, any string, and its colon.
func (r *JSONReader) MapKey(k *string) bool {
	if !r.String(k) || r.peek() != ':' {
		return false
	}
	r.pos++
	return true
}

// String reads a string. Escapes are decoded; a string with invalid UTF-8
// or a lone surrogate is refused (the reflective decoder repairs them).
func (r *JSONReader) String(s *string) bool {
	if r.peek() != '"' {
		return false
	}
	start := r.pos + 1
	for i := start; i < len(r.data); i++ {
		c := r.data[i]
		if c == '"' {
			*s = string(r.data[start:i])
			r.pos = i + 1
			return true
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
	}
	return r.stringSlow(s, start)
}

func (r *JSONReader) stringSlow(s *string, start int) bool {
	buf := r.buf[:0]
	run := start // first byte not yet copied to buf
	for i := start; i < len(r.data); {
		c := r.data[i]
		switch {
		case c == '"', c == '\\':
			if !utf8.Valid(r.data[run:i]) {
				return false
			}
			buf = append(buf, r.data[run:i]...)
			if c == '"' {
				*s = string(buf)
				r.buf = buf
				r.pos = i + 1
				return true
			}
			var n int
			if buf, n = appendUnescaped(buf, r.data[i:]); n == 0 {
				return false
			}
			i += n
			run = i
		case c < 0x20:
			return false
		default:
			i++
		}
	}
	return false
}

// appendUnescaped decodes the escape at the start of src and returns the
// bytes it used, 0 when it is malformed or a lone surrogate.
func appendUnescaped(dst, src []byte) ([]byte, int) {
	if len(src) < 2 {
		return dst, 0
	}
	switch src[1] {
	case '"', '\\', '/':
		return append(dst, src[1]), 2
	case 'b':
		return append(dst, '\b'), 2
	case 'f':
		return append(dst, '\f'), 2
	case 'n':
		return append(dst, '\n'), 2
	case 'r':
		return append(dst, '\r'), 2
	case 't':
		return append(dst, '\t'), 2
	case 'u':
		r1, ok := hex4(src[2:])
		if !ok {
			return dst, 0
		}
		if !utf16.IsSurrogate(r1) {
			return utf8.AppendRune(dst, r1), 6
		}
		if len(src) < 12 || src[6] != '\\' || src[7] != 'u' {
			return dst, 0
		}
		r2, ok := hex4(src[8:])
		if r := utf16.DecodeRune(r1, r2); ok && r != utf8.RuneError {
			return utf8.AppendRune(dst, r), 12
		}
	}
	return dst, 0
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// Time reads an RFC 3339 timestamp as [time.Time.UnmarshalText] does.
func (r *JSONReader) Time(t *time.Time) bool {
	if r.peek() != '"' {
		return false
	}
	start := r.pos + 1
	for i := start; i < len(r.data); i++ {
		if c := r.data[i]; c == '"' {
			r.pos = i + 1
			return t.UnmarshalText(r.data[start:i]) == nil
		} else if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break // escapes: not in a timestamp the encoder writes
		}
	}
	return false
}

// Bool reads true or false.
func (r *JSONReader) Bool(b *bool) bool {
	switch r.peek() {
	case 't':
		*b = true
		return r.literal("true")
	case 'f':
		*b = false
		return r.literal("false")
	}
	return false
}

// Int32 reads an integer in the range of int32.
func (r *JSONReader) Int32(v *int32) bool {
	n, ok := r.integer(32)
	*v = int32(n)
	return ok
}

// Int64 reads an integer in the range of int64.
func (r *JSONReader) Int64(v *int64) bool {
	n, ok := r.integer(64)
	*v = n
	return ok
}

// integer reads an integer without fraction or exponent that fits in bits
// bits and has at most 19 digits.
func (r *JSONReader) integer(bits uint) (int64, bool) {
	r.peek()
	i := r.pos
	neg := i < len(r.data) && r.data[i] == '-'
	if neg {
		i++
	}
	start := i
	var u uint64
	for ; i < len(r.data) && r.data[i] >= '0' && r.data[i] <= '9'; i++ {
		if i-start == 19 {
			return 0, false
		}
		u = u*10 + uint64(r.data[i]-'0')
	}
	if n := i - start; n == 0 || n > 1 && r.data[start] == '0' {
		return 0, false
	}
	if i < len(r.data) && (r.data[i] == '.' || r.data[i] == 'e' || r.data[i] == 'E') {
		return 0, false
	}
	limit := uint64(1) << (bits - 1)
	if neg && u > limit || !neg && u >= limit {
		return 0, false
	}
	r.pos = i
	if neg {
		return -int64(u), true
	}
	return int64(u), true
}

// pow10 are the powers of ten that float64 holds exactly.
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// Float64 reads a number as strconv.ParseFloat does; a number out of
// range is refused.
func (r *JSONReader) Float64(v *float64) bool {
	r.peek()
	d := r.data
	i := r.pos
	start := i
	neg := i < len(d) && d[i] == '-'
	if neg {
		i++
	}
	var mant uint64
	digits, exp := 0, 0
	intStart := i
	for ; i < len(d) && d[i] >= '0' && d[i] <= '9'; i++ {
		mant = mant*10 + uint64(d[i]-'0')
		digits++
	}
	if n := i - intStart; n == 0 || n > 1 && d[intStart] == '0' {
		return false
	}
	if i < len(d) && d[i] == '.' {
		i++
		fracStart := i
		for ; i < len(d) && d[i] >= '0' && d[i] <= '9'; i++ {
			mant = mant*10 + uint64(d[i]-'0')
			digits++
		}
		if i == fracStart {
			return false
		}
		exp -= i - fracStart
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		eneg := i < len(d) && d[i] == '-'
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		expStart := i
		e := 0
		for ; i < len(d) && d[i] >= '0' && d[i] <= '9'; i++ {
			if i-expStart < 4 {
				e = e*10 + int(d[i]-'0')
			}
		}
		if i == expStart {
			return false
		}
		if i-expStart >= 4 {
			digits = 100 // too long an exponent for the exact path
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	r.pos = i
	// Clinger's fast path: the mantissa and the power of ten are exact, so
	// one multiplication or division rounds correctly, as ParseFloat does.
	if digits <= 15 && exp >= -22 && exp <= 22 {
		f := float64(mant)
		if exp < 0 {
			f /= pow10[-exp]
		} else {
			f *= pow10[exp]
		}
		if neg {
			f = -f
		}
		*v = f
		return true
	}
	f, err := strconv.ParseFloat(string(d[start:i]), 64)
	*v = f
	return err == nil
}

// AppendJSONString appends s as a JSON string the way the reflective
// encoder does: no HTML escaping, U+2028 and U+2029 escaped, invalid UTF-8
// replaced by U+FFFD. Generated AppendJSON methods call it.
func AppendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	run := 0 // first byte of s not yet appended
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[run:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			run = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, s[run:i]...)
			b = append(b, "\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[run:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += n
			continue
		}
		i += n
		run = i
	}
	b = append(b, s[run:]...)
	return append(b, '"')
}

var errNonFinite = errors.New("sio: NaN or infinite number")

// AppendJSONFloat appends f as the reflective encoder does: like
// JavaScript, exponent notation only below 1e-6 and from 1e21. NaN and
// infinities are an error. Generated AppendJSON methods call it.
func AppendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, errNonFinite
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 → e-7, as JavaScript writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// AppendJSONTime appends t as the reflective encoder does: an RFC 3339
// string with nanoseconds, an error for years outside [0,9999] and zone
// offsets of 24 hours or more. Generated AppendJSON methods call it.
func AppendJSONTime(b []byte, t time.Time) ([]byte, error) {
	n0 := len(b) + 1
	b = t.AppendFormat(append(b, '"'), time.RFC3339Nano)
	s := b[n0:]
	switch {
	case s[len("9999")] != '-':
		return b, errors.New("sio: year outside of range [0,9999]")
	case s[len(s)-1] != 'Z':
		c := s[len(s)-len("Z07:00")]
		h := s[len(s)-len("07:00"):]
		if '0' <= c && c <= '9' || (h[0]-'0')*10+(h[1]-'0') >= 24 {
			return b, errors.New("sio: timezone hour outside of range [0,23]")
		}
	}
	return append(b, '"'), nil
}
