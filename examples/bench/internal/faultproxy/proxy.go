// Package faultproxy is the fault-injecting TCP proxy of the churn
// scenarios of examples/bench: it forwards connections to a server and can
// add latency and jitter to everything it forwards, reset connections
// (both sides get a TCP RST) and stall the server-to-client direction of
// chosen connections, as a client that stops reading would. It dials the
// server from several loopback source addresses in turn, so that many
// short-lived connections do not run out of ports.
package faultproxy

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"time"
)

// Options configures a [Proxy].
type Options struct {
	// Target is the server's address, such as "127.0.0.1:3300".
	Target string
	// Listen is the proxy's address. Default "127.0.0.1:0".
	Listen string
	// Sources are the local addresses the proxy dials the server from, in
	// turn. Default: the system's choice.
	Sources []string
	// Latency is added to every chunk forwarded, in both directions.
	// Default 0.
	Latency time.Duration
	// Jitter adds a uniformly random extra delay in [0, Jitter) to each
	// chunk; chunks keep their order. Default 0.
	Jitter time.Duration
}

// Proxy forwards TCP connections from clients to a server.
type Proxy struct {
	opts Options
	ln   net.Listener
	wg   sync.WaitGroup

	mu     sync.Mutex
	next   int
	closed bool
	pairs  map[*Pair]struct{}
}

// Pair is one forwarded connection: the client's and the server's side.
type Pair struct {
	client, server net.Conn
	once           sync.Once
	dead           chan struct{} // closed by reset
	mu             sync.Mutex
	stallUntil     time.Time
}

// New listens and starts forwarding.
func New(opts Options) (*Proxy, error) {
	if opts.Listen == "" {
		opts.Listen = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, err
	}
	p := &Proxy{opts: opts, ln: ln, pairs: make(map[*Pair]struct{})}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr returns the proxy's address.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			p.mu.Lock()
			closed := p.closed
			p.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // out of descriptors, or an aborted connection: go on
			continue
		}
		p.wg.Add(1)
		go p.open(c)
	}
}

// open dials the server for client c and forwards both ways.
func (p *Proxy) open(c net.Conn) {
	defer p.wg.Done()
	d := net.Dialer{Timeout: 10 * time.Second}
	p.mu.Lock()
	if len(p.opts.Sources) > 0 {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(p.opts.Sources[p.next%len(p.opts.Sources)])}
		p.next++
	}
	p.mu.Unlock()
	s, err := d.Dial("tcp", p.opts.Target)
	if err != nil {
		_ = c.Close()
		return
	}
	pair := &Pair{client: c, server: s, dead: make(chan struct{})}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		pair.reset()
		return
	}
	p.pairs[pair] = struct{}{}
	p.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pump(pair, s, c, nil) }()
	go func() { defer wg.Done(); p.pump(pair, c, s, pair) }()
	wg.Wait()
	pair.reset()
	p.mu.Lock()
	delete(p.pairs, pair)
	p.mu.Unlock()
}

// pump copies src to dst chunk by chunk, each after the added delay; a
// stall (downstream only: stall is the pair) stops reading src meanwhile.
func (p *Proxy) pump(pair *Pair, dst, src net.Conn, stall *Pair) {
	defer pair.reset()
	delayed := p.opts.Latency > 0 || p.opts.Jitter > 0
	type chunk struct {
		at time.Time
		b  []byte
	}
	var queue chan chunk
	done := make(chan struct{})
	if delayed {
		// A writer goroutine keeps reads going while chunks wait.
		queue = make(chan chunk, 256)
		go func() {
			defer close(done)
			for ch := range queue {
				time.Sleep(time.Until(ch.at))
				if _, err := dst.Write(ch.b); err != nil {
					pair.reset()
					for range queue {
					}
					return
				}
			}
		}()
	} else {
		close(done)
	}
	defer func() {
		if queue != nil {
			close(queue)
		}
		<-done
	}()
	var last time.Time
	buf := make([]byte, 32<<10)
	for {
		if stall != nil {
			stall.waitStall()
		}
		n, err := src.Read(buf)
		if n > 0 && stall != nil {
			stall.waitStall() // what was read before the stall waits too
		}
		if n > 0 {
			if !delayed {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			} else {
				at := time.Now().Add(p.opts.Latency)
				if p.opts.Jitter > 0 {
					at = at.Add(rand.N(p.opts.Jitter))
				}
				if at.Before(last) {
					at = last // in order
				}
				last = at
				queue <- chunk{at, append([]byte(nil), buf[:n]...)}
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return
			}
			// A clean close: pass it on after what is queued.
			if queue != nil {
				close(queue)
				<-done
				queue = nil
			}
			if tc, ok := dst.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			return
		}
	}
}

// waitStall returns when the pair is not stalled, or reset.
func (pair *Pair) waitStall() {
	for {
		pair.mu.Lock()
		d := time.Until(pair.stallUntil)
		pair.mu.Unlock()
		if d <= 0 {
			return
		}
		select {
		case <-time.After(min(d, 20*time.Millisecond)):
		case <-pair.dead:
			return
		}
	}
}

// reset closes both sides with a TCP RST.
func (pair *Pair) reset() {
	pair.once.Do(func() {
		close(pair.dead)
		for _, c := range []net.Conn{pair.client, pair.server} {
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = c.Close()
		}
	})
}

// Pairs returns the connections being forwarded.
func (p *Proxy) Pairs() []*Pair {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*Pair, 0, len(p.pairs))
	for pair := range p.pairs {
		out = append(out, pair)
	}
	return out
}

// Reset resets a random fraction of the connections being forwarded and
// returns how many.
func (p *Proxy) Reset(fraction float64) int {
	pairs := p.Pairs()
	n := int(fraction*float64(len(pairs)) + rand.Float64()) // rounded at random: the mean is exact
	rand.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	for _, pair := range pairs[:min(n, len(pairs))] {
		pair.reset()
	}
	return min(n, len(pairs))
}

// Stall stops reading from the server side of pair (the client stops
// getting anything) for d.
func (pair *Pair) Stall(d time.Duration) {
	pair.mu.Lock()
	pair.stallUntil = time.Now().Add(d)
	pair.mu.Unlock()
}

// ClientAddr returns the address of the pair's client side, as the
// client sees its own local address.
func (pair *Pair) ClientAddr() string { return pair.client.RemoteAddr().String() }

// Close stops the proxy and resets every connection.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	p.closed = true
	pairs := make([]*Pair, 0, len(p.pairs))
	for pair := range p.pairs {
		pairs = append(pairs, pair)
	}
	p.mu.Unlock()
	for _, pair := range pairs {
		pair.reset()
	}
	p.wg.Wait()
	return err
}
