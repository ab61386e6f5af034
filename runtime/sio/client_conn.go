package sio

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"slices"
	"strconv"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// The connection goroutine of a Manager: open, send CONNECT for every
// active socket, read and route packets, reconnect with backoff.

// keepRunning reports whether the connection goroutine must go on; when not,
// it marks it stopped.
func (m *Manager) keepRunning() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || len(m.activeLocked()) == 0 {
		m.running = false
		return false
	}
	return true
}

// run is the connection goroutine: open, serve until the connection is
// lost, wait, reopen; until Close, no socket wants a connection, or
// reconnection gives up.
func (m *Manager) run() {
	defer m.wg.Done()
	attempt := 0 // reconnection attempts in a row; 0 for an opening
	for {
		if !m.keepRunning() {
			return
		}
		if attempt > 0 {
			if n := m.opts.ReconnectionAttempts; n > 0 && attempt > n {
				m.giveUp(&Error{Code: CodeConnectionFailed, Message: "reconnection gave up after " + strconv.Itoa(n) + " attempts"}, true)
				return
			}
			delay := m.opts.reconnectDelay(attempt, rand.Float64())
			m.log.Debug("reconnecting", "attempt", attempt, "delay", delay)
			if !m.sleep(delay) || !m.keepRunning() {
				return
			}
			m.mu.Lock()
			fns := slices.Clone(m.onAttempt)
			m.mu.Unlock()
			n := attempt
			m.work.push(func() {
				for _, fn := range fns {
					m.safely(func() { fn(n) })
				}
			})
		}
		conn, err := m.open()
		if err != nil {
			m.log.Debug("connection failed", "err", err)
			e := &Error{Code: CodeConnectionFailed, Message: "failed to connect: " + err.Error(), Err: err}
			m.connectFailed(e, attempt > 0)
			if m.opts.DisableReconnection {
				m.giveUp(e, false)
				return
			}
			attempt++
			continue
		}
		if attempt > 0 {
			m.mu.Lock()
			fns := slices.Clone(m.onReconnect)
			m.mu.Unlock()
			n := attempt
			m.work.push(func() {
				for _, fn := range fns {
					m.safely(func() { fn(n) })
				}
			})
		}
		attempt = 0
		reason, ours := m.serve(conn)
		if ours {
			continue // closed by this side: reopen only if a socket wants it
		}
		if m.opts.DisableReconnection {
			m.giveUp(&Error{Code: CodeDisconnected, Message: "connection lost: " + string(reason)}, false)
			return
		}
		attempt = 1
	}
}

// sleep waits for d; false when the manager closes first.
func (m *Manager) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			return true
		case <-m.ctx.Done():
			return false
		case <-m.wake:
			m.mu.Lock()
			idle := len(m.activeLocked()) == 0
			m.mu.Unlock()
			if idle {
				return true // keepRunning stops the goroutine
			}
		}
	}
}

// open dials the Engine.IO connection.
func (m *Manager) open() (*engineio.Conn, error) {
	ctx, cancel := context.WithTimeout(m.ctx, m.opts.Timeout)
	defer cancel()
	return engineio.Dial(ctx, m.url, &m.eopts)
}

// connectFailed tells every connecting socket that the connection could not
// be opened; they stay active while reconnection goes on.
func (m *Manager) connectFailed(e *Error, reconnecting bool) {
	m.mu.Lock()
	socks := m.activeLocked()
	fns := slices.Clone(m.onRecError)
	m.mu.Unlock()
	for _, s := range socks {
		s.transportFailed(e)
	}
	if reconnecting {
		m.work.push(func() {
			for _, fn := range fns {
				m.safely(func() { fn(e) })
			}
		})
	}
}

// giveUp stops the connection goroutine and ends every active socket with
// err; failed tells the OnReconnectFailed functions.
func (m *Manager) giveUp(err *Error, failed bool) {
	m.mu.Lock()
	m.running = false
	socks := m.activeLocked()
	fns := slices.Clone(m.onRecFailed)
	m.mu.Unlock()
	m.log.Debug("giving up", "err", err)
	for _, s := range socks {
		s.end("", false, err)
	}
	if failed {
		m.work.push(func() {
			for _, fn := range fns {
				m.safely(fn)
			}
		})
	}
}

