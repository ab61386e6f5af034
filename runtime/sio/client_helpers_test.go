package sio_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// clServerLog is what a test server reports, as JSON lines: the Node script's
// stdout (nodetest.Proc), or a clRecorder for our server.
type clServerLog interface {
	Expect(event string, timeout time.Duration) map[string]any
}

// clExpectGot returns the next "got" line for the event name in nsp,
// skipping other lines.
func clExpectGot(t testing.TB, log clServerLog, nsp, name string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := log.Expect("got", time.Until(deadline))
		if m["nsp"] == nsp && m["name"] == name {
			return m
		}
	}
}

// clRecorder collects our server's lines in the Node script's format.
type clRecorder struct {
	t  testing.TB
	ch chan map[string]any
}

func newClRecorder(t testing.TB) *clRecorder {
	return &clRecorder{t: t, ch: make(chan map[string]any, 4096)}
}

func (r *clRecorder) add(m map[string]any) {
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	var n map[string]any
	_ = json.Unmarshal(b, &n)
	select {
	case r.ch <- n:
	default:
	}
}

func (r *clRecorder) Expect(event string, timeout time.Duration) map[string]any {
	r.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case m := <-r.ch:
			if m["event"] == event {
				return m
			}
		case <-deadline:
			r.t.Fatalf("no %q line clWithin %v", event, timeout)
			return nil
		}
	}
}

// clArgs decodes arguments as the Node script prints them: buffers
// (at the top level) as {"$bin":"<hex>"}.
func clArgs(a sio.Args) []any {
	out := make([]any, a.Len())
	for i := range out {
		var v any
		_ = a.At(i).Decode(&v)
		if m, ok := v.(map[string]any); ok && m["_placeholder"] == true {
			var b []byte
			if a.At(i).Decode(&b) == nil {
				v = map[string]any{"$bin": hex.EncodeToString(b)}
			}
		}
		out[i] = v
	}
	return out
}

// clGoServer is our server behaving as testdata/node-server.js does (except
// "drop", which tests do with a proxy).
type clGoServer struct {
	srv   *sio.Server
	url   string
	log   *clRecorder
	close func() // idempotent; also run at cleanup
}

func startClGoServer(t testing.TB, opts *sio.ServerOptions, wrap func(http.Handler) http.Handler) *clGoServer {
	t.Helper()
	srv := sio.NewServer(opts)
	rec := newClRecorder(t)
	var flakyMu sync.Mutex
	flaky := map[string]int{}
	for _, name := range []string{"/", "/chat"} {
		ns := srv.Of(name)
		ns.OnConnection(func(s *sio.Socket) {
			var auth any
			_ = s.Handshake().Auth.Decode(&auth)
			rec.add(map[string]any{"event": "connection", "nsp": name, "id": s.ID(), "auth": auth, "recovered": s.Recovered(), "transport": s.Transport()})
			if !s.Recovered() {
				_ = s.Emit("welcome", map[string]any{"nsp": name, "id": s.ID(), "auth": auth})
			}
			s.OnAny(func(e *sio.Event) {
				rec.add(map[string]any{"event": "got", "nsp": name, "name": e.Name, "args": clArgs(e.Args), "ack": e.WantsAck()})
			})
			s.OnDisconnect(func(r sio.DisconnectReason) {
				rec.add(map[string]any{"event": "disconnect", "nsp": name, "id": s.ID(), "reason": string(r)})
			})
		})
		ns.On("echo", func(s *sio.Socket, e *sio.Event) {
			if e.WantsAck() {
				_ = e.Ack(e.Values()...)
			} else {
				_ = s.Emit("echo", e.Values()...)
			}
		})
		ns.On("ask", func(s *sio.Socket, e *sio.Event) {
			payload := e.At(0)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				a, err := s.EmitWithAck(ctx, "question", payload)
				line := map[string]any{"event": "answer", "nsp": name, "err": nil, "ans": clArgs(a)}
				if err != nil {
					line["err"] = err.Error()
				}
				rec.add(line)
			}()
		})
		ns.On("kick", func(s *sio.Socket, e *sio.Event) { s.Disconnect(false) })
		ns.On("burst", func(s *sio.Socket, e *sio.Event) {
			var b struct{ N int }
			_ = e.Decode(&b)
			for i := 0; i < b.N; i++ {
				_ = s.Emit("tick", i)
			}
		})
		ns.On("flaky", func(s *sio.Socket, e *sio.Event) {
			var key string
			_ = e.Decode(&key)
			flakyMu.Lock()
			flaky[key]++
			n := flaky[key]
			flakyMu.Unlock()
			if n >= 3 && e.WantsAck() {
				_ = e.Ack("ok", key)
			}
		})
	}
	srv.Of("/private").Use(func(ctx context.Context, s *sio.Socket) error {
		return &sio.Error{Code: sio.CodeUnauthenticated, Message: "not authorized", Details: map[string]any{"reason": "nope"}}
	})
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(h)
	}
	hs := httptest.NewServer(h)
	var once sync.Once
	stop := func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
			hs.CloseClientConnections()
			hs.Close()
		})
	}
	t.Cleanup(stop)
	return &clGoServer{srv: srv, url: hs.URL, log: rec, close: stop}
}

