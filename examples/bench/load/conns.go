package main

import (
	"context"
	"sync"
	"time"
)

// runConns opens c.conns idle connections and reports the connect rate and
// the server's memory per connection (VmRSS after minus before).
func runConns(ctx context.Context, c config) (Result, error) {
	before := procRSS(c.pid)
	m := startMeter(c.pid)
	conns, took, retries, err := dialMany(ctx, c.addr, c.conns, 256)
	if err != nil {
		return Result{}, err
	}
	_, gen, srv, _ := m.stop()
	var wg sync.WaitGroup
	for _, cn := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b, err := cn.read()
				if err != nil {
					return
				}
				if isPing(b) {
					_ = cn.write([]byte("3"))
				}
			}
		}()
	}
	select {
	case <-time.After(c.settle):
	case <-ctx.Done():
	}
	after := procRSS(c.pid)
	for _, cn := range conns {
		cn.close()
	}
	wg.Wait()
	res := Result{Metrics: map[string]float64{
		"connects_per_s": float64(c.conns) / took.Seconds(),
		"dial_retries":   float64(retries),
		"rss_before_mb":  float64(before) / (1 << 20),
		"rss_after_mb":   float64(after) / (1 << 20),
		"kb_per_conn":    float64(after-before) / 1024 / float64(c.conns),
		"gen_cores":      gen,
		"server_cores":   srv,
	}}
	return res, nil
}
