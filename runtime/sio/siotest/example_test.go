package siotest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/sio/siotest"
)

// A server and a client in one process, without a network: tests use
// NewServer and Connect, which close everything at the end of the test.
func Example() {
	srv := sio.NewServer(nil)
	srv.Of("/").On("echo", func(_ *sio.Socket, e *sio.Event) { _ = e.Ack(e.Args.Values()...) })
	ts := siotest.Start(srv)
	defer ts.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cs, err := ts.Dial(ctx, "/", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cs.Manager().Close()
	args, err := cs.EmitWithAck(ctx, "echo", "hello")
	var s string
	if err == nil {
		err = args.Decode(&s)
	}
	fmt.Println(s, err)
	// Output: hello <nil>
}
