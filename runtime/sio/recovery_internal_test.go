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
