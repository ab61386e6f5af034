package redisadapter

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// Adapter is the [sio.Adapter] of one namespace on a [Node]: rooms and
// local delivery are those of the embedded [sio.MemoryAdapter]; every
// operation that is not Local is also published for the other nodes, and
// what they publish is applied here.
type Adapter struct {
	*sio.MemoryAdapter
	node  *Node
	ns    *sio.Namespace
	proto protocol
	// dyn, in sharded mode, subscribes to the channel of each public room
	// with local sockets; roomMu orders those changes. inbound counts the
	// requests of other nodes (join, leave, disconnect) being applied on
	// the receive goroutine, whose joins must not wait for the
	// subscription to a new room's channel: it reads the confirmation. A
	// local join that runs meanwhile does not wait either, as before.
	dyn     *sharded
	roomMu  sync.Mutex
	inbound atomic.Int32
	// ackIDs numbers the broadcasts with acks that other nodes ask for.
	ackIDs atomic.Int64

	mu       sync.Mutex
	requests map[string]*request
	acks     map[string]*ackRequest
	ssAck    map[string]func(sio.Args) any
	closed   bool
	// joined holds, in sharded mode, the rooms this node asked other nodes
	// to join (SocketsJoin) and until when their broadcasts to one of them
	// go on the namespace's channel, not the room's: see widen.
	joined map[string]time.Time
	// joinedUntil is the latest of joined's times in Unix nanoseconds (0:
	// none), so that a broadcast takes no lock once they have all passed.
	joinedUntil atomic.Int64
}

// request is a request to the other nodes awaiting their answers.
type request struct {
	kind     kind
	expected int
	received int
	sockets  []*sio.RemoteSocket
	answers  []sio.Args
	done     chan struct{}
	finished bool
}

type ackRequest struct {
	onClients func(int)
	onAck     func(sio.Args)
}

// remoteAckBase is the first ack id of remote broadcasts: 2^45, far above
// the local counter and below 2^53, which JavaScript clients read exactly.
const remoteAckBase = 1 << 45

func newAdapter(n *Node, ns *sio.Namespace) *Adapter {
	a := &Adapter{
		MemoryAdapter: sio.NewMemoryAdapter(ns),
		node:          n,
		ns:            ns,
		requests:      make(map[string]*request),
		acks:          make(map[string]*ackRequest),
		ssAck:         make(map[string]func(sio.Args) any),
	}
	a.ackIDs.Store(remoteAckBase)
	if n.opts.Sharded {
		a.dyn = newSharded(n, ns.Name())
		a.proto = a.dyn
	} else {
		a.proto = newClassic(n, ns.Name())
	}
	return a
}

// start subscribes to the namespace's channels and waits until Redis has
// applied the subscriptions.
func (a *Adapter) start() {
	var batch uint64
	for _, s := range a.proto.subscriptions() {
		batch = a.node.subscribe(s.kind, a.onRaw, s.names...)
	}
	a.node.awaitSubscribed(batch)
}

func (a *Adapter) onRaw(channel string, payload []byte) {
	m, err := a.proto.decode(channel, payload)
	if err != nil {
		a.node.log.Debug("ignoring malformed message", "channel", channel, "err", err)
		return
	}
	if m != nil {
		a.handle(m)
	}
}

// OnServerSideEmitWithAck registers the answer of this node to an event
// that another node sends with ServerSideEmitWithAck: fn's result is sent
// back as this node's answer. It runs on the node's handler goroutine, after
// the handlers of [sio.Namespace.OnServerSideEmit]. This stands in for a sio
// hook that does not exist yet.
func (a *Adapter) OnServerSideEmitWithAck(event string, fn func(args sio.Args) any) {
	a.mu.Lock()
	a.ssAck[event] = fn
	a.mu.Unlock()
}

