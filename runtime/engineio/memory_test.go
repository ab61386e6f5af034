package engineio_test

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

// BenchmarkIdleWebsocketMemory opens idle websocket sessions in process and
// reports the server's heap and stack and its goroutines per session. The
// clients are bare TCP connections that did the handshake by hand, so
// they add little (one socket each) to what is measured. The handler
// loops on Receive, as sio's does.
func BenchmarkIdleWebsocketMemory(b *testing.B) {
	const n = 1000
	srv := engineio.NewServer(engineio.HandlerFunc(func(c *engineio.Conn) {
		for {
			if _, _, err := c.Receive(context.Background()); err != nil {
				return
			}
		}
	}), nil)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer hs.CloseClientConnections()
	defer func() { _ = srv.Shutdown(context.Background()) }()
	addr := hs.Listener.Addr().String()
	req := []byte("GET /engine.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n" +
		"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	for b.Loop() {
		conns := make([]net.Conn, 0, n)
		var stack0 uint64
		measure := func() (uint64, int) {
			time.Sleep(300 * time.Millisecond) // past writerIdle
			runtime.GC()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			stack0 = ms.StackInuse - stack0
			return ms.HeapInuse + ms.StackInuse, runtime.NumGoroutine()
		}
		mem0, g0 := measure()
		for range n {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Write(req); err != nil {
				b.Fatal(err)
			}
			br := bufio.NewReaderSize(c, 512)
			var got []byte
			for !bytes.Contains(got, []byte("pingTimeout")) {
				buf := make([]byte, 512)
				k, err := br.Read(buf)
				if err != nil {
					b.Fatal(err)
				}
				got = append(got, buf[:k]...)
			}
			conns = append(conns, c)
		}
		mem1, g1 := measure()
		if f, err := os.Create(os.Getenv("HEAPPROF")); err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
		b.ReportMetric(float64(mem1-mem0)/n, "B/session")
		b.ReportMetric(float64(g1-g0)/n, "goroutines/session")
		b.ReportMetric(float64(stack0)/n, "stackB/session")
		for _, c := range conns {
			_ = c.Close()
		}
	}
}
