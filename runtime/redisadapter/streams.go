package redisadapter

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogen/siogen/runtime/internal/logging"
	"github.com/siogen/siogen/runtime/sio"
)

// StreamsOptions configures a [StreamsNode]. The zero value, or nil, means
// the defaults of @socket.io/redis-streams-adapter.
type StreamsOptions struct {
	// StreamName is the key of the Redis stream. Default "socket.io".
	StreamName string
	// MaxLen trims the stream (XADD MAXLEN ~). Default 10000. Connection
	// state recovery can only replay what the stream still holds.
	MaxLen int64
	// ReadCount is the number of entries one XREAD returns. Default 100.
	ReadCount int64
	// SessionKeyPrefix prefixes the keys of recoverable sessions. Default
	// "sio:session:".
	SessionKeyPrefix string
	// HeartbeatInterval and HeartbeatTimeout: a node that published nothing
	// for HeartbeatInterval sends a heartbeat; one not heard from for
	// HeartbeatTimeout no longer counts. Defaults 5s and 10s.
	HeartbeatInterval time.Duration
	HeartbeatTimeout  time.Duration
	// RequestsTimeout bounds requests to the other nodes, as
	// [Options].RequestsTimeout. Default 5s.
	RequestsTimeout time.Duration
	// Block is how long one XREAD waits for new entries. Default 1s.
	Block time.Duration
	// PublishQueue bounds the entries waiting to be added. Entries wait in
	// it, in order, while Redis is unreachable and are added when it is
	// back; when it is full, new ones are dropped (counted in
	// Status.Dropped). Default 4096.
	PublishQueue int
	// HandlerQueue bounds the server-side events waiting for their
	// handlers. Default 1024.
	HandlerQueue int
	// ReconnectDelay and ReconnectDelayMax bound the pauses between retries
	// while Redis is unreachable. Defaults 100ms and 2s.
	ReconnectDelay    time.Duration
	ReconnectDelayMax time.Duration
	// OnStatus, when set, is called on the node's reader goroutine when the
	// connection is lost or restored; it must not block.
	OnStatus func(Status)
	// Logger receives the node's logs. Default: errors and warnings to
	// slog.Default() (rate-limited), debug traces to standard error when
	// SIOGEN_DEBUG names "redis".
	Logger *slog.Logger
}

func (o *StreamsOptions) withDefaults() StreamsOptions {
	var r StreamsOptions
	if o != nil {
		r = *o
	}
	if r.StreamName == "" {
		r.StreamName = "socket.io"
	}
	if r.SessionKeyPrefix == "" {
		r.SessionKeyPrefix = "sio:session:"
	}
	setDefault(&r.MaxLen, 10_000)
	setDefault(&r.ReadCount, 100)
	setDefault(&r.HeartbeatInterval, 5*time.Second)
	setDefault(&r.HeartbeatTimeout, 10*time.Second)
	setDefault(&r.RequestsTimeout, 5*time.Second)
	setDefault(&r.Block, time.Second)
	setDefault(&r.PublishQueue, 4096)
	setDefault(&r.HandlerQueue, 1024)
	setDefault(&r.ReconnectDelay, 100*time.Millisecond)
	setDefault(&r.ReconnectDelayMax, 2*time.Second)
	return r
}

// StreamsNode connects one process to the cluster through one Redis stream,
// as @socket.io/redis-streams-adapter: every message between nodes is an
// entry of the stream, so nothing is lost while Redis restarts (with
// persistence) or a node's connection drops, and the entry id is the
// offset of connection state recovery, valid on every node.
//
// Concurrency: every method is safe for concurrent use. A StreamsNode owns
// four goroutines: the reader (XREAD, entries applied one at a time, in
// stream order), the writer (XADD and session writes, one at a time, in
// the order they were queued, retried until Redis takes them), the
// heartbeat and the server-side event handlers. Close stops them all.
type StreamsNode struct {
	rdb    redis.UniversalClient
	opts   StreamsOptions
	log    *slog.Logger
	uid    string
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	writes chan *streamWrite
	handlers
	start sync.Once

	mu       sync.Mutex
	adapters map[string]*StreamsAdapter
	closed   bool
	status   Status
	down     bool
}

// streamWrite is one queued Redis write. fn runs on the writer goroutine
// until it succeeds, the node closes or ctx (when set) ends; then done (when
// set) runs with its result.
type streamWrite struct {
	ctx  context.Context
	fn   func(ctx context.Context) (string, error)
	done func(id string, err error)
}

