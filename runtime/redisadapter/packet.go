package redisadapter

import (
	"encoding/json"
	"net/http"
	"net/textproto"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// nodePacket converts p to the packet object of the Node server,
// {type, data, nsp, id?}, with attachments inline as Buffers. Binary types
// are written as EVENT and ACK: the Node encoder finds the Buffers itself.
func nodePacket(p *sio.Packet, nsp string) (*object, error) {
	data, err := fromJSON(p.Data, p.Attachments)
	if err != nil {
		return nil, err
	}
	typ := p.Type
	switch typ {
	case sio.PacketBinaryEvent:
		typ = sio.PacketEvent
	case sio.PacketBinaryAck:
		typ = sio.PacketAck
	}
	o := obj("type", int64(typ), "data", data, "nsp", nsp)
	if p.HasID {
		o.set("id", p.ID)
	}
	return o, nil
}

// goPacket converts a Node packet object to a Packet: its Buffers become
// attachments and the type BINARY_EVENT when there are any. It returns nil
// for anything but an event with a name.
func goPacket(o *object) *sio.Packet {
	if o == nil {
		return nil
	}
	typ, _ := o.num("type")
	d, _ := o.get("data")
	data, _ := d.([]any)
	if typ != int64(sio.PacketEvent) && typ != int64(sio.PacketBinaryEvent) {
		return nil
	}
	if len(data) == 0 {
		return nil
	}
	if _, ok := data[0].(string); !ok {
		return nil
	}
	p := &sio.Packet{Type: sio.PacketEvent, Namespace: o.str("nsp")}
	if p.Namespace == "" {
		p.Namespace = "/"
	}
	p.Data = toJSON(data, &p.Attachments)
	if len(p.Attachments) > 0 {
		p.Type = sio.PacketBinaryEvent
	}
	if id, ok := o.num("id"); ok && id >= 0 {
		p.ID, p.HasID = id, true
	}
	return p
}

// nodeOpts converts broadcast options to {rooms, except, flags}.
func nodeOpts(opts *sio.BroadcastOptions, flags *object) *object {
	if flags == nil {
		flags = obj()
		if opts.Volatile {
			flags.set("volatile", true)
		}
	}
	setBackpressure(flags, &opts.Backpressure)
	return obj("rooms", anys(uniq(opts.Rooms)), "except", anys(uniq(opts.Except)), "flags", flags)
}

// nodeSelector is nodeOpts without the flags, as the requests carry it.
func nodeSelector(opts *sio.BroadcastOptions) *object {
	return obj("rooms", anys(uniq(opts.Rooms)), "except", anys(uniq(opts.Except)))
}

func uniq(s []string) []string {
	if len(s) < 2 {
		return s
	}
	out := make([]string, 0, len(s))
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// goOpts converts {rooms, except, flags} to broadcast options.
func goOpts(o *object) *sio.BroadcastOptions {
	opts := &sio.BroadcastOptions{Rooms: strs(o.arr("rooms")), Except: strs(o.arr("except"))}
	if v, _ := o.obj("flags").get("volatile"); v == true {
		opts.Volatile = true
	}
	opts.Backpressure = readBackpressure(o.obj("flags"))
	return opts
}

// Back-pressure modes as the "backpressure" flag names them.
var bpModes = map[sio.BackpressureMode]string{
	sio.BackpressureQueue:    "queue",
	sio.BackpressureVolatile: "volatile",
	sio.BackpressureLatest:   "latest",
}

// maxBPMax bounds the Max of a back-pressure flag read from Redis.
const maxBPMax = 1 << 30

// setBackpressure adds bp, unless it is the default, to broadcast flags as
// "backpressure": {"mode", "max", "key"}, which Go nodes apply and Node
// ones ignore, as they do any flag they do not know.
func setBackpressure(flags *object, bp *sio.Backpressure) {
	if *bp == (sio.Backpressure{}) {
		return
	}
	mode, ok := bpModes[bp.Mode]
	if !ok {
		return
	}
	f := obj("mode", mode)
	if bp.Max > 0 {
		f.set("max", int64(bp.Max))
	}
	if bp.Key != "" {
		f.set("key", bp.Key)
	}
	flags.set("backpressure", f)
}

// readBackpressure returns the "backpressure" flag of flags: the default
// when it is absent or malformed.
func readBackpressure(flags *object) sio.Backpressure {
	f := flags.obj("backpressure")
	if f == nil {
		return sio.Backpressure{}
	}
	var bp sio.Backpressure
	name := f.str("mode")
	found := false
	for m, n := range bpModes {
		if n == name {
			bp.Mode, found = m, true
		}
	}
	if !found {
		return sio.Backpressure{}
	}
	if n, ok := f.num("max"); ok && n > 0 {
		bp.Max = int(min(n, maxBPMax))
	}
	bp.Key = f.str("key")
	return bp
}

// jsDate is the format of JavaScript's Date#toString, which the Node server
// uses for handshake.time.
const jsDate = "Mon Jan 02 2006 15:04:05 GMT-0700 (MST)"

// nodeHandshake converts a handshake to the object of the Node server.
// Header names are lower-cased and repeated headers joined with ", "
// (set-cookie stays a list), as Node's HTTP parser does.
func nodeHandshake(h *sio.Handshake) *object {
	if h == nil {
		return obj()
	}
	headers := obj()
	for _, k := range sortedKeys(h.Headers) {
		vs := h.Headers[k]
		name := strings.ToLower(k)
		if name == "set-cookie" {
			headers.set(name, anys(vs))
		} else {
			headers.set(name, strings.Join(vs, ", "))
		}
	}
	query := obj()
	for _, k := range sortedKeys(h.Query) {
		if vs := h.Query[k]; len(vs) == 1 {
			query.set(k, vs[0])
		} else {
			query.set(k, anys(vs))
		}
	}
	auth, err := fromJSON(h.Auth.JSON(), nil)
	if err != nil {
		auth = obj()
	}
	return obj("headers", headers, "time", h.Time.Format(jsDate), "address", h.Address,
		"xdomain", h.Headers.Get("Origin") != "", "secure", h.Secure, "issued", h.Time.UnixMilli(),
		"url", "", "query", query, "auth", auth)
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// goHandshake converts the handshake object of another node.
func goHandshake(o *object) *sio.Handshake {
	h := &sio.Handshake{Headers: http.Header{}, Query: url.Values{}, Address: o.str("address")}
	for i, k := range o.obj("headers").keysOrNil() {
		addValues(h.Headers, textproto.CanonicalMIMEHeaderKey(k), o.obj("headers").vals[i])
	}
	for i, k := range o.obj("query").keysOrNil() {
		addValues(h.Query, k, o.obj("query").vals[i])
	}
	if ms, ok := o.num("issued"); ok {
		h.Time = time.UnixMilli(ms)
	}
	if v, _ := o.get("secure"); v == true {
		h.Secure = true
	}
	auth, ok := o.get("auth")
	if !ok {
		auth = obj()
	}
	h.Auth = sio.NewRaw(toJSON(auth, nil))
	return h
}

func (o *object) keysOrNil() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

func addValues(m map[string][]string, k string, v any) {
	switch x := v.(type) {
	case string:
		m[k] = append(m[k], x)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				m[k] = append(m[k], s)
			}
		}
	}
}

// nodeSocket converts a socket of this node to what FETCH_SOCKETS answers.
func nodeSocket(s *sio.RemoteSocket) *object {
	var data any
	if b, err := json.Marshal(s.Data); err == nil {
		data, _ = fromJSON(b, nil)
	}
	return obj("id", s.ID, "handshake", nodeHandshake(s.Handshake), "rooms", anys(s.Rooms), "data", data)
}

// goSocket converts a socket of another node.
func goSocket(ns *sio.Namespace, v any) *sio.RemoteSocket {
	o, _ := v.(*object)
	if o == nil || o.str("id") == "" {
		return nil
	}
	var data any
	if d, ok := o.get("data"); ok && d != nil {
		_ = json.Unmarshal(toJSON(d, nil), &data)
	}
	return sio.NewRemoteSocket(ns, o.str("id"), goHandshake(o.obj("handshake")), strs(o.arr("rooms")), data)
}
