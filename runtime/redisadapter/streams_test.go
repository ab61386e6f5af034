package redisadapter_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// TestStreamsTwoNodes runs every cross-node operation between two Go nodes
// over one stream: node count by heartbeats, broadcasts with rooms, except
// and local, fetchSockets, socketsJoin, server-side emits with and without
// answers, broadcasts with acks, and the count after a node leaves.
func TestStreamsTwoNodes(t *testing.T) {
	r := startRedis(t, false)
	A := startStreamsNode(t, r, "A", false)
	B := startStreamsNode(t, r, "B", false)
	A.waitServers(t, 2)
	B.waitServers(t, 2)
	a1, _, _ := dialAuth(t, A.url+"/?rooms=r1", "a1", "")
	b1, _, _ := dialAuth(t, B.url+"/?rooms=r1", "b1", "")
	b2, _, _ := dialAuth(t, B.url+"/?rooms=r2", "b2", "")

	mustf(t, A.srv.Emit("all", 1), "emit")
	for _, c := range []*tclient{a1, b1, b2} {
		if ev := c.expect("all"); ev.arg(0) != "1" {
			t.Errorf("%s: all %v", c.name, ev.Args)
		}
	}
	mustf(t, A.srv.Of("/").To("r1").Except("r2").Emit("r1", 2), "emit")
	a1.expect("r1")
	b1.expect("r1")
	b2.expectNone("r1", 300*time.Millisecond)
	mustf(t, B.srv.Of("/").Local().Emit("local", 3), "emit")
	b1.expect("local")
	a1.expectNone("local", 300*time.Millisecond)

	ctx := ctxT(t, 20*time.Second)
	socks, err := A.srv.Of("/").FetchSockets(ctx)
	if err != nil || len(socks) != 3 {
		t.Fatalf("fetchSockets: %d sockets, %v", len(socks), err)
	}
	mustf(t, A.srv.Of("/").To("r2").SocketsJoin(ctx, "joined"), "socketsJoin")
	mustf(t, A.srv.Of("/").To("joined").Emit("joined", 4), "emit")
	b2.expect("joined")
	b1.expectNone("joined", 300*time.Millisecond)

	mustf(t, A.srv.Of("/").ServerSideEmit(ctx, "hello", "from A"), "serverSideEmit")
	if got := <-B.sse; got != "hello:from A" {
		t.Errorf("B got %q", got)
	}
	answers, err := A.srv.Of("/").ServerSideEmitWithAck(ctx, "ask", "q")
	if err != nil || len(answers) != 1 {
		t.Fatalf("serverSideEmitWithAck: %v, %v", answers, err)
	}
	var ans string
	_ = answers[0].At(0).Decode(&ans)
	if ans != "B:q" {
		t.Errorf("answer %q", ans)
	}

	acks, err := A.srv.Of("/").To("r1").EmitWithAck(ctx, "ack", "x")
	if err != nil || len(acks) != 2 {
		t.Errorf("emitWithAck: %d acks, %v", len(acks), err)
	}
}

// TestStreamsRedisRestart kills Redis (append-only file) during a steady
// stream of broadcasts from node A and starts it again: a client of node
// B receives every sequence number, in order; A's own client too.
func TestStreamsRedisRestart(t *testing.T) {
	r := startRedis(t, true)
	A := startStreamsNode(t, r, "A", true)
	B := startStreamsNode(t, r, "B", true)
	A.waitServers(t, 2)
	a1, _, _ := dialAuth(t, A.url, "a1", "")
	b1, _, _ := dialAuth(t, B.url, "b1", "")

	var wg sync.WaitGroup
	stop := make(chan struct{})
	var count atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 1; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			if err := A.srv.Emit("seq", i); err != nil {
				t.Errorf("emit %d: %v", i, err)
			}
			count.Store(int64(i))
		}
	}()
	// Each step waits for what it needs to have happened, not for a time:
	// broadcasts before, during and after an outage that A has seen.
	until := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting until %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	until("20 broadcasts are sent", func() bool { return count.Load() >= 20 })
	r.Stop()
	until("A sees Redis gone", func() bool { return !A.node.Status().Connected })
	during := count.Load()
	until("20 broadcasts are sent during the outage", func() bool { return count.Load() >= during+20 })
	r.Start()
	until("A sees Redis back", func() bool { return A.node.Status().Connected })
	after := count.Load()
	until("20 broadcasts are sent after the outage", func() bool { return count.Load() >= after+20 })
	close(stop)
	wg.Wait()
	sent := int(count.Load())
	t.Logf("sent %d broadcasts; A status %+v", sent, A.node.Status())
	if A.node.Status().Outages == 0 {
		t.Errorf("the outage was not seen")
	}
	for _, c := range []*tclient{b1, a1} {
		next, dups := 1, 0
		for next <= sent {
			ev, ok := c.take("seq", 20*time.Second)
			if !ok {
				t.Fatalf("%s: broadcast %d of %d lost", c.name, next, sent)
			}
			n, _ := strconv.Atoi(ev.arg(0))
			switch {
			case n == next:
				next++
			case n < next:
				dups++ // a write retried after Redis took it
			default:
				t.Fatalf("%s: got %d, want %d", c.name, n, next)
			}
		}
		t.Logf("%s: all %d received in order, %d duplicates", c.name, sent, dups)
	}
}

