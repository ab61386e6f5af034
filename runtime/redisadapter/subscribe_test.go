package redisadapter_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// TestNothingLostAfterAdapter checks that a node receives what another node
// publishes as soon as the adapter of its namespace exists: the adapter
// waits for Redis to confirm its subscriptions.
func TestNothingLostAfterAdapter(t *testing.T) {
	for _, mode := range []string{"classic", "sharded"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			r := startRedis(t, false)
			opts := &redisadapter.Options{Sharded: mode == "sharded"}
			A := startGoNode(t, r, "A", opts, nil)
			ctx := ctxT(t, time.Minute)
			for i := range 20 {
				node := redisadapter.NewNode(r.Client(t), opts)
				srv := sio.NewServer(&sio.ServerOptions{Adapter: node.Adapter})
				got := make(chan string, 4)
				srv.Of("/").OnServerSideEmit("hello", func(a sio.Args) {
					var s string
					_ = a.At(0).Decode(&s)
					got <- s
				})
				want := fmt.Sprint("new node ", i)
				mustf(t, A.srv.Of("/").ServerSideEmit(ctx, "hello", want), "serverSideEmit")
				select {
				case s := <-got:
					if s != want {
						t.Errorf("iteration %d: got %q, want %q", i, s, want)
					}
				case <-time.After(5 * time.Second):
					t.Errorf("iteration %d: a node created before the emit did not get it", i)
				}
				sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				mustf(t, srv.Shutdown(sctx), "shutdown")
				cancel()
				mustf(t, node.Close(), "close")
				if t.Failed() {
					return
				}
			}
		})
	}
}

// TestNothingLostAfterJoin checks that once a socket has joined a room, the
// broadcasts another node sends to it arrive, also in sharded mode where
// the node subscribes to the room's channel when the room appears.
func TestNothingLostAfterJoin(t *testing.T) {
	for _, mode := range []string{"classic", "sharded"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			r := startRedis(t, false)
			opts := &redisadapter.Options{Sharded: mode == "sharded"}
			A := startGoNode(t, r, "A", opts, nil)
			B := startGoNode(t, r, "B", opts, nil)
			c := dial(t, B.url, "/", "c", "websocket", nil)
			ctx := ctxT(t, time.Minute)
			for i := range 30 {
				room := fmt.Sprint("fresh-", i)
				mustf(t, B.srv.Of("/").Local().SocketsJoin(ctx, room), "join")
				mustf(t, A.srv.To(room).Emit("fresh", i), "emit")
				ev, ok := c.take("fresh", 5*time.Second)
				if !ok {
					t.Fatalf("iteration %d: the broadcast to a room joined before it was lost", i)
				}
				if ev.arg(0) != fmt.Sprint(i) {
					t.Fatalf("iteration %d: got %v", i, ev.Args)
				}
			}
		})
	}
}

// TestStreamsNothingLostAfterAdapter is TestNothingLostAfterAdapter over
// Redis Streams: a new node reads the stream after its last entry at the
// time its first adapter was made.
func TestStreamsNothingLostAfterAdapter(t *testing.T) {
	t.Parallel()
	r := startRedis(t, true)
	A := startStreamsNode(t, r, "A", false)
	ctx := ctxT(t, time.Minute)
	for i := range 20 {
		node := redisadapter.NewStreamsNode(r.Client(t), &redisadapter.StreamsOptions{Block: 200 * time.Millisecond})
		srv := sio.NewServer(&sio.ServerOptions{Adapter: node.Adapter})
		got := make(chan string, 4)
		srv.Of("/").OnServerSideEmit("hello", func(a sio.Args) {
			var s string
			_ = a.At(0).Decode(&s)
			got <- s
		})
		want := fmt.Sprint("new node ", i)
		mustf(t, A.srv.Of("/").ServerSideEmit(ctx, "hello", want), "serverSideEmit")
		select {
		case s := <-got:
			if s != want {
				t.Errorf("iteration %d: got %q, want %q", i, s, want)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("iteration %d: a node created before the emit did not get it", i)
		}
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		mustf(t, srv.Shutdown(sctx), "shutdown")
		cancel()
		mustf(t, node.Close(), "close")
		if t.Failed() {
			return
		}
	}
}

// TestAdapterWhileRedisDown checks that making an adapter does not wait
// for a Redis that cannot be reached.
func TestAdapterWhileRedisDown(t *testing.T) {
	t.Parallel()
	r := startRedis(t, false)
	r.Stop()
	node := redisadapter.NewNode(r.Client(t), &redisadapter.Options{RequestsTimeout: 10 * time.Second})
	defer node.Close()
	start := time.Now()
	srv := sio.NewServer(&sio.ServerOptions{Adapter: node.Adapter})
	srv.Of("/chat")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("making two adapters took %v", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	mustf(t, srv.Shutdown(ctx), "shutdown")
}
