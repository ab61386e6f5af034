package sio

import (
	"context"
)

// Adapter keeps a namespace's rooms and carries its broadcasts. The default,
// [MemoryAdapter], serves one node; a multi-node adapter (such as
// runtime/redisadapter) embeds it for the local part and forwards every
// operation to the other nodes. The interface mirrors the reference
// server's adapter, which is why it is larger than this package's other
// interfaces. Implementations must be safe for concurrent use.
type Adapter interface {
	// AddAll adds socket id to rooms.
	AddAll(id string, rooms []string)
	// Del removes socket id from room.
	Del(id, room string)
	// DelAll removes socket id from every room.
	DelAll(id string)
	// SocketRooms returns the rooms of a local socket.
	SocketRooms(id string) []string
	// Sockets returns the local sockets in any of rooms (all when empty).
	Sockets(rooms []string) []string

	// Broadcast sends p to the sockets opts selects. p.Data is the JSON
	// array [event, args...]; the adapter encodes it once for everyone.
	Broadcast(p *Packet, opts *BroadcastOptions) error
	// BroadcastWithAck sends p (which has an ack id) and reports how many
	// clients each node sent it to (onClients, once per node) and each
	// client's acknowledgement (onAck), until ctx ends.
	BroadcastWithAck(ctx context.Context, p *Packet, opts *BroadcastOptions, onClients func(int), onAck func(Args)) error
	// ServerCount returns the number of nodes, this one included.
	ServerCount(ctx context.Context) (int, error)

	// FetchSockets returns the sockets opts selects, on every node unless
	// opts.Local.
	FetchSockets(ctx context.Context, opts *BroadcastOptions) ([]*RemoteSocket, error)
	// AddSockets makes the selected sockets join rooms.
	AddSockets(ctx context.Context, opts *BroadcastOptions, rooms []string) error
	// DelSockets makes the selected sockets leave rooms.
	DelSockets(ctx context.Context, opts *BroadcastOptions, rooms []string) error
	// DisconnectSockets disconnects the selected sockets.
	DisconnectSockets(ctx context.Context, opts *BroadcastOptions, close bool) error

	// ServerSideEmit sends an event to the other nodes.
	ServerSideEmit(ctx context.Context, p *Packet) error
	// ServerSideEmitWithAck sends an event to the other nodes and collects
	// one answer per node until ctx ends.
	ServerSideEmitWithAck(ctx context.Context, p *Packet) ([]Args, error)

	// PersistSession keeps a disconnected socket's session for recovery.
	PersistSession(s *Session)
	// RestoreSession takes the session pid back with the packets it missed
	// after offset; false when it cannot be restored. The namespace puts
	// the socket back in its rooms right after, holding what broadcasts
	// send it until the missed packets are out; a broadcast delivered
	// between the two is missed; the [MemoryAdapter] leaves no such gap
	// (see "Connection state recovery" in the package doc).
	RestoreSession(pid, offset string) (*Session, []*Packet, bool)

	// Close releases the adapter's resources.
	Close() error
}

// BroadcastOptions selects the recipients of a broadcast.
type BroadcastOptions struct {
	// Rooms: sockets in any of them; empty means every socket.
	Rooms []string
	// Except: minus the sockets in any of them.
	Except []string
	// Volatile: may be dropped for sockets that are not ready.
	Volatile bool
	// Local: this node only.
	Local bool
	// Backpressure: what each recipient's connection does with the
	// packet when its send queue is backed up.
	Backpressure Backpressure
}

// Session is what connection state recovery keeps of a socket that lost its
// connection.
type Session struct {
	SID       string   `json:"sid"`
	PID       string   `json:"pid"`
	Namespace string   `json:"nsp"`
	Rooms     []string `json:"rooms"`
	Data      any      `json:"data"`
}

// RemoteSocket is a socket found by FetchSockets, on this node or another.
// Its methods act through the adapter, wherever the socket is.
type RemoteSocket struct {
	ID        string
	Handshake *Handshake
	Rooms     []string
	// Data is the socket's data: the value itself for a local socket, the
	// value decoded from JSON for a remote one.
	Data any
	ns   *Namespace
}

// NewRemoteSocket is for adapters that build RemoteSockets from other
// nodes' answers.
func NewRemoteSocket(ns *Namespace, id string, hs *Handshake, rooms []string, data any) *RemoteSocket {
	return &RemoteSocket{ID: id, Handshake: hs, Rooms: rooms, Data: data, ns: ns}
}

func (r *RemoteSocket) only() *BroadcastOptions { return &BroadcastOptions{Rooms: []string{r.ID}} }

// Emit sends an event to the socket.
func (r *RemoteSocket) Emit(event string, args ...any) error {
	return r.ns.To(r.ID).Emit(event, args...)
}

// Join makes the socket join rooms.
func (r *RemoteSocket) Join(ctx context.Context, rooms ...string) error {
	return r.ns.adapter.AddSockets(ctx, r.only(), rooms)
}

// Leave makes the socket leave rooms.
func (r *RemoteSocket) Leave(ctx context.Context, rooms ...string) error {
	return r.ns.adapter.DelSockets(ctx, r.only(), rooms)
}

// Disconnect disconnects the socket, closing its connection when close is
// true.
func (r *RemoteSocket) Disconnect(ctx context.Context, close bool) error {
	return r.ns.adapter.DisconnectSockets(ctx, r.only(), close)
}
