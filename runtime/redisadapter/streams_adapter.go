package redisadapter

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogen/siogen/runtime/sio"
)

// StreamsAdapter is the [sio.Adapter] of one namespace on a [StreamsNode]:
// rooms and local delivery are those of the embedded [sio.MemoryAdapter];
// every operation that is not Local is also added to the stream, and what
// other nodes add is applied here. With connection state recovery, a
// broadcast's offset is its stream entry id: this node's own broadcasts
// reach its clients once Redis has taken them, and sessions live in Redis,
// so a client can recover on any node.
type StreamsAdapter struct {
	*sio.MemoryAdapter
	node    *StreamsNode
	ns      *sio.Namespace
	ackIDs  atomic.Int64
	lastPub atomic.Int64 // unix nanoseconds of the last entry queued

	mu       sync.Mutex
	nodes    map[string]time.Time // uid -> last heard from
	requests map[string]*request
	acks     map[string]*ackRequest
	ssAck    map[string]func(sio.Args) any
	closed   bool
}

func newStreamsAdapter(n *StreamsNode, ns *sio.Namespace) *StreamsAdapter {
	a := &StreamsAdapter{
		MemoryAdapter: sio.NewMemoryAdapter(ns),
		node:          n,
		ns:            ns,
		nodes:         make(map[string]time.Time),
		requests:      make(map[string]*request),
		acks:          make(map[string]*ackRequest),
		ssAck:         make(map[string]func(sio.Args) any),
	}
	a.ackIDs.Store(remoteAckBase)
	return a
}

// OnServerSideEmitWithAck registers this node's answer to an event another
// node sends with ServerSideEmitWithAck, as [Adapter.OnServerSideEmitWithAck].
func (a *StreamsAdapter) OnServerSideEmitWithAck(event string, fn func(args sio.Args) any) {
	a.mu.Lock()
	a.ssAck[event] = fn
	a.mu.Unlock()
}

func (a *StreamsAdapter) idleFor() time.Duration {
	return time.Since(time.Unix(0, a.lastPub.Load()))
}

// publish queues m as a stream entry; done, when set, runs on the writer
// goroutine with the entry id once Redis took it, or the error. A nil ctx
// retries until the node closes. It reports false when the queue is full.
func (a *StreamsAdapter) publish(ctx context.Context, m *message, done func(id string, err error)) bool {
	m.uid = a.node.uid
	m.nsp = a.ns.Name()
	vals, err := encodeStreamEntry(m)
	if err != nil {
		if done != nil {
			done("", err)
		}
		return true
	}
	a.lastPub.Store(time.Now().UnixNano())
	n := a.node
	return n.enqueue(&streamWrite{ctx: ctx, done: done, fn: func(ctx context.Context) (string, error) {
		return n.rdb.XAdd(ctx, &redis.XAddArgs{Stream: n.opts.StreamName, MaxLen: n.opts.MaxLen, Approx: true, Values: vals}).Result()
	}})
}

// publishWait publishes m and waits until Redis took it or ctx ends.
func (a *StreamsAdapter) publishWait(ctx context.Context, op string, m *message) error {
	res := make(chan error, 1)
	if !a.publish(ctx, m, func(_ string, err error) { res <- err }) {
		return &Error{Op: op, Err: errors.New("redisadapter: publish queue is full")}
	}
	select {
	case err := <-res:
		if err != nil {
			return &Error{Op: op, Err: err}
		}
		return nil
	case <-ctx.Done():
		return &Error{Op: op, Err: ctx.Err()}
	}
}

