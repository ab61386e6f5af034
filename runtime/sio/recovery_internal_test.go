package sio

import "testing"

func TestWithoutRecovery(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{``, `{}`},
		{`{"token":"t"}`, `{"token":"t"}`},
		{`{"pid":"P","offset":"O","token":"t","n":1}`, `{"token":"t","n":1}`},
		{`{"token":"t","pid":"P","offset":"O"}`, `{"token":"t"}`},
		{`{"pid":"P","token":"t"}`, `{"pid":"P","token":"t"}`}, // not a recovery request
		{`{"pid":1,"offset":"O"}`, `{"pid":1,"offset":"O"}`},   // a contract's own pid
		{`"not an object"`, `"not an object"`},
	} {
		if got := string(withoutRecovery([]byte(c.in))); got != c.want {
			t.Errorf("withoutRecovery(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestReplayOffset(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{string(AppendOffset([]byte(`["tick",1]`), "ab12-3f")), "ab12-3f"},
		{string(AppendOffset([]byte(`["tick"]`), "1700000000000-0")), "1700000000000-0"},
		{`["tick","x"]`, "x"}, // a string last argument reads as an offset: only compared with replayed ones
		{`["tick",1]`, ""},
		{`["tick"]`, ""},
		{`"]`, ""},
		{``, ""},
	} {
		if got := replayOffset([]byte(c.in)); got != c.want {
			t.Errorf("replayOffset(%s) = %q, want %q", c.in, got, c.want)
		}
	}
}
