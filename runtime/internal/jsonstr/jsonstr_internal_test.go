package jsonstr

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// TestPlain8 compares plain8 with plain, byte by byte: every byte value
// at every position among plain bytes, then random words.
func TestPlain8(t *testing.T) {
	t.Parallel()
	check := func(w [8]byte) {
		want := true
		for _, c := range w {
			want = want && plain[c]
		}
		if got := plain8(binary.LittleEndian.Uint64(w[:])); got != want {
			t.Fatalf("plain8(%q) = %v, want %v", w, got, want)
		}
	}
	for pos := range 8 {
		for c := range 256 {
			for _, fill := range []byte{' ', '!', '#', '[', ']', 'a', '~', 0x7f} {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(c)
				check(w)
			}
		}
	}
	// Random words biased to the edges of the plain ranges.
	edges := []byte{0, 0x1f, 0x20, 0x21, '"', 0x23, 0x5b, '\\', 0x5d, 0x7e, 0x7f, 0x80, 0x81, 0xff, 'a'}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var w [8]byte
		for i := range w {
			if r.IntN(2) == 0 {
				w[i] = edges[r.IntN(len(edges))]
			} else {
				w[i] = byte(r.IntN(256))
			}
		}
		check(w)
	}
}

// TestPlainPrefix checks PlainPrefix and PlainPrefixString against
// a byte-by-byte count, with the first non-plain byte at every position.
func TestPlainPrefix(t *testing.T) {
	t.Parallel()
	for n := range 20 {
		for _, stop := range []byte{'"', '\\', 0, 0x1f, 0x80, 0xff} {
			b := make([]byte, 24)
			for i := range b {
				b[i] = 'a' + byte(i%26)
			}
			if n < len(b) {
				b[n] = stop
			}
			want := min(n, len(b))
			if got := PlainPrefix(b); got != want {
				t.Errorf("PlainPrefix(%q) = %d, want %d", b, got, want)
			}
			if got := PlainPrefixString(string(b)); got != want {
				t.Errorf("PlainPrefix(string %q) = %d, want %d", b, got, want)
			}
		}
	}
	if got := PlainPrefixString(""); got != 0 {
		t.Errorf(`PlainPrefixString("") = %d`, got)
	}
}
