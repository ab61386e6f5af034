//go:build !linux

package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// peer is one connection of the portable driver; its reading goroutine
// makes the handler calls.
type peer struct {
	id int
	ws *wsConn
}

// send writes m as one text frame.
func (p *peer) send(m []byte) error { return p.ws.write(m) }

// driver runs n connections to a server for a handler, a goroutine each.
type driver struct {
	peers    []*peer
	wg       sync.WaitGroup
	stopping atomic.Bool
	once     sync.Once
}

// startDriver dials n connections to addr (at most 64 at a time) and
// starts driving them for h.
func startDriver(ctx context.Context, addr string, n int, h handler) (*driver, error) {
	conns, _, _, err := dialMany(ctx, addr, n, 64)
	if err != nil {
		return nil, err
	}
	d := &driver{}
	for i, cn := range conns {
		d.peers = append(d.peers, &peer{id: i, ws: cn})
	}
	for _, p := range d.peers {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			h.open(p)
			for {
				m, err := p.ws.read()
				if err != nil {
					if !d.stopping.Load() {
						h.closed(p, fmt.Errorf("read: %w", err))
					}
					return
				}
				if isPing(m) {
					_ = p.ws.write([]byte("3"))
					continue
				}
				h.message(p, m)
			}
		}()
	}
	return d, nil
}

// close closes the connections and waits for their goroutines.
func (d *driver) close() {
	d.once.Do(func() {
		d.stopping.Store(true)
		for _, p := range d.peers {
			p.ws.close()
		}
		d.wg.Wait()
	})
}
