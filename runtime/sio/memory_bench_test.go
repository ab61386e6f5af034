package sio_test

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// BenchmarkIdleSocketMemory connects idle Socket.IO clients over
// websocket in process and reports the server's heap and stack and its
// goroutines per connection. The clients are bare TCP connections that
// did the Engine.IO handshake and sent the CONNECT packet by hand, so they
// add little to what is measured. HEAPPROF=file writes a heap profile
// with the connections open.
func BenchmarkIdleSocketMemory(b *testing.B) {
	const n = 1000
	srv := sio.NewServer(nil)
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	hs := httptest.NewServer(mux)
	defer hs.Close()
	defer hs.CloseClientConnections()
	defer func() { _ = srv.Shutdown(context.Background()) }()
	addr := hs.Listener.Addr().String()
	req := []byte("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n" +
		"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	// "40": a masked text frame with a zero mask key.
	connect := []byte{0x81, 0x80 | 2, 0, 0, 0, 0, '4', '0'}
	for b.Loop() {
		conns := make([]net.Conn, 0, n)
		measure := func() (heap, stack uint64, g int) {
			time.Sleep(500 * time.Millisecond) // past the lingering dispatchers (at most 2 x 200 ms)
			runtime.GC()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			return ms.HeapInuse, ms.StackInuse, runtime.NumGoroutine()
		}
		h0, s0, g0 := measure()
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
			wrote := false
			for !bytes.Contains(got, []byte(`40{"sid"`)) {
				buf := make([]byte, 512)
				k, err := br.Read(buf)
				if err != nil {
					b.Fatal(err)
				}
				got = append(got, buf[:k]...)
				if !wrote && bytes.Contains(got, []byte("pingTimeout")) {
					wrote = true
					if _, err := c.Write(connect); err != nil {
						b.Fatal(err)
					}
				}
			}
			conns = append(conns, c)
		}
		h1, s1, g1 := measure()
		if p := os.Getenv("HEAPPROF"); p != "" {
			if f, err := os.Create(p); err == nil {
				_ = pprof.Lookup("heap").WriteTo(f, 0)
				if g, err := os.Create(p + ".goroutines"); err == nil {
					_ = pprof.Lookup("goroutine").WriteTo(g, 1)
					_ = g.Close()
				}
				_ = f.Close()
			}
		}
		b.ReportMetric((float64(h1+s1)-float64(h0+s0))/n, "B/conn")
		b.ReportMetric((float64(s1)-float64(s0))/n, "stackB/conn") // parked readers can free stacks: may be negative
		b.ReportMetric(float64(g1-g0)/n, "goroutines/conn")
		for _, c := range conns {
			_ = c.Close()
		}
	}
}
