package sio_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// Limits on what clients send: a payload over MaxPayload is refused before
// it is decoded, and the client's acknowledgement carries a
// resource_exhausted error whose details name the limit.
func ExampleNamespace_Limit() {
	srv := sio.NewServer(nil)
	chat := srv.Of("/")
	sio.HandleAck(chat, "say", func(ctx context.Context, s *sio.Socket, text string) (int, error) {
		return len(text), nil
	})
	chat.Limit("say", sio.Limits{Rate: 10, Burst: 20, MaxPayload: 64, MaxPendingAcks: 4})
	chat.DisconnectAfter(100, time.Minute)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cs, err := sio.Dial(ctx, hs.URL, nil)
	if err != nil {
		panic(err)
	}
	defer cs.Manager().Close()
	n, err := sio.Call[int](ctx, cs, sio.AckEnvelope, "say", "hello")
	fmt.Println(n, err)
	_, err = sio.Call[int](ctx, cs, sio.AckEnvelope, "say", strings.Repeat("blah ", 100))
	if d, ok := sio.AsResourceExhausted(err); ok {
		fmt.Println(sio.CodeOf(err), d.Limit, d.Max)
	}
	// Output:
	// 5 <nil>
	// resource_exhausted payload 64
}
