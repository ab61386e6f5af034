package parser

import (
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// The helpers in this file work on raw JSON such as [Packet.Data]. They
// validate their input fully (with no depth limit: the scan is iterative and
// uses memory proportional to the nesting) and never panic.

// IsReserved reports whether name is one of the event names Socket.IO
// reserves for itself (PROTOCOL.md 2.1): "connect", "connect_error",
// "disconnect", "disconnecting", "newListener" and "removeListener". Such
// events are never sent, and the [Decoder] rejects them with
// [CodeReservedName].
func IsReserved(name string) bool {
	switch name {
	case "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener":
		return true
	}
	return false
}

// SplitArray splits data, a JSON array, into the raw bytes of its elements,
// in order and with the white space around them removed. The elements are
// subslices of data (nothing is copied); only the returned slice is
// allocated, and it is nil for an empty array. It returns an [*Error] if
// data is not valid JSON or not an array.
//
// For an EVENT, element 0 is the event name and the rest are the arguments;
// for an ACK, all elements are arguments. A [Decoder] records the same
// elements in [Packet.Elements].
func SplitArray(data []byte) ([][]byte, error) {
	var inline [8][]byte
	s := scanner{collect: true}
	k, elems, err := s.scan(data, inline[:0])
	if err != nil {
		return nil, err
	}
	if k != kindArray {
		return nil, newError(CodePayload, "JSON value is not an array")
	}
	if len(elems) == 0 {
		return nil, nil
	}
	return append([][]byte(nil), elems...), nil
}

// CheckPlaceholders reports whether data is valid JSON in which every
// placeholder references one of n attachments. A placeholder is an object
// whose "_placeholder" member is true (the last one, if the key repeats, as
// JSON.parse does), at any depth; its "num" member must then be an integer
// written without fraction or exponent, in [0, n). Other objects are plain
// data. It returns an [*Error] with [CodeJSON] or [CodePlaceholder].
//
// The [Decoder] runs this check on BINARY_EVENT and BINARY_ACK payloads; on
// EVENT and ACK payloads, as in the reference implementation, placeholder-
// shaped objects are plain data and are not checked.
func CheckPlaceholders(data []byte, n int) error {
	if n < 0 {
		n = 0
	}
	s := scanner{track: true, limit: n}
	_, _, err := s.scan(data, nil)
	return err
}

// AppendPlaceholder appends the placeholder for attachment i,
// {"_placeholder":true,"num":i}, to dst and returns the extended slice.
// Placeholders are numbered from 0 in the depth-first order of the values
// they replace, and the attachments travel in that order.
func AppendPlaceholder(dst []byte, i int) []byte {
	dst = append(dst, `{"_placeholder":true,"num":`...)
	dst = strconv.AppendInt(dst, int64(i), 10)
	return append(dst, '}')
}

// ParsePlaceholder reports whether raw, one JSON value, is a placeholder
// (see [CheckPlaceholders]) with a valid index, and returns that index.
// It returns false for anything else, including invalid JSON and a
// placeholder whose num is not a non-negative integer.
func ParsePlaceholder(raw []byte) (num int, ok bool) {
	s := scanner{track: true, limit: -1}
	k, _, err := s.scan(raw, nil)
	if err != nil || k != kindObject || !s.topPH || s.topNum < 0 {
		return 0, false
	}
	return int(s.topNum), true
}

// UnquoteString decodes raw, one JSON string (white space around it is
// allowed), into a Go string, the way encoding/json does: escapes are
// resolved and an invalid UTF-16 surrogate becomes U+FFFD. It returns an
// [*Error] if raw is not a valid JSON string. A string with no escapes
// costs one allocation, the result.
func UnquoteString(raw []byte) (string, error) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '"' {
		return "", errAt(CodeJSON, i, "expected a JSON string")
	}
	end, esc, bad := scanString(raw, i)
	if bad >= 0 {
		return "", errAt(CodeJSON, bad, "invalid string")
	}
	if j := skipSpace(raw, end); j != len(raw) {
		return "", errAt(CodeJSON, j, "invalid character after string")
	}
	content := raw[i+1 : end-1]
	if !esc {
		return string(content), nil
	}
	return string(appendUnquote(make([]byte, 0, len(content)), content)), nil
}

// appendUnquote appends the decoded content of a JSON string, which must
// already be valid (the bytes between the quotes), to dst.
func appendUnquote(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		if s[i] != '\\' {
			j := i + 1
			for j < len(s) && s[j] != '\\' {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
			continue
		}
		c := s[i+1]
		i += 2
		switch c {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			r := hex4(s[i:])
			i += 4
			if utf16.IsSurrogate(r) {
				// Like encoding/json: use a following \u escape if it
				// completes a pair, else write U+FFFD.
				if i+6 <= len(s) && s[i] == '\\' && s[i+1] == 'u' {
					if pair := utf16.DecodeRune(r, hex4(s[i+2:])); pair != utf8.RuneError {
						dst = utf8.AppendRune(dst, pair)
						i += 6
						continue
					}
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		default: // '"', '\\', '/'
			dst = append(dst, c)
		}
	}
	return dst
}

// reservedRaw reports whether the content of a valid JSON string names a
// reserved event.
func reservedRaw(raw []byte, esc bool) bool {
	if esc {
		const longest = len("removeListener")
		if len(raw) > 6*longest {
			return false
		}
		var buf [longest]byte
		raw = appendUnquote(buf[:0], raw)
	}
	return IsReserved(string(raw))
}
