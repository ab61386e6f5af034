package sio_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// gate stalls a Go client's network: its websocket reads, or its polling
// GETs, wait while the gate is shut. The server then sees a slow consumer
// whose kernel buffers fill (websocket) or that stops polling.
type gate struct {
	mu      sync.Mutex
	open    chan struct{} // closed while the gate is open
	blocked chan struct{} // capacity 1: something waits at the gate
}

func newGate() *gate {
	g := &gate{open: make(chan struct{}), blocked: make(chan struct{}, 1)}
	close(g.open)
	return g
}

// shut makes reads and GETs wait from now on.
func (g *gate) shut() {
	g.mu.Lock()
	g.open = make(chan struct{})
	g.mu.Unlock()
}

// release lets everything through again.
func (g *gate) release() {
	g.mu.Lock()
	select {
	case <-g.open:
	default:
		close(g.open)
	}
	g.mu.Unlock()
}

// pass waits while the gate is shut.
func (g *gate) pass() {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	select {
	case <-open:
		return
	default:
	}
	select {
	case g.blocked <- struct{}{}:
	default:
	}
	<-open
}

type gatedConn struct {
	net.Conn
	g *gate
}

func (c gatedConn) Read(b []byte) (int, error) {
	c.g.pass()
	return c.Conn.Read(b)
}

// gatedListener accepts connections whose writes wait while g is shut:
// the server's side of a websocket then stalls deterministically, its
// writer blocked at the gate (without a file descriptor to write to
// without blocking, every write goes through the session's writer).
// Only the connection from the address slow holds is gated, when slow is
// set: other clients of the server stay fast.
type gatedListener struct {
	net.Listener
	g    *gate
	slow *atomic.Value // string: the slow client's websocket address
}

func (l gatedListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return gatedWriter{c, l}, nil
}

type gatedWriter struct {
	net.Conn
	l gatedListener
}

func (c gatedWriter) Write(b []byte) (int, error) {
	if c.l.slow == nil || c.RemoteAddr().String() == c.l.slow.Load() {
		c.l.g.pass()
	}
	return c.Conn.Write(b)
}

type gatedTransport struct{ g *gate }

