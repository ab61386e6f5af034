package redisadapter_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// nodeServer is testdata/node-server.js: socket.io with the upstream
// adapter, driven over HTTP.
type nodeServer struct {
	t    *testing.T
	proc *nodetest.Proc
	url  string
}

func startNodeServer(t *testing.T, r *redisServer, mode string) *nodeServer {
	t.Helper()
	p := nodetest.Start(t, "runtime/redisadapter/testdata/node-server.js", strconv.Itoa(r.Port()), mode)
	line := p.Expect("listening", 30*time.Second)
	return &nodeServer{t: t, proc: p, url: fmt.Sprintf("http://127.0.0.1:%v", line["port"])}
}

// ctl runs a command and decodes the answer into out (when not nil).
func (n *nodeServer) ctl(t *testing.T, cmd map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(cmd)
	c := &http.Client{Timeout: 30 * time.Second}
	res, err := c.Post(n.url+"/ctl", "application/json", bytes.NewReader(body))
	mustf(t, err, "ctl %v", cmd)
	defer res.Body.Close()
	var raw json.RawMessage
	mustf(t, json.NewDecoder(res.Body).Decode(&raw), "ctl %v answer", cmd)
	var e struct{ Error string }
	if json.Unmarshal(raw, &e) == nil && e.Error != "" {
		t.Fatalf("ctl %v: %s", cmd, e.Error)
	}
	if out != nil {
		mustf(t, json.Unmarshal(raw, out), "ctl %v answer %s", cmd, raw)
	}
}

// expectSSE returns the next server-side event the Node server printed.
func (n *nodeServer) expectSSE() map[string]any {
	n.t.Helper()
	return n.proc.Expect("sse", 20*time.Second)
}

// TestMixedCluster runs one Go node and one Node node (socket.io with
// @socket.io/redis-adapter 8.3.0) on one Redis, each with clients, and
// checks every operation in both directions.
func TestMixedCluster(t *testing.T) {
	for _, mode := range []string{"classic", "sharded"} {
		t.Run(mode, func(t *testing.T) { testMixedCluster(t, mode) })
	}
}

