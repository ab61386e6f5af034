package sioadmin

import (
	"context"
	"errors"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// actionTimeout bounds an action that goes through a multi-node adapter.
const actionTimeout = 5 * time.Second

// errMissing refuses an action without its room or event name.
var errMissing = errors.New("missing argument")

// action is one of the UI's actions: it reads its arguments, then acts on
// the sockets a namespace name and a room filter select.
type action func(e *sio.Event) (nsp, filter string, do apply, err error)

// apply does an action to the sockets to selects.
type apply = func(ctx context.Context, to *sio.BroadcastOperator) error

// actions are the UI's actions, as the reference handles them with a
// Socket.IO 4 server; each applies to the sockets of a namespace, or of one
// room of it (the filter), on every node:
//
//	emit        (nsp, filter, event, ...args)
//	join        (nsp, room, filter)
//	leave       (nsp, room, filter)
//	_disconnect (nsp, close, filter)
var actions = map[string]action{
	"emit": func(e *sio.Event) (string, string, apply, error) {
		var nsp, filter, event string
		err := e.Decode(&nsp, &filter, &event)
		if err == nil && event == "" {
			err = errMissing
		}
		args := e.Values()[min(3, e.Len()):]
		return nsp, filter, func(_ context.Context, to *sio.BroadcastOperator) error { return to.Emit(event, args...) }, err
	},
	"join":  rooms((*sio.BroadcastOperator).SocketsJoin),
	"leave": rooms((*sio.BroadcastOperator).SocketsLeave),
	"_disconnect": func(e *sio.Event) (string, string, apply, error) {
		var nsp, filter string
		var close bool
		err := e.Decode(&nsp, &close, &filter)
		return nsp, filter, func(ctx context.Context, to *sio.BroadcastOperator) error { return to.DisconnectSockets(ctx, close) }, err
	},
}

// rooms is the join or leave action.
func rooms(fn func(*sio.BroadcastOperator, context.Context, ...string) error) action {
	return func(e *sio.Event) (string, string, apply, error) {
		var nsp, room, filter string
		err := e.Decode(&nsp, &room, &filter)
		if err == nil && room == "" {
			err = errMissing
		}
		return nsp, filter, func(ctx context.Context, to *sio.BroadcastOperator) error { return fn(to, ctx, room) }, err
	}
}

// registerActions handles the UI's actions on the admin namespace. An
// action with arguments of the wrong types, or on a namespace that does not
// exist (which is never created), is ignored.
func (a *Admin) registerActions() {
	for name, act := range actions {
		a.nsp.On(name, func(s *sio.Socket, e *sio.Event) {
			nsp, filter, do, err := act(e)
			if err != nil {
				a.log.Debug("admin action ignored", "event", e.Name, "err", err)
				return
			}
			ns := a.lookup(nsp)
			if ns == nil {
				a.log.Debug("admin action on an unknown namespace ignored", "event", e.Name, "nsp", nsp)
				return
			}
			to := ns.In()
			if filter != "" {
				to = ns.In(filter)
			}
			ctx, cancel := context.WithTimeout(s.Context(), actionTimeout)
			defer cancel()
			if err := do(ctx, to); err != nil {
				a.log.Debug("admin action failed", "event", e.Name, "err", err)
			}
		})
	}
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