func (t gatedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet {
		t.g.pass()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// bpRig is a server and a Go client over transport whose network a gate
// can stall, with the server's drops counted by reason and the client's
// "pos" events recorded up to its "end" event.
type bpRig struct {
	srv     *sio.Server
	url     string
	log     *logSink
	sockets chan *sio.Socket
	rec     *recorder // server: disconnect reasons
	g       *gate     // the client's polling GETs
	sg      *gate     // the server's writes to the client
	slow    atomic.Value
	cs      *sio.ClientSocket

	mu    sync.Mutex
	drops map[sio.DropReason]int
	pos   []string
	ends  chan struct{}
}

func newBPRig(t *testing.T, transport string) *bpRig {
	t.Helper()
	r := &bpRig{sockets: make(chan *sio.Socket, 2), rec: newRecorder(), g: newGate(), sg: newGate(),
		drops: map[sio.DropReason]int{}, ends: make(chan struct{}, 10), log: newLogSink(slog.LevelDebug)}
	obs := sio.Observer{Dropped: func(p sio.PacketInfo, reason sio.DropReason) {
		r.mu.Lock()
		r.drops[reason]++
		r.mu.Unlock()
	}}
	srv := sio.NewServer(&sio.ServerOptions{
		Observers: []sio.Observer{obs},
		Logger:    slog.New(r.log),
		Engine:    &engineio.ServerOptions{WriteTimeout: time.Minute},
	})
	srv.Of("/").OnConnection(func(s *sio.Socket) {
		s.Join("all")
		s.OnDisconnect(func(reason sio.DisconnectReason) { r.rec.add("disconnect %s", reason) })
		r.sockets <- s
	})
	hs := httptest.NewUnstartedServer(srv)
	r.slow.Store("")
	hs.Listener = gatedListener{hs.Listener, r.sg, &r.slow}
	hs.Start()
	t.Cleanup(func() {
		r.sg.release()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		hs.CloseClientConnections()
		hs.Close()
	})
	url := hs.URL
	r.srv, r.url = srv, url
	eng := &engineio.DialOptions{
		HTTPClient: &http.Client{Transport: gatedTransport{r.g}},
		Dialer: &websocket.Dialer{NetDial: func(network, addr string) (net.Conn, error) {
			c, err := net.Dial(network, addr)
			if err != nil {
				return nil, err
			}
			r.slow.Store(c.LocalAddr().String())
			return gatedConn{c, r.g}, nil
		}},
	}
	cs, err := sio.NewSocket(url, &sio.ClientOptions{Transports: []string{transport}, Engine: eng,
		ReconnectionDelay: time.Millisecond, ReconnectionDelayMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	cs.On("pos", func(e *sio.ClientEvent) {
		r.mu.Lock()
		r.pos = append(r.pos, string(e.At(0).JSON()))
		r.mu.Unlock()
	})
	cs.On("end", func(e *sio.ClientEvent) { r.ends <- struct{}{} })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		r.g.release()
		_ = cs.Manager().Close()
	})
	r.cs = cs
	return r
}

// socket returns the next socket the server connected.
func (r *bpRig) socket(t *testing.T) *sio.Socket {
	t.Helper()
	select {
	case s := <-r.sockets:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no socket connected")
		return nil
	}
}

// stall makes s's client a slow consumer and returns how many messages
// then wait in s's queue: over polling its GETs wait at the client's gate,
// over websocket the server's writes at the server's.
func (r *bpRig) stall(t *testing.T, s *sio.Socket) int {
	t.Helper()
	if s.Transport() == engineio.TransportPolling {
		r.g.shut()
		return stallAt(t, s, r.g, "the client's GET")
	}
	r.sg.shut()
	return stallAt(t, s, r.sg, "the server's writer")
}

// stallAt emits a filler, which the writer of s's connection (a held GET,
// or the websocket's writer) takes and which then waits at g, shut; then
// another, which waits in the queue. It returns how many messages wait.
func stallAt(t *testing.T, s *sio.Socket, g *gate, what string) int {
	t.Helper()
	if err := s.Emit("fill", "x"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-g.blocked:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not block", what)
	}
	if err := s.Emit("fill", "x"); err != nil {
		t.Fatal(err)
	}
	return sio.Queued(s)
}

// end emits "end", releases the gate and waits for the client to get it.
func (r *bpRig) end(t *testing.T, s *sio.Socket) {
	t.Helper()
	if err := s.Emit("end"); err != nil {
		t.Fatal(err)
	}
	r.g.release()
	r.sg.release()
	select {
	case <-r.ends:
	case <-time.After(20 * time.Second):
		t.Fatalf("the client did not get the end; %d wait; client connected %v, server %v", sio.Queued(s), r.cs.Connected(), s.Connected())
	}
}

func (r *bpRig) dropped(reason sio.DropReason) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.drops[reason]
}

var bpTransports = []string{engineio.TransportPolling, engineio.TransportWebsocket}

// TestBackpressureLatest: a slow consumer is sent 400 positions of 8
// entities under BackpressureLatest; its queue holds one per entity, and
// once it reads it gets the newest of each, in their order, and nothing
// older; 392 are counted as superseded.
func TestBackpressureLatest(t *testing.T) {
	t.Parallel()
	for _, transport := range bpTransports {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			r := newBPRig(t, transport)
			s := r.socket(t)
			waiting := r.stall(t, s)
			const sends, keys = 400, 8
			var want []string
			for i := range sends {
				k := fmt.Sprint("e", i%keys)
				in := fmt.Sprintf(`{"id":%q,"i":%d}`, k, i)
				if i >= sends-keys {
					want = append(want, in)
				}
				err := s.Backpressure(sio.Backpressure{Mode: sio.BackpressureLatest, Key: k}).Emit("pos", sio.NewRaw([]byte(in)))
				if err != nil {
					t.Fatal(err)
				}
				if n := sio.Queued(s); n > waiting+keys {
					t.Fatalf("after %d emits %d messages wait, want at most %d", i+1, n, waiting+keys)
				}
			}
			if n := sio.Queued(s); n != waiting+keys {
				t.Fatalf("%d messages wait, want %d", n, waiting+keys)
			}
			r.end(t, s)
			r.mu.Lock()
			got := strings.Join(r.pos, " ")
			r.mu.Unlock()
			if got != strings.Join(want, " ") {
				t.Errorf("received %s\nwant %s", got, strings.Join(want, " "))
			}
			if n := r.dropped(sio.DropSuperseded); n != sends-keys {
				t.Errorf("%d superseded, want %d", n, sends-keys)
			}
		})
	}
}

// TestBackpressureVolatile: volatile emits to a slow consumer are dropped
// and counted, without a disconnection; the consumer gets what was queued
// before and after them.
func TestBackpressureVolatile(t *testing.T) {
	t.Parallel()
	for _, transport := range bpTransports {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			r := newBPRig(t, transport)
			s := r.socket(t)
			waiting := r.stall(t, s)
			for i := range 50 {
				err := s.Backpressure(sio.Backpressure{Mode: sio.BackpressureVolatile}).Emit("pos", i)
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := sio.Queued(s); n != waiting {
				t.Errorf("%d messages wait, want %d", n, waiting)
			}
			if n := r.dropped(sio.DropVolatile); n != 50 {
				t.Errorf("%d dropped, want 50", n)
			}
			r.end(t, s)
			r.mu.Lock()
			defer r.mu.Unlock()
			if len(r.pos) > 0 || !s.Connected() {
				t.Errorf("received %q; connected %v", r.pos, s.Connected())
			}
			// Counted in the debug log, not one record per drop.
			n := 0
			for _, rec := range r.log.records() {
				if rec.Msg == "packets dropped by back-pressure" {
					n++
				}
			}
			if n != 6 { // the 1st, 2nd, 4th, 8th, 16th and 32nd
				t.Errorf("%d records of drops, want 6", n)
			}
		})
	}
}

