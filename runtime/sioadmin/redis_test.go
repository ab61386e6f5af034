package sioadmin_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/redistest"
	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/sioadmin"
)

// Two nodes sharing a real redis-server, each instrumented: a UI logged in
// on one node lists the sockets of both, receives both nodes' stats and
// the other node's live updates, and its actions reach sockets on the other
// node.
func TestTwoNodes(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, false)
	node := func(id string) (*sio.Server, string) {
		n := redisadapter.NewNode(r.Client(t), nil)
		t.Cleanup(func() { _ = n.Close() })
		srv, _, url := startWith(t, &sio.ServerOptions{Adapter: n.Adapter}, &sioadmin.Options{NoAuth: true, ServerID: id, StatsInterval: 100 * time.Millisecond})
		return srv, url
	}
	_, urlA := node("a")
	srvB, urlB := node("b")
	before := dialChat(t, urlB)

	u, err := dialUI(t, urlA, nil)
	if err != nil {
		t.Fatal(err)
	}
	var all []socketJSON
	_ = json.Unmarshal(u.wait("all_sockets", nil)[0], &all)
	if !slices.ContainsFunc(all, func(s socketJSON) bool {
		return s.ID == before.ID() && s.Nsp == "/chat" && slices.Contains(s.Rooms, "lobby") && s.Handshake.Issued > 0
	}) {
		t.Errorf("all_sockets on node a misses node b's socket %s: %+v", before.ID(), all)
	}
	for _, id := range []string{"a", "b"} {
		u.wait("server_stats", func(args []json.RawMessage) bool {
			var st statsJSON
			return json.Unmarshal(args[0], &st) == nil && st.ServerID == id
		})
	}

	c := dialChat(t, urlB)
	id := c.ID()
	u.wait("socket_connected", func(args []json.RawMessage) bool {
		var s socketJSON
		return json.Unmarshal(args[0], &s) == nil && s.ID == id
	})
	if err := u.sock.Emit("join", "/chat", "vip", id); err != nil {
		t.Fatal(err)
	}
	u.wait("room_joined", matchStrings("/chat", "vip", id))
	if s := srvB.Of("/chat").Socket(id); s == nil || !slices.Contains(s.Rooms(), "vip") {
		t.Errorf("the join from node a did not reach the socket on node b")
	}
	_ = u.sock.Emit("_disconnect", "/chat", false, "vip")
	u.wait("socket_disconnected", matchStrings("/chat", id))
}
