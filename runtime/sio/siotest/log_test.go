package siotest_test

import (
	"testing"

	"github.com/siogen/siogen/runtime/sio/siotest"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	type msg struct {
		Room string `json:"room"`
		Text string `json:"text"`
	}
	for _, c := range []struct {
		name      string
		want, got any
		diff      string
	}{
		{"equal", msg{"a", "b"}, msg{"a", "b"}, ""},
		{"one member", msg{"a", "b"}, msg{"a", "c"}, "  {\n    \"room\": \"a\",\n-   \"text\": \"b\"\n+   \"text\": \"c\"\n  }\n"},
		{"nil and value", nil, msg{}, "- null\n+ {\n+   \"room\": \"\",\n+   \"text\": \"\"\n+ }\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if d := siotest.Diff(c.want, c.got); d != c.diff {
				t.Errorf("Diff =\n%s\nwant\n%s", d, c.diff)
			}
		})
	}
}

func TestLogCursorsPerEvent(t *testing.T) {
	t.Parallel()
	l := siotest.NewLog()
	l.Add(siotest.Entry{Event: "a", Value: 1})
	l.Add(siotest.Entry{Event: "b", Value: "x"})
	l.Add(siotest.Entry{Event: "a", Value: 2})
	if got := siotest.Next[int](t, l, "a"); got != 1 {
		t.Errorf("first a = %d", got)
	}
	siotest.Expect(t, l, "b", "x")
	if got := siotest.Next[int](t, l, "a"); got != 2 {
		t.Errorf("second a = %d", got)
	}
	if n := len(l.Entries()); n != 3 {
		t.Errorf("%d entries", n)
	}
}
