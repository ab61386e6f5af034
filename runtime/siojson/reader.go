package siojson

// The checking decoder of generated payload types. gogen generates, for
// every type of a contract, a ReadJSON method (and, for payloads and acks,
// read functions) that decodes the JSON text of a payload in one pass and
// checks every constraint of the contract on the way: types, required and
// unknown members, null, string lengths in code points, patterns, formats,
// numeric ranges (exactly, for integers beyond 2^53 too), list and map
// sizes, enum members, union discriminators and bytes. A violation does
// not stop the pass: it is recorded with its JSON pointer and the value is
// skipped, so that every violation is reported at once.
//
// The decoder agrees with the JSON Schema documents gen/jsonschemagen
// writes for the same contract (a fuzz test holds it to them), with two
// deliberate exceptions where it is stricter: an object that names a
// member twice is refused (JSON Schema validators keep the last one,
// a classic way to smuggle a value past a check), and so is text nested
// deeper than [maxReadDepth].

import (
	"math"
	"math/big"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/siogen/siogen/runtime/internal/jsonstr"
)

// Violation is one way a payload breaks its contract.
type Violation struct {
	// Path is a JSON pointer to the offending value ("" for the whole
	// payload, "/text" for a field).
	Path string `json:"path"`
	// Message says what is wrong.
	Message string `json:"message"`
}

// ReaderFrom is implemented by pointers to generated payload types:
// ReadJSON decodes the value r is at into the receiver, a zero value,
// recording every way it breaks the contract in r.
type ReaderFrom interface {
	ReadJSON(r *Reader)
}

// ReadFunc decodes the value r is at and returns it, checking it against
// the contract; generated code passes one per payload and ack (see
// sio.WithReader and sio.CallTimeout).
type ReadFunc[T any] func(r *Reader) T

// DecodeJSON decodes data, one JSON value with the binary attachments att
// its placeholders refer to, with read, and returns it with the
// violations, sorted by path; no violations means the value is the
// payload.
func Decode[T any](data []byte, att [][]byte, read ReadFunc[T]) (T, []Violation) {
	v, _, vs := decode(data, att, read, false, maxReadDepth)
	return v, vs
}

// DecodePrefix is [Decode] for the first JSON value of data, which may be
// followed by anything: it returns the offset just past the value too
// (meaningful without violations). It is as strict as the Socket.IO packet
// parser, where Decode is lenient: invalid UTF-8 in a string is invalid
// JSON, and so is nesting deeper than maxDepth, an array or object
// counting as 1 (at most 1,000). The runtime reads an event's argument
// with it in place, in the packet, when the packet parser left the
// arguments unchecked for it.
func DecodePrefix[T any](data []byte, att [][]byte, read ReadFunc[T], maxDepth int) (T, int, []Violation) {
	return decode(data, att, read, true, min(maxDepth, maxReadDepth))
}

func decode[T any](data []byte, att [][]byte, read ReadFunc[T], prefix bool, maxDepth int) (T, int, []Violation) {
	r := readerPool.Get().(*Reader)
	r.reset(data, att)
	r.strict, r.maxDepth = prefix, maxDepth
	v := read(r)
	if !r.bad && !prefix && r.peek() != 0 {
		r.syntax()
	}
	end := r.pos
	var out []Violation
	if len(r.viols) > 0 {
		out = slices.Clone(r.viols)
		slices.SortStableFunc(out, func(a, b Violation) int { return strings.Compare(a.Path, b.Path) })
	}
	r.reset(nil, nil)
	if cap(r.buf) <= 4096 {
		readerPool.Put(r)
	}
	return v, end, out
}

var readerPool = sync.Pool{New: func() any { return new(Reader) }}

// maxReadDepth bounds the nesting a [Reader] follows.
const maxReadDepth = 1000

// maxViolations bounds the violations one payload reports.
const maxViolations = 100

