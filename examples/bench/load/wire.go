package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The pad makes a Sample about 100 bytes: {"client":7,"pad":"abc…","seq":42,"ts":123456789}.
var pad = []byte("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrs")

// epoch is the generator's clock origin; ts fields are nanoseconds since it.
var epoch = time.Now()

func now() int64 { return int64(time.Since(epoch)) }

// appendSample appends a Sample with sorted keys.
func appendSample(b []byte, client int, seq, ts int64) []byte {
	b = append(b, `{"client":`...)
	b = strconv.AppendInt(b, int64(client), 10)
	b = append(b, `,"pad":"`...)
	b = append(b, pad...)
	b = append(b, `","seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, `,"ts":`...)
	b = strconv.AppendInt(b, ts, 10)
	return append(b, '}')
}

// intAfter returns the integer that follows key in b, or -1.
func intAfter(b, key []byte) int64 {
	i := bytes.Index(b, key)
	if i < 0 {
		return -1
	}
	var n int64
	j := i + len(key)
	start := j
	for ; j < len(b) && b[j] >= '0' && b[j] <= '9'; j++ {
		n = n*10 + int64(b[j]-'0')
	}
	if j == start {
		return -1
	}
	return n
}

var (
	keyClient = []byte(`"client":`)
	keySeq    = []byte(`"seq":`)
	keyTs     = []byte(`"ts":`)
)

// wsConn is one raw Engine.IO/Socket.IO websocket client. One goroutine
// reads (read reuses one buffer); writes are serialized by wmu.
type wsConn struct {
	ws  *websocket.Conn
	buf []byte
	wmu sync.Mutex
}

// checkLoopback refuses targets other than 127.0.0.1.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("failed to parse -addr: %w", err)
	}
	if host != "127.0.0.1" {
		return fmt.Errorf("-addr must be 127.0.0.1:port, got %q", addr)
	}
	return nil
}

// dialWS opens a websocket to /socket.io/ on addr from the local address
// 127.0.0.<src> (spreading many connections over source addresses keeps
// clear of ephemeral port exhaustion) and connects the namespace "/".
func dialWS(ctx context.Context, addr string, src int) (*wsConn, error) {
	nd := &net.Dialer{Timeout: 10 * time.Second}
	if src > 1 {
		nd.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(src))}
	}
	d := websocket.Dialer{
		NetDialContext:   nd.DialContext,
		HandshakeTimeout: 10 * time.Second,
		ReadBufferSize:   1024,
		WriteBufferSize:  1024,
	}
	ws, _, err := d.DialContext(ctx, "ws://"+addr+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		return nil, fmt.Errorf("failed to dial: %w", err)
	}
	c := &wsConn{ws: ws, buf: make([]byte, 0, 512)}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	m, err := c.read()
	if err != nil {
		_ = ws.Close()
		return nil, fmt.Errorf("failed to read the open packet: %w", err)
	}
	if len(m) == 0 || m[0] != '0' {
		_ = ws.Close()
		return nil, fmt.Errorf("not an open packet: %q", m)
	}
	if err := c.write([]byte("40")); err != nil {
		_ = ws.Close()
		return nil, err
	}
	for i := 0; i < 10; i++ {
		m, err = c.read()
		if err != nil {
			_ = ws.Close()
			return nil, fmt.Errorf("failed to read the CONNECT reply: %w", err)
		}
		if bytes.HasPrefix(m, []byte("40")) {
			_ = ws.SetReadDeadline(time.Time{})
			return c, nil
		}
		if bytes.Equal(m, []byte("2")) {
			_ = c.write([]byte("3"))
		}
	}
	_ = ws.Close()
	return nil, errors.New("no CONNECT reply")
}

// read returns the next frame in the connection's buffer, valid until the
// next read.
func (c *wsConn) read() ([]byte, error) {
	_, r, err := c.ws.NextReader()
	if err != nil {
		return nil, err
	}
	b := c.buf[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			c.buf = b
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func (c *wsConn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

// isPing reports an Engine.IO ping, which must be answered with "3".
func isPing(m []byte) bool { return len(m) == 1 && m[0] == '2' }

func (c *wsConn) close() { _ = c.ws.Close() }

// dialMany opens n connections, par at a time, and returns them with the
// time it took; it stops at the first error. A dial that times out is
// tried again, at most twice, as a real client would: a server starved of
// CPU lets SYNs and handshakes wait, and the kernel's own SYN retries
// (1 s, 3 s, 7 s) can outlast one dial's timeout. retries counts them.
func dialMany(ctx context.Context, addr string, n, par int) (conns []*wsConn, took time.Duration, retries int64, err error) {
	conns = make([]*wsConn, n)
	sem := make(chan struct{}, par)
	var wg sync.WaitGroup
	var failed atomic.Pointer[error]
	var retried atomic.Int64
	start := time.Now()
	for i := 0; i < n && failed.Load() == nil; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			for try := 0; ; try++ {
				c, err := dialWS(ctx, addr, 1+i%8)
				if err == nil {
					conns[i] = c
					return
				}
				var ne net.Error
				if try < 2 && ctx.Err() == nil && errors.As(err, &ne) && ne.Timeout() {
					retried.Add(1)
					continue
				}
				err = fmt.Errorf("connection %d: %w", i, err)
				failed.CompareAndSwap(nil, &err)
				return
			}
		}(i)
	}
	wg.Wait()
	took = time.Since(start)
	if e := failed.Load(); e != nil {
		for _, c := range conns {
			if c != nil {
				c.close()
			}
		}
		return nil, took, retried.Load(), *e
	}
	return conns, took, retried.Load(), nil
}
