package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"
)

// The Linux driver: GOMAXPROCS event loops (one when the generator is
// pinned to a CPU), each owning a share of the connections through its
// own edge-triggered epoll instance. The sockets are dialed and set up by
// dialRaw, then duplicated out of the Go runtime's poller (takeFD). A
// loop polls its epoll with a zero timeout and, when nothing is ready,
// parks in the runtime's poller on the epoll descriptor itself (an epoll
// descriptor is pollable), so no OS thread blocks and the broadcast
// sender's timers stay prompt. Each readable socket is drained until a
// short read and every complete frame in its buffer handled before the
// next event; writes go straight to the non-blocking socket, the rest
// (never, at these sizes) queued for EPOLLOUT.
//
// Where the time goes (perf): the kernel's TCP work, which no client
// avoids. In broadcast about half is the read, most of that the ACK the
// read sends, which on loopback the reader pays for in full (its
// transmission and the server socket's processing of it); in echo about
// 60% is the write, which on loopback runs the server socket's receive
// path on this CPU. Then come the epoll calls and, when the loop is
// faster than the server, parking and waking every few events; the
// user-space share is a few percent. Under load, events batch and the
// cost per message falls.

// peer is one connection of the event-loop driver. Its loop owns it: every
// method runs on that loop's goroutine.
type peer struct {
	id   int
	fd   int
	l    *loop
	rbuf []byte // received bytes are rbuf[r:w]
	r, w int
	out  []byte // framed bytes the socket did not take yet
	wbuf []byte // scratch for framing
	dead bool
}

// send writes m as one masked text frame.
func (p *peer) send(m []byte) error {
	return p.sendOp(opText, m)
}

func (p *peer) sendOp(op byte, m []byte) error {
	if p.dead {
		return errors.New("connection closed")
	}
	p.wbuf = appendFrame(p.wbuf[:0], op, m)
	if len(p.out) > 0 {
		p.out = append(p.out, p.wbuf...)
		return nil
	}
	return p.writeOut(p.wbuf, true)
}

// writeOut writes b, queueing what the socket does not take; b is copied
// into out only when fresh is true (b is wbuf).
func (p *peer) writeOut(b []byte, fresh bool) error {
	for len(b) > 0 {
		n, err := rawWrite(p.fd, b)
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			break
		}
		if err != nil {
			p.fail(fmt.Errorf("write: %w", err))
			return err
		}
		b = b[n:]
	}
	if fresh {
		p.out = append(p.out[:0], b...)
	} else {
		p.out = p.out[:copy(p.out, b)]
	}
	return nil
}

// readable drains the socket and handles every complete frame.
func (p *peer) readable() {
	for !p.dead {
		if p.w == len(p.rbuf) {
			p.makeRoom(p.w - p.r + 1)
		}
		room := len(p.rbuf) - p.w
		n, err := rawRead(p.fd, p.rbuf[p.w:])
		switch {
		case err == syscall.EAGAIN:
			return
		case err == syscall.EINTR:
			continue
		case err != nil:
			p.fail(fmt.Errorf("read: %w", err))
			return
		case n == 0:
			p.fail(fmt.Errorf("read: %w", io.ErrUnexpectedEOF))
			return
		}
		p.w += n
		p.parse()
		// A short read emptied the socket; with edge-triggered epoll a
		// later arrival raises a new event.
		if n < room {
			return
		}
	}
}

// makeRoom compacts rbuf and grows it, if need be, to hold need bytes.
func (p *peer) makeRoom(need int) {
	if p.r > 0 {
		p.w = copy(p.rbuf, p.rbuf[p.r:p.w])
		p.r = 0
	}
	if need > len(p.rbuf) {
		nb := make([]byte, max(need, 2*len(p.rbuf)))
		copy(nb, p.rbuf[:p.w])
		p.rbuf = nb
	}
}

// parse handles the complete frames in rbuf.
func (p *peer) parse() {
	for !p.dead {
		op, m, n, need, err := parseFrame(p.rbuf[p.r:p.w])
		if err != nil {
			p.fail(fmt.Errorf("read: %w", err))
			return
		}
		if n == 0 {
			if need > len(p.rbuf)-p.r {
				p.makeRoom(need)
			}
			break
		}
		p.r += n
		switch op {
		case opText, opBinary:
			if isPing(m) {
				_ = p.send([]byte("3"))
			} else {
				p.l.h.message(p, m)
			}
		case opPing:
			_ = p.sendOp(opPong, m)
		case opClose:
			p.fail(errors.New("read: closed by the server"))
		}
	}
	if p.r == p.w {
		p.r, p.w = 0, 0
	}
}

// fail takes p out of its loop and tells the handler.
func (p *peer) fail(err error) {
	if p.dead {
		return
	}
	p.dead = true
	_ = syscall.EpollCtl(p.l.epfd, syscall.EPOLL_CTL_DEL, p.fd, nil)
	if !p.l.stopping.Load() {
		p.l.h.closed(p, err)
	}
}

// The loop's system calls never block (the sockets are non-blocking, the
// epoll wait has a zero timeout), so they are made raw: without telling
// the scheduler, which would otherwise hand the P around and keep sysmon
// waking, and that costs more than the calls at these rates.

func rawRead(fd int, b []byte) (int, error) {
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

func rawWrite(fd int, b []byte) (int, error) {
	n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(len(b)))
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// epollPoll returns the ready events without waiting.
func epollPoll(epfd int, evs []syscall.EpollEvent) (int, error) {
	n, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&evs[0])), uintptr(len(evs)), 0, 0, 0)
	if e != 0 {
		return 0, e
	}
	return int(n), nil
}