// TestStreamsRecoveryAcrossNodes: a client of node A loses its connection,
// misses broadcasts from both nodes, reconnects to node B with its pid and
// last offset, and gets them in order, with its session (id, rooms).
func TestStreamsRecoveryAcrossNodes(t *testing.T) {
	r := startRedis(t, false)
	A := startStreamsNode(t, r, "A", true)
	B := startStreamsNode(t, r, "B", true)
	A.waitServers(t, 2)
	B.waitServers(t, 2)
	c, sid, pid := dialAuth(t, A.url+"/?rooms=room", "c", "")
	if pid == "" {
		t.Fatal("no pid in the CONNECT reply")
	}
	mustf(t, B.srv.Emit("ev", 0), "emit")
	offset := lastArg(c.expect("ev"))
	if offset == "" {
		t.Fatal("no offset")
	}
	c.close()
	deadline := time.Now().Add(10 * time.Second)
	admin := r.Client(t)
	for admin.Exists(context.Background(), "sio:session:"+pid).Val() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("session not persisted")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Each node adds its broadcasts to the stream on its own: the witness
	// orders them as the test means.
	w, _, _ := dialAuth(t, A.url+"/?rooms=room,other", "w", "")
	emit := func(n *streamsNode, room string, v int) {
		t.Helper()
		op := n.srv.Of("/").To(room)
		mustf(t, op.Emit("ev", v), "emit")
		if ev := w.expect("ev"); ev.arg(0) != strconv.Itoa(v) {
			t.Fatalf("witness: %v", ev.Args)
		}
	}
	emit(B, "room", 1)
	emit(A, "room", 2)
	emit(A, "other", -1) // not for c
	emit(B, "room", 3)

	auth, _ := json.Marshal(map[string]string{"pid": pid, "offset": offset})
	c2, sid2, _ := dialAuth(t, B.url, "c2", string(auth))
	if sid2 != sid {
		t.Fatalf("sid %q after recovery, want %q", sid2, sid)
	}
	select {
	case id := <-B.recovered:
		if id != sid {
			t.Errorf("recovered %q", id)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("B reports no recovered socket")
	}
	for want := 1; want <= 3; want++ {
		ev := c2.expect("ev")
		if ev.arg(0) != strconv.Itoa(want) || lastArg(ev) == "" {
			t.Fatalf("missed event %d: %v", want, ev.Args)
		}
	}
	c2.expectNone("ev", 300*time.Millisecond)
	// The session's rooms came back.
	mustf(t, A.srv.Of("/").To("room").Emit("ev", 4), "emit")
	if ev := c2.expect("ev"); ev.arg(0) != "4" {
		t.Errorf("after recovery: %v", ev.Args)
	}
	socks, err := A.srv.Of("/").In("room").FetchSockets(ctxT(t, 10*time.Second))
	if err != nil || len(socks) != 2 || !slices.ContainsFunc(socks, func(s *sio.RemoteSocket) bool { return s.ID == sid }) {
		t.Errorf("fetchSockets after recovery (c and the witness): %v, %v", socks, err)
	}
}
