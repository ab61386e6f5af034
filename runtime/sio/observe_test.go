package sio_test

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// An Observer sees namespaces created (static and dynamic children),
// connections with their own room, joins and leaves of rooms it was not in
// (by the socket, by a broadcast operator, in a middleware), and the
// disconnection followed by the rooms left; once removed it sees nothing.
func TestObserver(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	var srv *sio.Server
	var remove func()
	_, url := startServer(t, nil, func(s *sio.Server) {
		srv = s
		remove = s.Observe(sio.Observer{
			Namespace:  func(ns *sio.Namespace) { rec.add("namespace %s", ns.Name()) },
			Connect:    func(s *sio.Socket) { rec.add("connect %s rooms=%d", s.Namespace().Name(), len(s.Rooms())) },
			Disconnect: func(s *sio.Socket, r sio.DisconnectReason) { rec.add("disconnect %s %s", s.Namespace().Name(), r) },
			Join:       func(s *sio.Socket, room string) { rec.add("join %s", alias(s, room)) },
			Leave:      func(s *sio.Socket, room string) { rec.add("leave %s", alias(s, room)) },
		})
		s.Of("/static").Use(func(_ context.Context, s *sio.Socket) error {
			s.Join("from-middleware")
			return nil
		})
		s.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
	})
	rec.wait(t, "namespace /static", 5*time.Second)

	c := dialRaw(t, url, true)
	id := c.connect("/static", "")
	rec.wait(t, "connect /static rooms=2", 5*time.Second)
	if srv.Namespaces()[1].Name() != "/static" || c.connect("/dyn-1", "") == "" {
		t.Fatalf("namespaces %v", srv.Namespaces())
	}
	rec.wait(t, "namespace /dyn-1", 5*time.Second)
	if got := srv.Namespaces(); len(got) != 3 || got[0].Name() != "/" || got[1].Name() != "/dyn-1" {
		t.Errorf("Namespaces: %d, first %s", len(got), got[0].Name())
	}
	s := socketOf(t, srv.Of("/static"), id)
	if s.ClientID() != c.sid {
		t.Errorf("ClientID %q, want the Engine.IO id %q", s.ClientID(), c.sid)
	}
	s.Join("a", s.ID(), "a") // its own room is not new; a once
	s.Join("a")              // already in: not reported again
	s.Leave("b")             // not in: not reported
	s.Leave("a")
	if err := srv.Of("/static").SocketsJoin(context.Background(), "c"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Of("/static").In("c").SocketsLeave(context.Background(), "c"); err != nil {
		t.Fatal(err)
	}
	s.Join("z")
	s.Disconnect(false)
	rec.wait(t, "leave z", 5*time.Second)

	var static []string
	for _, e := range rec.all() {
		if !slices.Contains([]string{"namespace /", "namespace /static", "namespace /dyn-1", "join own", "connect /dyn-1 rooms=1"}, e) {
			static = append(static, e)
		}
	}
	// The socket's own room is joined before Connect (filtered out with
	// dyn-1's events, which mix in); the rooms are left in any order.
	want := []string{
		"connect /static rooms=2",
		"join a", "leave a", "join c", "leave c", "join z",
		"disconnect /static server namespace disconnect",
		"leave from-middleware", "leave own", "leave z",
	}
	if len(static) == len(want) {
		slices.Sort(static[len(static)-3:])
	}
	if !slices.Equal(static, want) {
		t.Errorf("events (without namespaces and dyn-1):\n got %q\nwant %q", static, want)
	}

	remove()
	n := len(rec.all())
	srv.Of("/later")
	d := srv.Of("/dyn-1").Sockets()[0]
	d.Join("x")
	d.Leave("x")
	if len(rec.all()) != n {
		t.Errorf("removed observer still called: %q", rec.all()[n:])
	}
}

// alias names a socket's own room "own" so that expectations do not depend
// on the random id.
func alias(s *sio.Socket, room string) string {
	if room == s.ID() {
		return "own"
	}
	return room
}

// brokenAdapter fails the broadcasts to the room "broken".
type brokenAdapter struct{ *sio.MemoryAdapter }

func (a brokenAdapter) Broadcast(p *sio.Packet, o *sio.BroadcastOptions) error {
	if slices.Contains(o.Rooms, "broken") {
		return errors.New("adapter down")
	}
	return a.MemoryAdapter.Broadcast(p, o)
}

// An Observer given in the options sees refused connects (a namespace that
// does not exist, a middleware's error), rejected payloads and adapter
// errors; one added by Observe sees the packets, with their size on the
// wire, until removed; the first is called before the second.
func TestObserverFailures(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	opts := &sio.ServerOptions{
		Logger:  slog.New(slog.DiscardHandler),
		Adapter: func(ns *sio.Namespace) sio.Adapter { return brokenAdapter{sio.NewMemoryAdapter(ns)} },
		Observers: []sio.Observer{{
			Refuse: func(nsp, transport string, err error) {
				rec.add("refuse %s %s invalid=%v %s", nsp, transport, errors.Is(err, sio.ErrInvalidNamespace), sio.CodeOf(err))
			},
			Invalid: func(s *sio.Socket, event string, err *sio.Error) {
				rec.add("invalid %s %s %s", s.Namespace().Name(), event, err.Code)
			},
			AdapterError: func(ns *sio.Namespace, err error) { rec.add("adapter %s %v", ns.Name(), err) },
		}},
	}
	never := sio.ValidatorFunc(func(string, []byte) []sio.Violation { return []sio.Violation{{Message: "never"}} })
	srv, url := startServer(t, opts, func(s *sio.Server) {
		s.Of("/locked").Use(func(context.Context, *sio.Socket) error { return sio.NewError(sio.CodeUnauthenticated, "no") })
		sio.Handle(s.Of("/"), "typed", func(context.Context, *sio.Socket, int) {}, sio.WithValidator(never, "x"))
	})
	remove := srv.Observe(sio.Observer{
		Packet: func(p sio.PacketInfo) {
			if p.Type == "EVENT" {
				rec.add("packet %s %s %s size=%d", p.Direction, p.Namespace, p.Event, p.Size)
			}
		},
		Invalid: func(s *sio.Socket, event string, err *sio.Error) { rec.add("invalid, second") },
	})

	c := dialRaw(t, url, true)
	c.connect("/", "")
	c.send("40/nowhere,")
	c.expect(`44/nowhere,{"message":"Invalid namespace"}`)
	c.send("40/locked,")
	c.expectMatch(`^44/locked,`)
	c.send(`42["typed",1]`)
	rec.wait(t, "invalid, second", 5*time.Second)
	if err := srv.To("broken").Emit("x"); err == nil {
		t.Fatal("the broadcast to the broken room did not fail")
	}
	remove()
	c.send(`42["typed",2]`)
	eventually(t, 5*time.Second, "the second payload rejected", func() bool {
		n := 0
		for _, e := range rec.all() {
			if e == "invalid / typed invalid_argument" {
				n++
			}
		}
		return n == 2
	})
	want := []string{
		"refuse /nowhere websocket invalid=true internal",
		"refuse /locked websocket invalid=false unauthenticated",
		"packet inbound / typed size=12",
		"invalid / typed invalid_argument",
		"invalid, second",
		"adapter / adapter down",
		"invalid / typed invalid_argument",
	}
	if got := rec.all(); !slices.Equal(got, want) {
		t.Errorf("observed\n got %q\nwant %q", got, want)
	}
}
