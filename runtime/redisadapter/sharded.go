package redisadapter

import (
	"errors"
)

// The message types of socket.io-adapter's ClusterAdapter, which the
// sharded adapter and the streams adapter speak.
const (
	mtInitialHeartbeat  = 1
	mtHeartbeat         = 2
	mtBroadcast         = 3
	mtSocketsJoin       = 4
	mtSocketsLeave      = 5
	mtDisconnectSockets = 6
	mtFetchSockets      = 7
	mtFetchSocketsResp  = 8
	mtServerSideEmit    = 9
	mtServerSideEmitRes = 10
	mtClientCount       = 11
	mtBroadcastAck      = 12
	mtAdapterClose      = 13
)

// sharded is the protocol of createShardedAdapter ("dynamic" subscription
// mode): every message {type, data, uid, nsp} on socket.io#/nsp#, a
// broadcast to one public room on socket.io#/nsp#room#, answers on the
// requester's socket.io#/nsp#uid#; JSON, or msgpack when the data holds
// binary.
type sharded struct {
	channel  string // socket.io#/nsp#
	response string // socket.io#/nsp#uid#
}

func newSharded(n *Node, nsp string) *sharded {
	c := n.opts.Key + "#" + nsp + "#"
	return &sharded{channel: c, response: c + n.uid + "#"}
}

func (s *sharded) subscriptions() []subscription {
	return []subscription{{kind: "shard", names: []string{s.channel, s.response}}}
}

func (s *sharded) countChannel() string { return s.channel }

// roomChannel is the channel of broadcasts to one public room.
func (s *sharded) roomChannel(room string) string { return s.channel + room + "#" }

// looksLikeSocketID is upstream's test for private rooms.
func looksLikeSocketID(room string) bool { return len(room) == 20 }

func (s *sharded) encode(m *message) (string, []byte, error) {
	if m.opts != nil {
		if _, ok := m.opts.get("flags"); !ok {
			m.opts.set("flags", obj())
		}
	}
	var typ int64
	var data *object
	channel := s.channel
	switch m.kind {
	case kBroadcast:
		typ = mtBroadcast
		if m.requestID != "" {
			data = obj("packet", m.packet, "requestId", m.requestID, "opts", m.opts)
		} else {
			data = obj("packet", m.packet, "opts", m.opts)
			if rooms := strs(m.opts.arr("rooms")); len(rooms) == 1 && !looksLikeSocketID(rooms[0]) && !m.wide {
				channel = s.roomChannel(rooms[0])
			}
		}
	case kJoin, kLeave:
		typ = mtSocketsJoin
		if m.kind == kLeave {
			typ = mtSocketsLeave
		}
		data = obj("opts", m.opts, "rooms", m.rooms)
	case kDisconnect:
		typ, data = mtDisconnectSockets, obj("opts", m.opts, "close", m.close)
	case kFetch:
		typ, data = mtFetchSockets, obj("opts", m.opts, "requestId", m.requestID)
	case kServerSideEmit:
		typ = mtServerSideEmit
		data = obj("packet", m.data)
		if m.requestID != "" {
			data = obj("requestId", m.requestID, "packet", m.data)
		}
	default:
		return "", nil, errors.New("redisadapter: no cluster encoding")
	}
	return channel, encodeCluster(obj("type", typ, "data", data, "uid", m.uid, "nsp", m.nsp)), nil
}

// clusterResponse builds the answer of a ClusterAdapter node.
func clusterResponse(m *message) (*object, error) {
	var typ int64
	var data *object
	switch m.kind {
	case kFetchResp:
		typ, data = mtFetchSocketsResp, obj("requestId", m.requestID, "sockets", m.sockets)
	case kSSEResp:
		typ, data = mtServerSideEmitRes, obj("requestId", m.requestID, "packet", m.value)
	case kClientCnt:
		typ, data = mtClientCount, obj("requestId", m.requestID, "clientCount", m.count)
	case kAck:
		typ, data = mtBroadcastAck, obj("requestId", m.requestID, "packet", m.value)
	default:
		return nil, errors.New("redisadapter: no cluster encoding")
	}
	return obj("type", typ, "data", data, "uid", m.uid, "nsp", m.nsp), nil
}

func (s *sharded) encodeResponse(to string, m *message) (string, []byte, error) {
	o, err := clusterResponse(m)
	if err != nil {
		return "", nil, err
	}
	return s.channel + to + "#", encodeCluster(o), nil
}

// encodeCluster writes JSON, or msgpack when the message holds binary, as
// upstream does.
func encodeCluster(o *object) []byte {
	if hasBinary(o) {
		return packValue(nil, o)
	}
	return toJSON(o, nil)
}

func hasBinary(v any) bool {
	switch x := v.(type) {
	case []byte:
		return true
	case []any:
		for _, e := range x {
			if hasBinary(e) {
				return true
			}
		}
	case *object:
		for _, e := range x.vals {
			if hasBinary(e) {
				return true
			}
		}
	}
	return false
}

func (s *sharded) decode(_ string, payload []byte) (*message, error) {
	o, err := decodeObject(payload)
	if err != nil {
		return nil, err
	}
	return decodeCluster(o), nil
}

// decodeCluster reads a ClusterAdapter message; nil for the types this
// node ignores.
func decodeCluster(o *object) *message {
	t, _ := o.num("type")
	d := o.obj("data")
	m := &message{uid: o.str("uid"), nsp: o.str("nsp"), requestID: requestID(d), opts: d.obj("opts"), rooms: d.arr("rooms")}
	if m.opts == nil {
		m.opts = obj()
	}
	switch t {
	case mtBroadcast:
		m.kind, m.packet = kBroadcast, d.obj("packet")
	case mtSocketsJoin:
		m.kind = kJoin
	case mtSocketsLeave:
		m.kind = kLeave
	case mtDisconnectSockets:
		m.kind = kDisconnect
		if v, _ := d.get("close"); v == true {
			m.close = true
		}
	case mtFetchSockets:
		m.kind = kFetch
	case mtFetchSocketsResp:
		m.kind, m.sockets = kFetchResp, d.arr("sockets")
	case mtServerSideEmit:
		m.kind, m.data = kServerSideEmit, d.arr("packet")
	case mtServerSideEmitRes:
		m.kind = kSSEResp
		m.value, _ = d.get("packet")
	case mtClientCount:
		m.kind = kClientCnt
		m.count, _ = d.num("clientCount")
	case mtBroadcastAck:
		m.kind = kAck
		m.value, _ = d.get("packet")
	case mtInitialHeartbeat:
		m.kind = kInitialHbt
	case mtHeartbeat:
		m.kind = kHeartbeat
	case mtAdapterClose:
		m.kind = kClose
	default:
		return nil
	}
	return m
}