// Reader is the decoder generated ReadJSON methods drive: it reads the
// JSON text of one value and records violations of the contract with the
// JSON pointer of the value they concern. Methods that read a value record
// a type violation and skip the value when it has another JSON type; the
// value they return is then the zero value and their boolean false. Text
// that is not JSON records one violation and ends the pass. A Reader
// is used by one goroutine.
type Reader struct {
	data  []byte
	pos   int
	depth int
	first bool     // just after '{' or '['
	bad   bool     // the text is not JSON: nothing more is read
	buf   []byte   // scratch for unescaping strings
	stack []byte   // open containers while skipping
	att   [][]byte // binary attachments
	path  []pathSeg
	viols []Violation
	// disc is the discriminator member a union variant's object may
	// hold, at depth discDepth.
	disc      string
	discDepth int
	discSeen  bool
	// num is the JSON text of the number Float64 read last, for the exact
	// comparison of [Reader.CheckFloat].
	num []byte
	// maxDepth bounds the nesting followed; strict (see DecodePrefix)
	// refuses invalid UTF-8 and counts the nesting of skipped values from
	// the current depth, not from zero.
	maxDepth int
	strict   bool
}

type pathSeg struct {
	name  string
	index int // -1 for a name
}

// reset readies r to read data. It sets the fields one by one, keeping
// the buffers: assigning a whole Reader would rewrite every pointer field
// through the write barrier, a measurable part of a small payload's read.
func (r *Reader) reset(data []byte, att [][]byte) {
	clear(r.viols) // their messages; the capacity beyond was cleared before
	r.data, r.att, r.num = data, att, nil
	r.pos, r.depth, r.first, r.bad = 0, 0, false, false
	r.buf, r.stack, r.path, r.viols = r.buf[:0], r.stack[:0], r.path[:0], r.viols[:0]
	r.disc, r.discDepth, r.discSeen = "", 0, false
	r.maxDepth, r.strict = maxReadDepth, false
}

// OK reports whether no violation has been recorded.
func (r *Reader) OK() bool { return len(r.viols) == 0 }

// Enter descends into the member name of the object being read, for the
// paths of violations; [Reader.Leave] comes back.
func (r *Reader) Enter(name string) { r.path = append(r.path, pathSeg{name: name, index: -1}) }

// EnterIndex descends into element i of the array being read.
func (r *Reader) EnterIndex(i int) { r.path = append(r.path, pathSeg{index: i}) }

// Leave undoes the last Enter or EnterIndex.
func (r *Reader) Leave() { r.path = r.path[:len(r.path)-1] }

// pointer returns the JSON pointer of the current value, with name
// appended when it is not empty.
func (r *Reader) pointer(name string, withName bool) string {
	var b []byte
	for _, s := range r.path {
		b = append(b, '/')
		if s.index >= 0 {
			b = strconv.AppendInt(b, int64(s.index), 10)
		} else {
			b = appendPointerToken(b, s.name)
		}
	}
	if withName {
		b = append(b, '/')
		b = appendPointerToken(b, name)
	}
	return string(b)
}

func appendPointerToken(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '~':
			b = append(b, '~', '0')
		case '/':
			b = append(b, '~', '1')
		default:
			b = append(b, s[i])
		}
	}
	return b
}

// Fail records a violation of the current value.
func (r *Reader) Fail(msg string) {
	if len(r.viols) < maxViolations {
		r.viols = append(r.viols, Violation{Path: r.pointer("", false), Message: msg})
	}
}

// failAt records a violation of member name of the current object.
func (r *Reader) failAt(name, msg string) {
	if len(r.viols) < maxViolations {
		r.viols = append(r.viols, Violation{Path: r.pointer(name, true), Message: msg})
	}
}

// syntax records that the text is not JSON and stops the pass.
func (r *Reader) syntax() {
	if !r.bad {
		r.bad = true
		r.viols = append(r.viols, Violation{Path: "", Message: "invalid JSON at offset " + strconv.Itoa(r.pos)})
	}
	r.pos = len(r.data)
}