// Broadcast implements [sio.Adapter]. With connection state recovery, a
// replayable broadcast reaches this node's clients once it is in the
// stream, with its entry id as offset (in the order of the Broadcast
// calls, later if Redis is down); otherwise at once. When the write queue
// is full it is delivered locally only.
func (a *StreamsAdapter) Broadcast(p *sio.Packet, opts *sio.BroadcastOptions) error {
	if opts.Local {
		return a.MemoryAdapter.BroadcastWithOffset(p, opts, "")
	}
	pkt, err := nodePacket(p, a.ns.Name())
	if err != nil {
		return a.MemoryAdapter.BroadcastWithOffset(p, opts, "")
	}
	m := &message{kind: kBroadcast, packet: pkt, opts: nodeOpts(opts, nil)}
	if !a.MemoryAdapter.Replayable(p, opts) {
		_ = a.MemoryAdapter.BroadcastWithOffset(p, opts, "")
		a.publish(nil, m, nil)
		return nil
	}
	o := cloneOpts(opts)
	if !a.publish(nil, m, func(id string, _ error) { _ = a.MemoryAdapter.BroadcastWithOffset(p, o, id) }) {
		return a.MemoryAdapter.BroadcastWithOffset(p, opts, "")
	}
	return nil
}

func cloneOpts(o *sio.BroadcastOptions) *sio.BroadcastOptions {
	c := *o
	c.Rooms = append([]string(nil), o.Rooms...)
	c.Except = append([]string(nil), o.Except...)
	return &c
}

// BroadcastWithAck implements [sio.Adapter], as [Adapter.BroadcastWithAck].
func (a *StreamsAdapter) BroadcastWithAck(ctx context.Context, p *sio.Packet, opts *sio.BroadcastOptions, onClients func(int), onAck func(sio.Args)) error {
	if !opts.Local {
		if pkt, err := nodePacket(p, a.ns.Name()); err == nil {
			id := randomID(8)
			timeout := a.node.opts.RequestsTimeout
			if d, ok := ctx.Deadline(); ok {
				timeout = time.Until(d)
			}
			a.mu.Lock()
			a.acks[id] = &ackRequest{onClients: onClients, onAck: onAck}
			a.mu.Unlock()
			forget := func() {
				a.mu.Lock()
				delete(a.acks, id)
				a.mu.Unlock()
			}
			if _, ok := ctx.Deadline(); ok {
				context.AfterFunc(ctx, forget)
			} else {
				time.AfterFunc(timeout, forget)
			}
			a.publish(ctx, &message{kind: kBroadcast, requestID: id, packet: pkt, opts: nodeOpts(opts, obj("timeout", timeout.Milliseconds()))}, nil)
		}
	}
	return a.MemoryAdapter.BroadcastWithAck(ctx, p, opts, onClients, onAck)
}

// ServerCount implements [sio.Adapter]: this node and the nodes heard from
// within HeartbeatTimeout.
func (a *StreamsAdapter) ServerCount(context.Context) (int, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for uid, at := range a.nodes {
		if time.Since(at) > a.node.opts.HeartbeatTimeout {
			delete(a.nodes, uid)
		}
	}
	return 1 + len(a.nodes), nil
}

// FetchSockets implements [sio.Adapter].
func (a *StreamsAdapter) FetchSockets(ctx context.Context, opts *sio.BroadcastOptions) ([]*sio.RemoteSocket, error) {
	local, _ := a.MemoryAdapter.FetchSockets(ctx, opts)
	n, _ := a.ServerCount(ctx)
	if opts.Local || n <= 1 {
		return local, nil
	}
	req, id := a.newRequest(kFetch, n-1)
	err := a.publishWait(ctx, "fetchSockets", &message{kind: kFetch, requestID: id, opts: nodeSelector(opts)})
	got, err := a.wait(ctx, "fetchSockets", id, req, err)
	return append(local, got.sockets...), err
}

// AddSockets implements [sio.Adapter].
func (a *StreamsAdapter) AddSockets(ctx context.Context, opts *sio.BroadcastOptions, rooms []string) error {
	_ = a.MemoryAdapter.AddSockets(ctx, opts, rooms)
	if opts.Local {
		return nil
	}
	return a.publishWait(ctx, "socketsJoin", &message{kind: kJoin, opts: nodeSelector(opts), rooms: anys(rooms)})
}

// DelSockets implements [sio.Adapter].
func (a *StreamsAdapter) DelSockets(ctx context.Context, opts *sio.BroadcastOptions, rooms []string) error {
	_ = a.MemoryAdapter.DelSockets(ctx, opts, rooms)
	if opts.Local {
		return nil
	}
	return a.publishWait(ctx, "socketsLeave", &message{kind: kLeave, opts: nodeSelector(opts), rooms: anys(rooms)})
}

