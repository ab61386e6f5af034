package sio_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// The official socket.io-client against our server, scenario "basic":
// handshake seen by middleware, events, acks both ways with timeouts, binary
// nested in objects both ways, onAny/onAnyOutgoing, send/message, client
// disconnect.
func TestInteropBasic(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder()
			_, url := startServer(t, nil, func(srv *sio.Server) { basicServer(t, srv, rec) })
			runScenario(t, url, mode, "basic")
			rec.wait(t, "disconnect: client namespace disconnect", 10*time.Second)
			for _, want := range []string{
				`mw auth {"token":"abc"}`, "mw query 1", "mw header hdr", "mw address ok",
				"any echo", "bin-in ok",
			} {
				if !rec.has(want) {
					t.Errorf("server did not record %q; recorded %q", want, rec.all())
				}
			}
		})
	}
}

func basicServer(t *testing.T, srv *sio.Server, rec *recorder) {
	srv.Use(func(ctx context.Context, s *sio.Socket) error {
		hs := s.Handshake()
		rec.add("mw auth %s", hs.Auth.JSON())
		rec.add("mw query %s", hs.Query.Get("q"))
		rec.add("mw header %s", hs.Headers.Get("X-Test"))
		if strings.HasPrefix(hs.Address, "127.0.0.1:") || strings.HasPrefix(hs.Address, "[::1]:") {
			rec.add("mw address ok")
		}
		return nil
	})
	ns := srv.Of("/")
	type lists struct {
		mu      sync.Mutex
		in, out []string
	}
	ns.OnConnection(func(s *sio.Socket) {
		l := &lists{}
		s.OnAny(func(e *sio.Event) {
			l.mu.Lock()
			l.in = append(l.in, e.Name)
			l.mu.Unlock()
			rec.add("any %s", e.Name)
		})
		s.OnAnyOutgoing(func(event string, _ sio.Args) {
			l.mu.Lock()
			l.out = append(l.out, event)
			l.mu.Unlock()
		})
		s.On("any-report", func(e *sio.Event) {
			l.mu.Lock()
			defer l.mu.Unlock()
			_ = e.Ack(map[string]any{"in": l.in, "out": l.out, "reserved": sio.CodeOf(s.Emit("connect"))})
		})
		s.OnDisconnect(func(r sio.DisconnectReason) { rec.add("disconnect: %s", r) })
		hs := s.Handshake()
		_ = s.Emit("welcome", map[string]any{
			"auth": hs.Auth, "query": hs.Query.Get("q"), "header": hs.Headers.Get("X-Test"),
			"address": hs.Address, "transport": s.Transport(),
		})
		type inner struct {
			B []byte `json:"b"`
		}
		_ = s.Emit("bin", struct {
			A    inner `json:"a"`
			List []any `json:"list"`
		}{inner{[]byte{9, 8}}, []any{[]byte{7}, "s"}})
	})
	ns.On("echo", func(s *sio.Socket, e *sio.Event) { _ = e.Ack(e.Values()...) })
	ns.On("bin-in", func(s *sio.Socket, e *sio.Event) {
		var in struct {
			File struct {
				Name string `json:"name"`
				Data []byte `json:"data"`
			} `json:"file"`
			Parts [][]byte `json:"parts"`
		}
		if err := e.Decode(&in); err != nil {
			t.Errorf("bin-in: %v", err)
			_ = e.Ack(err.Error())
			return
		}
		back := slices.Clone(in.File.Data)
		slices.Reverse(back)
		sizes := []int{len(in.File.Data)}
		for _, p := range in.Parts {
			sizes = append(sizes, len(p))
		}
		if string(in.File.Data) == "\x01\x02\x03" && len(in.Parts) == 2 && string(in.Parts[1]) == "\x05\x06" {
			rec.add("bin-in ok")
		}
		_ = e.Ack(map[string]any{"name": in.File.Name, "sizes": sizes, "back": map[string]any{"x": back}})
	})
	ns.On("ask", func(s *sio.Socket, e *sio.Event) {
		// Waiting for the client's ack inside a handler must not deadlock.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		args, err := s.EmitWithAck(ctx, "question", 21)
		if err != nil {
			_ = e.Ack(err.Error())
			return
		}
		_ = e.Ack(args.Values())
	})
	ns.On("ask-silent", func(s *sio.Socket, e *sio.Event) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := s.EmitWithAck(ctx, "silent", 1)
		_ = e.Ack(sio.CodeOf(err))
	})
	ns.On("no-ack", func(s *sio.Socket, e *sio.Event) {})
	ns.On("message", func(s *sio.Socket, e *sio.Event) { _ = s.Send("hi back", e.At(1)) })
}

