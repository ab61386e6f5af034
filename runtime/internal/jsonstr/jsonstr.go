// Package jsonstr holds what the runtime's JSON readers and writers share
// about the content of JSON strings: how far a string runs on bytes that
// stand for themselves, found eight bytes at a time.
package jsonstr

import (
	"encoding/binary"
	"unicode/utf8"
)

// plain[c] is true for the bytes that stand for themselves inside a JSON
// string and need no further check: ASCII from 0x20, except '"' and '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// IsPlain reports whether c stands for itself inside a JSON string: ASCII
// from 0x20, except '"' and '\\'.
func IsPlain(c byte) bool { return plain[c] }

// PlainPrefix returns the length of the longest prefix of b whose bytes
// are all plain (see [IsPlain]). A reader or writer of JSON strings copies
// that prefix as it is and looks at the byte after it.
func PlainPrefix(b []byte) int {
	i := 0
	for i+8 <= len(b) && plain8(binary.LittleEndian.Uint64(b[i:])) {
		i += 8
	}
	for i < len(b) && plain[b[i]] {
		i++
	}
	return i
}

// PlainPrefixString is [PlainPrefix] for a string.
func PlainPrefixString(s string) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		v := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if !plain8(v) {
			break
		}
	}
	for i < len(s) && plain[s[i]] {
		i++
	}
	return i
}

// plain8 reports whether the eight bytes packed in v are all plain: none
// is '"', '\\', below 0x20 or from 0x80. It subtracts byte-wise with
// borrows (SWAR): when every byte is below 0x80, x - n*lsb sets the high
// bit of some byte iff some byte of x is below n, and a byte equals c iff
// it is below 1 after xor with c. The bytes from 0x80 are v's own high
// bits.
func plain8(v uint64) bool {
	const (
		lsb = 0x0101010101010101
		msb = 0x8080808080808080
	)
	ctl := v - 0x20*lsb         // a byte below 0x20
	quo := (v ^ '"'*lsb) - lsb  // a byte equal to '"'
	bsl := (v ^ '\\'*lsb) - lsb // a byte equal to '\\'
	return (ctl|quo|bsl|v)&msb == 0
}