func testMixedCluster(t *testing.T, mode string) {
	r := startRedis(t, false)
	N := startNodeServer(t, r, mode)
	G := startGoNode(t, r, "G", &redisadapter.Options{Sharded: mode == "sharded"}, nil)
	admin := r.Client(t)
	waitNodes(t, admin, mode, "/", 2)

	g1 := dial(t, G.url, "/", "g1", "websocket", rooms("r1"))
	g2 := dial(t, G.url, "/", "g2", "polling", rooms("r2"))
	n1 := dial(t, N.url, "/", "n1", "websocket", rooms("r1,r2"))
	n2 := dial(t, N.url, "/", "n2", "polling", nil)
	all := []*tclient{g1, g2, n1, n2}
	expectAll := func(name string, want ...*tclient) {
		t.Helper()
		for _, c := range want {
			c.expect(name)
		}
		for _, c := range all {
			if !slices.Contains(want, c) {
				c.expectNone(name, 300*time.Millisecond)
			}
		}
	}

	t.Run("broadcastGoToNode", func(t *testing.T) {
		mustf(t, G.srv.Emit("all", map[string]any{"k": []any{1, "two", 3.5, nil}}), "emit")
		for _, c := range all {
			if ev := c.expect("all"); ev.arg(0) != `{"k":[1,"two",3.5,null]}` {
				t.Errorf("%s: %s", c.name, ev.arg(0))
			}
		}
		mustf(t, G.srv.To("r1").Except("r2").Emit("room"), "emit")
		expectAll("room", g1)
		mustf(t, G.srv.To("r2").Emit("room2"), "emit")
		expectAll("room2", g2, n1)
		// The Node server ignores the back-pressure flag of a Go broadcast.
		bp := sio.Backpressure{Mode: sio.BackpressureLatest, Key: "e1"}
		mustf(t, G.srv.To("r2").Backpressure(bp).Emit("latest", 1), "emit")
		expectAll("latest", g2, n1)
		mustf(t, G.srv.To("r2").Emit("bin", "x", []byte{9, 8, 7}), "emit")
		for _, c := range []*tclient{g2, n1} {
			if ev := c.expect("bin"); len(ev.Bins) != 1 || !bytes.Equal(ev.Bins[0], []byte{9, 8, 7}) || ev.arg(0) != `"x"` {
				t.Errorf("%s: %v %v", c.name, ev.Args, ev.Bins)
			}
		}
	})

	t.Run("socketsJoinThenEmit", func(t *testing.T) {
		// In sharded mode the Go node sends this broadcast on the
		// namespace's channel, behind its join (see the package doc):
		// the Node server reads it there too.
		mustf(t, G.srv.Of("/").In("r1").SocketsJoin(ctxT(t, 10*time.Second), "r6"), "join")
		mustf(t, G.srv.To("r6").Emit("r6"), "emit")
		expectAll("r6", g1, n1)
	})

	t.Run("broadcastNodeToGo", func(t *testing.T) {
		N.ctl(t, map[string]any{"op": "emit", "event": "all", "args": []any{map[string]any{"a": true}, 42}}, nil)
		for _, c := range all {
			if ev := c.expect("all"); ev.arg(0) != `{"a":true}` || ev.arg(1) != "42" {
				t.Errorf("%s: %v", c.name, ev.Args)
			}
		}
		N.ctl(t, map[string]any{"op": "emit", "event": "room", "rooms": []string{"r1"}, "except": []string{"r2"}}, nil)
		expectAll("room", g1)
		N.ctl(t, map[string]any{"op": "emit", "event": "local", "local": true}, nil)
		expectAll("local", n1, n2)
		N.ctl(t, map[string]any{"op": "emit", "event": "bin", "rooms": []string{"r2"},
			"args": []any{map[string]any{"blob": map[string]any{"$bin": []int{1, 2}}}, map[string]any{"$bin": []int{3}}}}, nil)
		for _, c := range []*tclient{g2, n1} {
			ev := c.expect("bin")
			if len(ev.Bins) != 2 || !bytes.Equal(ev.Bins[0], []byte{1, 2}) || !bytes.Equal(ev.Bins[1], []byte{3}) {
				t.Errorf("%s: %v %v", c.name, ev.Args, ev.Bins)
			}
		}
	})

	t.Run("fetchSockets", func(t *testing.T) {
		socks, err := G.srv.Of("/").FetchSockets(ctxT(t, 10*time.Second))
		mustf(t, err, "go fetch")
		byID := map[string]string{}
		for _, s := range socks {
			byID[s.ID] = fmtData(s.Data)
			if s.ID == n1.sid && (s.Handshake.Query.Get("name") != "n1" || !slices.Contains(s.Rooms, "r2")) {
				t.Errorf("n1 as seen from Go: %+v %+v", s.Handshake, s.Rooms)
			}
		}
		for _, c := range all {
			if byID[c.sid] != c.name {
				t.Errorf("Go fetch: %s missing or wrong data (%v)", c.name, byID)
			}
		}
		var res struct {
			Sockets []struct {
				ID    string
				Rooms []string
				Data  map[string]string
				Query map[string]string
			}
		}
		N.ctl(t, map[string]any{"op": "fetch", "rooms": []string{"r1"}}, &res)
		got := []string{}
		for _, s := range res.Sockets {
			got = append(got, s.Data["name"]+"/"+s.Query["name"])
			if s.ID == g1.sid && !slices.Contains(s.Rooms, "r1") {
				t.Errorf("g1 rooms seen from Node: %v", s.Rooms)
			}
		}
		sort.Strings(got)
		if !slices.Equal(got, []string{"g1/g1", "n1/n1"}) {
			t.Errorf("Node fetch r1: %v", got)
		}
	})

	t.Run("serverSideEmit", func(t *testing.T) {
		mustf(t, G.srv.Of("/").ServerSideEmit(ctxT(t, 10*time.Second), "hello", "from G", []byte{1}), "sse")
		// Classic requests are JSON: a Buffer becomes what JSON.stringify
		// makes of it. Sharded messages switch to msgpack: a real Buffer.
		want := "[from G map[data:[1] type:Buffer]]"
		if mode == "sharded" {
			want = "[from G map[$bin:[1]]]"
		}
		if ev := N.expectSSE(); fmt.Sprint(ev["args"]) != want {
			t.Errorf("Node got %v", ev)
		}
		N.ctl(t, map[string]any{"op": "sse", "event": "hello", "args": []any{"from N"}}, nil)
		if got := G.expectSSE(t); got != "hello:from N" {
			t.Errorf("Go got %q", got)
		}
		answers, err := G.srv.Of("/").ServerSideEmitWithAck(ctxT(t, 10*time.Second), "ask", "q")
		mustf(t, err, "sse ack")
		if len(answers) != 1 || string(answers[0].At(0).JSON()) != `"N:q"` {
			t.Errorf("answers from Node: %v", answers)
		}
		N.expectSSE()
		var res struct{ Answers []string }
		N.ctl(t, map[string]any{"op": "sseAck", "event": "ask", "args": []any{"q2"}}, &res)
		if !slices.Equal(res.Answers, []string{"G:q2"}) {
			t.Errorf("answers from Go: %v", res.Answers)
		}
		G.expectSSE(t)
	})

	t.Run("broadcastAck", func(t *testing.T) {
		answers, err := G.srv.Of("/").EmitWithAck(ctxT(t, 10*time.Second), "question", "q")
		mustf(t, err, "go emitWithAck")
		var got []string
		for _, a := range answers {
			var s string
			_ = a.At(0).Decode(&s)
			got = append(got, s)
		}
		sort.Strings(got)
		if !slices.Equal(got, []string{"g1", "g2", "n1", "n2"}) {
			t.Errorf("Go collected %v", got)
		}
		var res struct{ Acks []any }
		N.ctl(t, map[string]any{"op": "emitWithAck", "event": "question", "args": []any{"q"}, "timeout": 5000}, &res)
		got = got[:0]
		for _, a := range res.Acks {
			got = append(got, fmt.Sprint(a))
		}
		sort.Strings(got)
		if !slices.Equal(got, []string{"g1", "g2", "n1", "n2"}) {
			t.Errorf("Node collected %v", got)
		}
	})

	t.Run("socketsJoinLeave", func(t *testing.T) {
		mustf(t, G.srv.Of("/").In("r1").SocketsJoin(ctxT(t, 10*time.Second), "r9"), "join")
		waitNodeRooms(t, N, n1.sid, "r9", true)
		N.ctl(t, map[string]any{"op": "join", "rooms": []string{"r2"}, "room": "r8"}, nil)
		waitRooms(t, G, g2.sid, "r8", true)
		mustf(t, G.srv.To("r8", "r9").Emit("joined"), "emit")
		expectAll("joined", g1, g2, n1)
		N.ctl(t, map[string]any{"op": "leave", "rooms": []string{"r8"}, "room": "r8"}, nil)
		waitRooms(t, G, g2.sid, "r8", false)
		mustf(t, G.srv.Of("/").In("r9").SocketsLeave(ctxT(t, 10*time.Second), "r9"), "leave")
		waitNodeRooms(t, N, n1.sid, "r9", false)
	})

	t.Run("disconnectSockets", func(t *testing.T) {
		N.ctl(t, map[string]any{"op": "disconnect", "rooms": []string{g1.sid}}, nil)
		g1.expect("$disconnect")
		mustf(t, G.srv.Of("/").In("r2").DisconnectSockets(ctxT(t, 10*time.Second), false), "disconnect")
		g2.expect("$disconnect")
		n1.expect("$disconnect")
		n2.expectNone("$disconnect", 300*time.Millisecond)
	})
}

// waitNodeRooms waits until socket id of the Node server is (or is not) in
// room.
func waitNodeRooms(t *testing.T, n *nodeServer, id, room string, in bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var res struct{ Rooms []string }
		n.ctl(t, map[string]any{"op": "rooms", "id": id}, &res)
		if slices.Contains(res.Rooms, room) == in {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("node socket %s in %s should be %v (rooms %v)", id, room, in, res.Rooms)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
