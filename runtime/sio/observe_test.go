package sio_test

import (
	"context"
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
