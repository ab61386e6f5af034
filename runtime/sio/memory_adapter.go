package sio

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// MemoryAdapter is the single-node [Adapter]: rooms in memory, broadcasts
// delivered to this node's sockets, each packet encoded once. With
// connection state recovery it also keeps the log of recent broadcasts and
// the sessions of disconnected sockets.
type MemoryAdapter struct {
	ns *Namespace

	mu    sync.RWMutex
	rooms map[string]strSet // room -> socket ids
	sids  map[string]strSet // socket id -> rooms

	logMu    sync.Mutex
	log      []logEntry
	sessions map[string]storedSession
	offsets  atomic.Uint64
	epoch    string
}

type logEntry struct {
	offset string
	at     time.Time
	opts   BroadcastOptions
	p      *Packet
	key    string // under BackpressureLatest, the packet's key (see latestKey); else ""
}

type storedSession struct {
	s  *Session
	at time.Time
}

// NewMemoryAdapter returns the in-memory adapter of ns.
func NewMemoryAdapter(ns *Namespace) *MemoryAdapter {
	return &MemoryAdapter{
		ns:       ns,
		rooms:    make(map[string]strSet),
		sids:     make(map[string]strSet),
		sessions: make(map[string]storedSession),
		epoch:    newID()[:6],
	}
}

// Namespace returns the adapter's namespace.
func (a *MemoryAdapter) Namespace() *Namespace { return a.ns }

// AddAll implements [Adapter].
func (a *MemoryAdapter) AddAll(id string, rooms []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	mine := a.sids[id]
	for _, r := range rooms {
		mine.add(r)
		members := a.rooms[r]
		members.add(id)
		a.rooms[r] = members
	}
	a.sids[id] = mine
}

// Del implements [Adapter].
func (a *MemoryAdapter) Del(id, room string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if mine, ok := a.sids[id]; ok {
		mine.del(room)
		a.sids[id] = mine
	}
	a.delMember(room, id)
}

func (a *MemoryAdapter) delMember(room, id string) {
	if members, ok := a.rooms[room]; ok {
		members.del(id)
		if members.len() == 0 {
			delete(a.rooms, room)
		} else {
			a.rooms[room] = members
		}
	}
}

// DelAll implements [Adapter].
func (a *MemoryAdapter) DelAll(id string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for r := range a.sids[id].all() {
		a.delMember(r, id)
	}
	delete(a.sids, id)
}

// SocketRooms implements [Adapter].
func (a *MemoryAdapter) SocketRooms(id string) []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	mine := a.sids[id]
	out := make([]string, 0, mine.len())
	for r := range mine.all() {
		out = append(out, r)
	}
	return out
}

