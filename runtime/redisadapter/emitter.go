package redisadapter

import (
	"context"
	"errors"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/siogen/siogen/runtime/sio"
)

// emitterUID is the uid of every message an emitter publishes, as
// upstream.
const emitterUID = "emitter"

// EmitterOptions configures an [Emitter]. The zero value, or nil, means the
// defaults of @socket.io/redis-emitter.
type EmitterOptions struct {
	// Key is the channel prefix of the servers' adapters. Default
	// "socket.io".
	Key string
}

// Emitter sends to the clients of a cluster from a process that is not a
// Socket.IO server, through Redis, as @socket.io/redis-emitter does: any
// server of the cluster, Go or Node (with the classic Pub/Sub adapter),
// delivers what it publishes. It publishes and never waits for an answer.
//
// An Emitter is immutable: To, Except, Volatile, Backpressure and Of
// return new emitters, so one can be kept and shared between goroutines.
type Emitter struct {
	rdb      redis.UniversalClient
	key      string
	nsp      string
	rooms    []string
	except   []string
	volatile bool
	bp       sio.Backpressure
}

// NewEmitter returns an emitter for the main namespace "/" publishing
// through rdb.
func NewEmitter(rdb redis.UniversalClient, opts *EmitterOptions) *Emitter {
	key := "socket.io"
	if opts != nil && opts.Key != "" {
		key = opts.Key
	}
	return &Emitter{rdb: rdb, key: key, nsp: "/"}
}

func (e *Emitter) clone() *Emitter {
	c := *e
	c.rooms = slices.Clone(e.rooms)
	c.except = slices.Clone(e.except)
	return &c
}

// Of returns an emitter for namespace nsp ("/" is prepended if missing),
// with no rooms selected.
func (e *Emitter) Of(nsp string) *Emitter {
	if len(nsp) == 0 || nsp[0] != '/' {
		nsp = "/" + nsp
	}
	return &Emitter{rdb: e.rdb, key: e.key, nsp: nsp}
}

// To selects the sockets in any of rooms.
func (e *Emitter) To(rooms ...string) *Emitter {
	c := e.clone()
	for _, r := range rooms {
		if !slices.Contains(c.rooms, r) {
			c.rooms = append(c.rooms, r)
		}
	}
	return c
}

// In is the same as [Emitter.To].
func (e *Emitter) In(rooms ...string) *Emitter { return e.To(rooms...) }

// Except excludes the sockets in any of rooms.
func (e *Emitter) Except(rooms ...string) *Emitter {
	c := e.clone()
	for _, r := range rooms {
		if !slices.Contains(c.except, r) {
			c.except = append(c.except, r)
		}
	}
	return c
}

// Volatile lets servers drop the event for clients that are not ready.
func (e *Emitter) Volatile() *Emitter {
	c := e.clone()
	c.volatile = true
	return c
}

// Backpressure makes Go servers deliver the event following bp, as a
// broadcast with [sio.BroadcastOperator.Backpressure] does: it travels as
// a "backpressure" flag, which Node servers ignore (they queue the event).
func (e *Emitter) Backpressure(bp sio.Backpressure) *Emitter {
	c := e.clone()
	c.bp = bp
	return c
}

var reservedEvents = []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}

// Emit sends an event to the selected sockets. Arguments are encoded as
// JSON, except []byte values, which are sent as binary.
func (e *Emitter) Emit(ctx context.Context, event string, args ...any) error {
	return e.EmitJSONChecked(ctx, nil, event, args...)
}

// EmitJSONChecked is [Emitter.Emit] with a check of the JSON that is
// published, for code without generated types (see [ValidatorCheck];
// generated typed emitters check the Go value instead, see [EmitChecked]): check
// gets the JSON of each argument as a receiving server decodes it, []byte
// values as {"_placeholder":true,"num":N} objects, and the event is
// published only when it returns nil; its error is returned as it is. A nil
// check publishes unchecked.
func (e *Emitter) EmitJSONChecked(ctx context.Context, check func(args [][]byte) error, event string, args ...any) error {
	if slices.Contains(reservedEvents, event) {
		return &Error{Op: "emit", Err: errors.New(`"` + event + `" is a reserved event name`)}
	}
	vals, jsons, err := encodeValues(args, check != nil)
	if err != nil {
		return &Error{Op: "emit", Err: err}
	}
	if check != nil {
		if err := check(jsons); err != nil {
			return err
		}
	}
	flags := obj()
	if e.volatile {
		flags.set("volatile", true)
	}
	setBackpressure(flags, &e.bp)
	packet := obj("type", int64(2), "data", append([]any{event}, vals...), "nsp", e.nsp)
	opts := obj("rooms", anys(e.rooms), "flags", flags, "except", anys(e.except))
	channel := e.key + "#" + e.nsp + "#"
	if len(e.rooms) == 1 {
		channel += e.rooms[0] + "#"
	}
	return e.publish(ctx, "emit", channel, packValue(nil, []any{emitterUID, packet, opts}))
}

func (e *Emitter) requestChannel() string { return e.key + "-request#" + e.nsp + "#" }

func (e *Emitter) selector() *object {
	return obj("rooms", anys(e.rooms), "except", anys(e.except))
}

// SocketsJoin makes the selected sockets join rooms.
func (e *Emitter) SocketsJoin(ctx context.Context, rooms ...string) error {
	o := obj("type", int64(rtRemoteJoin), "opts", e.selector(), "rooms", anys(rooms))
	return e.publish(ctx, "socketsJoin", e.requestChannel(), toJSON(o, nil))
}

// SocketsLeave makes the selected sockets leave rooms.
func (e *Emitter) SocketsLeave(ctx context.Context, rooms ...string) error {
	o := obj("type", int64(rtRemoteLeave), "opts", e.selector(), "rooms", anys(rooms))
	return e.publish(ctx, "socketsLeave", e.requestChannel(), toJSON(o, nil))
}

// DisconnectSockets disconnects the selected sockets, closing their
// connections when close is true.
func (e *Emitter) DisconnectSockets(ctx context.Context, close bool) error {
	o := obj("type", int64(rtRemoteDisconnect), "opts", e.selector(), "close", close)
	return e.publish(ctx, "disconnectSockets", e.requestChannel(), toJSON(o, nil))
}

// ServerSideEmit sends an event to the servers of the namespace (their
// OnServerSideEmit handlers). Acknowledgements are not supported, as
// upstream. Binary arguments arrive as {"type":"Buffer","data":[...]}, as
// JSON carries them.
func (e *Emitter) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	vals, err := valuesOf(args)
	if err != nil {
		return &Error{Op: "serverSideEmit", Err: err}
	}
	o := obj("uid", emitterUID, "type", int64(rtServerSideEmit), "data", append([]any{event}, vals...))
	return e.publish(ctx, "serverSideEmit", e.requestChannel(), toJSON(o, nil))
}

func (e *Emitter) publish(ctx context.Context, op, channel string, payload []byte) error {
	if err := e.rdb.Publish(ctx, channel, payload).Err(); err != nil {
		return &Error{Op: op, Err: err}
	}
	return nil
}
