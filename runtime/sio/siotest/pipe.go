package siotest

import (
	"context"
	"errors"
	"net"
	"sync"
)

// listener is a net.Listener whose connections are in-memory pipes made
// by dial. It remembers the connections it handed out, so that cut can
// drop them all.
//
// Concurrency: safe for concurrent use.
type listener struct {
	accept chan net.Conn
	done   chan struct{}

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
}

func newListener() *listener {
	return &listener{accept: make(chan net.Conn), done: make(chan struct{}), conns: make(map[net.Conn]struct{})}
}

// errClosed is what Accept and dial return once the listener is closed.
var errClosed = errors.New("siotest: server closed")

// Accept implements net.Listener.
func (l *listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.accept:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close implements net.Listener; it does not close the accepted
// connections (http.Server and the Engine.IO sessions own them).
func (l *listener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.closed {
		l.closed = true
		close(l.done)
	}
	return nil
}

// Addr implements net.Listener.
func (l *listener) Addr() net.Addr { return addr{} }

// dial connects to the listener: it returns the client end of a new pipe
// once the server has accepted the other.
func (l *listener) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	c, s := net.Pipe()
	client, server := &conn{Conn: c, l: l}, &conn{Conn: s, l: l}
	l.track(client, server)
	select {
	case l.accept <- server:
		return client, nil
	case <-l.done:
		err := errClosed
		_ = client.Close()
		_ = server.Close()
		return nil, err
	case <-ctx.Done():
		_ = client.Close()
		_ = server.Close()
		return nil, ctx.Err()
	}
}

func (l *listener) track(cs ...net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range cs {
		l.conns[c] = struct{}{}
	}
}

// cut closes both ends of every pipe made so far.
func (l *listener) cut() {
	l.mu.Lock()
	conns := l.conns
	l.conns = make(map[net.Conn]struct{})
	l.mu.Unlock()
	for c := range conns {
		_ = c.(*conn).Conn.Close()
	}
}

// conn is one end of a pipe, forgotten by its listener once closed.
type conn struct {
	net.Conn
	l *listener
}

// Close implements net.Conn.
func (c *conn) Close() error {
	c.l.mu.Lock()
	delete(c.l.conns, c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

// addr is the address of every in-memory connection.
type addr struct{}

func (addr) Network() string { return "memory" }
func (addr) String() string  { return Host }
