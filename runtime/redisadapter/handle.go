package redisadapter

import (
	"context"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// kind is what a message between nodes asks or answers, whatever its
// encoding (see doc.go for the numbers of each protocol).
type kind int

const (
	kBroadcast kind = iota + 1 // with requestID: broadcast with acks
	kJoin
	kLeave
	kDisconnect
	kFetch
	kServerSideEmit
	kSockets    // classic only: ids of the sockets in rooms
	kAllRooms   // classic only
	kResponse   // classic answer without a type: fetch, sockets, rooms, join
	kFetchResp  // sharded answer to kFetch
	kSSEResp    // answer to kServerSideEmit with requestID
	kClientCnt  // answer to kBroadcast with requestID: clients reached
	kAck        // answer to kBroadcast with requestID: one client's ack
	kHeartbeat  // streams: INITIAL_HEARTBEAT, HEARTBEAT
	kClose      // streams: ADAPTER_CLOSE
	kInitialHbt // streams: INITIAL_HEARTBEAT
)

// message is a decoded message between nodes.
type message struct {
	kind         kind
	uid          string
	nsp          string
	requestID    string
	room         string  // classic broadcast: the room of the channel
	packet       *object // Node packet object
	opts         *object // {rooms, except, flags}
	rooms        []any
	close        bool
	data         []any // server-side event: [event, args...]
	sockets      []any
	count        int64
	value        any    // an acknowledgement or server-side answer
	sid, sidRoom string // classic REMOTE_JOIN/LEAVE/DISCONNECT of one socket
	offset       string // streams: the entry id
	wide         bool   // sharded: a broadcast to one room on the namespace's channel
}

type subscription struct {
	kind  string // "", "pattern" or "shard"
	names []string
}

// protocol is one wire format: classic Pub/Sub or sharded Pub/Sub.
type protocol interface {
	subscriptions() []subscription
	encode(m *message) (channel string, payload []byte, err error)
	encodeResponse(to string, m *message) (channel string, payload []byte, err error)
	decode(channel string, payload []byte) (*message, error)
	countChannel() string
}

// handle applies a message from another node.
func (a *Adapter) handle(m *message) {
	if m.nsp != "" && m.nsp != a.ns.Name() {
		return
	}
	switch m.kind {
	case kResponse, kFetchResp, kSSEResp, kClientCnt, kAck:
		a.onResponse(m)
		return
	}
	if m.uid == a.node.uid {
		return
	}
	ctx := a.node.ctx
	switch m.kind {
	case kBroadcast:
		a.onBroadcast(m)
	case kJoin, kLeave, kDisconnect:
		// Joins made here (and by the disconnection handlers) must not
		// wait for Redis: this goroutine reads its answers.
		a.inbound.Add(1)
		defer a.inbound.Add(-1)
		if m.opts == nil {
			a.onLegacy(m)
			return
		}
		opts := goOpts(m.opts)
		switch m.kind {
		case kJoin:
			_ = a.MemoryAdapter.AddSockets(ctx, opts, strs(m.rooms))
		case kLeave:
			_ = a.MemoryAdapter.DelSockets(ctx, opts, strs(m.rooms))
		default:
			_ = a.MemoryAdapter.DisconnectSockets(ctx, opts, m.close)
		}
	case kFetch:
		local, _ := a.MemoryAdapter.FetchSockets(ctx, goOpts(m.opts))
		sockets := make([]any, len(local))
		for i, s := range local {
			sockets[i] = nodeSocket(s)
		}
		a.respond(m.uid, &message{kind: kFetchResp, requestID: m.requestID, sockets: sockets})
	case kSockets:
		ids := a.MemoryAdapter.Sockets(strs(m.rooms))
		a.respond(m.uid, &message{kind: kResponse, requestID: m.requestID, sockets: anys(ids)})
	case kAllRooms:
		a.respond(m.uid, &message{kind: kResponse, requestID: m.requestID, rooms: anys(a.MemoryAdapter.Rooms())})
	case kServerSideEmit:
		a.onServerSideEmit(m)
	}
}

func (a *Adapter) onBroadcast(m *message) {
	if m.room != "" && len(a.MemoryAdapter.Sockets([]string{m.room})) == 0 {
		return
	}
	p := goPacket(m.packet)
	if p == nil || p.Namespace != a.ns.Name() {
		return
	}
	opts := goOpts(m.opts)
	if m.requestID == "" {
		p.HasID = false
		_ = a.MemoryAdapter.Broadcast(p, opts)
		return
	}
	a.mu.Lock()
	_, mine := a.acks[m.requestID]
	a.mu.Unlock()
	if mine {
		return
	}
	// The requester's ack id means nothing here (upstream does not even
	// send it): take one of this node's, from a range far from the ids the
	// namespace hands out, until sio exposes its counter.
	p.ID, p.HasID = a.ackIDs.Add(1), true
	timeout := a.node.opts.RequestsTimeout
	if ms, ok := m.opts.obj("flags").num("timeout"); ok && ms > 0 {
		timeout = min(time.Duration(ms)*time.Millisecond, 10*time.Minute)
	}
	ctx, cancel := context.WithTimeout(a.node.ctx, timeout)
	context.AfterFunc(ctx, cancel)
	from, id := m.uid, m.requestID
	_ = a.MemoryAdapter.BroadcastWithAck(ctx, p, opts,
		func(n int) {
			a.respond(from, &message{kind: kClientCnt, requestID: id, count: int64(n)})
		},
		func(args sio.Args) {
			var v any
			if vals, err := argValues(args); err == nil && len(vals) > 0 {
				v = vals[0]
			}
			a.respond(from, &message{kind: kAck, requestID: id, value: v})
		})
}

// onLegacy serves the one-socket requests of older Node adapters.
func (a *Adapter) onLegacy(m *message) {
	s := a.ns.Socket(m.sid)
	if s == nil {
		return
	}
	switch m.kind {
	case kJoin:
		s.Join(m.sidRoom)
	case kLeave:
		s.Leave(m.sidRoom)
	default:
		s.Disconnect(m.close)
	}
	a.respond(m.uid, &message{kind: kResponse, requestID: m.requestID})
}

func (a *Adapter) onServerSideEmit(m *message) {
	if len(m.data) == 0 {
		return
	}
	event, ok := m.data[0].(string)
	if !ok {
		return
	}
	args := argsOfValues(m.data[1:])
	handlers := a.ns.ServerSideHandlers(event)
	a.mu.Lock()
	withAck := a.ssAck[event]
	a.mu.Unlock()
	from, id := m.uid, m.requestID
	a.node.run(func() {
		for _, h := range handlers {
			h(args)
		}
		if id != "" && withAck != nil {
			v := withAck(args)
			answer := toJSONValue(v)
			a.respond(from, &message{kind: kSSEResp, requestID: id, value: answer})
		}
	})
}

func (a *Adapter) respond(to string, m *message) {
	m.uid = a.node.uid
	m.nsp = a.ns.Name()
	channel, payload, err := a.proto.encodeResponse(to, m)
	if err == nil {
		err = a.node.publish(a.node.ctx, a.ns, channel, payload, false)
	}
	if err != nil {
		a.node.log.Debug("response not published", "err", err)
	}
}

// onResponse applies another node's answer to one of our requests.
func (a *Adapter) onResponse(m *message) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if ack := a.acks[m.requestID]; ack != nil {
		switch m.kind {
		case kClientCnt:
			ack.onClients(int(m.count))
		case kAck:
			ack.onAck(argsOfValues([]any{m.value}))
		}
		return
	}
	req := a.requests[m.requestID]
	if req == nil || req.finished {
		return
	}
	switch req.kind {
	case kFetch:
		if m.kind != kFetchResp && m.kind != kResponse {
			return
		}
		for _, v := range m.sockets {
			if s := goSocket(a.ns, v); s != nil {
				req.sockets = append(req.sockets, s)
			}
		}
	case kServerSideEmit:
		if m.kind != kSSEResp {
			return
		}
		req.answers = append(req.answers, argsOfValues([]any{m.value}))
	default:
		return
	}
	req.received++
	if req.received >= req.expected {
		req.finished = true
		close(req.done)
	}
}
