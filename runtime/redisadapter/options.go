package redisadapter

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Options configures a [Node]. The zero value, or nil, means the defaults
// of @socket.io/redis-adapter.
type Options struct {
	// Key is the prefix of every channel. Default "socket.io", as upstream;
	// nodes of one application must use the same key.
	Key string
	// RequestsTimeout bounds a request to the other nodes (FetchSockets,
	// ServerSideEmitWithAck, and how long broadcast acknowledgements are
	// awaited) when its context has no earlier deadline. Default 5s.
	RequestsTimeout time.Duration
	// PublishOnSpecificResponseChannel publishes the answers to another
	// node's request on that node's own response channel instead of the
	// shared one. Default false, as upstream; every node listens on both.
	PublishOnSpecificResponseChannel bool
	// Sharded uses the sharded Pub/Sub of Redis 7 (SSUBSCRIBE, SPUBLISH) and
	// the message format of upstream's createShardedAdapter. Every node of
	// the application must use the same mode.
	Sharded bool
	// PublishQueue bounds the messages waiting to be published. When it is
	// full, or while Redis is known to be unreachable, messages to the other
	// nodes are dropped and counted in [Status].Dropped; local delivery is
	// never affected. Default 4096.
	PublishQueue int
	// HandlerQueue bounds the server-side events waiting for their handlers,
	// which run one at a time on a goroutine of the node. Default 1024.
	HandlerQueue int
	// ReconnectDelay is the first pause after the subscription connection
	// fails; it doubles up to ReconnectDelayMax. Defaults 100ms and 5s.
	ReconnectDelay    time.Duration
	ReconnectDelayMax time.Duration
	// HealthCheckInterval is how long the subscription connection may stay
	// silent before it is pinged. Default 5s.
	HealthCheckInterval time.Duration
	// OnStatus, when set, is called with the new [Status] whenever the
	// connection to Redis is lost or restored. It runs on the node's receive
	// goroutine and must not block.
	OnStatus func(Status)
	// Logger receives the node's logs: an error when Redis is unreachable
	// from the start or a publish fails, a warning when the connection is
	// lost and one when it is back, and debug traces. Default: errors and
	// warnings to slog.Default() (rate-limited), debug traces to standard
	// error when SIOGEN_DEBUG names "redis".
	Logger *slog.Logger
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Key == "" {
		r.Key = "socket.io"
	}
	setDefault(&r.RequestsTimeout, 5*time.Second)
	setDefault(&r.PublishQueue, 4096)
	setDefault(&r.HandlerQueue, 1024)
	setDefault(&r.ReconnectDelay, 100*time.Millisecond)
	setDefault(&r.ReconnectDelayMax, 5*time.Second)
	setDefault(&r.HealthCheckInterval, 5*time.Second)
	return r
}

func setDefault[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// Status is the state of a node's connection to Redis.
type Status struct {
	// Connected reports whether the subscription connection is up.
	Connected bool
	// Since is when Connected last changed.
	Since time.Time
	// Outages counts the losses of the subscription connection.
	Outages int
	// LastOutage is the last loss window: from the last moment the
	// connection was known to work to the moment it was subscribed again
	// (zero End while it lasts). Messages that other nodes published in it
	// were not received: Redis Pub/Sub does not keep them.
	LastOutage Outage
	// Dropped counts the messages this node could not publish.
	Dropped uint64
	// Err is the last error met, nil if none.
	Err error
}

// Outage is a window of time in which messages may have been lost.
type Outage struct {
	Start, End time.Time
}

// ErrTimeout is what an [*Error] wraps when other nodes did not answer in
// time; ErrClosed when the node or adapter is closed; ErrUnavailable when
// Redis cannot be reached.
var (
	ErrTimeout     = errors.New("redisadapter: timeout reached while waiting for other nodes")
	ErrClosed      = errors.New("redisadapter: closed")
	ErrUnavailable = errors.New("redisadapter: redis is unavailable")
)

// Error is the error of an adapter or emitter operation.
type Error struct {
	// Op is the operation: "fetchSockets", "serverSideEmit", "publish"...
	Op string
	// Expected and Received count the answers of other nodes, for
	// requests.
	Expected, Received int
	// Err is the cause: ErrTimeout, ErrClosed, ErrUnavailable, a Redis or
	// encoding error.
	Err error
}

func (e *Error) Error() string {
	if errors.Is(e.Err, ErrTimeout) {
		return fmt.Sprintf("redisadapter: %s: timeout reached: only %d responses received out of %d", e.Op, e.Received, e.Expected)
	}
	return fmt.Sprintf("redisadapter: %s: %v", e.Op, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Timeout reports whether other nodes did not answer in time.
func (e *Error) Timeout() bool { return errors.Is(e.Err, ErrTimeout) }
