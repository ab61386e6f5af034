package redisadapter_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// TestCloseLeavesNoGoroutine closes a node with a request in flight, and
// another while Redis is down: pending requests fail with ErrClosed and no
// goroutine of the node outlives Close.
func TestCloseLeavesNoGoroutine(t *testing.T) {
	r := startRedis(t, false)
	admin := r.Client(t)
	ghost := admin.Subscribe(context.Background(), "socket.io-request#/#")
	defer ghost.Close()
	waitNumSub(t, admin, "socket.io-request#/#", 1)
	ignore := goleak.IgnoreCurrent()

	for _, down := range []bool{false, true} {
		rdb := redis.NewClient(&redis.Options{Addr: r.Addr(), DialTimeout: time.Second})
		node := redisadapter.NewNode(rdb, &redisadapter.Options{RequestsTimeout: time.Minute})
		srv := sio.NewServer(&sio.ServerOptions{Adapter: node.Adapter})
		waitNumSub(t, admin, "socket.io-request#/#", 2)
		if down {
			r.Stop()
			deadline := time.Now().Add(20 * time.Second)
			for node.Status().Connected && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
			}
		}
		errc := make(chan error, 1)
		go func() {
			_, err := srv.Of("/").Adapter().FetchSockets(context.Background(), &sio.BroadcastOptions{})
			errc <- err
		}()
		if !down {
			// The request is published, and waits for answers.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, err := ghost.ReceiveMessage(ctx)
			cancel()
			mustf(t, err, "the request was not published")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		mustf(t, srv.Shutdown(ctx), "shutdown")
		cancel()
		mustf(t, node.Close(), "close")
		mustf(t, rdb.Close(), "client close")
		select {
		case err := <-errc:
			if !down && !errors.Is(err, redisadapter.ErrClosed) {
				t.Errorf("pending fetchSockets: %v, want ErrClosed", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("pending request outlived Close")
		}
		goleak.VerifyNone(t, ignore)
		if down {
			r.Start()
		}
	}
}
