package redisadapter

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogen/siogen/runtime/internal/logging"
	"github.com/siogen/siogen/runtime/sio"
)

// Node connects one process to the cluster: it owns the subscription
// connection (one for every namespace), the ordered publish queue and the
// goroutine that runs server-side event handlers. Make one per process and
// per sio.Server, pass its [Node.Adapter] method as sio.ServerOptions.Adapter,
// and Close it after the server's Shutdown.
//
// Concurrency: every method is safe for concurrent use. Messages from Redis
// are handled one at a time, in order, on the node's receive goroutine;
// broadcasts to local sockets never wait for the network.
type Node struct {
	rdb    redis.UniversalClient
	opts   Options
	log    *slog.Logger
	uid    string
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	pubq   chan outgoing
	handlers

	mu       sync.Mutex
	ps       *redis.PubSub
	subOps   []subOp
	subWake  chan struct{}
	routes   map[string]route // channel or pattern -> handler
	adapters map[string]*Adapter
	closed   bool
	status   Status
	down     bool
	lastGood time.Time

	// Subscription changes are applied in batches, each followed by a
	// PING on the subscription connection: its PONG tells that Redis has
	// applied the batch. Under mu, subSeq numbers the last batch taken,
	// subPinged the last one whose PING was sent, subDone the last one
	// confirmed (or given up on); subCond is closed and replaced when
	// subDone or down changes.
	subSeq    uint64
	subPinged uint64
	subDone   uint64
	subCond   chan struct{}
}

type route func(channel string, payload []byte)

type outgoing struct {
	ns      *sio.Namespace // whose adapter publishes: told when a message sent without waiting is lost
	channel string
	payload []byte
	done    chan error // nil for fire and forget
}

// NewNode returns a node publishing and subscribing through rdb, which the
// caller keeps and closes after the node. For sharded Pub/Sub on a Redis
// Cluster, rdb is a *redis.ClusterClient.
func NewNode(rdb redis.UniversalClient, opts *Options) *Node {
	o := opts.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	n := &Node{
		rdb:      rdb,
		opts:     o,
		log:      logging.For(o.Logger, "redis"),
		uid:      randomID(3),
		ctx:      ctx,
		cancel:   cancel,
		pubq:     make(chan outgoing, o.PublishQueue),
		handlers: handlers{work: make(chan func(), o.HandlerQueue)},
		routes:   make(map[string]route),
		adapters: make(map[string]*Adapter),
		status:   Status{Since: time.Now()},
		subCond:  make(chan struct{}),
	}
	n.wg.Add(2)
	go n.publishLoop()
	n.handlers.log = n.log
	go n.handlers.loop(n.ctx, &n.wg)
	return n
}

// randomID returns 2n hexadecimal characters.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// UID returns the node's identifier in the messages it publishes.
func (n *Node) UID() string { return n.uid }

// Status returns the state of the node's connection to Redis.
func (n *Node) Status() Status {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.status
}

// Close stops the node: its adapters stop talking to the other nodes,
// pending requests fail with ErrClosed, and every goroutine of the node has
// returned when Close does. It does not close the Redis client.
func (n *Node) Close() error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	ps := n.ps
	adapters := make([]*Adapter, 0, len(n.adapters))
	for _, a := range n.adapters {
		adapters = append(adapters, a)
	}
	n.mu.Unlock()
	for _, a := range adapters {
		a.shutdown()
	}
	n.cancel()
	if ps != nil {
		_ = ps.Close()
	}
	n.wg.Wait()
	return nil
}

// subscribe adds a route and queues the subscription to its channels
// (patterns when kind is "pattern", shard channels when "shard"). The
// subscription is made on the node's subscription goroutine; go-redis
// records it even when Redis is down and makes it again on reconnection.
// It returns the batch to pass to [Node.awaitSubscribed] to wait until
// Redis has applied it (0 when the node is closed).
func (n *Node) subscribe(kind string, r route, channels ...string) uint64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return 0
	}
	for _, c := range channels {
		n.routes[c] = r
	}
	n.subOps = append(n.subOps, subOp{kind: kind, add: true, names: channels})
	n.wakeSubs()
	return n.subSeq + 1
}

// awaitSubscribed waits until Redis has applied the subscription changes
// of batch b: from then on, whatever another node publishes on those
// channels reaches this node. It waits at most Options.RequestsTimeout,
// and not at all while Redis is unreachable (the outage is a loss window
// anyway) or once the node is closed. It must not run on the receive
// goroutine, which reads the confirmation.
func (n *Node) awaitSubscribed(b uint64) {
	var timeout <-chan time.Time
	for {
		n.mu.Lock()
		done := n.subDone >= b || n.closed || n.down
		wake := n.subCond
		n.mu.Unlock()
		if done {
			return
		}
		if timeout == nil {
			t := time.NewTimer(n.opts.RequestsTimeout)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-wake:
		case <-timeout:
			n.log.Debug("subscriptions not confirmed in time", "timeout", n.opts.RequestsTimeout)
			return
		case <-n.ctx.Done():
			return
		}
	}
}