// peek skips whitespace and returns the next byte, or 0 at the end.
func (r *Reader) peek() byte {
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

func (r *Reader) literal(lit string) bool {
	if len(r.data)-r.pos < len(lit) || string(r.data[r.pos:r.pos+len(lit)]) != lit {
		r.syntax()
		return false
	}
	r.pos += len(lit)
	return true
}

// kindName is the JSON type of the value starting with c, as violations
// name it.
func kindName(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// mismatch records that the value has another type than want, and skips
// it.
func (r *Reader) mismatch(want string) {
	c := r.peek()
	if c == 0 {
		r.syntax()
		return
	}
	r.Fail("got " + kindName(c) + ", want " + want)
	r.Skip()
}

// Null consumes a null and reports whether there was one.
func (r *Reader) Null() bool {
	if r.bad || r.peek() != 'n' {
		return false
	}
	return r.literal("null")
}

// BeginObject consumes the '{' of an object; for any other value it
// records a violation, skips it and returns false.
func (r *Reader) BeginObject() bool { return r.begin('{', "object") }

// BeginArray consumes the '[' of an array, like [Reader.BeginObject].
func (r *Reader) BeginArray() bool { return r.begin('[', "array") }

func (r *Reader) begin(c byte, want string) bool {
	if r.bad {
		return false
	}
	if r.peek() != c {
		r.mismatch(want)
		return false
	}
	if r.depth >= r.maxDepth {
		r.Fail("nested too deeply")
		r.syntax()
		return false
	}
	r.pos++
	r.depth++
	r.first = true
	return true
}

// More reports whether the object or array being read has another member
// or element, consuming the comma before it.
func (r *Reader) More() bool {
	if r.bad {
		return false
	}
	c := r.peek()
	if c == '}' || c == ']' {
		return false
	}
	if r.first {
		r.first = false
		return true
	}
	if c != ',' {
		r.syntax()
		return false
	}
	r.pos++
	return true
}

// EndObject consumes the '}' of an object.
func (r *Reader) EndObject() { r.end('}') }

// EndArray consumes the ']' of an array.
func (r *Reader) EndArray() { r.end(']') }

func (r *Reader) end(c byte) {
	if r.bad {
		return
	}
	if r.peek() != c {
		r.syntax()
		return
	}
	r.pos++
	r.depth--
	r.first = false
}

// Name reads a member name and its colon and returns the name, valid until
// the next call.
func (r *Reader) Name() []byte {
	if r.bad {
		return nil
	}
	if r.peek() != '"' {
		r.syntax()
		return nil
	}
	start := r.pos + 1
	i := start + jsonstr.PlainPrefix(r.data[start:])
	var name []byte
	if i < len(r.data) && r.data[i] == '"' {
		name = r.data[start:i]
		r.pos = i + 1
	} else {
		if !r.readString(nil) {
			return nil
		}
		name = r.buf
	}
	if r.peek() != ':' {
		r.syntax()
		return nil
	}
	r.pos++
	return name
}

// Unknown handles a member the object's type does not declare: it skips
// the value and records a violation, unless the member is the
// discriminator of the union whose variant is being read.
func (r *Reader) Unknown(name []byte) {
	if r.bad {
		return
	}
	if r.disc != "" && r.discDepth == r.depth && string(name) == r.disc {
		if r.discSeen {
			r.Duplicate(r.disc)
			return
		}
		r.discSeen = true
		r.Skip()
		return
	}
	r.failAt(string(name), "unknown property "+strconv.Quote(string(name)))
	r.Skip()
}

// Ignore handles a member that a type tolerating unknown members does not
// declare: it skips the value.
func (r *Reader) Ignore() { r.Skip() }

// Duplicate handles a member the object names a second time: it records
// a violation and skips the value.
func (r *Reader) Duplicate(name string) {
	r.failAt(name, "property "+strconv.Quote(name)+" appears more than once")
	r.Skip()
}

// Missing records that a required member of the current object is absent.
func (r *Reader) Missing(name string) {
	if !r.bad {
		r.failAt(name, "missing required property "+strconv.Quote(name))
	}
}

// Skip consumes one value of any type, checking that it is JSON.
func (r *Reader) Skip() {
	base := 0
	if r.strict {
		base = r.depth
	}
	stack := r.stack[:0]
	defer func() { r.stack = stack[:0] }()
	for !r.bad {
		switch c := r.peek(); c {
		case '{', '[':
			if base+len(stack) >= r.maxDepth { // empty ones count too
				r.syntax()
				return
			}
			r.pos++
			if r.peek() == c+2 { // '{'+2 == '}', '['+2 == ']'
				r.pos++
				break
			}
			stack = append(stack, c)
			if c == '{' {
				r.skipName()
			}
			continue
		case '"':
			r.readString(nil)
		case 't':
			r.literal("true")
		case 'f':
			r.literal("false")
		case 'n':
			r.literal("null")
		default:
			if _, ok := r.numberText(); !ok {
				r.syntax()
			}
		}
		// After a value: a comma and the next one, or closing brackets.
		for len(stack) > 0 && !r.bad {
			open := stack[len(stack)-1]
			c := r.peek()
			if c == ',' {
				r.pos++
				if open == '{' {
					r.skipName()
				}
				break
			}
			if c != open+2 {
				r.syntax()
				return
			}
			r.pos++
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 {
			return
		}
	}
}

func (r *Reader) skipName() {
	if r.peek() != '"' {
		r.syntax()
		return
	}
	if !r.readString(nil) {
		return
	}
	if r.peek() != ':' {
		r.syntax()
		return
	}
	r.pos++
}

// numberText consumes a JSON number and returns its text.
func (r *Reader) numberText() ([]byte, bool) {
	d := r.data
	i := r.pos
	start := i
	if i < len(d) && d[i] == '-' {
		i++
	}
	intStart := i
	for i < len(d) && d[i] >= '0' && d[i] <= '9' {
		i++
	}
	if n := i - intStart; n == 0 || n > 1 && d[intStart] == '0' {
		return nil, false
	}
	if i < len(d) && d[i] == '.' {
		i++
		fs := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == fs {
			return nil, false
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		es := i
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == es {
			return nil, false
		}
	}
	r.pos = i
	return d[start:i], true
}

// String reads a string. Escapes are decoded; invalid UTF-8 and lone
// surrogates become U+FFFD, as JSON Schema validators read them.
func (r *Reader) String() (string, bool) {
	if r.bad {
		return "", false
	}
	if r.peek() != '"' {
		r.mismatch("string")
		return "", false
	}
	var s string
	ok := r.readString(&s)
	return s, ok
}

// readString reads the string at r.pos into s. With a nil s it only skips
// the string, leaving its content in r.buf when the string holds escapes
// or non-ASCII bytes (as [Reader.Name] needs).
func (r *Reader) readString(s *string) bool {
	start := r.pos + 1
	i := start + jsonstr.PlainPrefix(r.data[start:])
	if i < len(r.data) && r.data[i] == '"' {
		if s != nil {
			*s = string(r.data[start:i])
		}
		r.pos = i + 1
		return true
	}
	buf := append(r.buf[:0], r.data[start:i]...)
	for i < len(r.data) {
		c := r.data[i]
		switch {
		case c == '"':
			r.buf = buf
			r.pos = i + 1
			if s != nil {
				*s = string(buf)
			}
			return true
		case c == '\\':
			var n int
			if buf, n = appendUnescaped(buf, r.data[i:]); n == 0 {
				r.pos = i
				r.syntax()
				return false
			}
			i += n
		case c < 0x20:
			r.pos = i
			r.syntax()
			return false
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			ru, n := utf8.DecodeRune(r.data[i:])
			if ru == utf8.RuneError && n == 1 && r.strict {
				r.pos = i
				r.syntax()
				return false
			}
			buf = utf8.AppendRune(buf, ru) // RuneError for invalid UTF-8
			i += n
		}
	}
	r.pos = len(r.data)
	r.syntax()
	return false
}

// appendUnescaped decodes the escape at the start of src and returns the
// bytes it used, 0 when it is malformed. A lone surrogate becomes U+FFFD.
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
		if len(src) >= 12 && src[6] == '\\' && src[7] == 'u' {
			if r2, ok := hex4(src[8:]); ok {
				if ru := utf16.DecodeRune(r1, r2); ru != utf8.RuneError {
					return utf8.AppendRune(dst, ru), 12
				}
			}
		}
		return utf8.AppendRune(dst, utf8.RuneError), 6
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

// MapKey reads a member name of a map and its colon.
func (r *Reader) MapKey() string {
	if r.bad {
		return ""
	}
	if r.peek() != '"' {
		r.syntax()
		return ""
	}
	var s string
	if !r.readString(&s) {
		return ""
	}
	if r.peek() != ':' {
		r.syntax()
		return ""
	}
	r.pos++
	return s
}

// Bool reads true or false.
func (r *Reader) Bool() (bool, bool) {
	if r.bad {
		return false, false
	}
	switch r.peek() {
	case 't':
		return true, r.literal("true")
	case 'f':
		return false, r.literal("false")
	}
	r.mismatch("boolean")
	return false, false
}

// Int reads an integer in [lo, hi]. A number is an integer when its value
// is, as in JSON Schema: 1.0, 1e3 and -0 are integers; the check is exact
// for any number of digits.
func (r *Reader) Int(lo, hi int64) (int64, bool) {
	if r.bad {
		return 0, false
	}
	if c := r.peek(); c != '-' && (c < '0' || c > '9') {
		r.mismatch("integer")
		return 0, false
	}
	text, ok := r.numberText()
	if !ok {
		r.syntax()
		return 0, false
	}
	n, status := plainInt(text)
	if status != intOK {
		n, status = parseInt(text)
	}
	switch status {
	case intNotInteger:
		r.Fail("got number, want integer")
		return 0, false
	case intTooSmall:
		r.Fail("must be at least " + strconv.FormatInt(lo, 10) + ", got " + string(text))
		return 0, false
	case intTooLarge:
		r.Fail("must be at most " + strconv.FormatInt(hi, 10) + ", got " + string(text))
		return 0, false
	}
	if n < lo {
		r.Fail("must be at least " + strconv.FormatInt(lo, 10) + ", got " + string(text))
		return 0, false
	}
	if n > hi {
		r.Fail("must be at most " + strconv.FormatInt(hi, 10) + ", got " + string(text))
		return 0, false
	}
	return n, true
}

const (
	intOK = iota
	intNotInteger
	intTooSmall
	intTooLarge
)

// plainInt is parseInt's fast path for the common case: at most 18
// digits, no fraction or exponent; it reports intNotInteger for the rest,
// which parseInt then reads.
func plainInt(text []byte) (int64, int) {
	d := text
	neg := d[0] == '-'
	if neg {
		d = d[1:]
	}
	if len(d) == 0 || len(d) > 18 {
		return 0, intNotInteger
	}
	var n int64
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, intNotInteger
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, intOK
}

// parseInt returns the value of a JSON number that is an integer in the
// range of int64, or why it is not.
func parseInt(text []byte) (int64, int) {
	neg := text[0] == '-'
	if neg {
		text = text[1:]
	}
	// Split digits (integer and fraction) and the exponent.
	end := len(text)
	exp := int64(0)
	if i := indexAny(text, 'e', 'E'); i >= 0 {
		end = i
		e, ok := parseExp(text[i+1:])
		if !ok { // an exponent beyond any use: the value is 0 or huge
			if text[i+1] == '-' {
				return 0, intNotInteger // unless the digits are all zero
			}
			if allZero(text[:i]) {
				return 0, intOK
			}
			if neg {
				return 0, intTooSmall
			}
			return 0, intTooLarge
		}
		exp = e
	}
	mant := text[:end]
	var intPart, frac []byte
	if i := indexAny(mant, '.', '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
	} else {
		intPart = mant
	}
	// The digits as one string with the decimal exponent exp - len(frac);
	// trailing zeros move into the exponent, leading zeros go.
	exp -= int64(len(frac))
	digits := make([]byte, 0, 24)
	digits = append(digits, intPart...)
	digits = append(digits, frac...)
	for len(digits) > 0 && digits[0] == '0' {
		digits = digits[1:]
	}
	if len(digits) == 0 {
		return 0, intOK
	}
	for digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
		exp++
	}
	if exp < 0 {
		return 0, intNotInteger
	}
	if int64(len(digits))+exp > 19 {
		if neg {
			return 0, intTooSmall
		}
		return 0, intTooLarge
	}
	var u uint64
	for _, c := range digits {
		u = u*10 + uint64(c-'0')
	}
	for ; exp > 0; exp-- {
		hi, lo := bits.Mul64(u, 10)
		if hi != 0 {
			if neg {
				return 0, intTooSmall
			}
			return 0, intTooLarge
		}
		u = lo
	}
	if neg {
		if u > 1<<63 {
			return 0, intTooSmall
		}
		return -int64(u), intOK
	}
	if u > math.MaxInt64 {
		return 0, intTooLarge
	}
	return int64(u), intOK
}

func indexAny(b []byte, c1, c2 byte) int {
	for i, c := range b {
		if c == c1 || c == c2 {
			return i
		}
	}
	return -1
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != '0' && c != '.' {
			return false
		}
	}
	return true
}

// parseExp parses an exponent with its sign; false when its magnitude is
// above 10^6.
func parseExp(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '+' || b[0] == '-') {
		neg = b[0] == '-'
		b = b[1:]
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(b) > 6 {
		return 0, false
	}
	var e int64
	for _, c := range b {
		e = e*10 + int64(c-'0')
	}
	if neg {
		e = -e
	}
	return e, true
}

// Float64 reads a number; one beyond the range of float64 is a violation.
func (r *Reader) Float64() (float64, bool) {
	if r.bad {
		return 0, false
	}
	if c := r.peek(); c != '-' && (c < '0' || c > '9') {
		r.mismatch("number")
		return 0, false
	}
	text, ok := r.numberText()
	if !ok {
		r.syntax()
		return 0, false
	}
	f, err := strconv.ParseFloat(string(text), 64)
	if err != nil || math.Abs(f) == math.MaxFloat64 && beyondMaxFloat(text) {
		r.Fail("number out of the range of a double: " + string(text))
		return 0, false
	}
	r.num = text
	return f, true
}

// beyondMaxFloat reports whether a number that rounds to the largest
// float64 is beyond it as the JSON Schema documents write it (the
// shortest decimal that rounds to it, 1.7976931348623157e+308, a little
// below its exact value), which a reference validator compares exactly.
func beyondMaxFloat(text []byte) bool {
	x, ok := new(big.Rat).SetString(string(text))
	if !ok {
		return true
	}
	return x.Abs(x).Cmp(boundRat(math.MaxFloat64)) > 0
}

// boundRat returns a bound as the JSON Schema documents write it: the
// shortest decimal that rounds to it.
func boundRat(b float64) *big.Rat {
	x, _ := new(big.Rat).SetString(strconv.FormatFloat(b, 'g', -1, 64))
	return x
}

// cmpText compares the JSON text of a number with a finite bound exactly.
func cmpText(text []byte, b float64) int {
	x, ok := new(big.Rat).SetString(string(text))
	if !ok {
		return 0
	}
	return x.Cmp(boundRat(b))
}

// CheckFloat records a violation when f is outside [lo, hi]. When f is
// the number [Reader.Float64] has just read and equals a bound as a
// float64, the JSON text decides, compared exactly with the bound as the
// JSON Schema documents write it (its shortest decimal), as a reference
// validator does: 0.49999999999999999999 rounds to 0.5 but is below a
// minimum of 0.5. Elsewhere the float64 comparison is exact already:
// rounding keeps the order, so a value that rounds below a bound is
// below it.
func (r *Reader) CheckFloat(f, lo, hi float64) {
	text := r.num
	r.num = nil
	if !r.checkFinite(f) {
		return
	}
	below, above := f < lo, f > hi
	got := strconv.FormatFloat(f, 'g', -1, 64)
	if text != nil && (f == lo || f == hi) {
		if g, err := strconv.ParseFloat(string(text), 64); err == nil && g == f {
			below = f == lo && cmpText(text, lo) < 0
			above = f == hi && cmpText(text, hi) > 0
			got = string(text)
		}
	}
	switch {
	case below:
		r.Fail("must be at least " + strconv.FormatFloat(lo, 'g', -1, 64) + ", got " + got)
	case above:
		r.Fail("must be at most " + strconv.FormatFloat(hi, 'g', -1, 64) + ", got " + got)
	}
}

// CheckLength records a violation when s has fewer than min or more than
// max code points; a negative bound is no bound.
func (r *Reader) CheckLength(s string, min, max int) {
	if min <= 0 && (max < 0 || len(s) <= max) {
		return // no code point takes less than a byte
	}
	n := utf8.RuneCountInString(s)
	switch {
	case min > 0 && n < min:
		r.Fail("must be at least " + strconv.Itoa(min) + " characters long, got " + strconv.Itoa(n))
	case max >= 0 && n > max:
		r.Fail("must be at most " + strconv.Itoa(max) + " characters long, got " + strconv.Itoa(n))
	}
}

// CheckPattern records a violation when s does not match re.
func (r *Reader) CheckPattern(s string, re *regexp.Regexp) {
	if !re.MatchString(s) {
		r.Fail(strconv.Quote(s) + " does not match pattern " + strconv.Quote(re.String()))
	}
}

// CheckFormat records a violation when s is not of the named format (one
// of the formats of the schema language).
func (r *Reader) CheckFormat(s, format string) {
	if !checkFormat(format, s) {
		r.Fail(strconv.Quote(s) + " is not valid " + format)
	}
}

// Enum records that s is none of the values of an enum, listed in
// allowed ("'a', 'b'").
func (r *Reader) Enum(allowed string) { r.Fail("value must be one of " + allowed) }

// CheckItems records a violation when a list or map has fewer than min or
// more than max items; a negative bound is no bound.
func (r *Reader) CheckItems(n, min, max int) {
	switch {
	case min > 0 && n < min:
		r.Fail("must have at least " + strconv.Itoa(min) + " items, got " + strconv.Itoa(n))
	case max >= 0 && n > max:
		r.Fail("must have at most " + strconv.Itoa(max) + " items, got " + strconv.Itoa(n))
	}
}

// Time reads a timestamp: an RFC 3339 date-time as JSON Schema's
// date-time format has it, "t" and "z" in either case and a leap second
// (23:59:60 in UTC) allowed; a leap second is read as the first instant
// of the next minute, Go's time having none.
func (r *Reader) Time() (time.Time, bool) {
	s, ok := r.String()
	if !ok {
		return time.Time{}, false
	}
	t, ok := parseDateTime(s)
	if !ok {
		r.Fail(strconv.Quote(s) + " is not valid date-time")
	}
	return t, ok
}

// Bytes reads a bytes value: the placeholder of a binary attachment, or a
// base64 string (standard alphabet, padded).
func (r *Reader) Bytes() ([]byte, bool) {
	if r.bad {
		return nil, false
	}
	switch r.peek() {
	case '"':
		s, ok := r.String()
		if !ok {
			return nil, false
		}
		b, ok := decodeBase64(s)
		if !ok {
			r.Fail("not valid base64")
		}
		return b, ok
	case '{':
		return r.placeholder()
	}
	r.mismatch("binary attachment or base64 string")
	return nil, false
}

// placeholder reads {"_placeholder":true,"num":N}.
func (r *Reader) placeholder() ([]byte, bool) {
	r.BeginObject()
	var flag, hasNum, ok bool
	num := int64(-1)
	good := true
	for r.More() {
		switch string(r.Name()) {
		case "_placeholder":
			flag, ok = r.Bool()
			good = good && ok && flag
		case "num":
			hasNum = true
			num, ok = r.Int(0, math.MaxInt64)
			good = good && ok
		default:
			good = false
			r.Skip()
		}
	}
	r.EndObject()
	if r.bad {
		return nil, false
	}
	if !good || !flag || !hasNum {
		r.Fail("not a binary attachment placeholder")
		return nil, false
	}
	if num >= int64(len(r.att)) {
		r.Fail("binary attachment " + strconv.FormatInt(num, 10) + " is missing")
		return nil, false
	}
	return r.att[num], true
}

// CheckBytes records a violation when b has fewer than min or more than
// max bytes; a negative bound is no bound.
func (r *Reader) CheckBytes(b []byte, min, max int) {
	switch {
	case min > 0 && len(b) < min:
		r.Fail("must be at least " + strconv.Itoa(min) + " bytes long, got " + strconv.Itoa(len(b)))
	case max >= 0 && len(b) > max:
		r.Fail("must be at most " + strconv.Itoa(max) + " bytes long, got " + strconv.Itoa(len(b)))
	}
}

// UnionTag returns the value of the discriminator member disc of the
// object r is at, without consuming anything. When the value is not an
// object, has no such member or a non-string one, it records the
// violation, skips the value and returns false; a tag that names no
// variant is the caller's to report with [Reader.BadTag].
func (r *Reader) UnionTag(disc string) (string, bool) {
	if r.bad {
		return "", false
	}
	if r.peek() != '{' {
		r.mismatch("object")
		return "", false
	}
	save, depth, first := r.pos, r.depth, r.first
	r.pos++
	r.depth++
	r.first = true
	tag, found, isString := "", false, false
	for r.More() {
		name := r.Name()
		if !found && string(name) == disc {
			found = true
			if r.peek() == '"' {
				tag, isString = r.String()
				continue
			}
		}
		r.Skip()
	}
	r.end('}')
	if r.bad {
		return "", false
	}
	end := r.pos
	r.pos, r.depth, r.first = save, depth, first
	if !found {
		r.Missing(disc)
	}
	if found && !isString {
		r.failAt(disc, "got "+kindName(r.data[r.pos])+", want string")
	}
	if !found || !isString {
		r.pos = end
		return "", false
	}
	return tag, true
}

// BadTag records that the discriminator disc names no variant (allowed
// lists them) and skips the object.
func (r *Reader) BadTag(disc, allowed string) {
	r.failAt(disc, "value must be one of "+allowed)
	r.Skip()
}

// VariantState is what [Reader.Variant] returns for
// [Reader.EndVariant].
type VariantState struct {
	disc  string
	depth int
	seen  bool
}

// Variant prepares reading the object of a union variant: its member disc
// is accepted, as the discriminator, by [Reader.Unknown]. It returns
// the state EndVariant restores after the variant, for nested unions.
func (r *Reader) Variant(disc string) VariantState {
	prev := VariantState{r.disc, r.discDepth, r.discSeen}
	r.disc, r.discDepth, r.discSeen = disc, r.depth+1, false
	return prev
}

// EndVariant restores the state [Reader.Variant] returned.
func (r *Reader) EndVariant(s VariantState) {
	r.disc, r.discDepth, r.discSeen = s.disc, s.depth, s.seen
}

// ReadPointer is the [ReadFunc] of a payload passed by pointer, a
// generated object or union type T.
func ReadPointer[T any, PT interface {
	*T
	ReaderFrom
}](r *Reader) *T {
	v := PT(new(T))
	v.ReadJSON(r)
	return v
}

// ReadValue is the [ReadFunc] of a payload passed by value, a generated
// enum or tuple type T.
func ReadValue[T any, PT interface {
	*T
	ReaderFrom
}](r *Reader) T {
	var v T
	PT(&v).ReadJSON(r)
	return v
}

// ReadEnvelope reads an envelope-style acknowledgement in one pass:
// {"ok":true,"data":…}, whose data read decodes and checks (under
// "/data"; with needData, an absent data is a violation), or
// {"ok":false,"error":{…}}, for which it returns failed and the error
// member's JSON, dropping any violations of the data. As in the published
// schema of the envelope (additionalProperties: false in each branch, error
// required and an object), an error member beside "ok": true, a data member
// beside "ok": false, and "ok": false without an error object are
// violations. The error object's members are read leniently by the caller
// (a newer peer may send a code this side does not know).
func ReadEnvelope[Out any](r *Reader, read ReadFunc[Out], needData bool) (out Out, failed bool, errJSON []byte) {
	if !r.BeginObject() {
		return out, false, nil
	}
	var ok, seenOK, seenData, seenErr bool
	var errKind byte // the first byte of the error member
	mark := -1       // violations before data, dropped when ok is false
	for r.More() {
		name := r.Name()
		switch string(name) {
		case "ok":
			if seenOK {
				r.Duplicate("ok")
				continue
			}
			seenOK = true
			r.Enter("ok")
			ok, _ = r.Bool()
			r.Leave()
		case "data":
			if seenData {
				r.Duplicate("data")
				continue
			}
			seenData = true
			mark = len(r.viols)
			r.Enter("data")
			out = read(r)
			r.Leave()
		case "error":
			if seenErr {
				r.Duplicate("error")
				continue
			}
			seenErr = true
			start := r.peek()
			from := r.pos
			errKind = start
			r.Skip()
			if start == '{' && !r.bad {
				errJSON = r.data[from:r.pos]
			}
		default:
			r.Unknown(name)
		}
	}
	r.EndObject()
	switch {
	case r.bad:
	case !seenOK:
		r.Missing("ok")
	case !ok:
		if mark >= 0 {
			clear(r.viols[mark:]) // reset clears only up to len
			r.viols = r.viols[:mark]
		}
		if seenData {
			r.failAt("data", `property "data" is not allowed when "ok" is false`)
			return out, false, nil
		}
		if !seenErr {
			r.Missing("error")
			return out, false, nil
		}
		if errJSON == nil {
			if errKind != '{' {
				r.failAt("error", "got "+kindName(errKind)+", want object")
			}
			return out, false, nil
		}
		return out, true, errJSON
	default:
		if seenErr {
			r.failAt("error", `property "error" is not allowed when "ok" is true`)
		}
		if !seenData && needData {
			r.Missing("data")
		}
	}
	return out, false, nil
}
