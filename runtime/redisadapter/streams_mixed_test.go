package redisadapter_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
)

// TestStreamsMixed runs a Go node and a Node node (socket.io with
// @socket.io/redis-streams-adapter 0.2.3) on one stream: they count each
// other, broadcast to each other's clients with rooms, fetch each other's
// sockets, answer server-side emits, and a client of the Node node
// recovers its session on the Go node with the events it missed.
func TestStreamsMixed(t *testing.T) {
	r := startRedis(t, false)
	p := nodetest.Start(t, "runtime/redisadapter/testdata/streams-node-server.js", strconv.Itoa(r.Port()))
	line := p.Expect("listening", 30*time.Second)
	N := &nodeServer{t: t, proc: p, url: fmt.Sprintf("http://127.0.0.1:%v", line["port"])}
	G := startStreamsNode(t, r, "G", true)
	G.waitServers(t, 2)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var sc struct{ Count int }
		N.ctl(t, map[string]any{"op": "serverCount"}, &sc)
		if sc.Count == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Node counts %d servers", sc.Count)
		}
		time.Sleep(50 * time.Millisecond)
	}
	g1, _, _ := dialAuth(t, G.url+"/?rooms=r1", "g1", "")
	n1, nsid, npid := dialAuth(t, N.url+"/?rooms=r1", "n1", "")
	n2, _, _ := dialAuth(t, N.url, "n2", "")

	mustf(t, G.srv.Of("/").To("r1").Emit("fromGo", 1), "emit")
	g1.expect("fromGo")
	ev := n1.expect("fromGo")
	if ev.arg(0) != "1" || lastArg(ev) == "" {
		t.Errorf("n1: %v (want the entry id as offset)", ev.Args)
	}
	n2.expectNone("fromGo", 300*time.Millisecond)
	N.ctl(t, map[string]any{"op": "emit", "event": "fromNode", "rooms": []string{"r1"}, "args": []any{2}}, nil)
	if ev := g1.expect("fromNode"); ev.arg(0) != "2" || lastArg(ev) == "" {
		t.Errorf("g1: %v", ev.Args)
	}
	offset := lastArg(n1.expect("fromNode"))

	ctx := ctxT(t, 20*time.Second)
	socks, err := G.srv.Of("/").FetchSockets(ctx)
	if err != nil || len(socks) != 3 {
		t.Errorf("Go fetchSockets: %d, %v", len(socks), err)
	}
	var f struct{ IDs []string }
	N.ctl(t, map[string]any{"op": "fetch"}, &f)
	if len(f.IDs) != 3 {
		t.Errorf("Node fetchSockets: %v", f.IDs)
	}
	answers, err := G.srv.Of("/").ServerSideEmitWithAck(ctx, "ask", "q")
	if err != nil || len(answers) != 1 {
		t.Fatalf("Go serverSideEmitWithAck: %v %v", answers, err)
	}
	var a string
	_ = answers[0].At(0).Decode(&a)
	if a != "N:q" {
		t.Errorf("answer %q", a)
	}
	var sa struct{ Answers []any }
	N.ctl(t, map[string]any{"op": "sseAck", "event": "ask", "args": []any{"z"}}, &sa)
	if len(sa.Answers) != 1 || sa.Answers[0] != "G:z" {
		t.Errorf("Node serverSideEmitWithAck: %v", sa.Answers)
	}

	// n1 loses its connection to the Node node and recovers on the Go node.
	n1.close()
	admin := r.Client(t)
	for admin.Exists(context.Background(), "sio:session:"+npid).Val() == 0 {
		if time.Now().After(deadline.Add(10 * time.Second)) {
			t.Fatal("Node did not persist the session")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// g1 sees each broadcast before the next is sent: the nodes add their
	// entries to the stream on their own.
	N.ctl(t, map[string]any{"op": "emit", "event": "missed", "rooms": []string{"r1"}, "args": []any{3}}, nil)
	g1.expect("missed")
	mustf(t, G.srv.Of("/").To("r1").Emit("missed", 4), "emit")
	g1.expect("missed")
	auth, _ := json.Marshal(map[string]string{"pid": npid, "offset": offset})
	c, sid, _ := dialAuth(t, G.url, "n1again", string(auth))
	if sid != nsid {
		t.Fatalf("sid %q, want %q", sid, nsid)
	}
	var got []string
	for range 2 {
		got = append(got, c.expect("missed").arg(0))
	}
	if !slices.Equal(got, []string{"3", "4"}) {
		t.Errorf("missed %v", got)
	}
}