// serve runs an open connection: CONNECT for every active socket, then
// read, decode and route packets until it closes. It reports why, and
// whether this side closed it (Close, or no socket left).
func (m *Manager) serve(conn *engineio.Conn) (DisconnectReason, bool) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		_ = conn.Close()
		<-conn.Done()
		return ReasonIOClientDisconnect, true
	}
	m.conn, m.dropping = conn, false
	socks := m.activeLocked()
	if len(socks) == 0 {
		m.dropping = true
		_ = conn.Close()
	}
	m.mu.Unlock()
	m.log.Debug("connected", "eio", conn.ID(), "transport", conn.Transport())
	for _, s := range socks {
		ctx, cancel := context.WithTimeout(m.ctx, m.opts.Timeout)
		s.sendConnect(ctx, conn)
		cancel()
	}
	dec := parser.Decoder{Limits: parser.Limits{MaxAttachments: m.opts.MaxAttachments}}
	var reason DisconnectReason
	size := 0
	for {
		typ, data, err := conn.Receive(context.Background())
		if err != nil {
			reason = clientReason(engineio.ReasonOf(err))
			break
		}
		var p *parser.Packet
		var complete bool
		size += len(data)
		if typ == engineio.MessageBinary {
			p, complete, err = dec.DecodeBinary(data)
		} else {
			p, complete, err = dec.DecodeText(data)
		}
		if err != nil {
			m.log.Debug("bad packet", "err", err)
			reason = ReasonParseError
			break
		}
		if complete {
			if m.watch != nil {
				m.watch.received(conn, p, size)
			}
			size = 0
			m.route(conn, p)
		}
	}
	_ = conn.Close()
	m.mu.Lock()
	m.conn = nil
	ours := m.closed || m.dropping
	m.dropping = false
	all := make([]*ClientSocket, 0, len(m.sockets))
	for _, s := range m.sockets {
		all = append(all, s)
	}
	m.mu.Unlock()
	m.log.Debug("disconnected", "eio", conn.ID(), "reason", reason, "ours", ours)
	for _, s := range all {
		s.connLost(conn, reason)
	}
	<-conn.Done()
	return reason, ours
}

// clientReason maps an Engine.IO close reason to what a client socket
// reports, as the JavaScript client names it.
func clientReason(r engineio.Reason) DisconnectReason {
	switch r {
	case engineio.ReasonTransportClose:
		return ReasonTransportClose
	case engineio.ReasonPingTimeout:
		return ReasonPingTimeout
	case engineio.ReasonParseError:
		return ReasonParseError
	case engineio.ReasonForcedClose:
		return ReasonForcedClose
	case engineio.ReasonSendQueueFull:
		return ReasonSendQueueFull
	}
	return ReasonTransportError
}

// route hands a packet to its namespace socket; packets for namespaces
// this client has no socket for are ignored.
func (m *Manager) route(conn *engineio.Conn, p *parser.Packet) {
	m.mu.Lock()
	s := m.sockets[p.Namespace]
	m.mu.Unlock()
	if s == nil {
		return
	}
	switch p.Type {
	case parser.Connect:
		s.onConnectReply(conn, p)
	case parser.ConnectError:
		s.onConnectErrorPacket(conn, p)
	case parser.Disconnect:
		s.onServerDisconnect(conn)
	case parser.Event, parser.BinaryEvent:
		s.onEvent(conn, p)
	case parser.Ack, parser.BinaryAck:
		s.onAck(p)
	}
}

// safely runs user code, logging a panic instead of crashing.
func (m *Manager) safely(fn func()) {
	defer func() {
		if r := recover(); r != nil {
			m.log.Error("handler panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		}
	}()
	fn()
}

var errNoSID = errors.New("CONNECT reply without a sid (a Socket.IO v2 server?)")
