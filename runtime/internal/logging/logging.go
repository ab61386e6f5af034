package logging

import (
	"log/slog"
	"os"
	"strings"
	"sync"
)

// EnvVar is the environment variable that names the scopes to trace.
const EnvVar = "SIOGEN_DEBUG"

var (
	scopesOnce sync.Once
	scopes     map[string]bool
)

// Enabled reports whether scope is switched on by [EnvVar].
func Enabled(scope string) bool {
	scopesOnce.Do(func() {
		scopes = map[string]bool{}
		for _, s := range strings.Split(os.Getenv(EnvVar), ",") {
			if s = strings.TrimSpace(s); s != "" {
				scopes[s] = true
			}
		}
	})
	return scopes["*"] || scopes[scope]
}

// For returns the logger a runtime component of the given scope should use:
// user when non-nil, else a debug logger to standard error when the scope is
// enabled, else a logger that discards everything. The scope is attached as
// the "scope" attribute.
func For(user *slog.Logger, scope string) *slog.Logger {
	if user != nil {
		return user.With("scope", scope)
	}
	if Enabled(scope) {
		h := slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})
		return slog.New(h).With("scope", scope)
	}
	return discard
}

var discard = slog.New(slog.DiscardHandler)