// TestBackpressureQueueBound: an emit that would make more than Max
// messages wait closes a slow consumer's connection with "send queue
// full"; the server's socket and its observer see that reason, and the
// client, once it reads, the close, after which it reconnects.
func TestBackpressureQueueBound(t *testing.T) {
	t.Parallel()
	for _, transport := range bpTransports {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			r := newBPRig(t, transport)
			disconnected := make(chan sio.DisconnectReason, 1)
			r.cs.OnDisconnect(func(reason sio.DisconnectReason) {
				select {
				case disconnected <- reason:
				default:
				}
			})
			s := r.socket(t)
			waiting := r.stall(t, s)
			bp := s.Backpressure(sio.Backpressure{Max: waiting + 1})
			if err := bp.Emit("pos", 1); err != nil {
				t.Fatalf("first emit: %v", err)
			}
			if err := bp.Emit("pos", 2); err == nil {
				t.Fatal("second emit: no error")
			}
			r.rec.wait(t, "disconnect send queue full", 10*time.Second)
			rec := r.log.wait(t, "slow client disconnected", map[string]string{"reason": "send queue full"})
			if rec.Level != slog.LevelWarn {
				t.Errorf("logged at %v, want a warning", rec.Level)
			}
			if n := r.dropped(sio.DropQueueFull); n != 1 {
				t.Errorf("%d dropped for the queue, want 1", n)
			}
			r.g.release()
			r.sg.release()
			select {
			case reason := <-disconnected:
				if reason == sio.ReasonIOServerDisconnect || reason == sio.ReasonIOClientDisconnect {
					t.Errorf("client disconnected with %q, want a lost connection", reason)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the client did not see the close")
			}
			if s2 := r.socket(t); s2.ID() == s.ID() {
				t.Errorf("reconnected with the same socket")
			}
		})
	}
}

// TestBackpressureBroadcast broadcasts positions under BackpressureLatest
// to a slow consumer and a fast one, one at a time as the fast one gets
// them: the fast one gets every position, the slow one the newest of each
// entity.
func TestBackpressureBroadcast(t *testing.T) {
	t.Parallel()
	for _, transport := range bpTransports {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			r := newBPRig(t, transport)
			slow := r.socket(t)
			var mu sync.Mutex
			var fast []string
			got := make(chan struct{}, 1)
			fc, err := sio.NewSocket(r.url, &sio.ClientOptions{Transports: []string{transport}})
			if err != nil {
				t.Fatal(err)
			}
			fc.On("pos", func(e *sio.ClientEvent) {
				mu.Lock()
				fast = append(fast, string(e.At(0).JSON()))
				mu.Unlock()
				got <- struct{}{}
			})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := fc.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			defer fc.Manager().Close()
			r.socket(t)
			waiting := r.stall(t, slow)
			const sends, keys = 200, 4
			var all, newest []string
			for i := range sends {
				k := fmt.Sprint("e", i%keys)
				in := fmt.Sprintf(`{"id":%q,"i":%d}`, k, i)
				all = append(all, in)
				if i >= sends-keys {
					newest = append(newest, in)
				}
				bp := sio.Backpressure{Mode: sio.BackpressureLatest, Key: k}
				if err := r.srv.Of("/").To("all").Backpressure(bp).Emit("pos", sio.NewRaw([]byte(in))); err != nil {
					t.Fatal(err)
				}
				select {
				case <-got:
				case <-time.After(10 * time.Second):
					t.Fatalf("the fast client did not get position %d", i)
				}
			}
			if n := sio.Queued(slow); n != waiting+keys {
				t.Errorf("%d messages wait for the slow client, want %d", n, waiting+keys)
			}
			r.end(t, slow)
			mu.Lock()
			if got := strings.Join(fast, " "); got != strings.Join(all, " ") {
				t.Errorf("fast client received %s", got)
			}
			mu.Unlock()
			r.mu.Lock()
			defer r.mu.Unlock()
			if got := strings.Join(r.pos, " "); got != strings.Join(newest, " ") {
				t.Errorf("slow client received %s\nwant %s", got, strings.Join(newest, " "))
			}
		})
	}
}