// subscribed records that the subscription changes up to batch b are
// applied, or given up on; n.mu is held.
func (n *Node) subscribed(b uint64) {
	if b > n.subDone {
		n.subDone = b
		n.wakeSubWaiters()
	}
}

// wakeSubWaiters makes the callers of awaitSubscribed look again; n.mu is
// held.
func (n *Node) wakeSubWaiters() {
	close(n.subCond)
	n.subCond = make(chan struct{})
}

// subPing is the payload prefix of the PING that follows a batch of
// subscription changes; the batch number follows it.
const subPing = "siogen-subscribed:"

func (n *Node) unsubscribe(kind string, channels ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, c := range channels {
		delete(n.routes, c)
	}
	if n.closed {
		return
	}
	n.subOps = append(n.subOps, subOp{kind: kind, names: channels})
	n.wakeSubs()
}

type subOp struct {
	kind  string
	add   bool
	names []string
}

// wakeSubs starts the subscription goroutine or signals it; n.mu is held.
func (n *Node) wakeSubs() {
	if n.subWake == nil {
		n.subWake = make(chan struct{}, 1)
		if n.opts.Sharded {
			n.ps = n.rdb.SSubscribe(n.ctx)
		} else {
			n.ps = n.rdb.Subscribe(n.ctx)
		}
		n.wg.Add(2)
		go n.subLoop(n.ps)
		go n.receiveLoop(n.ps)
	}
	select {
	case n.subWake <- struct{}{}:
	default:
	}
}

// subLoop applies the queued subscription changes, in order.
func (n *Node) subLoop(ps *redis.PubSub) {
	defer n.wg.Done()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-n.subWake:
		}
		n.mu.Lock()
		ops := n.subOps
		n.subOps = nil
		if len(ops) > 0 {
			n.subSeq++
		}
		batch := n.subSeq
		n.mu.Unlock()
		if len(ops) == 0 {
			continue
		}
		for _, op := range ops {
			ctx, cancel := context.WithTimeout(n.ctx, n.opts.RequestsTimeout)
			var err error
			switch {
			case op.kind == "pattern" && op.add:
				err = ps.PSubscribe(ctx, op.names...)
			case op.kind == "pattern":
				err = ps.PUnsubscribe(ctx, op.names...)
			case op.kind == "shard" && op.add:
				err = ps.SSubscribe(ctx, op.names...)
			case op.kind == "shard":
				err = ps.SUnsubscribe(ctx, op.names...)
			case op.add:
				err = ps.Subscribe(ctx, op.names...)
			default:
				err = ps.Unsubscribe(ctx, op.names...)
			}
			cancel()
			if err != nil && n.ctx.Err() == nil {
				n.log.Debug("subscription change failed; redone on reconnection", "channels", op.names, "err", err)
			}
		}
		// go-redis returns once a command is written: Redis has applied
		// it when the PING written after it is answered, on the same
		// connection (a new connection is subscribed again first).
		ctx, cancel := context.WithTimeout(n.ctx, n.opts.RequestsTimeout)
		err := ps.Ping(ctx, subPing+strconv.FormatUint(batch, 10))
		cancel()
		n.mu.Lock()
		if err != nil {
			n.subscribed(batch) // no answer will come: do not keep anyone waiting
		} else {
			n.subPinged = batch
		}
		n.mu.Unlock()
	}
}

// receiveLoop reads the subscription connection until the node closes,
// reconnecting with backoff.
func (n *Node) receiveLoop(ps *redis.PubSub) {
	defer n.wg.Done()
	delay := n.opts.ReconnectDelay
	for n.ctx.Err() == nil {
		msg, err := ps.ReceiveTimeout(n.ctx, n.opts.HealthCheckInterval)
		if err != nil {
			if n.ctx.Err() != nil || errors.Is(err, redis.ErrClosed) {
				return
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				// Silence: make the server answer.
				_ = ps.Ping(n.ctx)
				continue
			}
			n.setDown(err)
			select {
			case <-time.After(delay):
			case <-n.ctx.Done():
				return
			}
			delay = min(2*delay, n.opts.ReconnectDelayMax)
			continue
		}
		delay = n.opts.ReconnectDelay
		n.setUp()
		switch m := msg.(type) {
		case *redis.Message:
			n.dispatch(m)
		case *redis.Pong:
			if b, ok := strings.CutPrefix(m.Payload, subPing); ok {
				if b, err := strconv.ParseUint(b, 10, 64); err == nil {
					n.mu.Lock()
					n.subscribed(b)
					n.mu.Unlock()
				}
			}
		}
	}
}

func (n *Node) dispatch(m *redis.Message) {
	key := m.Channel
	if m.Pattern != "" {
		key = m.Pattern
	}
	n.mu.Lock()
	r := n.routes[key]
	n.mu.Unlock()
	if r != nil {
		r(m.Channel, []byte(m.Payload))
	}
}