func (a *Adapter) publish(ctx context.Context, op string, m *message, wait bool) error {
	m.uid = a.node.uid
	m.nsp = a.ns.Name()
	channel, payload, err := a.proto.encode(m)
	if err == nil {
		err = a.node.publish(ctx, a.ns, channel, payload, wait)
	}
	if err != nil {
		return &Error{Op: op, Err: err}
	}
	return nil
}

// Broadcast implements [sio.Adapter].
func (a *Adapter) Broadcast(p *sio.Packet, opts *sio.BroadcastOptions) error {
	if !opts.Local {
		if pkt, err := nodePacket(p, a.ns.Name()); err == nil {
			m := &message{kind: kBroadcast, packet: pkt, opts: nodeOpts(opts, nil)}
			m.wide = len(opts.Rooms) == 1 && a.widen(opts.Rooms[0])
			_ = a.publish(a.node.ctx, "broadcast", m, false)
		}
	}
	return a.MemoryAdapter.Broadcast(p, opts)
}

// The sharded protocol sends a broadcast to one public room on the room's
// channel, to which only the nodes with members of the room subscribe. A
// node that a SocketsJoin of ours makes join a room subscribes when it
// applies the join, which comes on the namespace's channel: until Redis
// has confirmed that subscription, what we send on the room's channel
// would miss it, though we sent the join first. So for RequestsTimeout
// after a SocketsJoin (the bound of a subscription's confirmation), our
// broadcasts to one of its rooms go on the namespace's channel, behind
// the join, which every node reads in order.

// remember records that a SocketsJoin of ours adds sockets to rooms.
func (a *Adapter) remember(rooms []string) {
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.joined == nil {
		a.joined = make(map[string]time.Time)
	}
	if len(a.joined) >= 64 {
		for r, until := range a.joined {
			if now.After(until) {
				delete(a.joined, r)
			}
		}
	}
	until := now.Add(a.node.opts.RequestsTimeout)
	for _, r := range rooms {
		a.joined[r] = until
	}
	a.joinedUntil.Store(until.UnixNano())
}

// widen reports whether a broadcast to room alone must go on the
// namespace's channel: whether a SocketsJoin of ours to room may not
// have been applied everywhere yet.
func (a *Adapter) widen(room string) bool {
	if a.dyn == nil {
		return false
	}
	if last := a.joinedUntil.Load(); last == 0 || time.Now().UnixNano() > last {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	until, ok := a.joined[room]
	if ok && time.Now().After(until) {
		delete(a.joined, room)
		return false
	}
	return ok
}

// BroadcastWithAck implements [sio.Adapter]: the other nodes report their
// client counts and acknowledgements until ctx ends (RequestsTimeout when
// it has no deadline). An acknowledgement from another node carries the
// client's first argument only, as upstream.
func (a *Adapter) BroadcastWithAck(ctx context.Context, p *sio.Packet, opts *sio.BroadcastOptions, onClients func(int), onAck func(sio.Args)) error {
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
			flags := obj("timeout", timeout.Milliseconds())
			_ = a.publish(ctx, "broadcastWithAck", &message{kind: kBroadcast, requestID: id, packet: pkt, opts: nodeOpts(opts, flags)}, false)
		}
	}
	return a.MemoryAdapter.BroadcastWithAck(ctx, p, opts, onClients, onAck)
}

// ServerCount implements [sio.Adapter]. While Redis is unreachable it is 1:
// only this node can be reached.
func (a *Adapter) ServerCount(ctx context.Context) (int, error) {
	n, err := a.node.numSub(ctx, a.proto.countChannel())
	if err != nil {
		a.node.log.Debug("server count unavailable", "err", err)
		return 1, nil
	}
	return max(n, 1), nil
}