// loop is one event loop: an epoll instance and the peers registered in it.
type loop struct {
	h        handler
	epfd     int
	ep       *os.File // epfd, for parking in the runtime poller
	peers    []*peer  // by the index carried in the epoll event
	stopping atomic.Bool
}

func newLoop(h handler) (*loop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("failed to create epoll: %w", err)
	}
	if err := syscall.SetNonblock(epfd, true); err != nil {
		_ = syscall.Close(epfd)
		return nil, fmt.Errorf("failed to set epoll non-blocking: %w", err)
	}
	return &loop{h: h, epfd: epfd, ep: os.NewFile(uintptr(epfd), "epoll")}, nil
}

// add registers p; the loop must not run yet.
func (l *loop) add(p *peer) error {
	p.l = l
	ev := syscall.EpollEvent{
		Events: syscall.EPOLLIN | syscall.EPOLLOUT | syscall.EPOLLRDHUP | -syscall.EPOLLET,
		Fd:     int32(len(l.peers)),
	}
	if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, p.fd, &ev); err != nil {
		return fmt.Errorf("failed to add to epoll: %w", err)
	}
	l.peers = append(l.peers, p)
	return nil
}

// run opens every peer, then handles events until the loop is closed.
func (l *loop) run() {
	for _, p := range l.peers {
		l.h.open(p)
		p.parse() // bytes that arrived with the handshake
	}
	rc, err := l.ep.SyscallConn()
	if err != nil {
		l.fatal(err)
		return
	}
	evs := make([]syscall.EpollEvent, 256)
	var n int
	var werr error
	wait := func(uintptr) bool {
		n, werr = epollPoll(l.epfd, evs)
		if werr == syscall.EINTR {
			n, werr = 0, nil
			return true
		}
		return n != 0 || werr != nil
	}
	for {
		if err := rc.Read(wait); err != nil {
			if !l.stopping.Load() {
				l.fatal(err)
			}
			return
		}
		if werr != nil {
			l.fatal(werr)
			return
		}
		for _, ev := range evs[:n] {
			p := l.peers[ev.Fd]
			if ev.Events&syscall.EPOLLOUT != 0 && len(p.out) > 0 && !p.dead {
				_ = p.writeOut(p.out, false)
			}
			if ev.Events&^syscall.EPOLLOUT != 0 {
				p.readable()
			}
		}
	}
}

// fatal fails every peer of a loop that cannot go on.
func (l *loop) fatal(err error) {
	for _, p := range l.peers {
		p.fail(fmt.Errorf("event loop: %w", err))
	}
}

// driver runs n connections to a server for a handler; see [startDriver].
type driver struct {
	loops []*loop
	peers []*peer
	wg    sync.WaitGroup
	once  sync.Once
}

// startDriver dials n connections to addr (at most 64 at a time, like
// [dialMany]) and starts driving them for h in GOMAXPROCS event loops.
// Handler calls for one connection never overlap; calls for connections
// of different loops may run concurrently.
func startDriver(ctx context.Context, addr string, n int, h handler) (*driver, error) {
	rcs := make([]*rawConn, n)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	for i := 0; i < n && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			rc, err := dialRaw(ctx, addr, 1+i%8)
			if err != nil {
				once.Do(func() { firstErr = fmt.Errorf("connection %d: %w", i, err) })
				return
			}
			rcs[i] = rc
		}()
	}
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	d := &driver{}
	for i, rc := range rcs {
		if rc == nil || firstErr != nil {
			continue
		}
		// Take the socket out of the Go runtime's poller: a duplicate
		// descriptor, the net.Conn's own closed.
		fd, err := takeFD(rc.nc)
		if err != nil {
			firstErr = fmt.Errorf("connection %d: %w", i, err)
			continue
		}
		rbuf := make([]byte, max(4096, 2*len(rc.rest)))
		d.peers = append(d.peers, &peer{id: i, fd: fd, rbuf: rbuf, w: copy(rbuf, rc.rest)})
	}
	for _, rc := range rcs {
		if rc != nil {
			_ = rc.nc.Close()
		}
	}
	if firstErr != nil {
		d.closeFDs()
		return nil, firstErr
	}
	for i := 0; i < runtime.GOMAXPROCS(0) && i < n; i++ {
		l, err := newLoop(h)
		if err != nil {
			d.close()
			return nil, err
		}
		d.loops = append(d.loops, l)
	}
	for i, p := range d.peers {
		if err := d.loops[i%len(d.loops)].add(p); err != nil {
			d.close()
			return nil, fmt.Errorf("connection %d: %w", i, err)
		}
	}
	for _, l := range d.loops {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			l.run()
		}()
	}
	return d, nil
}

// takeFD returns a non-blocking duplicate of c's descriptor.
func takeFD(c *net.TCPConn) (int, error) {
	sc, err := c.SyscallConn()
	if err != nil {
		return -1, err
	}
	fd := -1
	cerr := sc.Control(func(s uintptr) {
		fd, err = syscall.Dup(int(s))
	})
	if cerr != nil {
		return -1, cerr
	}
	if err != nil {
		return -1, fmt.Errorf("failed to dup the socket: %w", err)
	}
	syscall.CloseOnExec(fd)
	if err := syscall.SetNonblock(fd, true); err != nil {
		_ = syscall.Close(fd)
		return -1, err
	}
	return fd, nil
}

// close stops the loops, waits for them and closes the connections; no
// handler call starts after it returns.
func (d *driver) close() {
	d.once.Do(func() {
		for _, l := range d.loops {
			l.stopping.Store(true)
			_ = l.ep.Close()
		}
		d.wg.Wait()
		d.closeFDs()
	})
}

func (d *driver) closeFDs() {
	for _, p := range d.peers {
		_ = syscall.Close(p.fd)
	}
	d.peers = nil
}
