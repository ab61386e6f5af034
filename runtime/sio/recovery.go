package sio

import (
	"bytes"
	"encoding/json"

	"github.com/go-json-experiment/json/jsontext"
)

// restore rebuilds the session a reconnecting client asks for with the
// "pid" and "offset" of its CONNECT payload, when connection state recovery
// is on and the session is still known; the missed packets wait on the
// socket to be sent before the CONNECT reply.
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
	sess, missed, ok := ns.adapter.RestoreSession(pid, offset)
	if !ok {
		return nil, false
	}
	s := newSocket(ns, c, sess.SID, Raw{json: p.Data})
	s.pid = sess.PID
	s.recovered = true
	s.data = sess.Data
	for _, r := range sess.Rooms {
		if r != sess.SID {
			s.restoredRooms = append(s.restoredRooms, r)
		}
	}
	s.missed = missed
	return s, true
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
