package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// pollClient is one Engine.IO long-polling session.
type pollClient struct {
	hc   *http.Client
	url  string // with the sid
	body bytes.Buffer
}

func (p *pollClient) do(ctx context.Context, method, url string, body []byte) ([]byte, error) {
	var req *http.Request
	var err error
	if body != nil {
		req, err = http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
		}
	} else {
		req, err = http.NewRequestWithContext(ctx, method, url, nil)
	}
	if err != nil {
		return nil, err
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	p.body.Reset()
	if _, err := p.body.ReadFrom(resp.Body); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s: %q", method, resp.Status, p.body.Bytes())
	}
	return p.body.Bytes(), nil
}

// dialPolling opens a polling session and connects "/".
func dialPolling(ctx context.Context, hc *http.Client, addr string) (*pollClient, error) {
	p := &pollClient{hc: hc}
	base := "http://" + addr + "/socket.io/?EIO=4&transport=polling"
	b, err := p.do(ctx, http.MethodGet, base, nil)
	if err != nil {
		return nil, fmt.Errorf("failed to open: %w", err)
	}
	i := bytes.Index(b, []byte(`"sid":"`))
	if len(b) == 0 || b[0] != '0' || i < 0 {
		return nil, fmt.Errorf("bad open packet %q", b)
	}
	sid := b[i+7:]
	sid = sid[:bytes.IndexByte(sid, '"')]
	p.url = base + "&sid=" + string(sid)
	if _, err := p.do(ctx, http.MethodPost, p.url, []byte("40")); err != nil {
		return nil, fmt.Errorf("failed to send CONNECT: %w", err)
	}
	for range 10 {
		b, err := p.do(ctx, http.MethodGet, p.url, nil)
		if err != nil {
			return nil, fmt.Errorf("failed to read CONNECT reply: %w", err)
		}
		if bytes.HasPrefix(b, []byte("40")) || bytes.Contains(b, []byte("\x1e40")) {
			return p, nil
		}
	}
	return nil, fmt.Errorf("no CONNECT reply")
}

// runPolling is the echo scenario over HTTP long-polling only.
func runPolling(ctx context.Context, c config) (Result, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: 2*c.clients + 8, DisableCompression: true, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	clients := make([]*pollClient, c.clients)
	for i := range clients {
		p, err := dialPolling(ctx, hc, c.addr)
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
				if _, err := p.do(ctx, http.MethodPost, p.url, frame); err != nil {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, err.Error())
					return
				}
				found := false
				for try := 0; try < 10 && !found; try++ {
					b, err := p.do(ctx, http.MethodGet, p.url, nil)
					if err != nil {
						bad.Add(1)
						firstBad.CompareAndSwap(nil, err.Error())
						return
					}
					pong := false
					for _, pkt := range bytes.Split(b, []byte{0x1e}) {
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
						if _, err := p.do(ctx, http.MethodPost, p.url, []byte("3")); err != nil {
							bad.Add(1)
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