// FetchSockets implements [sio.Adapter]. When some nodes do not answer in
// time it returns what it has with an [*Error] whose Timeout is true.
func (a *Adapter) FetchSockets(ctx context.Context, opts *sio.BroadcastOptions) ([]*sio.RemoteSocket, error) {
	local, _ := a.MemoryAdapter.FetchSockets(ctx, opts)
	if opts.Local {
		return local, nil
	}
	n, _ := a.ServerCount(ctx)
	if n <= 1 {
		return local, nil
	}
	req, id := a.newRequest(kFetch, n-1)
	err := a.publish(ctx, "fetchSockets", &message{kind: kFetch, requestID: id, opts: nodeSelector(opts)}, true)
	remote, err := a.wait(ctx, "fetchSockets", id, req, err)
	out := append(local, remote.sockets...)
	return out, err
}

// AddSockets implements [sio.Adapter]: local sockets join at once, other
// nodes when they receive the request.
func (a *Adapter) AddSockets(ctx context.Context, opts *sio.BroadcastOptions, rooms []string) error {
	_ = a.MemoryAdapter.AddSockets(ctx, opts, rooms)
	if opts.Local {
		return nil
	}
	if a.dyn != nil {
		a.remember(rooms)
	}
	return a.publish(ctx, "socketsJoin", &message{kind: kJoin, opts: nodeSelector(opts), rooms: anys(rooms)}, true)
}

// DelSockets implements [sio.Adapter].
func (a *Adapter) DelSockets(ctx context.Context, opts *sio.BroadcastOptions, rooms []string) error {
	_ = a.MemoryAdapter.DelSockets(ctx, opts, rooms)
	if opts.Local {
		return nil
	}
	return a.publish(ctx, "socketsLeave", &message{kind: kLeave, opts: nodeSelector(opts), rooms: anys(rooms)}, true)
}

// DisconnectSockets implements [sio.Adapter].
func (a *Adapter) DisconnectSockets(ctx context.Context, opts *sio.BroadcastOptions, close bool) error {
	var err error
	if !opts.Local {
		err = a.publish(ctx, "disconnectSockets", &message{kind: kDisconnect, opts: nodeSelector(opts), close: close}, true)
	}
	_ = a.MemoryAdapter.DisconnectSockets(ctx, opts, close)
	return err
}

// ServerSideEmit implements [sio.Adapter].
func (a *Adapter) ServerSideEmit(ctx context.Context, p *sio.Packet) error {
	data, err := fromJSON(p.Data, p.Attachments)
	if err != nil {
		return &Error{Op: "serverSideEmit", Err: err}
	}
	args, _ := data.([]any)
	return a.publish(ctx, "serverSideEmit", &message{kind: kServerSideEmit, data: args}, true)
}

// ServerSideEmitWithAck implements [sio.Adapter]: one answer per other
// node, until ctx ends or RequestsTimeout.
func (a *Adapter) ServerSideEmitWithAck(ctx context.Context, p *sio.Packet) ([]sio.Args, error) {
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
	err = a.publish(ctx, "serverSideEmit", &message{kind: kServerSideEmit, requestID: id, data: args}, true)
	got, err := a.wait(ctx, "serverSideEmit", id, req, err)
	return got.answers, err
}

func (a *Adapter) newRequest(k kind, expected int) (*request, string) {
	id := randomID(8)
	req := &request{kind: k, expected: expected, done: make(chan struct{})}
	a.mu.Lock()
	if a.closed {
		req.finished = true
		close(req.done)
	} else {
		a.requests[id] = req
	}
	a.mu.Unlock()
	return req, id
}

