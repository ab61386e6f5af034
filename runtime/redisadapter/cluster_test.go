package redisadapter_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

func rooms(r string) url.Values { return url.Values{"rooms": {r}} }

// TestGoCluster runs three Go nodes on one Redis and checks every adapter
// operation through clients connected to different nodes.
func TestGoCluster(t *testing.T) {
	for _, mode := range []string{"classic", "sharded"} {
		t.Run(mode, func(t *testing.T) { testGoCluster(t, mode) })
	}
}

func testGoCluster(t *testing.T, mode string) {
	r := startRedis(t, false)
	sharded := mode == "sharded"
	A := startGoNode(t, r, "A", &redisadapter.Options{Sharded: sharded}, nil)
	B := startGoNode(t, r, "B", &redisadapter.Options{Sharded: sharded, PublishOnSpecificResponseChannel: true}, nil)
	C := startGoNode(t, r, "C", &redisadapter.Options{Sharded: sharded}, nil)
	admin := r.Client(t)
	waitNodes(t, admin, mode, "/", 3)

	a1 := dial(t, A.url, "/", "a1", "websocket", rooms("r1"))
	b1 := dial(t, B.url, "/", "b1", "polling", rooms("r1,r2"))
	b2 := dial(t, B.url, "/", "b2", "websocket", nil)
	c1 := dial(t, C.url, "/", "c1", "websocket", rooms("r2"))
	all := []*tclient{a1, b1, b2, c1}

	expectAll := func(name string, want []*tclient, arg string) {
		t.Helper()
		for _, c := range all {
			if slices.Contains(want, c) {
				if ev := c.expect(name); ev.arg(0) != arg {
					t.Errorf("%s got %s %v, want %s", c.name, name, ev.Args, arg)
				}
			}
		}
		for _, c := range all {
			if !slices.Contains(want, c) {
				c.expectNone(name, 300*time.Millisecond)
			}
		}
	}

	t.Run("broadcast", func(t *testing.T) {
		mustf(t, A.srv.Emit("all", 1), "emit")
		expectAll("all", all, "1")
		mustf(t, C.srv.To("r1").Emit("room", "x"), "emit")
		expectAll("room", []*tclient{a1, b1}, `"x"`)
		mustf(t, A.srv.To("r1", "r2").Except("r2").Emit("except", true), "emit")
		expectAll("except", []*tclient{a1}, "true")
		mustf(t, B.srv.Of("/").Local().Emit("local", nil), "emit")
		expectAll("local", []*tclient{b1, b2}, "null")
		mustf(t, B.srv.To(c1.sid).Emit("direct", 2), "emit")
		expectAll("direct", []*tclient{c1}, "2")
	})

	t.Run("binary", func(t *testing.T) {
		payload := map[string]any{"n": 1, "blob": []byte{1, 2, 3}}
		mustf(t, A.srv.To("r2").Emit("bin", payload, []byte{0xff}), "emit")
		for _, c := range []*tclient{b1, c1} {
			ev := c.expect("bin")
			if len(ev.Bins) != 2 || !bytes.Equal(ev.Bins[0], []byte{1, 2, 3}) || !bytes.Equal(ev.Bins[1], []byte{0xff}) {
				t.Errorf("%s: attachments %v (args %s)", c.name, ev.Bins, ev.Args)
			}
		}
	})

	t.Run("fetchSockets", func(t *testing.T) {
		socks, err := A.srv.Of("/").FetchSockets(ctxT(t, 10*time.Second))
		mustf(t, err, "fetch")
		got := map[string]*sio.RemoteSocket{}
		for _, s := range socks {
			got[s.ID] = s
		}
		for _, c := range all {
			s := got[c.sid]
			if s == nil {
				t.Fatalf("%s missing from %v", c.name, socks)
			}
			if s.Handshake.Query.Get("name") != c.name {
				t.Errorf("%s: handshake query %v", c.name, s.Handshake.Query)
			}
			if d := fmtData(s.Data); d != c.name {
				t.Errorf("%s: data %#v", c.name, s.Data)
			}
		}
		if rs := got[b1.sid].Rooms; !slices.Contains(rs, "r2") || !slices.Contains(rs, b1.sid) {
			t.Errorf("b1 rooms %v", rs)
		}
		socks, err = C.srv.Of("/").In("r2").FetchSockets(ctxT(t, 10*time.Second))
		mustf(t, err, "fetch r2")
		ids := []string{}
		for _, s := range socks {
			ids = append(ids, s.ID)
		}
		want := []string{b1.sid, c1.sid}
		sort.Strings(ids)
		sort.Strings(want)
		if !slices.Equal(ids, want) {
			t.Errorf("In(r2) = %v, want %v", ids, want)
		}
		// Acting on a remote socket goes through the adapter.
		mustf(t, got[c1.sid].Emit("remote-emit", "hi"), "remote emit")
		c1.expect("remote-emit")
	})

	t.Run("socketsJoinLeave", func(t *testing.T) {
		mustf(t, C.srv.Of("/").In("r1").SocketsJoin(ctxT(t, 10*time.Second), "r3"), "join")
		waitRooms(t, A, a1.sid, "r3", true)
		waitRooms(t, B, b1.sid, "r3", true)
		if sharded {
			// A node applies another's join at once and subscribes to
			// the room's channel after: B's broadcast to the room would
			// miss A before Redis has confirmed it (see the package doc).
			waitShardSubs(t, admin, "socket.io#/#r3#", 2)
		}
		mustf(t, B.srv.To("r3").Emit("r3", 3), "emit")
		expectAll("r3", []*tclient{a1, b1}, "3")
		mustf(t, A.srv.Of("/").In("r3").SocketsLeave(ctxT(t, 10*time.Second), "r3"), "leave")
		waitRooms(t, B, b1.sid, "r3", false)
		mustf(t, B.srv.To("r3").Emit("r3", 4), "emit")
		expectAll("r3", nil, "")
	})

	t.Run("socketsJoinThenEmit", func(t *testing.T) {
		// A broadcast right after a SocketsJoin of the same node reaches
		// the sockets it joined on every node, though in sharded mode the
		// others subscribe to the room's channel only as they apply it.
		mustf(t, C.srv.Of("/").In("r1").SocketsJoin(ctxT(t, 10*time.Second), "r6"), "join")
		mustf(t, C.srv.To("r6").Emit("r6", 6), "emit")
		expectAll("r6", []*tclient{a1, b1}, "6")
	})

	t.Run("serverSideEmit", func(t *testing.T) {
		mustf(t, A.srv.Of("/").ServerSideEmit(ctxT(t, 10*time.Second), "hello", "from A"), "sse")
		for _, n := range []*goNode{B, C} {
			if got := n.expectSSE(t); got != "hello:from A" {
				t.Errorf("%s got %q", n.name, got)
			}
		}
		answers, err := A.srv.Of("/").ServerSideEmitWithAck(ctxT(t, 10*time.Second), "ask", "q")
		mustf(t, err, "sse with ack")
		var got []string
		for _, a := range answers {
			var s string
			mustf(t, a.At(0).Decode(&s), "decode")
			got = append(got, s)
		}
		sort.Strings(got)
		if !slices.Equal(got, []string{"B:q", "C:q"}) {
			t.Errorf("answers %v", got)
		}
		B.expectSSE(t)
		C.expectSSE(t)
	})

	t.Run("broadcastAck", func(t *testing.T) {
		answers, err := A.srv.Of("/").EmitWithAck(ctxT(t, 10*time.Second), "question", "q1")
		mustf(t, err, "emit with ack")
		var got []string
		for _, a := range answers {
			var s string
			mustf(t, a.At(0).Decode(&s), "decode %s", a.At(0).JSON())
			got = append(got, s)
		}
		sort.Strings(got)
		if !slices.Equal(got, []string{"a1", "b1", "b2", "c1"}) {
			t.Errorf("acks %v", got)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		// A subscriber that never answers counts as a node.
		var ghost *redis.PubSub
		if sharded {
			ghost = r.Client(t).SSubscribe(context.Background(), "socket.io#/#")
		} else {
			ghost = r.Client(t).Subscribe(context.Background(), "socket.io-request#/#")
		}
		defer ghost.Close()
		waitNodes(t, admin, mode, "/", 4)
		start := time.Now()
		socks, err := A.adapter("/").FetchSockets(ctxT(t, 1500*time.Millisecond), &sio.BroadcastOptions{})
		var e *redisadapter.Error
		if !errors.As(err, &e) || !e.Timeout() || e.Expected != 3 || e.Received != 2 {
			t.Fatalf("err = %v, want a timeout with 2 of 3 answers", err)
		}
		if len(socks) != 4 {
			t.Errorf("partial result has %d sockets, want 4", len(socks))
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("timeout took %v", d)
		}
		_, err = A.srv.Of("/").ServerSideEmitWithAck(ctxT(t, 1500*time.Millisecond), "ask", "q")
		if !errors.As(err, &e) || !e.Timeout() {
			t.Errorf("serverSideEmitWithAck err = %v, want a timeout", err)
		}
		B.expectSSE(t)
		C.expectSSE(t)
		_ = ghost.Close()
		waitNodes(t, admin, mode, "/", 3)
	})

	t.Run("disconnectSockets", func(t *testing.T) {
		mustf(t, A.srv.Of("/").In("r2").DisconnectSockets(ctxT(t, 10*time.Second), false), "disconnect")
		b1.expect("$disconnect")
		c1.expect("$disconnect")
		a1.expectNone("$disconnect", 300*time.Millisecond)
	})

	t.Run("nodeLeaves", func(t *testing.T) {
		C.stop()
		waitNodes(t, admin, mode, "/", 2)
		n, err := A.srv.Of("/").Adapter().ServerCount(context.Background())
		if err != nil || n != 2 {
			t.Fatalf("ServerCount = %d, %v", n, err)
		}
		socks, err := A.srv.Of("/").FetchSockets(ctxT(t, 10*time.Second))
		mustf(t, err, "fetch after leave")
		if len(socks) != 2 { // a1, b2 (b1 was disconnected)
			t.Errorf("%d sockets after C left", len(socks))
		}
	})
}

// waitRooms waits until socket id on node n is (or is not) in room.
func waitRooms(t *testing.T, n *goNode, id, room string, in bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if s := n.srv.Of("/").Socket(id); s != nil && slices.Contains(s.Rooms(), room) == in {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: socket %s in %s should be %v", n.name, id, room, in)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fmtData returns the name in a socket's data: a map[string]string on its
// own node, a map[string]any decoded from JSON on another.
func fmtData(d any) string {
	switch m := d.(type) {
	case map[string]string:
		return m["name"]
	case map[string]any:
		s, _ := m["name"].(string)
		return s
	}
	return ""
}