// Rooms returns every room with at least one local socket.
func (a *MemoryAdapter) Rooms() []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]string, 0, len(a.rooms))
	for r := range a.rooms {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// Sockets implements [Adapter].
func (a *MemoryAdapter) Sockets(rooms []string) []string {
	return a.selectIDs(&BroadcastOptions{Rooms: rooms})
}

// selectIDs returns the local sockets opts selects, each once.
func (a *MemoryAdapter) selectIDs(opts *BroadcastOptions) []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	excluded := func(id string) bool {
		for _, r := range opts.Except {
			if a.rooms[r].has(id) {
				return true
			}
		}
		return false
	}
	var out []string
	if len(opts.Rooms) == 0 {
		out = make([]string, 0, len(a.sids))
		for id := range a.sids {
			if !excluded(id) {
				out = append(out, id)
			}
		}
		return out
	}
	seen := make(map[string]struct{})
	for _, r := range opts.Rooms {
		for id := range a.rooms[r].all() {
			if _, dup := seen[id]; dup || excluded(id) {
				continue
			}
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}

// apply calls fn for every selected local socket.
func (a *MemoryAdapter) apply(opts *BroadcastOptions, fn func(*Socket)) {
	for _, id := range a.selectIDs(opts) {
		if s := a.ns.Socket(id); s != nil {
			fn(s)
		}
	}
}

// Broadcast implements [Adapter]: it encodes p once and queues the same
// messages on every selected socket.
func (a *MemoryAdapter) Broadcast(p *Packet, opts *BroadcastOptions) error {
	p = a.record(p, opts)
	a.deliver(p, opts)
	return nil
}

// deliver queues p, encoded once, on every local socket opts selects,
// restored ones still holding included (see [Namespace.restore]).
func (a *MemoryAdapter) deliver(p *Packet, opts *BroadcastOptions) {
	msgs := encodePacket(p)
	pol := sendPolicy(p, "", opts.Volatile, &opts.Backpressure)
	for _, id := range a.selectIDs(opts) {
		s := a.ns.recipient(id)
		if s == nil || (s.hold != nil && s.hold.add(p, msgs, &pol)) {
			continue
		}
		s.notifyOutgoing(p)
		_ = s.conn.sendEncoded(msgs, &pol, true)
	}
}

// BroadcastWithAck implements [Adapter].
func (a *MemoryAdapter) BroadcastWithAck(ctx context.Context, p *Packet, opts *BroadcastOptions, onClients func(int), onAck func(Args)) error {
	msgs := encodePacket(p)
	pol := sendPolicy(p, "", opts.Volatile, &opts.Backpressure)
	var sent []*Socket
	a.apply(opts, func(s *Socket) {
		if !s.expectAck(p.ID, func(args Args, err error) {
			if err == nil {
				onAck(args)
			}
		}) {
			return
		}
		s.notifyOutgoing(p)
		if s.conn.sendEncoded(msgs, &pol, true) != nil {
			s.dropAck(p.ID)
			return
		}
		sent = append(sent, s)
	})
	onClients(len(sent))
	// Forget the callbacks of clients that never answer.
	context.AfterFunc(ctx, func() {
		for _, s := range sent {
			s.dropAck(p.ID)
		}
	})
	return nil
}

// ServerCount implements [Adapter]: a single node.
func (a *MemoryAdapter) ServerCount(context.Context) (int, error) { return 1, nil }

// FetchSockets implements [Adapter] for local sockets.
func (a *MemoryAdapter) FetchSockets(_ context.Context, opts *BroadcastOptions) ([]*RemoteSocket, error) {
	var out []*RemoteSocket
	a.apply(opts, func(s *Socket) {
		out = append(out, NewRemoteSocket(a.ns, s.id, s.Handshake(), s.Rooms(), s.Data()))
	})
	return out, nil
}

// AddSockets implements [Adapter] for local sockets.
func (a *MemoryAdapter) AddSockets(_ context.Context, opts *BroadcastOptions, rooms []string) error {
	a.apply(opts, func(s *Socket) { s.Join(rooms...) })
	return nil
}

// DelSockets implements [Adapter] for local sockets.
func (a *MemoryAdapter) DelSockets(_ context.Context, opts *BroadcastOptions, rooms []string) error {
	a.apply(opts, func(s *Socket) {
		w := a.ns.srv.watchingRooms()
		for _, r := range rooms {
			was := w != nil && s.inRoom(r)
			a.Del(s.id, r)
			if was {
				w.left(s, r)
			}
		}
	})
	return nil
}

// DisconnectSockets implements [Adapter] for local sockets.
func (a *MemoryAdapter) DisconnectSockets(_ context.Context, opts *BroadcastOptions, close bool) error {
	a.apply(opts, func(s *Socket) { s.Disconnect(close) })
	return nil
}

// ServerSideEmit implements [Adapter]: there are no other nodes.
func (a *MemoryAdapter) ServerSideEmit(context.Context, *Packet) error { return nil }

// ServerSideEmitWithAck implements [Adapter]: there are no other nodes.
func (a *MemoryAdapter) ServerSideEmitWithAck(context.Context, *Packet) ([]Args, error) {
	return nil, nil
}

// Close implements [Adapter].
func (a *MemoryAdapter) Close() error { return nil }

// RecoveryDuration returns how long connection state recovery keeps a
// lost session (ServerOptions.Recovery.MaxDisconnectionDuration), zero when
// recovery is off.
func (a *MemoryAdapter) RecoveryDuration() time.Duration {
	if rec := a.ns.srv.opts.Recovery; rec != nil {
		return rec.MaxDisconnectionDuration
	}
	return 0
}

// Replayable reports whether a broadcast of p with opts gets a recovery
// offset: recovery is on and p is an event without ack id, not volatile
// (nor [BackpressureVolatile]).
func (a *MemoryAdapter) Replayable(p *Packet, opts *BroadcastOptions) bool {
	return a.ns.srv.opts.Recovery != nil && !p.HasID && !opts.Volatile &&
		opts.Backpressure.Mode != BackpressureVolatile &&
		(p.Type == parser.Event || p.Type == parser.BinaryEvent)
}

// BroadcastWithOffset delivers p to the local sockets opts selects, like
// Broadcast, but with offset (from a log the caller keeps, such as a Redis
// stream entry id) appended as its last argument when p is
// [MemoryAdapter.Replayable]; p is not kept in this adapter's log, so the
// caller's RestoreSession must replay it. An empty offset delivers p as is.
func (a *MemoryAdapter) BroadcastWithOffset(p *Packet, opts *BroadcastOptions, offset string) error {
	if offset != "" && a.Replayable(p, opts) {
		q := *p
		q.Data = AppendOffset(p.Data, offset)
		p = &q
	}
	a.deliver(p, opts)
	return nil
}

// record appends an offset to a replayable event and logs it, when
// connection state recovery is on; it returns the packet to send.
func (a *MemoryAdapter) record(p *Packet, opts *BroadcastOptions) *Packet {
	rec := a.ns.srv.opts.Recovery
	if !a.Replayable(p, opts) {
		return p
	}
	offset := a.NextOffset()
	q := *p
	q.Data = AppendOffset(p.Data, offset)
	var key string
	if bp := &opts.Backpressure; bp.Mode == BackpressureLatest {
		key = latestKey(p.Namespace, eventOf(p.Data), bp.Key)
	}
	now := time.Now()
	a.logMu.Lock()
	a.log = append(a.log, logEntry{offset: offset, at: now, opts: cloneOptions(opts), p: &q, key: key})
	cut := 0
	for cut < len(a.log) && now.Sub(a.log[cut].at) > rec.MaxDisconnectionDuration {
		cut++
	}
	if cut > 0 {
		a.log = slices.Delete(a.log, 0, cut)
	}
	a.logMu.Unlock()
	return &q
}

// NextOffset returns a new, unique recovery offset.
func (a *MemoryAdapter) NextOffset() string {
	return a.epoch + "-" + strconv.FormatUint(a.offsets.Add(1), 36)
}

// AppendOffset returns a copy of the event array data with offset appended
// as its last argument.
func AppendOffset(data []byte, offset string) []byte {
	out := make([]byte, 0, len(data)+len(offset)+3)
	out = append(out, data[:len(data)-1]...)
	out = append(out, ',', '"')
	out = append(out, offset...)
	return append(out, '"', ']')
}

func cloneOptions(o *BroadcastOptions) BroadcastOptions {
	return BroadcastOptions{Rooms: slices.Clone(o.Rooms), Except: slices.Clone(o.Except), Volatile: o.Volatile, Local: o.Local, Backpressure: o.Backpressure}
}

// PersistSession implements [Adapter].
func (a *MemoryAdapter) PersistSession(s *Session) {
	rec := a.ns.srv.opts.Recovery
	if rec == nil {
		return
	}
	now := time.Now()
	a.logMu.Lock()
	defer a.logMu.Unlock()
	for pid, st := range a.sessions {
		if now.Sub(st.at) > rec.MaxDisconnectionDuration {
			delete(a.sessions, pid)
		}
	}
	a.sessions[s.PID] = storedSession{s: s, at: now}
}

// RestoreSession implements [Adapter].
func (a *MemoryAdapter) RestoreSession(pid, offset string) (*Session, []*Packet, bool) {
	var sess *Session
	var missed []*Packet
	a.restoreSession(pid, offset, func(s *Session, m []*Packet) { sess, missed = s, m })
	return sess, missed, sess != nil
}

// restoreSession takes the session pid back with the packets it missed
// after offset and calls rejoin with them, when it can be restored. rejoin
// runs under the lock that orders the log, so that no broadcast is logged
// between the reading of the log and what rejoin does (see
// [Namespace.restore]); it must not broadcast.
func (a *MemoryAdapter) restoreSession(pid, offset string, rejoin func(*Session, []*Packet)) {
	rec := a.ns.srv.opts.Recovery
	if rec == nil {
		return
	}
	a.logMu.Lock()
	defer a.logMu.Unlock()
	st, ok := a.sessions[pid]
	if !ok {
		return
	}
	delete(a.sessions, pid)
	if time.Since(st.at) > rec.MaxDisconnectionDuration {
		return
	}
	i := slices.IndexFunc(a.log, func(e logEntry) bool { return e.offset == offset })
	if i < 0 {
		return
	}
	rejoin(st.s, missedSince(a.log[i+1:], st.s.Rooms))
}

// missedSince returns the packets of log that a socket in rooms was sent,
// in order; of those sent under BackpressureLatest, only the newest of each
// key, as the socket's send queue would have kept.
func missedSince(log []logEntry, rooms []string) []*Packet {
	var newest map[string]int
	for j, e := range log {
		if e.key != "" && ShouldReplay(rooms, &e.opts) {
			if newest == nil {
				newest = make(map[string]int)
			}
			newest[e.key] = j
		}
	}
	var missed []*Packet
	for j, e := range log {
		if ShouldReplay(rooms, &e.opts) && (e.key == "" || newest[e.key] == j) {
			missed = append(missed, e.p)
		}
	}
	return missed
}

// ShouldReplay reports whether a socket in rooms was a recipient of a
// broadcast with opts.
func ShouldReplay(rooms []string, opts *BroadcastOptions) bool {
	in := func(rs []string) bool {
		for _, r := range rs {
			if slices.Contains(rooms, r) {
				return true
			}
		}
		return false
	}
	return (len(opts.Rooms) == 0 || in(opts.Rooms)) && !in(opts.Except)
}