func (n *Node) setDown(err error) {
	n.mu.Lock()
	first := !n.down
	n.status.Err = err
	var st Status
	never := n.lastGood.IsZero()
	if first {
		n.down = true
		n.status.Connected = false
		n.status.Since = time.Now()
		n.status.Outages++
		start := n.lastGood
		if start.IsZero() {
			start = n.status.Since
		}
		n.status.LastOutage = Outage{Start: start}
		st = n.status
		// The answers to the PINGs sent are lost with the connection.
		n.subscribed(n.subPinged)
		n.wakeSubWaiters()
	}
	n.mu.Unlock()
	if first {
		if never {
			n.log.Error("redis unreachable since the node started; retrying with backoff", "err", err)
		} else {
			n.log.Warn("redis connection lost; retrying with backoff", "err", err)
		}
		if n.opts.OnStatus != nil {
			n.opts.OnStatus(st)
		}
		reportOutage(&n.mu, n.adapters, func(a *Adapter) *sio.Namespace { return a.ns }, err)
	}
}

// reportOutage tells the namespace of each adapter, taken from adapters
// under mu, that Redis became unreachable ([sio.Namespace.ReportAdapterError]).
func reportOutage[A any](mu *sync.Mutex, adapters map[string]A, nsOf func(A) *sio.Namespace, err error) {
	mu.Lock()
	nss := make([]*sio.Namespace, 0, len(adapters))
	for _, a := range adapters {
		nss = append(nss, nsOf(a))
	}
	mu.Unlock()
	for _, ns := range nss {
		ns.ReportAdapterError(&Error{Op: "connect", Err: err})
	}
}

func (n *Node) setUp() {
	now := time.Now()
	n.mu.Lock()
	n.lastGood = now
	changed := n.down || !n.status.Connected
	var st Status
	if changed {
		wasDown := n.down
		n.down = false
		n.status.Connected = true
		n.status.Since = now
		if wasDown {
			n.status.LastOutage.End = now
		}
		st = n.status
	}
	n.mu.Unlock()
	if changed {
		if st.Outages > 0 {
			n.log.Warn("redis connection restored", "lost", st.LastOutage.End.Sub(st.LastOutage.Start))
		}
		if n.opts.OnStatus != nil {
			n.opts.OnStatus(st)
		}
	}
}

// publish queues a message. With wait it returns once the message is
// published, or the error; without, it returns at once.
func (n *Node) publish(ctx context.Context, ns *sio.Namespace, channel string, payload []byte, wait bool) error {
	out := outgoing{ns: ns, channel: channel, payload: payload}
	if wait {
		out.done = make(chan error, 1)
	}
	n.mu.Lock()
	closed, down := n.closed, n.down
	n.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if down {
		n.drop(ErrUnavailable)
		return ErrUnavailable
	}
	select {
	case n.pubq <- out:
	default:
		err := errors.New("redisadapter: publish queue is full")
		n.drop(err)
		return err
	}
	if !wait {
		return nil
	}
	select {
	case err := <-out.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-n.ctx.Done():
		return ErrClosed
	}
}

func (n *Node) drop(err error) {
	n.mu.Lock()
	n.status.Dropped++
	n.status.Err = err
	n.mu.Unlock()
}

func (n *Node) publishLoop() {
	defer n.wg.Done()
	for {
		select {
		case <-n.ctx.Done():
			return
		case m := <-n.pubq:
			var err error
			if n.opts.Sharded {
				err = n.rdb.SPublish(n.ctx, m.channel, m.payload).Err()
			} else {
				err = n.rdb.Publish(n.ctx, m.channel, m.payload).Err()
			}
			if err != nil {
				n.drop(err)
				n.log.Error("redis publish failed: the message is lost", "channel", m.channel, "err", err)
			}
			if m.done != nil {
				m.done <- err
			} else if err != nil && m.ns != nil {
				m.ns.ReportAdapterError(&Error{Op: "publish", Err: err})
			}
		}
	}
}

// numSub returns the number of nodes subscribed to channel.
func (n *Node) numSub(ctx context.Context, channel string) (int, error) {
	n.mu.Lock()
	down := n.down
	n.mu.Unlock()
	if down {
		return 0, ErrUnavailable
	}
	var m map[string]int64
	var err error
	if n.opts.Sharded {
		m, err = n.rdb.PubSubShardNumSub(ctx, channel).Result()
	} else {
		m, err = n.rdb.PubSubNumSub(ctx, channel).Result()
	}
	if err != nil {
		return 0, err
	}
	return int(m[channel]), nil
}

// Adapter makes the adapter of a namespace; pass it as
// sio.ServerOptions.Adapter. It returns once Redis has confirmed the
// namespace's subscriptions, so that nothing the other nodes publish
// afterwards is missed: within a round trip to Redis, at most
// Options.RequestsTimeout, and at once while Redis is unreachable.
func (n *Node) Adapter(ns *sio.Namespace) sio.Adapter {
	a := newAdapter(n, ns)
	n.mu.Lock()
	n.adapters[ns.Name()] = a
	n.mu.Unlock()
	a.start()
	return a
}