// NewStreamsNode returns a node over rdb, which the caller keeps and
// closes after the node.
func NewStreamsNode(rdb redis.UniversalClient, opts *StreamsOptions) *StreamsNode {
	o := opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	n := &StreamsNode{
		rdb:      rdb,
		opts:     o,
		log:      logging.For(o.Logger, "redis"),
		uid:      randomID(3),
		ctx:      ctx,
		cancel:   cancel,
		writes:   make(chan *streamWrite, o.PublishQueue),
		handlers: handlers{work: make(chan func(), o.HandlerQueue)},
		adapters: make(map[string]*StreamsAdapter),
		status:   Status{Since: time.Now()},
	}
	n.wg.Add(3)
	go n.writeLoop()
	n.handlers.log = n.log
	go n.handlers.loop(n.ctx, &n.wg)
	go n.heartbeatLoop()
	return n
}

// UID returns the node's identifier in the entries it adds.
func (n *StreamsNode) UID() string { return n.uid }

// Status returns the state of the node's connection to Redis.
func (n *StreamsNode) Status() Status {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.status
}

// Adapter makes the adapter of a namespace; pass it as
// sio.ServerOptions.Adapter. The first one starts the reader after the
// stream's last entry, which it asks Redis for first (within
// StreamsOptions.RequestsTimeout; the reader asks again later when Redis is
// unreachable), so that no entry added afterwards is missed.
func (n *StreamsNode) Adapter(ns *sio.Namespace) sio.Adapter {
	a := newStreamsAdapter(n, ns)
	n.mu.Lock()
	closed := n.closed
	if !closed {
		n.adapters[ns.Name()] = a
	}
	n.mu.Unlock()
	if closed {
		a.closed = true
		return a
	}
	n.start.Do(func() {
		last, _ := n.streamEnd()
		n.wg.Add(1)
		go n.readLoop(last)
	})
	a.publish(nil, &message{kind: kInitialHbt}, nil)
	return a
}

// Close stops the node: its adapters announce that they leave (ADAPTER_CLOSE,
// waiting at most a second for the writes queued before), pending
// requests fail with ErrClosed, and every goroutine of the node has
// returned when Close does. It does not close the Redis client.
func (n *StreamsNode) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	adapters := make([]*StreamsAdapter, 0, len(n.adapters))
	for _, a := range n.adapters {
		adapters = append(adapters, a)
	}
	n.mu.Unlock()
	for _, a := range adapters {
		a.shutdown()
	}
	n.flush(time.Second)
	n.cancel()
	n.wg.Wait()
	return nil
}

// flush waits until the writes queued so far are done, at most d.
func (n *StreamsNode) flush(d time.Duration) {
	ctx, cancel := context.WithTimeout(n.ctx, d)
	defer cancel()
	done := make(chan struct{})
	w := &streamWrite{ctx: ctx, fn: func(context.Context) (string, error) { return "", nil },
		done: func(string, error) { close(done) }}
	select {
	case n.writes <- w:
	default:
		return
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// enqueue queues a write; false when the queue is full.
func (n *StreamsNode) enqueue(w *streamWrite) bool {
	select {
	case n.writes <- w:
		return true
	default:
		n.mu.Lock()
		n.status.Dropped++
		n.status.Err = errors.New("redisadapter: publish queue is full")
		n.mu.Unlock()
		return false
	}
}

// writeLoop runs the queued writes in order, retrying each until Redis
// takes it: a write is never skipped for a later one.
func (n *StreamsNode) writeLoop() {
	defer n.wg.Done()
	for {
		select {
		case <-n.ctx.Done():
			return
		case w := <-n.writes:
			n.write(w)
		}
	}
}

func (n *StreamsNode) write(w *streamWrite) {
	delay := n.opts.ReconnectDelay
	for {
		ctx := n.ctx
		if w.ctx != nil {
			ctx = w.ctx
		}
		if ctx.Err() != nil || n.ctx.Err() != nil {
			if w.done != nil {
				w.done("", ErrClosed)
			}
			return
		}
		cctx, cancel := context.WithTimeout(ctx, n.opts.RequestsTimeout)
		id, err := w.fn(cctx)
		cancel()
		if err == nil {
			if w.done != nil {
				w.done(id, nil)
			}
			return
		}
		if ctx.Err() == nil {
			n.log.Debug("redis write failed; retrying", "err", err)
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
		case <-n.ctx.Done():
		}
		delay = min(2*delay, n.opts.ReconnectDelayMax)
	}
}

// heartbeatLoop sends a heartbeat for every adapter that published nothing
// for HeartbeatInterval.
func (n *StreamsNode) heartbeatLoop() {
	defer n.wg.Done()
	t := time.NewTicker(max(n.opts.HeartbeatInterval/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		n.mu.Lock()
		adapters := make([]*StreamsAdapter, 0, len(n.adapters))
		for _, a := range n.adapters {
			adapters = append(adapters, a)
		}
		n.mu.Unlock()
		for _, a := range adapters {
			if a.idleFor() >= n.opts.HeartbeatInterval {
				a.publish(nil, &message{kind: kHeartbeat}, nil)
			}
		}
	}
}
