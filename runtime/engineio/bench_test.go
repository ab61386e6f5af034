package engineio_test

import (
	"context"
	"strings"
	"testing"

	"github.com/siogen/siogen/runtime/engineio"
)

// BenchmarkWebsocketEcho measures a message round trip between our client
// and our server over a loopback websocket.
func BenchmarkWebsocketEcho(b *testing.B) {
	srv := engineio.NewServer(engineio.HandlerFunc(func(c *engineio.Conn) {
		for {
			typ, data, err := c.Receive(context.Background())
			if err != nil {
				return
			}
			_ = c.Send(typ, data)
		}
	}), nil)
	_, url := startBenchServer(b, srv)
	c, err := engineio.Dial(context.Background(), url, &engineio.DialOptions{Transports: []string{engineio.TransportWebsocket}})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = c.Close(); <-c.Done() }()
	msg := []byte(`2["echo",{"client":7,"pad":"` + strings.Repeat("x", 60) + `","seq":42}]`)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if err := c.Send(engineio.MessageText, msg); err != nil {
			b.Fatal(err)
		}
		if _, _, err := c.Receive(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWebsocketSendReceive measures one-way throughput: the client
// streams messages that the server receives.
func BenchmarkWebsocketSendReceive(b *testing.B) {
	got := make(chan int, 1)
	srv := engineio.NewServer(engineio.HandlerFunc(func(c *engineio.Conn) {
		n := 0
		for {
			if _, _, err := c.Receive(context.Background()); err != nil {
				got <- n
				return
			}
			n++
		}
	}), &engineio.ServerOptions{MaxQueuedMessages: -1})
	_, url := startBenchServer(b, srv)
	c, err := engineio.Dial(context.Background(), url, &engineio.DialOptions{Transports: []string{engineio.TransportWebsocket}, MaxQueuedMessages: -1})
	if err != nil {
		b.Fatal(err)
	}
	msg := []byte(`2["bcast",{"client":7,"pad":"` + strings.Repeat("x", 60) + `","seq":42}]`)
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		_ = c.Send(engineio.MessageText, msg)
	}
	_ = c.Close()
	<-c.Done()
	<-got
}
