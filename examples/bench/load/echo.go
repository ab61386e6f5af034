package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
)

// ackTimeout is how long an echo client waits for an ack before it counts
// a bad ack and stops.
const ackTimeout = 10 * time.Second

// echoRun is the echo scenario's handler: each connection is a closed loop
// that emits echo with an ack id, waits for the ack, checks it is the
// argument byte for byte, and emits the next.
type echoRun struct {
	clients   []echoClient // by peer id
	h         hist
	acks, bad atomic.Int64
	firstBad  atomic.Value
	measuring atomic.Bool
	stopping  atomic.Bool  // no new requests
	left      atomic.Int64 // clients still waiting for an ack
	done      chan struct{}
}

// echoClient is one closed loop; only its connection's handler calls
// touch it.
type echoClient struct {
	frame    []byte // the request in flight: 42<id>["echo",<arg>]
	idEnd    int
	argStart int
	seq, t0  int64
	finished bool
}

func (e *echoRun) open(p *peer) { e.next(p) }

// next sends p's next request.
func (e *echoRun) next(p *peer) {
	cl := &e.clients[p.id]
	cl.seq++
	cl.t0 = now()
	f := append(cl.frame[:0], "42"...)
	f = strconv.AppendInt(f, cl.seq, 10)
	cl.idEnd = len(f)
	f = append(f, `["echo",`...)
	cl.argStart = len(f)
	f = appendSample(f, p.id, cl.seq, cl.t0)
	cl.frame = append(f, ']')
	if err := p.send(cl.frame); err != nil {
		e.fail(p, "write: "+err.Error())
	}
}

func (e *echoRun) message(p *peer, m []byte) {
	cl := &e.clients[p.id]
	if cl.finished || !bytes.HasPrefix(m, []byte("43")) {
		return
	}
	lat := now() - cl.t0
	// 43<id>[<arg>] for 42<id>["echo",<arg>]
	id := cl.frame[2:cl.idEnd]
	ok := len(m) == 2+len(id)+1+len(cl.frame)-cl.argStart &&
		bytes.Equal(m[2:2+len(id)], id) && m[2+len(id)] == '[' &&
		bytes.Equal(m[3+len(id):], cl.frame[cl.argStart:])
	if !ok {
		e.bad.Add(1)
		e.firstBad.CompareAndSwap(nil, fmt.Sprintf("ack %q for %q", m, cl.frame))
	}
	if lat > int64(ackTimeout) {
		e.fail(p, fmt.Sprintf("read: ack after %v", time.Duration(lat)))
		return
	}
	if e.measuring.Load() {
		e.h.add(time.Duration(lat))
		e.acks.Add(1)
	}
	if e.stopping.Load() {
		e.finish(cl)
		return
	}
	e.next(p)
}

func (e *echoRun) closed(p *peer, err error) {
	if !e.clients[p.id].finished {
		e.fail(p, err.Error())
	}
}

// fail counts a bad ack and stops p's loop.
func (e *echoRun) fail(p *peer, why string) {
	cl := &e.clients[p.id]
	if cl.finished {
		return
	}
	e.bad.Add(1)
	e.firstBad.CompareAndSwap(nil, why)
	e.finish(cl)
}

func (e *echoRun) finish(cl *echoClient) {
	cl.finished = true
	if e.left.Add(-1) == 0 {
		close(e.done)
	}
}

// runEcho runs c.clients closed loops for c.warmup, then measures them for
// c.duration.
func runEcho(ctx context.Context, c config) (Result, error) {
	e := &echoRun{clients: make([]echoClient, c.clients), done: make(chan struct{})}
	for i := range e.clients {
		e.clients[i].frame = make([]byte, 0, 160)
	}
	e.left.Store(int64(c.clients))
	if c.clients == 0 {
		close(e.done)
	}
	d, err := startDriver(ctx, c.addr, c.clients, e)
	if err != nil {
		return Result{}, err
	}
	defer d.close()
	select {
	case <-time.After(c.warmup):
	case <-ctx.Done():
	}
	e.measuring.Store(true)
	m := startMeter(c.pid)
	select {
	case <-time.After(c.duration):
	case <-ctx.Done():
	}
	e.measuring.Store(false)
	e.stopping.Store(true)
	wall, gen, srv, _ := m.stop()
	// Each client finishes with the ack of its last request.
	select {
	case <-e.done:
	case <-time.After(ackTimeout):
	case <-ctx.Done():
	}
	d.close()
	if n := e.left.Load(); n > 0 {
		e.bad.Add(n)
		e.firstBad.CompareAndSwap(nil, fmt.Sprintf("read: no ack within %v", ackTimeout))
	}
	res := Result{Metrics: map[string]float64{
		"acks_per_s":   float64(e.acks.Load()) / wall.Seconds(),
		"p50_ms":       e.h.quantile(0.50),
		"p99_ms":       e.h.quantile(0.99),
		"p999_ms":      e.h.quantile(0.999),
		"gen_cores":    gen,
		"server_cores": srv,
		"bad_acks":     float64(e.bad.Load()),
	}}
	if v := e.firstBad.Load(); v != nil {
		res.Errors = append(res.Errors, fmt.Sprintf("%d bad acks; first: %s", e.bad.Load(), v))
	}
	return res, nil
}