// startClNodeServer runs testdata/node-server.js with cfg and returns it with
// its URL.
func startClNodeServer(t testing.TB, cfg map[string]any) (*nodetest.Proc, string, int) {
	t.Helper()
	b, _ := json.Marshal(cfg)
	p := nodetest.Start(t, "runtime/sio/testdata/node-server.js", string(b))
	port := int(p.Expect("listening", 20*time.Second)["port"].(float64))
	return p, fmt.Sprintf("http://127.0.0.1:%d", port), port
}

// clFastOpts are client options with short reconnection delays.
func clFastOpts(transports []string) *sio.ClientOptions {
	return &sio.ClientOptions{
		Transports:           transports,
		ReconnectionDelay:    100 * time.Millisecond,
		ReconnectionDelayMax: 400 * time.Millisecond,
		Timeout:              5 * time.Second,
	}
}

// clClose closes m and waits for its goroutines.
func clClose(t testing.TB, m *sio.Manager) {
	t.Helper()
	_ = m.Close()
	select {
	case <-m.Done():
	case <-time.After(15 * time.Second):
		t.Error("manager goroutines still running 15s after Close")
	}
}

// clWithin waits for a value on ch.
func clWithin[T any](t testing.TB, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(15 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

var clModes = []struct {
	name       string
	transports []string
}{
	{"polling", []string{engineio.TransportPolling}},
	{"websocket", []string{engineio.TransportWebsocket}},
	{"upgrade", nil},
}

// clProxy forwards TCP connections to a server and can drop them, refuse
// new ones, or stall them.
type clProxy struct {
	ln     net.Listener
	target string
	wg     sync.WaitGroup

	mu    sync.Mutex
	down  bool
	pairs map[*clPipe]struct{}
}

type clPipe struct {
	c, b    net.Conn
	stalled atomic.Bool
	once    sync.Once
	closed  chan struct{}
}

func (p *clPipe) close() {
	p.once.Do(func() {
		close(p.closed)
		_ = p.c.Close()
		_ = p.b.Close()
	})
}

func newClProxy(t testing.TB, targetURL string) (*clProxy, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	target := targetURL[len("http://"):]
	p := &clProxy{ln: ln, target: target, pairs: map[*clPipe]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p, "http://" + ln.Addr().String()
}

func (p *clProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		b, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		pair := &clPipe{c: c, b: b, closed: make(chan struct{})}
		p.pairs[pair] = struct{}{}
		p.wg.Add(2)
		p.mu.Unlock()
		go p.pipe(pair, c, b)
		go p.pipe(pair, b, c)
	}
}

func (p *clProxy) pipe(pair *clPipe, dst, src net.Conn) {
	defer p.wg.Done()
	defer pair.close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if pair.stalled.Load() {
			// Nothing goes through, not even a close.
			<-pair.closed
			return
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// drop closes every connection; with down, new ones are refused until up.
func (p *clProxy) drop(down bool) {
	p.mu.Lock()
	p.down = down
	pairs := p.pairs
	p.pairs = map[*clPipe]struct{}{}
	p.mu.Unlock()
	for pair := range pairs {
		pair.close()
	}
}

func (p *clProxy) up() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// stall stops forwarding anything, closes included, on current
// connections: the peers only see silence.
func (p *clProxy) stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for pair := range p.pairs {
		pair.stalled.Store(true)
	}
}

func (p *clProxy) close() {
	_ = p.ln.Close()
	p.drop(true)
	p.wg.Wait()
}

// clFaultHandler wraps a server and drops the TCP connection of chosen
// requests before they are answered.
type clFaultHandler struct {
	h           http.Handler
	dropPolls   atomic.Int32 // when set, drop every polling GET of the next session seen
	mu          sync.Mutex
	sid         string
	dropUpgrade atomic.Bool // drop websocket requests of a polling session
	dropped     atomic.Int32
}

func (f *clFaultHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("sid") != "" {
		drop := false
		switch q.Get("transport") {
		case engineio.TransportPolling:
			if r.Method == http.MethodGet && f.dropPolls.Load() > 0 {
				f.mu.Lock()
				if f.sid == "" {
					f.sid = q.Get("sid")
				}
				drop = f.sid == q.Get("sid")
				f.mu.Unlock()
			}
		case engineio.TransportWebsocket:
			drop = f.dropUpgrade.Load()
		}
		if drop {
			f.dropped.Add(1)
			if hj, ok := w.(http.Hijacker); ok {
				if c, _, err := hj.Hijack(); err == nil {
					_ = c.Close()
					return
				}
			}
		}
	}
	f.h.ServeHTTP(w, r)
}
