package engineio_test

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

// BenchmarkBroadcast queues one shared message on 100 websocket sessions
// per op, as sio's broadcast does, and waits until every client has read
// every frame. ns/op divided by 100 is the cost of one delivery (both
// ends: the clients are bare sockets read in bulk).
func BenchmarkBroadcast(b *testing.B) {
	const n = 100
	var mu sync.Mutex
	var sessions []*engineio.Conn
	srv := engineio.NewServer(engineio.HandlerFunc(func(c *engineio.Conn) {
		mu.Lock()
		sessions = append(sessions, c)
		mu.Unlock()
		for {
			if _, _, err := c.Receive(context.Background()); err != nil {
				return
			}
		}
	}), &engineio.ServerOptions{MaxQueuedMessages: -1})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer hs.CloseClientConnections()
	defer func() { _ = srv.Shutdown(context.Background()) }()
	req := []byte("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n" +
		"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	var received atomic.Int64
	for range n {
		c, err := net.Dial("tcp", hs.Listener.Addr().String())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write(req); err != nil {
			b.Fatal(err)
		}
		br := bufio.NewReader(c)
		var got []byte
		for !bytes.Contains(got, []byte("pingTimeout")) {
			buf := make([]byte, 512)
			k, err := br.Read(buf)
			if err != nil {
				b.Fatal(err)
			}
			got = append(got, buf[:k]...)
		}
		go func() {
			buf := make([]byte, 64<<10)
			for {
				k, err := br.Read(buf)
				received.Add(int64(k))
				if err != nil {
					return
				}
			}
		}()
	}
	for {
		mu.Lock()
		k := len(sessions)
		mu.Unlock()
		if k == n {
			break
		}
		time.Sleep(time.Millisecond)
	}
	payload := []byte(`2["tick",{"seq":1234,"at":"2024-05-01T12:00:00Z","value":42.5}]`)
	frame := int64(2 + 1 + len(payload)) // header, "4", payload
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m := engineio.NewMessage(engineio.MessageText, payload)
		for _, c := range sessions {
			_ = c.SendMessage(m)
		}
	}
	want := int64(b.N) * n * frame
	for received.Load() < want {
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/delivery")
}