// Scenario "namespaces": multiplexing, invalid namespace, middleware errors
// with and without data, retry with new auth, dynamic namespaces whose
// parent's middlewares and handlers apply to every child, server namespace
// disconnect, server closing the whole connection, and no implicit main
// namespace.
func TestInteropNamespaces(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder()
			var dyn *sio.Namespace
			_, url := startServer(t, nil, func(srv *sio.Server) { dyn = namespacesServer(srv, rec) })
			runScenario(t, url, mode, "namespaces")
			rec.wait(t, "disconnect /admin: server namespace disconnect", 10*time.Second)
			for _, want := range []string{
				"mw /admin", "mw /private", "mw /plain", "mw /dyn-1", "mw /dyn-2",
				"disconnect /dyn-2: server namespace disconnect", "disconnect /dyn-1: server namespace disconnect",
			} {
				if !rec.has(want) {
					t.Errorf("server did not record %q; recorded %q", want, rec.all())
				}
			}
			for _, bad := range []string{"main connect", "mw /random", "mw /dyn-x"} {
				if rec.has(bad) {
					t.Errorf("server recorded %q", bad)
				}
			}
			var children []string
			for _, c := range dyn.Children() {
				children = append(children, c.Name())
			}
			slices.Sort(children)
			if !slices.Equal(children, []string{"/dyn-1", "/dyn-2"}) {
				t.Errorf("dynamic children = %v", children)
			}
		})
	}
}

func namespacesServer(srv *sio.Server, rec *recorder) *sio.Namespace {
	srv.Use(func(ctx context.Context, s *sio.Socket) error {
		rec.add("mw %s", s.Namespace().Name())
		return nil
	})
	srv.Of("/").OnConnection(func(s *sio.Socket) { rec.add("main connect") })
	onDisconnect := func(s *sio.Socket) {
		s.OnDisconnect(func(r sio.DisconnectReason) { rec.add("disconnect %s: %s", s.Namespace().Name(), r) })
	}
	admin := srv.Of("/admin")
	admin.OnConnection(func(s *sio.Socket) {
		onDisconnect(s)
		_ = s.Emit("hello-admin")
	})
	admin.On("ping-admin", func(s *sio.Socket, e *sio.Event) { _ = e.Ack("pong") })
	srv.Of("/private").Use(func(ctx context.Context, s *sio.Socket) error {
		var auth struct {
			Token string `json:"token"`
		}
		if err := s.Handshake().Auth.Decode(&auth); err != nil || auth.Token != "ok" {
			return &sio.Error{Code: sio.CodeUnauthenticated, Name: "Denied", Message: "not authorized", Details: map[string]string{"reason": "nope"}}
		}
		return nil
	})
	srv.Of("/plain").Use(func(ctx context.Context, s *sio.Socket) error { return errors.New("plain error") })

	dyn := srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
	dyn.Use(func(ctx context.Context, s *sio.Socket) error {
		s.SetData("mw:" + s.Namespace().Name())
		return nil
	})
	dyn.OnConnection(func(s *sio.Socket) {
		onDisconnect(s)
		_ = s.Emit("dyn-hello", s.Namespace().Name())
	})
	dyn.On("dyn-echo", func(s *sio.Socket, e *sio.Event) { _ = e.Ack(s.Namespace().Name(), e.At(0)) })
	dyn.On("dyn-data", func(s *sio.Socket, e *sio.Event) { _ = e.Ack(s.Data()) })
	dyn.On("dyn-broadcast", func(s *sio.Socket, e *sio.Event) { _ = dyn.Emit("dyn-all", 1) })
	dyn.On("kick", func(s *sio.Socket, e *sio.Event) { s.Disconnect(false) })
	dyn.On("kick-all", func(s *sio.Socket, e *sio.Event) { s.Disconnect(true) })
	return dyn
}

