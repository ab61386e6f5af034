package engineio_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

// TestSendSharedKeepsOrder broadcasts through the shared writer to many
// websocket sessions while unicast sends are interleaved, one client
// reading slowly enough for its socket to fill up: every client must get
// every message, in the order sent.
func TestSendSharedKeepsOrder(t *testing.T) {
	const clients, msgs = 12, 1500
	opened := make(chan *engineio.Conn, clients)
	h := engineio.HandlerFunc(func(c *engineio.Conn) {
		opened <- c
		for {
			if _, _, err := c.Receive(context.Background()); err != nil {
				return
			}
		}
	})
	_, url := startServer(t, h, &engineio.ServerOptions{MaxQueuedMessages: -1})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var conns []*engineio.Conn
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		c, err := engineio.Dial(ctx, url+"/engine.io/", &engineio.DialOptions{Transports: []string{engineio.TransportWebsocket}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < msgs; n++ {
				_, data, err := c.Receive(ctx)
				if err != nil {
					errs <- fmt.Errorf("client %d: after %d messages: %v", i, n, err)
					return
				}
				if want := fmt.Sprintf("%05d|", n); !bytes.HasPrefix(data, []byte(want)) {
					errs <- fmt.Errorf("client %d: message %d is %.6q", i, n, data)
					return
				}
				if i == 0 && n%100 == 0 {
					time.Sleep(20 * time.Millisecond) // a slow reader
				}
			}
		}()
		conns = append(conns, <-opened)
	}
	pad := bytes.Repeat([]byte("x"), 3000)
	for n := range msgs {
		data := append([]byte(fmt.Sprintf("%05d|", n)), pad...)
		if n%10 == 9 { // now and then, each session gets its own copy
			for _, c := range conns {
				_ = c.Send(engineio.MessageText, data)
			}
			continue
		}
		m := engineio.NewMessage(engineio.MessageText, data)
		for _, c := range conns {
			if err := c.SendShared(m); err != nil {
				t.Fatal(err)
			}
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done(): // 54 MB under the race detector on a loaded machine: no tighter bound
		buf := make([]byte, 1<<21)
		t.Fatalf("stalled:\n%s", buf[:runtime.Stack(buf, true)])
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
