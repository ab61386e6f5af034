package sioadmin

import (
	"context"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// actionTimeout bounds an action that goes through a multi-node adapter.
const actionTimeout = 5 * time.Second

// registerActions handles the UI's actions on the admin namespace, as the
// reference does with a Socket.IO 4 server: each applies to the sockets of
// a namespace, or of one room of it (the filter), on every node.
//
//	emit        (nsp, filter, event, ...args)
//	join        (nsp, room, filter)
//	leave       (nsp, room, filter)
//	_disconnect (nsp, close, filter)
//
// A namespace that does not exist is ignored, never created.
func (a *Admin) registerActions() {
	a.nsp.On("emit", func(s *sio.Socket, e *sio.Event) {
		var nsp, filter, event string
		if err := e.Decode(&nsp, &filter, &event); err != nil || event == "" {
			a.ignore(e, err)
			return
		}
		target, ok := a.target(nsp, filter)
		if !ok {
			return
		}
		if err := target.Emit(event, e.Values()[3:]...); err != nil {
			a.ignore(e, err)
		}
	})
	rooms := func(join bool) sio.EventHandler {
		return func(s *sio.Socket, e *sio.Event) {
			var nsp, room, filter string
			if err := e.Decode(&nsp, &room, &filter); err != nil || room == "" {
				a.ignore(e, err)
				return
			}
			target, ok := a.target(nsp, filter)
			if !ok {
				return
			}
			ctx, cancel := context.WithTimeout(s.Context(), actionTimeout)
			defer cancel()
			var err error
			if join {
				err = target.SocketsJoin(ctx, room)
			} else {
				err = target.SocketsLeave(ctx, room)
			}
			if err != nil {
				a.ignore(e, err)
			}
		}
	}
	a.nsp.On("join", rooms(true))
	a.nsp.On("leave", rooms(false))
	a.nsp.On("_disconnect", func(s *sio.Socket, e *sio.Event) {
		var nsp, filter string
		var close bool
		if err := e.Decode(&nsp, &close, &filter); err != nil {
			a.ignore(e, err)
			return
		}
		target, ok := a.target(nsp, filter)
		if !ok {
			return
		}
		ctx, cancel := context.WithTimeout(s.Context(), actionTimeout)
		defer cancel()
		if err := target.DisconnectSockets(ctx, close); err != nil {
			a.ignore(e, err)
		}
	})
}

// target is the broadcast an action applies to: the namespace, or its room
// filter when not empty.
func (a *Admin) target(nsp, filter string) (*sio.BroadcastOperator, bool) {
	ns := a.lookup(nsp)
	if ns == nil {
		a.log.Debug("admin action on an unknown namespace ignored", "nsp", nsp)
		return nil, false
	}
	if filter != "" {
		return ns.In(filter), true
	}
	return ns.In(), true
}

func (a *Admin) ignore(e *sio.Event, err error) {
	a.log.Debug("admin action ignored", "event", e.Name, "err", err)
}

// lookup returns the existing namespace called name, or nil.
func (a *Admin) lookup(name string) *sio.Namespace {
	for _, ns := range a.srv.Namespaces() {
		if ns.Name() == name {
			return ns
		}
	}
	return nil
}
