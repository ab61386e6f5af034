package main

import (
	"bytes"
	"testing"
)

func TestParseFrame(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 125, 126, 65535, 65536} {
		p := bytes.Repeat([]byte{'a'}, n)
		// A server frame: unmasked.
		f := appendFrame(nil, opText, p)
		hdr := len(f) - n - 4
		f = append(f[:hdr:hdr], p...)
		f[1] &^= 0x80
		for cut := 0; cut < len(f); cut += 1 + len(f)/7 {
			if _, _, k, _, err := parseFrame(f[:cut]); k != 0 || err != nil {
				t.Fatalf("%d-byte payload cut at %d: n=%d err=%v", n, cut, k, err)
			}
		}
		op, got, k, _, err := parseFrame(append(f, 0x81))
		if err != nil || op != opText || k != len(f) || !bytes.Equal(got, p) {
			t.Errorf("%d-byte payload: op %d, %d bytes, n=%d, err %v", n, op, len(got), k, err)
		}
	}
	// The client's frame unmasks to the payload.
	f := appendFrame(nil, opText, []byte("hello"))
	if f[1] != 0x80|5 {
		t.Fatalf("header %x", f[:2])
	}
	for i := range f[6:] {
		f[6+i] ^= f[2+i%4]
	}
	if string(f[6:]) != "hello" {
		t.Errorf("unmasked %q", f[6:])
	}
}
