package redisadapter

import (
	"context"
	"errors"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// handle applies an entry of another node, on the reader goroutine.
func (a *StreamsAdapter) handle(m *message) {
	if m.uid == a.node.uid || (m.nsp != "" && m.nsp != a.ns.Name()) {
		return
	}
	if m.uid != "" && m.uid != "emitter" {
		a.mu.Lock()
		a.nodes[m.uid] = time.Now()
		a.mu.Unlock()
	}
	ctx := a.node.ctx
	switch m.kind {
	case kInitialHbt:
		a.publish(nil, &message{kind: kHeartbeat}, nil)
	case kClose:
		a.mu.Lock()
		delete(a.nodes, m.uid)
		a.mu.Unlock()
	case kFetchResp, kSSEResp, kClientCnt, kAck:
		a.onResponse(m)
	case kBroadcast:
		a.onBroadcast(m)
	case kJoin:
		_ = a.MemoryAdapter.AddSockets(ctx, goOpts(m.opts), strs(m.rooms))
	case kLeave:
		_ = a.MemoryAdapter.DelSockets(ctx, goOpts(m.opts), strs(m.rooms))
	case kDisconnect:
		_ = a.MemoryAdapter.DisconnectSockets(ctx, goOpts(m.opts), m.close)
	case kFetch:
		local, _ := a.MemoryAdapter.FetchSockets(ctx, goOpts(m.opts))
		sockets := make([]any, len(local))
		for i, s := range local {
			sockets[i] = nodeSocket(s)
		}
		a.respond(&message{kind: kFetchResp, requestID: m.requestID, sockets: sockets})
	case kServerSideEmit:
		a.onServerSideEmit(m)
	}
}

// onBroadcast delivers another node's broadcast with its entry id as
// offset, or serves a broadcast with acks.
func (a *StreamsAdapter) onBroadcast(m *message) {
	p := goPacket(m.packet)
	if p == nil {
		return
	}
	p.Namespace = a.ns.Name()
	opts := goOpts(m.opts)
	if m.requestID == "" {
		p.HasID = false
		_ = a.MemoryAdapter.BroadcastWithOffset(p, opts, m.offset)
		return
	}
	p.ID, p.HasID = a.ackIDs.Add(1), true
	timeout := a.node.opts.RequestsTimeout
	if ms, ok := m.opts.obj("flags").num("timeout"); ok && ms > 0 {
		timeout = min(time.Duration(ms)*time.Millisecond, 10*time.Minute)
	}
	ctx, cancel := context.WithTimeout(a.node.ctx, timeout)
	context.AfterFunc(ctx, cancel)
	id := m.requestID
	_ = a.MemoryAdapter.BroadcastWithAck(ctx, p, opts,
		func(n int) { a.respond(&message{kind: kClientCnt, requestID: id, count: int64(n)}) },
		func(args sio.Args) {
			var v any
			if vals, err := argValues(args); err == nil && len(vals) > 0 {
				v = vals[0]
			}
			a.respond(&message{kind: kAck, requestID: id, value: v})
		})
}

func (a *StreamsAdapter) onServerSideEmit(m *message) {
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
	id := m.requestID
	a.node.run(func() {
		for _, h := range handlers {
			h(args)
		}
		if id != "" && withAck != nil {
			v := toJSONValue(withAck(args))
			a.respond(&message{kind: kSSEResp, requestID: id, value: v})
		}
	})
}

// respond adds an answer to the stream, as upstream: every node reads it
// and only the requester, which knows the request id, uses it.
func (a *StreamsAdapter) respond(m *message) {
	if !a.publish(nil, m, nil) {
		a.node.log.Debug("response dropped: queue full")
	}
}

// onResponse applies another node's answer to one of our requests.
func (a *StreamsAdapter) onResponse(m *message) {
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
	switch {
	case req.kind == kFetch && m.kind == kFetchResp:
		for _, v := range m.sockets {
			if s := goSocket(a.ns, v); s != nil {
				req.sockets = append(req.sockets, s)
			}
		}
	case req.kind == kServerSideEmit && m.kind == kSSEResp:
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

func (a *StreamsAdapter) newRequest(k kind, expected int) (*request, string) {
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
func (a *StreamsAdapter) wait(ctx context.Context, op, id string, req *request, pubErr error) (request, error) {
	ctx, cancel := context.WithTimeout(ctx, a.node.opts.RequestsTimeout)
	defer cancel()
	err := pubErr
	if err == nil {
		select {
		case <-req.done:
		case <-ctx.Done():
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.requests, id)
	got := request{kind: req.kind, expected: req.expected, received: req.received}
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
