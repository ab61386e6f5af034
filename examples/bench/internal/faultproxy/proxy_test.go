package faultproxy_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/bench/internal/faultproxy"
)

// echoServer echoes every connection's bytes back.
func echoServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

func newProxy(t *testing.T, opts faultproxy.Options) *faultproxy.Proxy {
	t.Helper()
	p, err := faultproxy.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// Lines sent through a proxy with jitter come back whole and in order,
// from one of the source addresses.
func TestForwardsInOrder(t *testing.T) {
	p := newProxy(t, faultproxy.Options{Target: echoServer(t), Jitter: time.Millisecond, Sources: []string{"127.0.0.2", "127.0.0.3"}})
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() {
		for i := range 200 {
			_, _ = c.Write([]byte(strconv.Itoa(i) + "\n"))
		}
	}()
	r := bufio.NewReader(c)
	for i := range 200 {
		line, err := r.ReadString('\n')
		if err != nil || line != strconv.Itoa(i)+"\n" {
			t.Fatalf("line %d = %q, %v", i, line, err)
		}
	}
}

// Reset(1) resets every connection: the client gets ECONNRESET.
func TestReset(t *testing.T) {
	p := newProxy(t, faultproxy.Options{Target: echoServer(t)})
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	if n := p.Reset(1); n != 1 {
		t.Fatalf("Reset(1) reset %d connections, want 1", n)
	}
	_, err = c.Read(make([]byte, 1))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("read after reset: %v, want ECONNRESET", err)
	}
}

// A stalled connection gets nothing until the stall ends, then everything.
func TestStall(t *testing.T) {
	p := newProxy(t, faultproxy.Options{Target: echoServer(t)})
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, make([]byte, 1)); err != nil {
		t.Fatal(err)
	}
	pairs := p.Pairs()
	if len(pairs) != 1 {
		t.Fatalf("%d pairs, want 1", len(pairs))
	}
	pairs[0].Stall(time.Hour)
	if _, err := c.Write([]byte("b")); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if n, err := c.Read(make([]byte, 1)); n != 0 || !errors.Is(err, syscall.ETIMEDOUT) && !isTimeout(err) {
		t.Fatalf("read while stalled: %d, %v; want a timeout", n, err)
	}
	pairs[0].Stall(0)
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	b := make([]byte, 1)
	if _, err := io.ReadFull(c, b); err != nil || b[0] != 'b' {
		t.Fatalf("read after the stall: %q, %v", b, err)
	}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
