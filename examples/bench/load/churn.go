package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogen/siogen/examples/bench/internal/faultproxy"
	"github.com/siogen/siogen/runtime/sio"
)

// The churn scenarios run the project's Go client (runtime/sio), one per
// simulated user, through faultproxy against a server of
// internal/churnsrv or node/churn.js, and count what each client gets of
// the server's sequence-numbered ticks.

// sources are the loopback addresses connections are made from, in turn,
// so that tens of thousands of them keep clear of port exhaustion.
var sources = []string{"127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8", "127.0.0.9"}

// tally counts one client's ticks: delivered once, duplicated, out of
// order (a seq lower than one already delivered), and their latency.
type tally struct {
	mu        sync.Mutex
	seen      []bool // by seq
	last      int
	delivered int
	dups      int
	ooo       int
}

func newTally(count int) *tally { return &tally{seen: make([]bool, count+1)} }

func (t *tally) add(seq int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if seq <= 0 || seq >= len(t.seen) {
		t.ooo++ // not a seq this run sent: counted as disorder
		return
	}
	if t.seen[seq] {
		t.dups++
		return
	}
	t.seen[seq] = true
	t.delivered++
	if seq < t.last {
		t.ooo++
	}
	t.last = max(t.last, seq)
}

func (t *tally) complete() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.delivered == len(t.seen)-1
}

// churnClient is one simulated user.
type churnClient struct {
	cs         *sio.ClientSocket
	t          *tally
	connects   atomic.Int64
	recovered  atomic.Int64
	disconnect atomic.Int64
	failed     atomic.Int64 // reconnection attempts that failed
}

