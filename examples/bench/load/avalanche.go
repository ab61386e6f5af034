package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// runAvalanche starts the server (c.serverCmd), connects c.conns raw
// clients, kills the server (SIGKILL) and starts it again, and measures
// how long the clients take to be connected again. Each client reconnects
// as socket.io-client does by default: after 1 s, doubling up to 5 s, each
// delay moved randomly by up to half of itself.
func runAvalanche(ctx context.Context, c config) (Result, error) {
	if c.serverCmd == "" {
		return Result{}, errors.New("avalanche needs -server-cmd")
	}
	srv, err := startProc(ctx, c.serverCmd)
	if err != nil {
		return Result{}, err
	}
	defer func() { srv.stop() }()

	var (
		mu        sync.Mutex
		killedAt  time.Time // zero until the kill
		backAt    []time.Time
		connected atomic.Int64
		failed    atomic.Int64 // handshakes that failed after the restart
		refused   atomic.Int64 // attempts while the server was down
	)
	up := make(chan struct{}) // closed once every client is connected the first time
	var upOnce sync.Once
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 256) // first connections, at most this many at a time
	for i := range c.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			attempt := 0
			first := true
			for cctx.Err() == nil {
				if first {
					sem <- struct{}{}
				}
				conn, err := dialWS(cctx, c.addr, 2+i%len(sources))
				if first {
					<-sem
				}
				if err != nil {
					mu.Lock()
					k := killedAt
					mu.Unlock()
					switch {
					case first:
					case srv.listening():
						failed.Add(1)
					case !k.IsZero():
						refused.Add(1)
					}
					d := reconnectDelay(attempt)
					attempt++
					select {
					case <-time.After(d):
					case <-cctx.Done():
					}
					continue
				}
				attempt = 0
				if first {
					if connected.Add(1) == int64(c.conns) {
						upOnce.Do(func() { close(up) })
					}
					first = false
				} else {
					mu.Lock()
					backAt = append(backAt, time.Now())
					mu.Unlock()
				}
				// Read (answering pings) until the connection is lost.
				go func() { <-cctx.Done(); conn.close() }()
				for {
					b, err := conn.read()
					if err != nil {
						break
					}
					if isPing(b) {
						_ = conn.write([]byte("3"))
					}
				}
				conn.close()
				select {
				case <-time.After(reconnectDelay(0)):
				case <-cctx.Done():
				}
				attempt = 1
			}
		}()
	}
	select {
	case <-up:
	case <-time.After(2 * time.Minute):
		cancel()
		wg.Wait()
		return Result{}, fmt.Errorf("only %d of %d clients connected", connected.Load(), c.conns)
	case <-ctx.Done():
		cancel()
		wg.Wait()
		return Result{}, ctx.Err()
	}
	rssUp := procRSS(srv.pid())
	mu.Lock()
	killedAt = time.Now()
	mu.Unlock()
	srv.kill()
	if err := srv.start(ctx); err != nil {
		cancel()
		wg.Wait()
		return Result{}, err
	}
	t0 := srv.startedAt
	m := startMeter(srv.pid())
	var peak int64
	deadline := time.Now().Add(c.duration)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(backAt)
		mu.Unlock()
		peak = max(peak, procRSS(srv.pid()))
		if n >= c.conns {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, gen, srvCores, srvCPU := m.stop()
	cancel()
	wg.Wait()
	mu.Lock()
	back := slices.Clone(backAt)
	mu.Unlock()
	slices.SortFunc(back, func(a, b time.Time) int { return a.Compare(b) })
	at := func(frac float64) float64 {
		need := int(frac*float64(c.conns) + 0.999)
		if need == 0 || len(back) < need {
			return -1
		}
		return back[need-1].Sub(t0).Seconds()
	}
	res := Result{Metrics: map[string]float64{
		"clients":            float64(c.conns),
		"restart_s":          t0.Sub(killedAt).Seconds(),
		"back_99_s":          at(0.99),
		"back_100_s":         at(1),
		"reconnected":        float64(len(back)),
		"lost":               float64(c.conns - len(back)),
		"failed_handshake":   float64(failed.Load()),
		"refused_while_down": float64(refused.Load()),
		"rss_before_mb":      float64(rssUp) / (1 << 20),
		"rss_peak_mb":        float64(peak) / (1 << 20),
		"server_cpu_s":       srvCPU.Seconds(),
		"server_cores":       srvCores,
		"gen_cores":          gen,
	}}
	if len(back) < c.conns {
		res.Errors = append(res.Errors, fmt.Sprintf("%d of %d clients not back within %v", c.conns-len(back), c.conns, c.duration))
	}
	return res, nil
}

// reconnectDelay is socket.io-client's default backoff for attempt n
// (from 0): 1 s doubling up to 5 s, moved by up to ±50%.
func reconnectDelay(n int) time.Duration {
	d := time.Second << min(n, 3)
	d = min(d, 5*time.Second)
	dev := time.Duration(rand.Float64() * 0.5 * float64(d))
	if rand.IntN(2) == 0 {
		return d - dev
	}
	return min(d+dev, 5*time.Second)
}

// proc is a server process the generator starts, kills and restarts.
type proc struct {
	args      []string
	mu        sync.Mutex
	cmd       *exec.Cmd
	up        atomic.Bool
	startedAt time.Time
}

// startProc starts the command line (split on spaces) and waits for its
// "listening" line.
func startProc(ctx context.Context, line string) (*proc, error) {
	p := &proc{args: strings.Fields(line)}
	return p, p.start(ctx)
}

func (p *proc) start(ctx context.Context) error {
	cmd := exec.Command(p.args[0], p.args[1:]...)
	cmd.Env = os.Environ()
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting the server: %w", err)
	}
	p.mu.Lock()
	p.cmd = cmd
	p.mu.Unlock()
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "listening") {
				p.startedAt = time.Now()
				p.up.Store(true)
				close(ready)
				break
			}
		}
		for sc.Scan() {
		}
	}()
	select {
	case <-ready:
		return nil
	case <-time.After(20 * time.Second):
	case <-ctx.Done():
	}
	p.kill()
	return errors.New("the server did not start listening")
}

func (p *proc) listening() bool { return p.up.Load() }

func (p *proc) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd.Process.Pid
}

// kill ends the server with SIGKILL and waits for it.
func (p *proc) kill() {
	p.mu.Lock()
	cmd := p.cmd
	p.mu.Unlock()
	p.up.Store(false)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()
}

// stop ends the server with SIGTERM (SIGKILL after 5 s) and waits for it.
func (p *proc) stop() {
	p.mu.Lock()
	cmd := p.cmd
	p.mu.Unlock()
	if cmd.ProcessState != nil {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	t := time.AfterFunc(5*time.Second, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	_ = cmd.Wait()
	t.Stop()
}
