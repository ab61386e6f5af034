package sio_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/siogen/siogen/runtime/sio"
)

// TestUnhandledEvent: an event no handler takes, sent with an ack, is
// answered "unimplemented" on a namespace of typed handlers, and left
// unanswered, as by the reference server, on an untyped one or when an
// OnAny handler may answer it. The echo sent after it proves the order:
// an answer would have come first.
func TestUnhandledEvent(t *testing.T) {
	t.Parallel()
	_, url := startServer(t, nil, func(srv *sio.Server) {
		echo := func(s *sio.Socket, e *sio.Event) { _ = e.Ack(e.Values()...) }
		srv.Of("/").On("echo", echo)
		typed := srv.Of("/typed")
		typed.On("echo", echo)
		sio.HandleAck(typed, "add", func(_ context.Context, _ *sio.Socket, in int) (int, error) { return in + 1, nil })
		anyNs := srv.Of("/any")
		sio.HandleAck(anyNs, "add", func(_ context.Context, _ *sio.Socket, in int) (int, error) { return in + 1, nil })
		anyNs.On("echo", echo)
		anyNs.OnConnection(func(s *sio.Socket) { s.OnAny(func(*sio.Event) {}) })
		dyn := srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
		dyn.On("echo", echo)
		sio.Handle(dyn, "note", func(context.Context, *sio.Socket, string) {})
	})
	c := dialRaw(t, url, true)
	c.connect("/", "")
	c.send(`421["nope",1]`, `422["echo","x"]`)
	c.expect(`432["x"]`)

	c.connect("/typed", "")
	c.send(`42/typed,3["nope",1]`, `42/typed,["nope"]`, `42/typed,5["echo","y"]`)
	c.expect(`43/typed,3[{"ok":false,"error":{"code":"unimplemented","message":"no handler for event \"nope\""}}]`)
	c.expect(`43/typed,5["y"]`)
	c.send(`42/typed,6["add",1]`)
	c.expect(`43/typed,6[{"ok":true,"data":2}]`)

	c.connect("/any", "")
	c.send(`42/any,7["nope"]`, `42/any,8["echo","z"]`)
	c.expect(`43/any,8["z"]`)

	c.connect("/dyn-1", "") // a child of a parent with typed handlers
	c.send(`42/dyn-1,9["nope"]`)
	c.expect(`43/dyn-1,9[{"ok":false,"error":{"code":"unimplemented","message":"no handler for event \"nope\""}}]`)
}
