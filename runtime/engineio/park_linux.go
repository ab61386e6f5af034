//go:build linux

package engineio

import (
	"sync"
	"syscall"
)

// canPark tells that idle websocket sessions can give up their reader
// goroutine (see parker).
const canPark = true

// parker watches the sockets of parked websocket sessions: a server
// session whose reader has waited a while for data (ServerOptions.
// ParkIdleAfter) hands its socket to one epoll instance shared by the
// process and ends its reader goroutine, so that an idle connection holds
// no goroutine and no stack; when data arrives, the parker starts a reader
// again. The epoll instance and its goroutine exist while at least one
// session is registered.
//
// Registrations are one-shot and level-triggered: a socket that became
// readable between the reader's last look and its parking wakes at once.
// Events carry a key that is never reused, so that an event for a session
// that has ended, or resumed meanwhile, is ignored.
//
// Concurrency: safe for concurrent use.
type parker struct {
	mu    sync.Mutex
	epfd  int // 0: no epoll instance (and no goroutine)
	wake  int // write end of the pipe that stops the goroutine
	conns map[uint64]*Conn
	next  uint64
}

var sessionParker = &parker{conns: make(map[uint64]*Conn)}

// stopKey is the key of the pipe that stops the parker's goroutine.
const stopKey = 0

func eventKey(ev *syscall.EpollEvent) uint64 {
	return uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
}

// park arms c's socket and marks c parked; the caller's reader goroutine
// must then end without touching the websocket again. It reports false,
// leaving c as it was, when the socket cannot be watched.
func (p *parker) park(c *Conn, w *wsWire) bool {
	p.mu.Lock()
	if p.epfd == 0 && !p.startLocked() {
		p.mu.Unlock()
		return false
	}
	op := syscall.EPOLL_CTL_MOD
	if c.parkKey == 0 {
		p.next++
		c.parkKey = p.next
		p.conns[c.parkKey] = c
		op = syscall.EPOLL_CTL_ADD
	}
	c.parked = true
	epfd, key := p.epfd, c.parkKey
	p.mu.Unlock()

	ev := syscall.EpollEvent{
		Events: syscall.EPOLLIN | syscall.EPOLLRDHUP | syscall.EPOLLONESHOT,
		Fd:     int32(uint32(key)),
		Pad:    int32(uint32(key >> 32)),
	}
	var ctlErr error
	err := w.raw.Control(func(fd uintptr) { ctlErr = syscall.EpollCtl(epfd, op, int(fd), &ev) })
	if err == nil && ctlErr == nil {
		return true
	}
	p.mu.Lock()
	c.parked = false
	if op == syscall.EPOLL_CTL_ADD {
		delete(p.conns, key)
		c.parkKey = 0
		p.stopIfIdleLocked()
	}
	p.mu.Unlock()
	return false
}

// forget drops a closed session. Its socket is closed by its writer; the
// kernel then drops the registration, and events already queued for it
// find no session.
func (p *parker) forget(c *Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c.parkKey == 0 {
		return
	}
	delete(p.conns, c.parkKey)
	c.parked = false
	p.stopIfIdleLocked()
}

// startLocked creates the epoll instance and its goroutine.
func (p *parker) startLocked() bool {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return false
	}
	var pipe [2]int
	if err := syscall.Pipe2(pipe[:], syscall.O_CLOEXEC|syscall.O_NONBLOCK); err != nil {
		syscall.Close(epfd)
		return false
	}
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN} // key 0: stop
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, pipe[0], &ev); err != nil {
		syscall.Close(epfd)
		syscall.Close(pipe[0])
		syscall.Close(pipe[1])
		return false
	}
	p.epfd, p.wake = epfd, pipe[1]
	go p.run(epfd, pipe[0], pipe[1])
	return true
}

// stopIfIdleLocked stops the goroutine when no session is registered.
func (p *parker) stopIfIdleLocked() {
	if len(p.conns) > 0 || p.epfd == 0 {
		return
	}
	_, _ = syscall.Write(p.wake, []byte{0})
	p.epfd, p.wake = 0, 0 // the goroutine closes them
}

// run waits for events until told to stop, and resumes the reader of each
// parked session whose socket became readable (or hung up).
func (p *parker) run(epfd, stopR, stopW int) {
	defer func() {
		syscall.Close(epfd)
		syscall.Close(stopR)
		syscall.Close(stopW)
	}()
	events := make([]syscall.EpollEvent, 128)
	for {
		n, err := syscall.EpollWait(epfd, events, -1)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			p.failAll(epfd)
			return
		}
		for i := range events[:n] {
			key := eventKey(&events[i])
			if key == stopKey {
				return
			}
			p.mu.Lock()
			c := p.conns[key]
			resume := c != nil && c.parked
			if resume {
				c.parked = false
			}
			p.mu.Unlock()
			if resume {
				c.resumeReader()
			}
		}
	}
}

// failAll resumes every parked session when epoll fails, which it should
// not: their readers take over again.
func (p *parker) failAll(epfd int) {
	p.mu.Lock()
	var resume []*Conn
	for key, c := range p.conns {
		if c.parked {
			c.parked = false
			resume = append(resume, c)
		}
		delete(p.conns, key)
		c.parkKey = 0
	}
	if p.epfd == epfd {
		p.epfd, p.wake = 0, 0
	}
	p.mu.Unlock()
	for _, c := range resume {
		c.resumeReader()
	}
}
