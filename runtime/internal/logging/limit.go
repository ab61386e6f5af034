package logging

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Burst is how many warnings or errors with the same message pass in a row
// before [PerSecond] applies.
const Burst = 10

// PerSecond is how many warnings or errors with the same message pass per
// second once [Burst] is spent.
const PerSecond = 1

// Limit returns h with warnings and errors rate-limited per message: a
// token bucket of [Burst] tokens refilled at [PerSecond]. Records below
// warning level pass unlimited: they are only logged when asked for.
func Limit(h slog.Handler) slog.Handler {
	return &limited{h: h, l: &limiter{buckets: map[string]*bucket{}, now: time.Now}}
}

type limited struct {
	h slog.Handler
	l *limiter // shared by the handlers derived with WithAttrs and WithGroup
}

type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens     float64
	last       time.Time
	suppressed int
}

// maxBuckets bounds the messages tracked; the runtime's messages are
// constants, so it is only reached by a caller logging varying messages,
// whose buckets are then forgotten.
const maxBuckets = 1024

// allow reports whether a record with message msg may pass, and how many
// were suppressed before it.
func (l *limiter) allow(msg string) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[msg]
	if b == nil {
		if len(l.buckets) >= maxBuckets {
			clear(l.buckets)
		}
		b = &bucket{tokens: Burst, last: now}
		l.buckets[msg] = b
	}
	b.tokens = min(Burst, b.tokens+now.Sub(b.last).Seconds()*PerSecond)
	b.last = now
	if b.tokens < 1 {
		b.suppressed++
		return false, 0
	}
	b.tokens--
	n := b.suppressed
	b.suppressed = 0
	return true, n
}

func (h *limited) Enabled(ctx context.Context, l slog.Level) bool { return h.h.Enabled(ctx, l) }

func (h *limited) Handle(ctx context.Context, r slog.Record) error {
	if r.Level < slog.LevelWarn {
		return h.h.Handle(ctx, r)
	}
	ok, suppressed := h.l.allow(r.Message)
	if !ok {
		return nil
	}
	if suppressed > 0 {
		r = r.Clone()
		r.AddAttrs(slog.Int("suppressed", suppressed))
	}
	return h.h.Handle(ctx, r)
}

func (h *limited) WithAttrs(as []slog.Attr) slog.Handler {
	return &limited{h: h.h.WithAttrs(as), l: h.l}
}

func (h *limited) WithGroup(name string) slog.Handler {
	return &limited{h: h.h.WithGroup(name), l: h.l}
}