// Scenario "rooms": three clients; broadcasts to rooms, with except, from a
// socket, volatile, with acks (and a timeout); FetchSockets, SocketsJoin,
// SocketsLeave, DisconnectSockets; disconnecting handlers still see rooms.
func TestInteropRooms(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder()
			_, url := startServer(t, nil, func(srv *sio.Server) { roomsServer(srv, rec) })
			runScenario(t, url, mode, "rooms")
			rec.wait(t, "disconnecting b: server namespace disconnect [r1 r2]", 10*time.Second)
			rec.wait(t, "disconnecting c: server namespace disconnect [r2]", 10*time.Second)
			rec.wait(t, "disconnect a: client namespace disconnect", 10*time.Second)
		})
	}
}

func roomsServer(srv *sio.Server, rec *recorder) {
	ns := srv.Of("/")
	ns.OnConnection(func(s *sio.Socket) {
		var auth struct {
			Name string `json:"name"`
		}
		_ = s.Handshake().Auth.Decode(&auth)
		s.SetData(auth.Name)
		s.OnDisconnecting(func(r sio.DisconnectReason) {
			var rooms []string
			for _, room := range s.Rooms() {
				if room != s.ID() {
					rooms = append(rooms, room)
				}
			}
			rec.add("disconnecting %s: %s %v", auth.Name, r, rooms)
		})
		s.OnDisconnect(func(r sio.DisconnectReason) { rec.add("disconnect %s: %s", auth.Name, r) })
	})
	ns.On("join", func(s *sio.Socket, e *sio.Event) {
		var room string
		_ = e.Decode(&room)
		s.Join(room)
		_ = e.Ack(s.Rooms())
	})
	ns.On("bcast", func(s *sio.Socket, e *sio.Event) {
		var spec struct {
			From     string   `json:"from"`
			To       []string `json:"to"`
			Except   []string `json:"except"`
			Volatile bool     `json:"volatile"`
			Tag      string   `json:"tag"`
		}
		if err := e.Decode(&spec); err != nil {
			_ = e.Ack(err.Error())
			return
		}
		var op *sio.BroadcastOperator
		switch spec.From {
		case "socket":
			op = s.To(spec.To...)
		case "broadcast":
			op = s.Broadcast()
		case "socket-except":
			op = s.Except(spec.Except...)
		case "server":
			op = srv.To(spec.To...)
		default:
			op = ns.To(spec.To...)
		}
		if spec.From != "socket-except" {
			op = op.Except(spec.Except...)
		}
		if spec.Volatile {
			op = op.Volatile()
		}
		if err := op.Emit("news", spec.Tag); err != nil {
			_ = e.Ack(err.Error())
			return
		}
		_ = ns.Emit("sync", spec.Tag)
		_ = e.Ack()
	})
	ns.On("poll", func(s *sio.Socket, e *sio.Event) {
		var spec struct {
			To []string `json:"to"`
			X  string   `json:"x"`
			MS int      `json:"ms"`
		}
		_ = e.Decode(&spec)
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(spec.MS)*time.Millisecond)
		defer cancel()
		answers, err := ns.To(spec.To...).EmitWithAck(ctx, "poll-q", spec.X)
		names := []string{}
		for _, a := range answers {
			var n string
			_ = a.Decode(&n)
			names = append(names, n)
		}
		slices.Sort(names)
		_ = e.Ack(map[string]any{"answers": names, "err": sio.CodeOf(err)})
	})
	type sel struct {
		In   []string `json:"in"`
		Room string   `json:"room"`
	}
	ns.On("fetch", func(s *sio.Socket, e *sio.Event) {
		var q sel
		_ = e.Decode(&q)
		socks, err := ns.In(q.In...).FetchSockets(context.Background())
		if err != nil {
			_ = e.Ack(err.Error())
			return
		}
		out := []map[string]any{}
		for _, rs := range socks {
			out = append(out, map[string]any{"id": rs.ID, "rooms": rs.Rooms, "data": rs.Data})
		}
		_ = e.Ack(out)
	})
	ns.On("sockets-join", func(s *sio.Socket, e *sio.Event) {
		var q sel
		_ = e.Decode(&q)
		_ = e.Ack(errText(ns.In(q.In...).SocketsJoin(context.Background(), q.Room)))
	})
	ns.On("sockets-leave", func(s *sio.Socket, e *sio.Event) {
		var q sel
		_ = e.Decode(&q)
		_ = e.Ack(errText(ns.In(q.In...).SocketsLeave(context.Background(), q.Room)))
	})
	ns.On("disconnect-sockets", func(s *sio.Socket, e *sio.Event) {
		var q sel
		_ = e.Decode(&q)
		_ = e.Ack(errText(ns.In(q.In...).DisconnectSockets(context.Background(), false)))
	})
}

