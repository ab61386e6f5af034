package sioadmin

import (
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// The live updates: the [sio.Observer] functions, which count Engine.IO
// clients, packets and bytes for the stats and, unless in production mode,
// tell the UIs.

func (a *Admin) onConnect(s *sio.Socket) {
	a.track(s)
	if a.opts.Production {
		return
	}
	a.emit("socket_connected", serialize(s), timestamp(time.Now()))
	if s.Namespace() == a.nsp {
		return // the UIs' own traffic is not shown, as in the reference
	}
	ns := s.Namespace().Name()
	s.OnAny(func(e *sio.Event) {
		a.emit("event_received", ns, s.ID(), append([]any{e.Name}, e.Values()...), timestamp(time.Now()))
	})
	s.OnAnyOutgoing(func(event string, args sio.Args) {
		a.emit("event_sent", ns, s.ID(), append([]any{event}, args.Values()...), timestamp(time.Now()))
	})
}

// track counts a local socket's Engine.IO client, which connects with its
// first socket, and notes the sockets on long-polling.
func (a *Admin) track(s *sio.Socket) {
	id := s.ClientID()
	a.mu.Lock()
	defer a.mu.Unlock()
	if id != "" {
		if a.clients[id] == 0 {
			a.countLocked("rawConnection", "", 1)
		}
		a.clients[id]++
	}
	if s.Transport() == "polling" {
		a.polling[sockKey{s.Namespace().Name(), s.ID()}] = true
	}
}

func (a *Admin) onDisconnect(s *sio.Socket, reason sio.DisconnectReason) {
	id := s.ClientID()
	a.mu.Lock()
	if n, ok := a.clients[id]; ok {
		if n <= 1 {
			delete(a.clients, id)
			a.countLocked("rawDisconnection", string(reason), 1)
		} else {
			a.clients[id] = n - 1
		}
	}
	delete(a.polling, sockKey{s.Namespace().Name(), s.ID()})
	a.mu.Unlock()
	if !a.opts.Production {
		a.emit("socket_disconnected", s.Namespace().Name(), s.ID(), string(reason), timestamp(time.Now()))
	}
}

func (a *Admin) onJoin(s *sio.Socket, room string) {
	if !a.opts.Production {
		a.emit("room_joined", s.Namespace().Name(), room, s.ID(), timestamp(time.Now()))
	}
}

func (a *Admin) onLeave(s *sio.Socket, room string) {
	if !a.opts.Production {
		a.emit("room_left", s.Namespace().Name(), room, s.ID(), timestamp(time.Now()))
	}
}

// onPacket counts the packets and bytes received and sent, for the
// dashboard's chart, as the reference counts Engine.IO messages: a packet
// and each of its binary attachments are a message each. The admin
// namespace's own traffic is left out, as its events are.
func (a *Admin) onPacket(p sio.PacketInfo) {
	if p.Namespace == a.opts.Namespace {
		return
	}
	packets, bytes := "packetsIn", "bytesIn"
	if p.Direction == sio.Outbound {
		packets, bytes = "packetsOut", "bytesOut"
	}
	a.mu.Lock()
	a.countLocked(packets, "", 1+p.Attachments)
	a.countLocked(bytes, "", p.Size)
	a.mu.Unlock()
}

// countLocked adds to an aggregated event of the current second; a.mu is
// held.
func (a *Admin) countLocked(typ, subType string, n int) {
	a.events[eventKey{time.Now().Unix(), typ, subType}] += n
}
