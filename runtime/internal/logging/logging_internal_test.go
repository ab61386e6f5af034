package logging

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		env, scope string
		want       bool
	}{
		{"", "sio", false},
		{"*", "sio", true},
		{"*", "sio:packets", true},
		{"*", "sio:payloads", false},
		{"sio*", "sio:packets", true},
		{"sio:*", "sio", false},
		{"sio", "sio:packets", false},
		{"sio:payloads", "sio:payloads", true},
		{"engineio, redis", "redis", true},
	}
	for _, tt := range tests {
		if got := match(parse(tt.env), tt.scope); got != tt.want {
			t.Errorf("match(%q, %q) = %v, want %v", tt.env, tt.scope, got, tt.want)
		}
	}
}

// TestLimit floods one message: Burst pass, then one per second, the next
// one carrying the number suppressed; other messages and debug records are
// not limited.
func TestLimit(t *testing.T) {
	var buf bytes.Buffer
	h := Limit(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})).(*limited)
	now := time.Unix(1000, 0)
	h.l.now = func() time.Time { return now }
	log := slog.New(h).With("scope", "test")
	for range 100 {
		log.Error("flood")
		log.Debug("quiet")
	}
	log.Warn("other")
	if got := strings.Count(buf.String(), "msg=flood"); got != Burst {
		t.Fatalf("%d flood records passed at once, want %d", got, Burst)
	}
	if got := strings.Count(buf.String(), "msg=quiet"); got != 100 {
		t.Fatalf("%d debug records, want 100", got)
	}
	if !strings.Contains(buf.String(), "msg=other") {
		t.Fatal("another message was limited by the flood")
	}
	buf.Reset()
	now = now.Add(time.Second)
	log.Error("flood")
	log.Error("flood")
	if got := buf.String(); strings.Count(got, "msg=flood") != 1 || !strings.Contains(got, "suppressed=90") || !strings.Contains(got, "scope=test") {
		t.Fatalf("after a second: %q", got)
	}
}

// TestDefault checks that without a logger or SIOGEN_DEBUG, warnings and
// errors reach slog.Default() as it is when they are logged, and debug
// records do not.
func TestDefault(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })
	log := slog.New(Limit(defaultHandler{})).With("scope", "sio")
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	log.Debug("hidden")
	log.Info("hidden too")
	log.Error("shown", "k", 1)
	if got := buf.String(); strings.Contains(got, "hidden") || !strings.Contains(got, "level=ERROR msg=shown scope=sio k=1") {
		t.Fatalf("default logger got %q", got)
	}
	if log.Enabled(context.Background(), slog.LevelDebug) {
		t.Fatal("debug enabled by default")
	}
}
