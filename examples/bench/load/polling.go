package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// pollClient is one Engine.IO long-polling session over one keep-alive
// connection of our own HTTP client (polling_http.go): each request is
// answered before the next is sent, so the session never has two
// requests in flight and one connection serves it. It is owned by one
// goroutine.
type pollClient struct {
	hc       *httpConn
	getReq   []byte // GET with the sid
	postHead []byte // POST with the sid, up to the Content-Length value
}

// dialPolling opens a polling session and connects "/".
func dialPolling(ctx context.Context, addr string) (*pollClient, error) {
	hc := newHTTPConn(addr)
	stop := context.AfterFunc(ctx, hc.abort)
	defer stop()
	p, err := openPolling(hc, addr)
	if err != nil {
		hc.close()
		return nil, err
	}
	return p, nil
}

func openPolling(hc *httpConn, addr string) (*pollClient, error) {
	const base = "/socket.io/?EIO=4&transport=polling"
	b, err := hc.get(appendGet(nil, addr, base))
	if err != nil {
		return nil, fmt.Errorf("failed to open: %w", err)
	}
	i := bytes.Index(b, []byte(`"sid":"`))
	if len(b) == 0 || b[0] != '0' || i < 0 {
		return nil, fmt.Errorf("bad open packet %q", b)
	}
	sid := b[i+7:]
	sid = sid[:max(0, bytes.IndexByte(sid, '"'))]
	target := base + "&sid=" + string(sid)
	p := &pollClient{
		hc:       hc,
		getReq:   appendGet(nil, addr, target),
		postHead: appendPostHead(nil, addr, target),
	}
	if _, err := p.post([]byte("40")); err != nil {
		return nil, fmt.Errorf("failed to send CONNECT: %w", err)
	}
	for range 10 {
		b, err := p.get()
		if err != nil {
			return nil, fmt.Errorf("failed to read CONNECT reply: %w", err)
		}
		if bytes.HasPrefix(b, []byte("40")) || bytes.Contains(b, []byte("\x1e40")) {
			return p, nil
		}
	}
	return nil, fmt.Errorf("no CONNECT reply")
}

// get polls; the payload is valid until the next request.
func (p *pollClient) get() ([]byte, error) { return p.hc.get(p.getReq) }

// post sends a payload; the server's "ok" is valid until the next request.
func (p *pollClient) post(body []byte) ([]byte, error) { return p.hc.post(p.postHead, body) }

// nextPacket splits off the first packet of a polling payload, whose
// packets are separated by 0x1e.
func nextPacket(b []byte) (pkt, rest []byte) {
	if i := bytes.IndexByte(b, 0x1e); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

var pong3 = []byte("3")

// runPolling is the echo scenario over HTTP long-polling only.
func runPolling(ctx context.Context, c config) (Result, error) {
	clients := make([]*pollClient, c.clients)
	defer func() {
		for _, p := range clients {
			if p != nil {
				p.hc.close()
			}
		}
	}()
	for i := range clients {
		p, err := dialPolling(ctx, c.addr)
		if err != nil {
			return Result{}, fmt.Errorf("client %d: %w", i, err)
		}
		clients[i] = p
	}
	var h hist
	var acks, bad atomic.Int64
	var firstBad atomic.Value
	var measuring atomic.Bool
	end := time.Now().Add(c.warmup + c.duration)
	var wg sync.WaitGroup
	for i, p := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer context.AfterFunc(ctx, p.hc.abort)()
			frame := make([]byte, 0, 160)
			want := make([]byte, 0, 160)
			for seq := int64(1); time.Now().Before(end) && ctx.Err() == nil; seq++ {
				t0 := now()
				frame = append(frame[:0], "42"...)
				frame = strconv.AppendInt(frame, seq, 10)
				idEnd := len(frame)
				frame = append(frame, `["echo",`...)
				argStart := len(frame)
				frame = appendSample(frame, i, seq, t0)
				frame = append(frame, ']')
				want = append(append(append(want[:0], "43"...), frame[2:idEnd]...), '[')
				want = append(want, frame[argStart:]...)
				if _, err := p.post(frame); err != nil {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, err.Error())
					return
				}
				found := false
				for try := 0; try < 10 && !found; try++ {
					b, err := p.get()
					if err != nil {
						bad.Add(1)
						firstBad.CompareAndSwap(nil, err.Error())
						return
					}
					pong := false
					for len(b) > 0 {
						var pkt []byte
						pkt, b = nextPacket(b)
						switch {
						case isPing(pkt):
							pong = true
						case bytes.HasPrefix(pkt, []byte("43")):
							found = true
							if !bytes.Equal(pkt, want) {
								bad.Add(1)
								firstBad.CompareAndSwap(nil, fmt.Sprintf("ack %q for %q", pkt, frame))
							}
						}
					}
					if pong {
						if _, err := p.post(pong3); err != nil {
							bad.Add(1)
							firstBad.CompareAndSwap(nil, err.Error())
							return
						}
					}
				}
				if measuring.Load() && found {
					h.add(time.Duration(now() - t0))
					acks.Add(1)
				}
			}
		}()
	}
	select {
	case <-time.After(c.warmup):
	case <-ctx.Done():
	}
	measuring.Store(true)
	m := startMeter(c.pid)
	select {
	case <-time.After(c.duration):
	case <-ctx.Done():
	}
	measuring.Store(false)
	wall, gen, srv, _ := m.stop()
	wg.Wait()
	res := Result{Metrics: map[string]float64{
		"acks_per_s":   float64(acks.Load()) / wall.Seconds(),
		"p50_ms":       h.quantile(0.50),
		"p99_ms":       h.quantile(0.99),
		"gen_cores":    gen,
		"server_cores": srv,
		"bad_acks":     float64(bad.Load()),
	}}
	if v := firstBad.Load(); v != nil {
		res.Errors = append(res.Errors, fmt.Sprintf("%d bad acks; first: %s", bad.Load(), v))
	}
	return res, nil
}
