package redisadapter

import (
	"context"
	"log/slog"
	"sync"
)

// handlers runs the server-side event handlers of a node one at a time on
// one goroutine, so that a slow handler never blocks reading from Redis.
// A node embeds it; run is safe for concurrent use.
type handlers struct {
	work chan func()
	log  *slog.Logger
}

// run queues fn on the handler goroutine; it is dropped, and logged, when
// the queue is full.
func (h *handlers) run(fn func()) {
	select {
	case h.work <- fn:
	default:
		h.log.Warn("server-side handler queue is full; event dropped")
	}
}

// loop runs queued handlers until ctx ends, recovering their panics; wg is
// released when it returns.
func (h *handlers) loop(ctx context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case fn := <-h.work:
			func() {
				defer func() {
					if r := recover(); r != nil {
						h.log.Error("panic in server-side handler", "panic", r)
					}
				}()
				fn()
			}()
		}
	}
}
