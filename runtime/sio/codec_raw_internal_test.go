package sio

import (
	"bytes"
	"testing"
)

// TestAppendRawArgs checks that the raw fast path of encodeArgs writes what
// the encoder writes for compact received arguments, and leaves the
// encoder the cases it does not cover.
func TestAppendRawArgs(t *testing.T) {
	t.Parallel()
	obj := NewRaw([]byte(`{"client":7,"pad":"abc<>&é","seq":42,"ts":123456789}`))
	for _, tc := range []struct {
		name string
		args []any
	}{
		{"echo", []any{obj}},
		{"", []any{obj}},
		{"", nil},
		{"e", []any{obj, NewRaw([]byte(`[1,"x",null]`)), Raw{}}},
	} {
		fast, ok := appendRawArgs(nil, tc.name, tc.args)
		if !ok {
			t.Fatalf("%q %v: fast path not taken", tc.name, tc.args)
		}
		slow, _, err := encodeArgsSlow(tc.name, tc.args)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, slow) {
			t.Errorf("%q: fast %s, encoder %s", tc.name, fast, slow)
		}
	}
	for _, tc := range []struct {
		name string
		args []any
	}{
		{`quote"d`, []any{obj}},
		{"ctl\n", []any{obj}},
		{"é", []any{obj}},
		{"e", []any{obj, 1}},
		{"e", []any{Raw{json: []byte(`{"_placeholder":true,"num":0}`), att: [][]byte{{1}}}}},
	} {
		if _, ok := appendRawArgs(nil, tc.name, tc.args); ok {
			t.Errorf("%q %v: fast path taken", tc.name, tc.args)
		}
	}
}

// encodeArgsSlow is encodeArgs without the fast path.
func encodeArgsSlow(name string, args []any) ([]byte, [][]byte, error) {
	boxed := make([]any, len(args))
	for i, a := range args {
		boxed[i] = rawBox{a.(Raw)}
	}
	return encodeArgs(name, boxed)
}

// rawBox hides a Raw from the fast path; the encoder writes it through its
// Raw marshaler.
type rawBox struct{ r Raw }

func (b rawBox) MarshalJSON() ([]byte, error) { return b.r.JSON(), nil }
