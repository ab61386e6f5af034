package sio_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// An observer added while the server runs: it is told of each socket that
// connects and counts the events received, until removed.
func ExampleServer_Observe() {
	srv := sio.NewServer(nil)
	sio.HandleAck(srv.Of("/"), "double", func(ctx context.Context, s *sio.Socket, n int) (int, error) {
		return 2 * n, nil
	}, sio.WithAckStyle(sio.AckPlain))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())

	var events atomic.Int64
	connected := make(chan string, 1)
	remove := srv.Observe(sio.Observer{
		Packet: func(p sio.PacketInfo) {
			if p.Direction == sio.Inbound && p.Type == "EVENT" {
				events.Add(1)
			}
		},
		Connect: func(s *sio.Socket) { connected <- s.Namespace().Name() },
	})
	defer remove()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := sio.Dial(ctx, hs.URL, nil)
	if err != nil {
		panic(err)
	}
	defer cs.Manager().Close()
	fmt.Println("connected:", <-connected)
	for n := range 3 {
		if _, err := sio.Call[int](ctx, cs, sio.AckPlain, "double", n); err != nil {
			panic(err)
		}
	}
	fmt.Println("events received:", events.Load())
	// Output:
	// connected: /
	// events received: 3
}
