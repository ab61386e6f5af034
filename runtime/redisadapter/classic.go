package redisadapter

import (
	"errors"
	"strings"
)

// The request types of the classic protocol (RequestType of
// @socket.io/redis-adapter and @socket.io/redis-emitter).
const (
	rtSockets          = 0
	rtAllRooms         = 1
	rtRemoteJoin       = 2
	rtRemoteLeave      = 3
	rtRemoteDisconnect = 4
	rtRemoteFetch      = 5
	rtServerSideEmit   = 6
	rtBroadcast        = 7
	rtClientCount      = 8
	rtBroadcastAck     = 9
)

// classic is the protocol of createAdapter: broadcasts as msgpack
// [uid, packet, opts] on socket.io#/nsp# or socket.io#/nsp#room#, requests
// and responses as JSON (msgpack when they carry a packet) on
// socket.io-request#/nsp# and socket.io-response#/nsp#[uid#].
type classic struct {
	uid      string
	specific bool
	channel  string // socket.io#/nsp#
	request  string // socket.io-request#/nsp#
	response string // socket.io-response#/nsp#
	own      string // socket.io-response#/nsp#uid#
}

func newClassic(n *Node, nsp string) *classic {
	c := &classic{
		uid:      n.uid,
		specific: n.opts.PublishOnSpecificResponseChannel,
		channel:  n.opts.Key + "#" + nsp + "#",
		request:  n.opts.Key + "-request#" + nsp + "#",
		response: n.opts.Key + "-response#" + nsp + "#",
	}
	c.own = c.response + n.uid + "#"
	return c
}

func (c *classic) subscriptions() []subscription {
	return []subscription{
		{kind: "pattern", names: []string{c.channel + "*"}},
		{names: []string{c.request, c.response, c.own}},
	}
}

func (c *classic) countChannel() string { return c.request }

func (c *classic) encode(m *message) (string, []byte, error) {
	switch m.kind {
	case kBroadcast:
		if m.requestID != "" {
			o := obj("uid", m.uid, "requestId", m.requestID, "type", int64(rtBroadcast), "packet", m.packet, "opts", m.opts)
			return c.request, packValue(nil, o), nil
		}
		channel := c.channel
		if rooms := m.opts.arr("rooms"); len(rooms) == 1 {
			channel += strs(rooms)[0] + "#"
		}
		return channel, packValue(nil, []any{m.uid, m.packet, m.opts}), nil
	case kJoin, kLeave:
		t := int64(rtRemoteJoin)
		if m.kind == kLeave {
			t = rtRemoteLeave
		}
		return c.request, toJSON(obj("uid", m.uid, "type", t, "opts", m.opts, "rooms", m.rooms), nil), nil
	case kDisconnect:
		return c.request, toJSON(obj("uid", m.uid, "type", int64(rtRemoteDisconnect), "opts", m.opts, "close", m.close), nil), nil
	case kFetch:
		return c.request, toJSON(obj("uid", m.uid, "requestId", m.requestID, "type", int64(rtRemoteFetch), "opts", m.opts), nil), nil
	case kServerSideEmit:
		o := obj("uid", m.uid, "type", int64(rtServerSideEmit), "data", m.data)
		if m.requestID != "" {
			o = obj("uid", m.uid, "requestId", m.requestID, "type", int64(rtServerSideEmit), "data", m.data)
		}
		return c.request, toJSON(o, nil), nil
	}
	return "", nil, errors.New("redisadapter: no classic encoding")
}

func (c *classic) encodeResponse(to string, m *message) (string, []byte, error) {
	channel := c.response
	if c.specific && to != "" && m.kind != kSSEResp {
		channel = c.response + to + "#"
	}
	var payload []byte
	switch m.kind {
	case kClientCnt:
		payload = toJSON(obj("type", int64(rtClientCount), "requestId", m.requestID, "clientCount", m.count), nil)
	case kAck:
		payload = packValue(nil, obj("type", int64(rtBroadcastAck), "requestId", m.requestID, "packet", m.value))
	case kSSEResp:
		payload = toJSON(obj("type", int64(rtServerSideEmit), "requestId", m.requestID, "data", m.value), nil)
	case kFetchResp:
		payload = toJSON(obj("requestId", m.requestID, "sockets", m.sockets), nil)
	case kResponse:
		o := obj("requestId", m.requestID)
		if m.sockets != nil {
			o.set("sockets", m.sockets)
		}
		if m.rooms != nil {
			o.set("rooms", m.rooms)
		}
		payload = toJSON(o, nil)
	default:
		return "", nil, errors.New("redisadapter: no classic encoding")
	}
	return channel, payload, nil
}

