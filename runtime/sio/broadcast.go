package sio

import (
	"context"
	"slices"
	"sync"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// BroadcastOperator selects sockets (rooms, exceptions, flags) and acts on
// them. It is immutable: every method that narrows the selection returns a
// new operator, so operators can be kept and shared between goroutines.
type BroadcastOperator struct {
	ns   *Namespace
	opts BroadcastOptions
}

func (b *BroadcastOperator) with(fn func(o *BroadcastOptions)) *BroadcastOperator {
	o := cloneOptions(&b.opts)
	fn(&o)
	return &BroadcastOperator{ns: b.ns, opts: o}
}

// To adds rooms: the broadcast reaches sockets in any of its rooms, each
// once.
func (b *BroadcastOperator) To(rooms ...string) *BroadcastOperator {
	return b.with(func(o *BroadcastOptions) { o.Rooms = append(o.Rooms, rooms...) })
}

// In is the same as [BroadcastOperator.To].
func (b *BroadcastOperator) In(rooms ...string) *BroadcastOperator { return b.To(rooms...) }

// Except excludes the sockets in any of the rooms.
func (b *BroadcastOperator) Except(rooms ...string) *BroadcastOperator {
	return b.with(func(o *BroadcastOptions) { o.Except = append(o.Except, rooms...) })
}

// Volatile lets the event be dropped for sockets that are not ready to
// receive it (their send queue is not empty).
func (b *BroadcastOperator) Volatile() *BroadcastOperator {
	return b.with(func(o *BroadcastOptions) { o.Volatile = true })
}

// Local restricts the broadcast to this node.
func (b *BroadcastOperator) Local() *BroadcastOperator {
	return b.with(func(o *BroadcastOptions) { o.Local = true })
}

// targets returns the namespaces the broadcast covers: itself, or every
// child of a dynamic parent.
func (b *BroadcastOperator) targets() []*Namespace {
	if b.ns.match != nil {
		return b.ns.Children()
	}
	return []*Namespace{b.ns}
}

// Emit sends an event to the selected sockets. The packet is encoded once
// per namespace and the same bytes are queued on every socket.
func (b *BroadcastOperator) Emit(event string, args ...any) error {
	if ics := b.ns.emitInterceptors(); len(ics) > 0 {
		_, err := interceptOut(context.Background(), ics, &Invocation{Namespace: b.ns.name, Event: event, Direction: Outbound, Payload: slices.Clone(args)}, func(_ context.Context, event string, args []any) (any, error) {
			return nil, b.emit(event, args)
		})
		return err
	}
	return b.emit(event, args)
}

func (b *BroadcastOperator) emit(event string, args []any) error {
	if parser.IsReserved(event) {
		return NewError(CodeInvalidArgument, "%q is a reserved event name", event)
	}
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return err
	}
	for _, ns := range b.targets() {
		p := &Packet{Type: eventType(att), Namespace: ns.name, Data: data, Attachments: att}
		if err := ns.adapter.Broadcast(p, &b.opts); err != nil {
			ns.adapterFailed("broadcast", err)
			return err
		}
	}
	return nil
}

// EmitWithAck sends an event to the selected sockets and collects one
// acknowledgement per socket, on every node. It returns when all have
// answered, or when ctx ends or the server's AckTimeout passes: then with
// the answers received so far and an *[Error] with [CodeTimeout].
func (b *BroadcastOperator) EmitWithAck(ctx context.Context, event string, args ...any) ([]Args, error) {
	if ics := b.ns.emitInterceptors(); len(ics) > 0 {
		r, err := interceptOut(ctx, ics, &Invocation{Namespace: b.ns.name, Event: event, Direction: Outbound, Payload: slices.Clone(args), WantsAck: true}, func(ctx context.Context, event string, args []any) (any, error) {
			return b.emitWithAck(ctx, event, args)
		})
		a, _ := r.([]Args)
		return a, err
	}
	return b.emitWithAck(ctx, event, args)
}

func (b *BroadcastOperator) emitWithAck(ctx context.Context, event string, args []any) ([]Args, error) {
	if parser.IsReserved(event) {
		return nil, NewError(CodeInvalidArgument, "%q is a reserved event name", event)
	}
	data, att, err := encodeArgs(event, args)
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok && b.ns.srv.opts.AckTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.ns.srv.opts.AckTimeout)
		defer cancel()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		mu              sync.Mutex
		responses       []Args
		expectedClients int
		reportedServers int
		expectedServers int
		done            = make(chan struct{})
		closed          bool
	)
	check := func() {
		if !closed && expectedServers > 0 && reportedServers == expectedServers && len(responses) == expectedClients {
			closed = true
			close(done)
		}
	}
	targets := b.targets()
	for _, ns := range targets {
		n, err := ns.adapter.ServerCount(ctx)
		if err != nil {
			return nil, err
		}
		if b.opts.Local {
			n = 1
		}
		mu.Lock()
		expectedServers += n
		mu.Unlock()
	}
	for _, ns := range targets {
		id := ns.ackIDs.Add(1) - 1
		p := &Packet{Type: eventType(att), Namespace: ns.name, ID: id, HasID: true, Data: data, Attachments: att}
		err := ns.adapter.BroadcastWithAck(ctx, p, &b.opts,
			func(n int) {
				mu.Lock()
				expectedClients += n
				reportedServers++
				check()
				mu.Unlock()
			},
			func(a Args) {
				mu.Lock()
				if !closed {
					responses = append(responses, a)
					check()
				}
				mu.Unlock()
			})
		if err != nil {
			return nil, err
		}
	}
	select {
	case <-done:
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(responses), nil
	case <-ctx.Done():
		mu.Lock()
		defer mu.Unlock()
		closed = true
		return slices.Clone(responses), &Error{Code: CodeTimeout, Message: "operation has timed out", Err: ctx.Err()}
	}
}

// FetchSockets returns the selected sockets, on every node.
func (b *BroadcastOperator) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	var out []*RemoteSocket
	for _, ns := range b.targets() {
		s, err := ns.adapter.FetchSockets(ctx, &b.opts)
		if err != nil {
			return out, err
		}
		out = append(out, s...)
	}
	return out, nil
}

// SocketsJoin makes the selected sockets join rooms.
func (b *BroadcastOperator) SocketsJoin(ctx context.Context, rooms ...string) error {
	return b.each(func(ns *Namespace) error { return ns.adapter.AddSockets(ctx, &b.opts, rooms) })
}

// SocketsLeave makes the selected sockets leave rooms.
func (b *BroadcastOperator) SocketsLeave(ctx context.Context, rooms ...string) error {
	return b.each(func(ns *Namespace) error { return ns.adapter.DelSockets(ctx, &b.opts, rooms) })
}

// DisconnectSockets disconnects the selected sockets, closing their
// connections when close is true.
func (b *BroadcastOperator) DisconnectSockets(ctx context.Context, close bool) error {
	return b.each(func(ns *Namespace) error { return ns.adapter.DisconnectSockets(ctx, &b.opts, close) })
}

func (b *BroadcastOperator) each(fn func(*Namespace) error) error {
	for _, ns := range b.targets() {
		if err := fn(ns); err != nil {
			return err
		}
	}
	return nil
}