// wait waits for the answers to request id and returns a copy of what
// arrived.
func (a *Adapter) wait(ctx context.Context, op, id string, req *request, pubErr error) (request, error) {
	ctx, cancel := context.WithTimeout(ctx, a.node.opts.RequestsTimeout)
	defer cancel()
	var err error
	if pubErr != nil {
		err = pubErr
	} else {
		select {
		case <-req.done:
		case <-ctx.Done():
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.requests, id)
	got := *req
	got.sockets = append([]*sio.RemoteSocket(nil), req.sockets...)
	got.answers = append([]sio.Args(nil), req.answers...)
	switch {
	case err != nil:
	case a.closed && req.received < req.expected:
		err = &Error{Op: op, Expected: req.expected, Received: req.received, Err: ErrClosed}
	case req.received < req.expected:
		err = &Error{Op: op, Expected: req.expected, Received: req.received, Err: errors.Join(ErrTimeout, ctx.Err())}
	}
	return got, err
}

// Close implements [sio.Adapter]: it stops listening to the other nodes
// for this namespace and fails the pending requests.
func (a *Adapter) Close() error {
	a.shutdown()
	a.node.mu.Lock()
	if a.node.adapters[a.ns.Name()] == a {
		delete(a.node.adapters, a.ns.Name())
	}
	a.node.mu.Unlock()
	return nil
}

func (a *Adapter) shutdown() {
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
	for _, s := range a.proto.subscriptions() {
		a.node.unsubscribe(s.kind, s.names...)
	}
	if a.dyn != nil {
		a.roomMu.Lock()
		for _, r := range a.MemoryAdapter.Rooms() {
			if a.public(r, "") {
				a.node.unsubscribe("shard", a.dyn.roomChannel(r))
			}
		}
		a.roomMu.Unlock()
	}
}

// public reports whether room gets its own channel in sharded mode: it is
// not the room of a socket (upstream: not a known socket id).
func (a *Adapter) public(room, id string) bool {
	return room != id && a.ns.Socket(room) == nil && len(a.MemoryAdapter.SocketRooms(room)) == 0
}

func (a *Adapter) hasRoom(room string) bool {
	return len(a.MemoryAdapter.Sockets([]string{room})) > 0
}

// AddAll implements [sio.Adapter]; in sharded mode it subscribes to the
// channels of the public rooms it creates and, unless the join comes from
// another node, returns once Redis has confirmed it (see
// [Node.Adapter]), so that the broadcasts other nodes send to the room
// afterwards arrive.
func (a *Adapter) AddAll(id string, rooms []string) {
	if a.dyn == nil {
		a.MemoryAdapter.AddAll(id, rooms)
		return
	}
	a.roomMu.Lock()
	var created []string
	for _, r := range rooms {
		if a.public(r, id) && !a.hasRoom(r) {
			created = append(created, a.dyn.roomChannel(r))
		}
	}
	a.MemoryAdapter.AddAll(id, rooms)
	var batch uint64
	if len(created) > 0 && !a.isClosed() {
		batch = a.node.subscribe("shard", a.onRaw, created...)
	}
	a.roomMu.Unlock()
	if batch != 0 && a.inbound.Load() == 0 {
		a.node.awaitSubscribed(batch)
	}
}

// Del implements [sio.Adapter]; in sharded mode it unsubscribes from the
// channel of a public room it deletes.
func (a *Adapter) Del(id, room string) {
	if a.dyn == nil {
		a.MemoryAdapter.Del(id, room)
		return
	}
	a.roomMu.Lock()
	defer a.roomMu.Unlock()
	a.MemoryAdapter.Del(id, room)
	a.dropRooms(id, []string{room})
}

// DelAll implements [sio.Adapter].
func (a *Adapter) DelAll(id string) {
	if a.dyn == nil {
		a.MemoryAdapter.DelAll(id)
		return
	}
	a.roomMu.Lock()
	defer a.roomMu.Unlock()
	rooms := a.MemoryAdapter.SocketRooms(id)
	a.MemoryAdapter.DelAll(id)
	a.dropRooms(id, rooms)
}

func (a *Adapter) dropRooms(id string, rooms []string) {
	var gone []string
	for _, r := range rooms {
		if r != id && !a.hasRoom(r) && a.public(r, id) {
			gone = append(gone, a.dyn.roomChannel(r))
		}
	}
	if len(gone) > 0 && !a.isClosed() {
		a.node.unsubscribe("shard", gone...)
	}
}

func (a *Adapter) isClosed() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}