// dialChurn connects n clients to url, client i in room "r<i%rooms>",
// ticks counted up to count, latencies into lat (when not nil and
// measure(i)).
func dialChurn(ctx context.Context, url string, n, rooms, count int, lat *hist, measure func(int) bool) ([]*churnClient, error) {
	clients := make([]*churnClient, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for i := range clients {
		opts := &sio.ClientOptions{
			Transports:           []string{"websocket"},
			Auth:                 map[string]string{"room": "r" + strconv.Itoa(i%rooms)},
			ReconnectionDelay:    200 * time.Millisecond,
			ReconnectionDelayMax: time.Second,
			Timeout:              10 * time.Second,
		}
		cs, err := sio.NewSocket(url, opts)
		if err != nil {
			return clients, err
		}
		cl := &churnClient{cs: cs, t: newTally(count)}
		clients[i] = cl
		timed := lat != nil && measure(i)
		cs.On("tick", func(e *sio.ClientEvent) {
			// The numbers are read from their JSON text: a thousand
			// clients decoding them reflectively would make the generator,
			// not the server, the measure of the latency.
			seq, err1 := strconv.ParseInt(string(e.At(1).JSON()), 10, 64)
			ts, err2 := strconv.ParseInt(string(e.At(2).JSON()), 10, 64)
			if err1 != nil || err2 != nil {
				return
			}
			if timed {
				lat.add(time.Duration(time.Now().UnixNano() - ts))
			}
			cl.t.add(int(seq))
		})
		cs.OnConnect(func() {
			cl.connects.Add(1)
			if cs.Recovered() {
				cl.recovered.Add(1)
			}
		})
		cs.OnDisconnect(func(sio.DisconnectReason) { cl.disconnect.Add(1) })
		cs.Manager().OnReconnectError(func(error) { cl.failed.Add(1) })
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			if err := cs.Connect(cctx); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	return clients, <-errs
}

func closeChurn(clients []*churnClient) {
	var wg sync.WaitGroup
	for _, cl := range clients {
		if cl == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = cl.cs.Manager().Close()
			select {
			case <-cl.cs.Manager().Done():
			case <-time.After(5 * time.Second):
			}
		}()
	}
	wg.Wait()
}

// startTicks asks the server, on a connection of its own, to tick rooms
// rooms count times at rate; the returned channel is closed once it is
// done (or ctx ends).
func startTicks(ctx context.Context, addr string, rooms int, rate float64, count int) (<-chan struct{}, func(), error) {
	cs, err := sio.NewSocket("http://"+addr, &sio.ClientOptions{Transports: []string{"websocket"}})
	if err != nil {
		return nil, nil, err
	}
	stop := func() { _ = cs.Manager().Close(); <-cs.Manager().Done() }
	if err := cs.Connect(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("control connection: %w", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		wait := time.Duration(float64(count)/rate*float64(time.Second)) + 30*time.Second
		actx, cancel := context.WithTimeout(ctx, wait)
		defer cancel()
		_, _ = cs.EmitWithAck(actx, "start", map[string]any{"rooms": rooms, "rate": rate, "count": count})
	}()
	return done, stop, nil
}

// runDrops: c.clients clients in c.rooms rooms through the proxy, which
// resets c.resetFrac of the connections every second while the server
// ticks each room c.rate times a second for c.duration. Every client
// should get every tick once and in order with recovery on.
func runDrops(ctx context.Context, c config) (Result, error) {
	px, err := faultproxy.New(faultproxy.Options{Target: c.addr, Sources: sources, Latency: c.latency, Jitter: c.jitter})
	if err != nil {
		return Result{}, err
	}
	defer px.Close()
	count := int(c.rate * c.duration.Seconds())
	clients, err := dialChurn(ctx, "http://"+px.Addr(), c.clients, c.rooms, count, nil, nil)
	defer closeChurn(clients)
	if err != nil {
		return Result{}, fmt.Errorf("connecting the clients: %w", err)
	}
	m := startMeter(c.pid)
	done, stop, err := startTicks(ctx, c.addr, c.rooms, c.rate, count)
	if err != nil {
		return Result{}, err
	}
	defer stop()
	resets := 0
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
loop:
	for {
		select {
		case <-done:
			break loop
		case <-ctx.Done():
			return Result{}, ctx.Err()
		case <-tick.C:
			resets += px.Reset(c.resetFrac)
		}
	}
	_, gen, srv, _ := m.stop()
	// Let the clients that were reset last come back (and, with recovery,
	// catch up), for at most c.settle.
	end := time.Now()
	settled := -1.0
	for time.Since(end) < c.settle {
		all := true
		for _, cl := range clients {
			if !cl.cs.Connected() || (c.recovery && !cl.t.complete()) {
				all = false
				break
			}
		}
		if all {
			settled = time.Since(end).Seconds()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !c.recovery {
		time.Sleep(time.Second) // what is in flight
	}
	var delivered, missed, dups, ooo, reconnects, recovered, hit, down, failedAttempts int
	minDelivered := count
	for _, cl := range clients {
		if !cl.cs.Connected() {
			down++
		}
		cl.t.mu.Lock()
		delivered += cl.t.delivered
		minDelivered = min(minDelivered, cl.t.delivered)
		miss := count - cl.t.delivered
		missed += miss
		dups += cl.t.dups
		ooo += cl.t.ooo
		if miss+cl.t.dups+cl.t.ooo > 0 {
			hit++
		}
		cl.t.mu.Unlock()
		reconnects += int(cl.connects.Load()) - 1
		failedAttempts += int(cl.failed.Load())
		recovered += int(cl.recovered.Load())
	}
	res := Result{Metrics: map[string]float64{
		"clients":          float64(c.clients),
		"ticks_per_client": float64(count),
		"delivered_pct":    100 * float64(delivered) / float64(count*c.clients),
		"missed":           float64(missed),
		"duplicated":       float64(dups),
		"out_of_order":     float64(ooo),
		"clients_hit":      float64(hit),
		"min_delivered":    float64(minDelivered),
		"down_at_end":      float64(down),
		"settle_s":         settled,
		"failed_attempts":  float64(failedAttempts),
		"resets":           float64(resets),
		"reconnects":       float64(reconnects),
		"recovered":        float64(recovered),
		"gen_cores":        gen,
		"server_cores":     srv,
	}}
	if dups+ooo > 0 || (c.recovery && missed > 0) {
		res.Errors = append(res.Errors, fmt.Sprintf("%d missed, %d duplicated, %d out of order (%d of %d clients)", missed, dups, ooo, hit, c.clients))
	}
	return res, nil
}

// runSlow: c.clients clients in one room while the server ticks it c.rate
// times a second for c.duration; a third of the way through, the
// connections of c.slowFrac of them stop being read (a proxy stalls them)
// for c.stall. It reports the server's peak memory, the other clients'
// latency, and what the slow ones got. The other clients connect directly:
// a proxy in their path would double the generator's work and make its
// latency, not the server's, the measure.
func runSlow(ctx context.Context, c config) (Result, error) {
	slow, err := faultproxy.New(faultproxy.Options{Target: c.addr, Sources: sources})
	if err != nil {
		return Result{}, err
	}
	defer slow.Close()
	nSlow := int(c.slowFrac*float64(c.clients) + 0.5)
	count := int(c.rate * c.duration.Seconds())
	var lat hist
	slowCl, err := dialChurn(ctx, "http://"+slow.Addr(), nSlow, 1, count, nil, nil)
	defer closeChurn(slowCl)
	if err != nil {
		return Result{}, fmt.Errorf("connecting the slow clients: %w", err)
	}
	fastCl, err := dialChurn(ctx, "http://"+c.addr, c.clients-nSlow, 1, count, &lat, func(int) bool { return true })
	defer closeChurn(fastCl)
	if err != nil {
		return Result{}, fmt.Errorf("connecting the clients: %w", err)
	}
	rss0 := procRSS(c.pid)
	m := startMeter(c.pid)
	done, stop, err := startTicks(ctx, c.addr, 1, c.rate, count)
	if err != nil {
		return Result{}, err
	}
	defer stop()
	peak := rss0
	stallAt := time.After(c.duration / 3)
	sample := time.NewTicker(100 * time.Millisecond)
	defer sample.Stop()
loop:
	for {
		select {
		case <-done:
			break loop
		case <-ctx.Done():
			return Result{}, ctx.Err()
		case <-stallAt:
			for _, p := range slow.Pairs() {
				p.Stall(c.stall)
			}
		case <-sample.C:
			peak = max(peak, procRSS(c.pid))
		}
	}
	_, gen, srv, _ := m.stop()
	settle := time.Now().Add(c.settle)
	for time.Now().Before(settle) {
		all := true
		for _, cl := range slices.Concat(slowCl, fastCl) {
			if !cl.t.complete() {
				all = false
				break
			}
		}
		if all {
			break
		}
		time.Sleep(50 * time.Millisecond)
		peak = max(peak, procRSS(c.pid))
	}
	var caughtUp, missedSlow, discSlow, missedFast int
	for _, cl := range slowCl {
		if cl.t.complete() {
			caughtUp++
		}
		missedSlow += count - cl.t.delivered
		if cl.disconnect.Load() > 0 {
			discSlow++
		}
	}
	for _, cl := range fastCl {
		missedFast += count - cl.t.delivered
	}
	res := Result{Metrics: map[string]float64{
		"clients":          float64(c.clients),
		"slow_clients":     float64(nSlow),
		"p50_ms":           lat.quantile(0.5),
		"p99_ms":           lat.quantile(0.99),
		"rss_before_mb":    float64(rss0) / (1 << 20),
		"rss_peak_mb":      float64(peak) / (1 << 20),
		"slow_caught_up":   float64(caughtUp),
		"slow_missed":      float64(missedSlow),
		"slow_disconnects": float64(discSlow),
		"fast_missed":      float64(missedFast),
		"gen_cores":        gen,
		"server_cores":     srv,
	}}
	if missedFast > 0 {
		res.Errors = append(res.Errors, fmt.Sprintf("the clients that kept reading missed %d ticks", missedFast))
	}
	return res, nil
}
