package main

import (
	"strings"
	"testing"
	"time"
)

func TestAnswer(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 21, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"!ping", "pong, ann", true},
		{"  !echo   hello there ", "hello there", true},
		{"!echo", "!echo what?", true},
		{"!time", "it is Mon, 23 Nov 2026 21:00:00 UTC", true},
		{"!help", "commands: !ping, !time, !echo <text>, !roll [sides]", true},
		{"hello", "", false},
		{"!unknown", "", false},
	} {
		got, ok := answer(c.in, "ann", now)
		if got != c.want || ok != c.ok {
			t.Errorf("answer(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	for i := 0; i < 50; i++ {
		got, _ := answer("!roll 3", "ann", now)
		if got != "ann rolls 1 (d3)" && got != "ann rolls 2 (d3)" && got != "ann rolls 3 (d3)" {
			t.Fatalf("!roll 3 = %q", got)
		}
	}
	if got, _ := answer("!roll x", "ann", now); !strings.HasSuffix(got, "(d6)") {
		t.Errorf("!roll x = %q, want a d6", got)
	}
}
