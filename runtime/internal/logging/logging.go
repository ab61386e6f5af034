package logging

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
)

// EnvVar is the environment variable that names the scopes to trace.
const EnvVar = "SIOGEN_DEBUG"

// Explicit lists the scopes that a wildcard never enables.
var Explicit = []string{"sio:payloads"}

var (
	scopesOnce sync.Once
	scopes     []string
)

// Enabled reports whether scope is switched on by [EnvVar].
func Enabled(scope string) bool {
	scopesOnce.Do(func() { scopes = parse(os.Getenv(EnvVar)) })
	return match(scopes, scope)
}

func parse(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// match reports whether the entries of a SIOGEN_DEBUG value enable scope.
func match(entries []string, scope string) bool {
	explicit := false
	for _, e := range Explicit {
		explicit = explicit || e == scope
	}
	for _, e := range entries {
		if e == scope {
			return true
		}
		if prefix, ok := strings.CutSuffix(e, "*"); ok && !explicit && strings.HasPrefix(scope, prefix) {
			return true
		}
	}
	return false
}

// For returns the logger a runtime component of the given scope should use:
// user when non-nil, else a debug logger to standard error when the scope is
// enabled, else warnings and errors to slog.Default(). Warnings and errors
// are rate-limited (see [Limit]). The scope is attached as the "scope"
// attribute.
func For(user *slog.Logger, scope string) *slog.Logger {
	var h slog.Handler
	switch {
	case user != nil:
		h = user.Handler()
	case Enabled(scope):
		h = Stderr()
	default:
		h = defaultHandler{}
	}
	return slog.New(Limit(h)).With("scope", scope)
}

// Stderr returns a text handler to standard error at debug level.
func Stderr() slog.Handler {
	return slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
}

// defaultHandler passes warnings and errors to the handler of
// slog.Default() as it is when they are logged, so that a program that
// sets its default logger after making a server still gets them.
type defaultHandler struct {
	ops []func(slog.Handler) slog.Handler // WithAttrs and WithGroup, in order
}

func (d defaultHandler) target() slog.Handler {
	h := slog.Default().Handler()
	for _, op := range d.ops {
		h = op(h)
	}
	return h
}

func (d defaultHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && slog.Default().Handler().Enabled(ctx, l)
}

func (d defaultHandler) Handle(ctx context.Context, r slog.Record) error {
	return d.target().Handle(ctx, r)
}

func (d defaultHandler) with(op func(slog.Handler) slog.Handler) defaultHandler {
	ops := append(d.ops[:len(d.ops):len(d.ops)], op)
	return defaultHandler{ops: ops}
}

func (d defaultHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return d.with(func(h slog.Handler) slog.Handler { return h.WithAttrs(as) })
}

func (d defaultHandler) WithGroup(name string) slog.Handler {
	return d.with(func(h slog.Handler) slog.Handler { return h.WithGroup(name) })
}