// decodeObject reads a request or response: JSON when it starts with '{',
// msgpack otherwise, as upstream decides.
func decodeObject(payload []byte) (*object, error) {
	var v any
	var err error
	if len(payload) > 0 && payload[0] == '{' {
		v, err = fromJSON(payload, nil)
	} else {
		v, err = unpack(payload)
	}
	if err != nil {
		return nil, err
	}
	o, ok := v.(*object)
	if !ok {
		return nil, errors.New("redisadapter: message is not an object")
	}
	return o, nil
}

func (c *classic) decode(channel string, payload []byte) (*message, error) {
	switch {
	case strings.HasPrefix(channel, c.channel):
		v, err := unpack(payload)
		if err != nil {
			return nil, err
		}
		arr, _ := v.([]any)
		if len(arr) < 3 {
			return nil, errors.New("redisadapter: broadcast is not [uid, packet, opts]")
		}
		uid, _ := arr[0].(string)
		packet, _ := arr[1].(*object)
		opts, _ := arr[2].(*object)
		if opts == nil {
			opts = obj()
		}
		room := strings.TrimSuffix(channel[len(c.channel):], "#")
		return &message{kind: kBroadcast, uid: uid, room: room, packet: packet, opts: opts}, nil
	case channel == c.request:
		return c.decodeRequest(payload)
	case channel == c.response || channel == c.own:
		return c.decodeResponse(payload)
	}
	return nil, nil
}

func (c *classic) decodeRequest(payload []byte) (*message, error) {
	o, err := decodeObject(payload)
	if err != nil {
		return nil, err
	}
	t, _ := o.num("type")
	m := &message{uid: o.str("uid"), requestID: requestID(o), opts: o.obj("opts"), rooms: o.arr("rooms")}
	if v, _ := o.get("close"); v == true {
		m.close = true
	}
	switch t {
	case rtSockets:
		m.kind = kSockets
	case rtAllRooms:
		m.kind = kAllRooms
	case rtRemoteJoin, rtRemoteLeave, rtRemoteDisconnect:
		m.kind = map[int64]kind{rtRemoteJoin: kJoin, rtRemoteLeave: kLeave, rtRemoteDisconnect: kDisconnect}[t]
		m.sid, m.sidRoom = o.str("sid"), o.str("room")
	case rtRemoteFetch:
		m.kind = kFetch
		if m.opts == nil {
			m.opts = obj()
		}
	case rtServerSideEmit:
		m.kind = kServerSideEmit
		m.data = o.arr("data")
	case rtBroadcast:
		m.kind = kBroadcast
		m.packet = o.obj("packet")
		if m.opts == nil {
			m.opts = obj()
		}
		if m.requestID == "" {
			return nil, errors.New("redisadapter: broadcast request without requestId")
		}
	default:
		return nil, nil
	}
	return m, nil
}

func (c *classic) decodeResponse(payload []byte) (*message, error) {
	o, err := decodeObject(payload)
	if err != nil {
		return nil, err
	}
	m := &message{kind: kResponse, requestID: requestID(o), sockets: o.arr("sockets")}
	if t, ok := o.num("type"); ok {
		switch t {
		case rtClientCount:
			m.kind = kClientCnt
			m.count, _ = o.num("clientCount")
		case rtBroadcastAck:
			m.kind = kAck
			m.value, _ = o.get("packet")
		case rtServerSideEmit:
			m.kind = kSSEResp
			m.value, _ = o.get("data")
		}
	}
	return m, nil
}

// requestID reads a request id, a string upstream (a number would do too).
func requestID(o *object) string {
	v, ok := o.get("requestId")
	if !ok || v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return string(toJSON(v, nil))
}
