package redisadapter_test

import (
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// errorSink keeps the messages and attributes of the records it gets.
type errorSink struct {
	mu   sync.Mutex
	recs []string
}

func (h *errorSink) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelInfo }

func (h *errorSink) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String() + " " + r.Message)
	r.Attrs(func(a slog.Attr) bool {
		b.WriteString(" " + a.Key + "=" + a.Value.String())
		return true
	})
	h.mu.Lock()
	h.recs = append(h.recs, b.String())
	h.mu.Unlock()
	return nil
}

func (h *errorSink) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *errorSink) WithGroup(string) slog.Handler      { return h }

// TestOutageAtStartupIsLogged starts a server whose Redis is not there:
// with no logger configured, the failure reaches slog.Default() as an
// error. Not parallel: it sets the default logger.
func TestOutageAtStartupIsLogged(t *testing.T) {
	sink := &errorSink{}
	prev := slog.Default()
	slog.SetDefault(slog.New(sink))
	t.Cleanup(func() { slog.SetDefault(prev) })

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	defer rdb.Close()
	node := redisadapter.NewNode(rdb, &redisadapter.Options{ReconnectDelay: 50 * time.Millisecond, ReconnectDelayMax: 100 * time.Millisecond})
	defer node.Close()
	srv := sio.NewServer(&sio.ServerOptions{Adapter: node.Adapter})
	defer srv.Shutdown(context.Background())

	deadline := time.Now().Add(10 * time.Second)
	for {
		sink.mu.Lock()
		recs := strings.Join(sink.recs, "\n")
		sink.mu.Unlock()
		if strings.Contains(recs, "ERROR redis unreachable since the node started; retrying with backoff err=dial tcp") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no error logged for a Redis unreachable at startup; got:\n%s", recs)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