// errText is nil for no error (acknowledged as null, which the client reads
// as success) or the error's text.
func errText(err error) any {
	if err == nil {
		return nil
	}
	return err.Error()
}

// Scenario "recovery": the client's transport is closed under it; events
// sent meanwhile to its rooms are replayed in order, with offsets, before
// the CONNECT reply; id, rooms and data come back; middlewares are skipped;
// a deliberate disconnect keeps no session.
func TestInteropRecovery(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder()
			_, url := startServer(t, &sio.ServerOptions{Recovery: &sio.RecoveryOptions{}}, func(srv *sio.Server) { recoveryServer(srv, rec) })
			runScenario(t, url, mode, "recovery")
			rec.wait(t, "armed disconnect: transport close", 10*time.Second)
			for _, want := range []string{"connect recovered=false", "connect recovered=true"} {
				if !rec.has(want) {
					t.Errorf("server did not record %q; recorded %q", want, rec.all())
				}
			}
		})
	}
}

func recoveryServer(srv *sio.Server, rec *recorder) {
	ns := srv.Of("/")
	var mu sync.Mutex
	mw := 0
	ns.Use(func(ctx context.Context, s *sio.Socket) error {
		mu.Lock()
		mw++
		mu.Unlock()
		return nil
	})
	ns.OnConnection(func(s *sio.Socket) {
		rec.add("connect recovered=%v", s.Recovered())
		if !s.Recovered() {
			s.SetData("d1")
		}
	})
	ns.On("join", func(s *sio.Socket, e *sio.Event) {
		var room string
		_ = e.Decode(&room)
		s.Join(room)
		_ = e.Ack(s.Rooms())
		_ = s.Emit("pre", "p")
	})
	ns.On("arm", func(s *sio.Socket, e *sio.Event) {
		s.OnDisconnect(func(r sio.DisconnectReason) {
			rec.add("armed disconnect: %s", r)
			// Sent while the client is away: only 1, 2, 3 concern it.
			_ = ns.To("rr").Emit("missed", 1)
			_ = ns.Emit("missed", 2)
			_ = ns.To("other").Emit("missed", 99)
			_ = ns.Except("rr").Emit("missed", 98)
			_ = ns.Volatile().Emit("missed", 97)
			_ = ns.To("rr").Emit("missed", 3)
		})
		_ = e.Ack()
	})
	ns.On("whoami", func(s *sio.Socket, e *sio.Event) {
		mu.Lock()
		n := mw
		mu.Unlock()
		_ = e.Ack(map[string]any{"recovered": s.Recovered(), "rooms": s.Rooms(), "data": s.Data(), "mw": n})
	})
	ns.On("nudge", func(s *sio.Socket, e *sio.Event) { _ = s.Emit("missed", 4) })
}
