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

// runEcho runs c.clients closed loops: emit echo with an ack id, wait for
// the ack, check it is the argument byte for byte, repeat.
func runEcho(ctx context.Context, c config) (Result, error) {
	conns, _, err := dialMany(ctx, c.addr, c.clients, 64)
	if err != nil {
		return Result{}, err
	}
	defer func() {
		for _, cn := range conns {
			cn.close()
		}
	}()
	var h hist
	var acks, bad atomic.Int64
	var firstBad atomic.Value
	measuring := atomic.Bool{}
	end := time.Now().Add(c.warmup + c.duration)
	var wg sync.WaitGroup
	for i, cn := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			frame := make([]byte, 0, 160)
			for seq := int64(1); time.Now().Before(end) && ctx.Err() == nil; seq++ {
				t0 := now()
				frame = append(frame[:0], "42"...)
				frame = strconv.AppendInt(frame, seq, 10)
				idEnd := len(frame)
				frame = append(frame, `["echo",`...)
				argStart := len(frame)
				frame = appendSample(frame, i, seq, t0)
				frame = append(frame, ']')
				if err := cn.write(frame); err != nil {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, "write: "+err.Error())
					return
				}
				for {
					_ = cn.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
					m, err := cn.read()
					if err != nil {
						bad.Add(1)
						firstBad.CompareAndSwap(nil, "read: "+err.Error())
						return
					}
					if isPing(m) {
						_ = cn.write([]byte("3"))
						continue
					}
					if !bytes.HasPrefix(m, []byte("43")) {
						continue
					}
					// 43<id>[<arg>] for 42<id>["echo",<arg>]
					id := frame[2:idEnd]
					ok := len(m) == 2+len(id)+1+len(frame)-argStart &&
						bytes.Equal(m[2:2+len(id)], id) && m[2+len(id)] == '[' &&
						bytes.Equal(m[3+len(id):], frame[argStart:])
					if !ok {
						bad.Add(1)
						firstBad.CompareAndSwap(nil, fmt.Sprintf("ack %q for %q", m, frame))
					}
					break
				}
				if measuring.Load() {
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
		"p999_ms":      h.quantile(0.999),
		"gen_cores":    gen,
		"server_cores": srv,
		"bad_acks":     float64(bad.Load()),
	}}
	if v := firstBad.Load(); v != nil {
		res.Errors = append(res.Errors, fmt.Sprintf("%d bad acks; first: %s", bad.Load(), v))
	}
	return res, nil
}
