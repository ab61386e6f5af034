package sio_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// A client that registers its handlers, connects to the "/chat" namespace
// with an auth payload, and calls an acknowledged event.
func ExampleNewSocket() {
	srv := sio.NewServer(nil)
	chat := srv.Of("/chat")
	chat.OnConnection(func(s *sio.Socket) { _ = s.Emit("hello", "welcome") })
	sio.HandleAck(chat, "double", func(ctx context.Context, s *sio.Socket, n int) (int, error) {
		return 2 * n, nil
	}, sio.WithAckStyle(sio.AckPlain))
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(hs.URL+"/chat", &sio.ClientOptions{Auth: map[string]string{"token": "t"}})
	if err != nil {
		panic(err)
	}
	defer cs.Manager().Close()
	hello := make(chan string, 1)
	sio.OnClient(cs, "hello", func(ctx context.Context, msg string) { hello <- msg })
	if err := cs.Connect(ctx); err != nil {
		panic(err)
	}
	fmt.Println(<-hello)
	n, err := sio.Call[int](ctx, cs, sio.AckPlain, "double", 21)
	fmt.Println(n, err)
	// Output:
	// welcome
	// 42 <nil>
}
