package sio

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/siogen/siogen/runtime/engineio"
)

// restore rebuilds the session a reconnecting client asks for with the
// "pid" and "offset" of its CONNECT payload, when connection state recovery
// is on and the session is still known.
//
// Taking the missed packets and rejoining the rooms are one step with
// respect to broadcasts, as in the reference server (where nothing runs
// between the two): the restored socket is back in its rooms, reachable by
// broadcasts but holding what they send (see [replayHold]), in the same
// critical section of the [MemoryAdapter] that takes the missed packets
// from its log; every broadcast is either logged before (and among the
// missed packets when it concerns the socket) or delivered to the hold.
// When the socket is connected ([Namespace.join]) the missed packets go
// out, then the held ones, then the CONNECT reply: nothing lost, nothing
// twice, in order. Other adapters take the missed packets in
// [Adapter.RestoreSession] and the socket rejoins right after: held
// packets that were also replayed are dropped by offset, but a broadcast
// delivered in that instant can be missed.
func (ns *Namespace) restore(c *conn, p *Packet) (*Socket, bool) {
	if ns.srv.opts.Recovery == nil || len(p.Data) == 0 {
		return nil, false
	}
	var q struct {
		PID    any `json:"pid"`
		Offset any `json:"offset"`
	}
	if json.Unmarshal(p.Data, &q) != nil {
		return nil, false
	}
	pid, ok1 := q.PID.(string)
	offset, ok2 := q.Offset.(string)
	if !ok1 || !ok2 {
		return nil, false
	}
	var s *Socket
	rejoin := func(sess *Session, missed []*Packet) {
		s = newSocket(ns, c, sess.SID, Raw{json: p.Data})
		s.pid = sess.PID
		s.recovered = true
		s.data = sess.Data
		s.hold = &replayHold{missed: missed}
		s.hold.on.Store(true)
		ns.mu.Lock()
		if ns.restoring == nil {
			ns.restoring = make(map[string]*Socket)
		}
		ns.restoring[s.id] = s
		ns.mu.Unlock()
		ns.adapter.AddAll(s.id, append([]string{s.id}, sess.Rooms...))
	}
	if ma, ok := ns.adapter.(*MemoryAdapter); ok {
		ma.restoreSession(pid, offset, rejoin)
	} else if sess, missed, ok := ns.adapter.RestoreSession(pid, offset); ok {
		rejoin(sess, missed)
	}
	return s, s != nil
}

// lost forgets a socket whose connection was lost before it could join;
// a restored one keeps its session for the client's next attempt, as
// nothing of its replay was sent.
func (ns *Namespace) lost(s *Socket) {
	if s.recovered && ns.srv.opts.Recovery != nil {
		ns.adapter.PersistSession(&Session{
			SID: s.id, PID: s.pid, Namespace: ns.name, Rooms: ns.adapter.SocketRooms(s.id), Data: s.Data(),
		})
	}
	ns.leave(s)
}

// replayHold keeps the broadcasts a restored socket is sent between the
// restore of its session and its connection, so that they go out after
// the packets it missed. A socket has one (made before anything can reach
// the socket, never replaced) when it was restored.
type replayHold struct {
	on     atomic.Bool // holding: set at restore, cleared by release
	mu     sync.Mutex
	missed []*Packet
	live   []heldPacket
}

type heldPacket struct {
	p    *Packet
	msgs []*engineio.Message
	pol  engineio.SendPolicy
}

// add keeps a broadcast sent with pol while the hold is on, and reports
// true; false when the hold is off and the caller sends the broadcast
// itself. The hold follows the broadcast's back-pressure: a volatile one
// is dropped (the socket is not ready); one under BackpressureLatest
// replaces the held packet of its key; the others are kept, and their
// bound applies when they are released, as if they had waited in the send
// queue.
func (h *replayHold) add(p *Packet, msgs []*engineio.Message, pol *engineio.SendPolicy) bool {
	if !h.on.Load() {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.on.Load() {
		return false
	}
	switch pol.Mode {
	case engineio.SendVolatile:
		return true
	case engineio.SendLatest:
		h.live = slices.DeleteFunc(h.live, func(hp heldPacket) bool {
			return hp.pol.Mode == engineio.SendLatest && hp.pol.Key == pol.Key
		})
	}
	h.live = append(h.live, heldPacket{p, msgs, *pol})
	return true
}

// release sends the missed packets, then the held broadcasts that are not
// among them (the same offset), and ends the hold: later broadcasts go out
// directly, after these.
func (h *replayHold) release(s *Socket) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var replayed map[string]bool
	if len(h.live) > 0 {
		replayed = make(map[string]bool, len(h.missed))
		for _, p := range h.missed {
			replayed[replayOffset(p.Data)] = true
		}
	}
	for _, p := range h.missed {
		_ = s.conn.send(p, nil)
	}
	for _, hp := range h.live {
		if off := replayOffset(hp.p.Data); off != "" && replayed[off] {
			continue
		}
		s.notifyOutgoing(hp.p)
		_ = s.conn.sendEncoded(hp.msgs, &hp.pol, true)
	}
	h.missed, h.live = nil, nil
	h.on.Store(false)
}

// replayOffset returns the recovery offset [AppendOffset] put at the end of
// an event's data, or "".
func replayOffset(data []byte) string {
	n := len(data)
	if n < 4 || data[n-1] != ']' || data[n-2] != '"' {
		return ""
	}
	i := bytes.LastIndexByte(data[:n-2], '"')
	if i < 1 || data[i-1] != ',' {
		return ""
	}
	return string(data[i+1 : n-2])
}

// withoutRecovery returns a CONNECT payload as the application's auth: "{}"
// when absent, and without the "pid" and "offset" members a client adds to
// ask for connection state recovery (both strings), which belong to the
// protocol, not to the auth a contract describes. A restarted server, or
// one without recovery, would otherwise see them as unknown auth keys.
func withoutRecovery(data []byte) []byte {
	if len(data) == 0 {
		return []byte("{}")
	}
	var members map[string]jsontext.Value
	if json.Unmarshal(data, &members) != nil {
		return data
	}
	pid, offset := members["pid"], members["offset"]
	if pid.Kind() != '"' || offset.Kind() != '"' {
		return data
	}
	// Copy the other members in their order.
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	var buf bytes.Buffer
	enc := jsontext.NewEncoder(&buf)
	_, _ = dec.ReadToken()
	_ = enc.WriteToken(jsontext.BeginObject)
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return data
		}
		name := tok.String() // the token is voided by the next read
		v, err := dec.ReadValue()
		if err != nil {
			return data
		}
		if name == "pid" || name == "offset" {
			continue
		}
		_ = enc.WriteToken(jsontext.String(name))
		_ = enc.WriteValue(v)
	}
	_ = enc.WriteToken(jsontext.EndObject)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
