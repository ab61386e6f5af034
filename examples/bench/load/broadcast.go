package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

const maxSteps = 24

// bcastRun is a broadcast set-up: receivers, run by a [driver] with the
// bcastRun as their handler, that check order and measure latency, and
// one sender with a reading goroutine of its own. The sender's "client"
// field carries the step number so that receivers attribute each delivery
// to its step.
type bcastRun struct {
	recv   *driver
	last   []int64 // by receiver: the last seq received
	sender *wsConn
	hists  [maxSteps]hist
	got    [maxSteps]atomic.Int64
	order  atomic.Int64 // deliveries out of order
	lost   atomic.Int64 // receivers whose connection failed
	seq    int64        // the sender's last seq
	wg     sync.WaitGroup
}

var bcastPrefix = []byte(`42["bcast",`)

func startBroadcast(ctx context.Context, c config) (*bcastRun, error) {
	sender, err := dialWS(ctx, c.addr, 1)
	if err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	b := &bcastRun{sender: sender, last: make([]int64, c.receivers)}
	b.recv, err = startDriver(ctx, c.addr, c.receivers, b)
	if err != nil {
		sender.close()
		return nil, err
	}
	b.wg.Add(1)
	go b.drainSender()
	return b, nil
}

// drainSender reads and drops what the sender receives (its own
// broadcasts), answering pings.
func (b *bcastRun) drainSender() {
	defer b.wg.Done()
	for {
		m, err := b.sender.read()
		if err != nil {
			return
		}
		if isPing(m) {
			_ = b.sender.write([]byte("3"))
		}
	}
}

func (b *bcastRun) open(*peer) {}

func (b *bcastRun) message(p *peer, m []byte) {
	if !bytes.HasPrefix(m, bcastPrefix) {
		return
	}
	t := now()
	seq, ts, step := intAfter(m, keySeq), intAfter(m, keyTs), intAfter(m, keyClient)
	if seq != b.last[p.id]+1 {
		b.order.Add(1)
	}
	b.last[p.id] = seq
	if step >= 0 && step < maxSteps {
		b.hists[step].add(time.Duration(t - ts))
		b.got[step].Add(1)
	}
}

func (b *bcastRun) closed(*peer, error) { b.lost.Add(1) }

func (b *bcastRun) close() {
	b.recv.close()
	b.sender.close()
	b.wg.Wait()
}

// step sends at rate for d, waits up to 5s for the deliveries and returns
// the step's metrics.
func (b *bcastRun) step(ctx context.Context, c config, step int, rate float64, d time.Duration) (map[string]float64, error) {
	frame := make([]byte, 0, 160)
	m := startMeter(c.pid)
	start := time.Now()
	var sent int64
	for ctx.Err() == nil {
		el := time.Since(start)
		if el >= d {
			break
		}
		due := int64(math.Ceil(el.Seconds() * rate))
		for ; sent < due; sent++ {
			b.seq++
			frame = append(frame[:0], bcastPrefix...)
			frame = appendSample(frame, step, b.seq, now())
			frame = append(frame, ']')
			if err := b.sender.write(frame); err != nil {
				return nil, fmt.Errorf("failed to send: %w", err)
			}
		}
		time.Sleep(time.Millisecond)
	}
	sendWall := time.Since(start)
	want := sent * int64(len(b.last))
	drainEnd := time.Now().Add(5 * time.Second)
	for b.got[step].Load() < want && time.Now().Before(drainEnd) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	wall, gen, srv, srvCPU := m.stop()
	got := b.got[step].Load()
	h := &b.hists[step]
	per := 0.0
	if got > 0 {
		per = float64(srvCPU.Microseconds()) / float64(got)
	}
	return map[string]float64{
		"rate":                rate,
		"sent":                float64(sent),
		"deliveries_per_s":    float64(got) / wall.Seconds(),
		"p50_ms":              h.quantile(0.50),
		"p99_ms":              h.quantile(0.99),
		"drops":               float64(want - got),
		"out_of_order":        float64(b.order.Load()),
		"server_us_per_deliv": per,
		"server_cores":        srv,
		"gen_cores":           gen,
		"send_seconds":        sendWall.Seconds(),
	}, nil
}

// runBroadcast sends at a fixed rate to c.receivers connections.
func runBroadcast(ctx context.Context, c config) (Result, error) {
	b, err := startBroadcast(ctx, c)
	if err != nil {
		return Result{}, err
	}
	defer b.close()
	mt, err := b.step(ctx, c, 0, c.rate, c.duration)
	res := Result{Metrics: mt}
	if err != nil {
		return res, err
	}
	if mt["drops"] > 0 || mt["out_of_order"] > 0 {
		res.Errors = append(res.Errors, fmt.Sprintf("%.0f drops, %.0f out of order", mt["drops"], mt["out_of_order"]))
	}
	return res, nil
}

// runRamp raises the rate by half at each step until the p99 latency
// passes c.p99Limit or a delivery is lost (or c.maxRate is reached), then
// bisects between the last rate that held and the first that did not, three
// times; the result is the highest rate that stayed within the limit.
// rateSearch looks for the highest sustainable rate: it raises the rate by
// half until a step fails (or, when the first step fails, halves it until
// one passes), then bisects between the highest rate that passed and the
// lowest that failed, three times: the maximum is known to about 6%.
type rateSearch struct {
	rate, good, bad float64
	bisections      int
}

// next records whether the current rate was sustained and returns the
// next one to try, or false when the search is over.
func (s *rateSearch) next(ok bool) (float64, bool) {
	if ok {
		s.good = s.rate
	} else {
		s.bad = s.rate
	}
	switch {
	case s.bad == 0:
		s.rate = math.Round(s.rate * 1.5)
	case s.good == 0:
		if s.rate <= 1 {
			return 0, false
		}
		s.rate = math.Max(1, math.Round(s.rate/2))
	case s.bisections == 3:
		return 0, false
	default:
		s.bisections++
		r := math.Round((s.good + s.bad) / 2)
		if r == s.good || r == s.bad {
			return 0, false
		}
		s.rate = r
	}
	return s.rate, true
}

func runRamp(ctx context.Context, c config, log io.Writer) (Result, error) {
	b, err := startBroadcast(ctx, c)
	if err != nil {
		return Result{}, err
	}
	defer b.close()
	best := map[string]float64{"max_rate": 0}
	search := rateSearch{rate: c.rate}
	rate := c.rate
	for step := 0; step < maxSteps && rate <= c.maxRate && ctx.Err() == nil; step++ {
		mt, err := b.step(ctx, c, step, rate, c.step)
		if err != nil {
			break
		}
		fmt.Fprintf(log, "ramp %s: rate %.0f/s deliveries %.0f/s p99 %.1f ms drops %.0f gen %.2f cores server %.2f cores\n",
			c.server, rate, mt["deliveries_per_s"], mt["p99_ms"], mt["drops"], mt["gen_cores"], mt["server_cores"])
		ok := mt["p99_ms"] <= float64(c.p99Limit.Milliseconds()) && mt["drops"] == 0
		if !ok {
			best["rate_at_fail"] = rate
			best["gen_cores_at_fail"] = mt["gen_cores"]
		} else if rate > best["max_rate"] {
			best["max_rate"] = rate
			best["deliveries_per_s_at_max"] = mt["deliveries_per_s"]
			best["gen_cores_at_max"] = mt["gen_cores"]
			best["server_cores_at_max"] = mt["server_cores"]
			best["p99_ms_at_max"] = mt["p99_ms"]
		}
		var more bool
		if rate, more = search.next(ok); !more {
			break
		}
	}
	return Result{Metrics: best}, nil
}