// DisconnectSockets implements [sio.Adapter].
func (a *StreamsAdapter) DisconnectSockets(ctx context.Context, opts *sio.BroadcastOptions, close bool) error {
	var err error
	if !opts.Local {
		err = a.publishWait(ctx, "disconnectSockets", &message{kind: kDisconnect, opts: nodeSelector(opts), close: close})
	}
	_ = a.MemoryAdapter.DisconnectSockets(ctx, opts, close)
	return err
}

// ServerSideEmit implements [sio.Adapter].
func (a *StreamsAdapter) ServerSideEmit(ctx context.Context, p *sio.Packet) error {
	data, err := fromJSON(p.Data, p.Attachments)
	if err != nil {
		return &Error{Op: "serverSideEmit", Err: err}
	}
	args, _ := data.([]any)
	return a.publishWait(ctx, "serverSideEmit", &message{kind: kServerSideEmit, data: args})
}

// ServerSideEmitWithAck implements [sio.Adapter]: one answer per other
// node, until ctx ends or RequestsTimeout.
func (a *StreamsAdapter) ServerSideEmitWithAck(ctx context.Context, p *sio.Packet) ([]sio.Args, error) {
	data, err := fromJSON(p.Data, p.Attachments)
	if err != nil {
		return nil, &Error{Op: "serverSideEmit", Err: err}
	}
	args, _ := data.([]any)
	n, _ := a.ServerCount(ctx)
	if n <= 1 {
		return nil, nil
	}
	req, id := a.newRequest(kServerSideEmit, n-1)
	err = a.publishWait(ctx, "serverSideEmit", &message{kind: kServerSideEmit, requestID: id, data: args})
	got, err := a.wait(ctx, "serverSideEmit", id, req, err)
	return got.answers, err
}

// PersistSession implements [sio.Adapter]: the session is written to Redis
// (SET sio:session:<pid> PX MaxDisconnectionDuration) after the entries
// queued before it.
func (a *StreamsAdapter) PersistSession(s *sio.Session) {
	d := a.MemoryAdapter.RecoveryDuration()
	if d <= 0 {
		return
	}
	key, val, n := a.node.opts.SessionKeyPrefix+s.PID, encodeSession(s), a.node
	n.enqueue(&streamWrite{fn: func(ctx context.Context) (string, error) {
		return "", n.rdb.Set(ctx, key, val, d).Err()
	}})
}

// RestoreSession implements [sio.Adapter]: the session and the broadcasts
// after offset come from Redis, whichever node the client was on. It waits
// at most RequestsTimeout.
func (a *StreamsAdapter) RestoreSession(pid, offset string) (*sio.Session, []*sio.Packet, bool) {
	if a.MemoryAdapter.RecoveryDuration() <= 0 {
		return nil, nil, false
	}
	ctx, cancel := context.WithTimeout(a.node.ctx, a.node.opts.RequestsTimeout)
	defer cancel()
	s, missed, err := a.node.restore(ctx, a.ns.Name(), pid, offset)
	if err != nil {
		a.node.log.Debug("session not restored", "pid", pid, "err", err)
		return nil, nil, false
	}
	return s, missed, true
}

// Close implements [sio.Adapter]: it announces that this node leaves the
// namespace and fails the pending requests.
func (a *StreamsAdapter) Close() error {
	a.shutdown()
	a.node.mu.Lock()
	if a.node.adapters[a.ns.Name()] == a {
		delete(a.node.adapters, a.ns.Name())
	}
	a.node.mu.Unlock()
	return nil
}

func (a *StreamsAdapter) shutdown() {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	a.closed = true
	for _, r := range a.requests {
		if !r.finished {
			r.finished = true
			close(r.done)
		}
	}
	clear(a.acks)
	a.mu.Unlock()
	// The write outlives this call: its callback releases the context.
	ctx, cancel := context.WithTimeout(a.node.ctx, time.Second)
	if !a.publish(ctx, &message{kind: kClose}, func(string, error) { cancel() }) {
		cancel()
	}
}
