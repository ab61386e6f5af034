package redisadapter_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/redisadapter"
)

type cmd = map[string]any

// emitterScenario is run by both emitters against a cluster of a Go node
// and a Node node. Checks follow each group of commands.
var emitterScenario = []cmd{
	{"op": "emit", "event": "all", "args": []any{"hi", map[string]any{"n": 1}}},
	{"op": "emit", "event": "bin", "rooms": []any{"r1"}, "args": []any{map[string]any{"$bin": []any{5, 6}}}},
	{"op": "emit", "event": "except", "except": []any{"r1"}},
	{"op": "emit", "event": "chat", "nsp": "/chat", "volatile": true},
	{"op": "join", "rooms": []any{"r1"}, "room": "r5"},
	{"op": "emit", "event": "r5", "rooms": []any{"r5"}},
	{"op": "leave", "rooms": []any{"r5"}, "room": "r5"},
	{"op": "emit", "event": "r5", "rooms": []any{"r5"}},
	{"op": "sse", "event": "hello", "args": []any{"from emitter"}},
	{"op": "disconnect", "rooms": []any{"r1"}},
}

// runGoEmitter interprets the scenario with the Go Emitter.
func runGoEmitter(t *testing.T, e *redisadapter.Emitter, cmds []cmd) {
	ctx := ctxT(t, 20*time.Second)
	strs := func(v any) []string {
		var out []string
		for _, s := range asSlice(v) {
			out = append(out, s.(string))
		}
		return out
	}
	for _, c := range cmds {
		em := e
		if nsp, ok := c["nsp"].(string); ok {
			em = em.Of(nsp)
		}
		em = em.To(strs(c["rooms"])...).Except(strs(c["except"])...)
		if c["volatile"] == true {
			em = em.Volatile()
		}
		var args []any
		for _, a := range asSlice(c["args"]) {
			if m, ok := a.(map[string]any); ok && m["$bin"] != nil {
				var b []byte
				for _, x := range asSlice(m["$bin"]) {
					b = append(b, byte(x.(int)))
				}
				a = b
			}
			args = append(args, a)
		}
		var err error
		switch c["op"] {
		case "emit":
			event := c["event"].(string)
			err = em.Emit(ctx, event, args...)
		case "join":
			err = em.SocketsJoin(ctx, c["room"].(string))
		case "leave":
			err = em.SocketsLeave(ctx, c["room"].(string))
		case "disconnect":
			err = em.DisconnectSockets(ctx, false)
		case "sse":
			err = em.ServerSideEmit(ctx, c["event"].(string), args...)
		}
		mustf(t, err, "%v", c)
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// TestEmitters sends the scenario with the Go Emitter and with
// @socket.io/redis-emitter, to the clients of a Go server and of a Node
// server in one cluster.
func TestEmitters(t *testing.T) {
	r := startRedis(t, false)
	N := startNodeServer(t, r, "classic")
	G := startGoNode(t, r, "G", nil, nil)
	waitNumSub(t, r.Client(t), "socket.io-request#/#", 2)
	waitNumSub(t, r.Client(t), "socket.io-request#/chat#", 2)

	for _, which := range []string{"go", "node"} {
		t.Run(which, func(t *testing.T) {
			g1 := dial(t, G.url, "/", "g1", "websocket", rooms("r1"))
			g2 := dial(t, G.url, "/", "g2", "polling", nil)
			g3 := dial(t, G.url, "/chat", "g3", "websocket", nil)
			n1 := dial(t, N.url, "/", "n1", "websocket", rooms("r1"))
			n2 := dial(t, N.url, "/", "n2", "polling", nil)
			n3 := dial(t, N.url, "/chat", "n3", "websocket", nil)
			all := []*tclient{g1, g2, g3, n1, n2, n3}

			if which == "go" {
				runGoEmitter(t, redisadapter.NewEmitter(r.Client(t), nil), emitterScenario)
			} else {
				b, _ := json.Marshal(emitterScenario)
				p := nodetest.Start(t, "runtime/redisadapter/testdata/node-emitter.js", strconv.Itoa(r.Port()), string(b))
				p.Expect("done", 30*time.Second)
			}

			for _, c := range []*tclient{g1, g2, n1, n2} {
				if ev := c.expect("all"); ev.arg(0) != `"hi"` || ev.arg(1) != `{"n":1}` {
					t.Errorf("%s all: %v", c.name, ev.Args)
				}
			}
			for _, c := range []*tclient{g1, n1} {
				if ev := c.expect("bin"); len(ev.Bins) != 1 || !bytes.Equal(ev.Bins[0], []byte{5, 6}) {
					t.Errorf("%s bin: %v %v", c.name, ev.Args, ev.Bins)
				}
			}
			for _, c := range []*tclient{g2, n2} {
				c.expect("except")
			}
			for _, c := range []*tclient{g3, n3} {
				c.expect("chat")
			}
			for _, c := range []*tclient{g1, n1} {
				if got := c.drain("r5", 500*time.Millisecond); len(got) != 1 {
					t.Errorf("%s got r5 %d times, want once (join then leave)", c.name, len(got))
				}
			}
			if got := G.expectSSE(t); got != "hello:from emitter" {
				t.Errorf("Go server-side event %q", got)
			}
			if ev := N.expectSSE(); asSlice(ev["args"])[0] != "from emitter" {
				t.Errorf("Node server-side event %v", ev)
			}
			g1.expect("$disconnect")
			n1.expect("$disconnect")
			for _, c := range all {
				c.expectNone("except", 0)
			}
			g2.expectNone("$disconnect", 300*time.Millisecond)
			n2.expectNone("$disconnect", 0)
			for _, c := range all {
				c.close()
			}
			_ = context.Background()
		})
	}
}
