package siojson

import (
	"errors"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/siogen/siogen/runtime/internal/jsonstr"
)

// The reflection-free JSON encoding of generated payload types: gogen
// emits AppendJSON methods ([Appender]) built on the helpers here, and
// runtime/sio uses them before its reflective encoder. They agree byte for
// byte with the reflective encoder. The decoding side is in reader.go.

// Appender is implemented by the payload types gogen generates, on their
// pointers: AppendJSON appends the value's JSON to b, byte for byte what
// runtime/sio's reflective encoder writes (field order, omitempty, nil
// slices and maps as [] and {}, escaping, number format), without
// reflection. A nil receiver appends null. On error (a NaN or infinite
// number) the runtime encodes the value reflectively instead, which
// reports the error its own way.
type Appender interface {
	AppendJSON(b []byte) ([]byte, error)
}

// AppendJSONString appends s as a JSON string the way the reflective
// encoder does: no HTML escaping, U+2028 and U+2029 escaped, invalid UTF-8
// replaced by U+FFFD. Generated AppendJSON methods call it.
func AppendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	run := 0 // first byte of s not yet appended
	for i := 0; i < len(s); {
		i += jsonstr.PlainPrefixString(s[i:])
		if i == len(s) {
			break
		}
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

var errNonFinite = errors.New("siojson: NaN or infinite number")

// AppendJSONFloat appends f as the reflective encoder does: like
// JavaScript, exponent notation only below 1e-6 and from 1e21. NaN and
// infinities are an error. Generated AppendJSON methods call it.
func AppendFloat(b []byte, f float64) ([]byte, error) {
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
func AppendTime(b []byte, t time.Time) ([]byte, error) {
	n0 := len(b) + 1
	b = t.AppendFormat(append(b, '"'), time.RFC3339Nano)
	s := b[n0:]
	switch {
	case s[len("9999")] != '-':
		return b, errors.New("siojson: year outside of range [0,9999]")
	case s[len(s)-1] != 'Z':
		c := s[len(s)-len("Z07:00")]
		h := s[len(s)-len("07:00"):]
		if '0' <= c && c <= '9' || (h[0]-'0')*10+(h[1]-'0') >= 24 {
			return b, errors.New("siojson: timezone hour outside of range [0,23]")
		}
	}
	return append(b, '"'), nil
}
