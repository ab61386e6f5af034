package sio

import (
	"encoding/json"
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
