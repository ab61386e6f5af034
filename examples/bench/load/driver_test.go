package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeServer speaks just enough Socket.IO over gorilla/websocket for the
// driver: the open packet, the CONNECT reply, echo acks and bcast to
// every connection. With greet set it also sends, right after the CONNECT
// reply, an Engine.IO ping, a WebSocket ping and a 70,000-byte message,
// and records the answers in got.
type fakeServer struct {
	greet bool
	mu    sync.Mutex
	conns map[*websocket.Conn]*sync.Mutex
	got   []string
}

func (s *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	var wmu sync.Mutex
	write := func(typ int, b []byte) {
		wmu.Lock()
		defer wmu.Unlock()
		_ = ws.WriteMessage(typ, b)
	}
	ws.SetPongHandler(func(data string) error {
		s.record("pong " + data)
		return nil
	})
	write(websocket.TextMessage, []byte(`0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000}`))
	for {
		_, m, err := ws.ReadMessage()
		if err != nil {
			break
		}
		switch {
		case string(m) == "40":
			s.mu.Lock()
			if s.conns == nil {
				s.conns = map[*websocket.Conn]*sync.Mutex{}
			}
			s.conns[ws] = &wmu
			s.mu.Unlock()
			write(websocket.TextMessage, []byte(`40{"sid":"y"}`))
			if s.greet {
				write(websocket.TextMessage, []byte("2"))
				wmu.Lock()
				_ = ws.WriteControl(websocket.PingMessage, []byte("hi"), time.Now().Add(time.Second))
				wmu.Unlock()
				write(websocket.TextMessage, bigMessage())
			}
		case string(m) == "3":
			s.record("eio pong")
		case bytes.HasPrefix(m, bcastPrefix):
			s.mu.Lock()
			for c, mu := range s.conns {
				mu.Lock()
				_ = c.WriteMessage(websocket.TextMessage, m)
				mu.Unlock()
			}
			s.mu.Unlock()
		case bytes.HasPrefix(m, []byte("42")):
			// 42<id>["echo",<arg>] → 43<id>[<arg>]
			i := bytes.IndexByte(m, '[')
			j := bytes.IndexByte(m, ',')
			write(websocket.TextMessage, append([]byte("43"+string(m[2:i])+"["), m[j+1:]...))
		}
	}
	s.mu.Lock()
	delete(s.conns, ws)
	s.mu.Unlock()
}

func (s *fakeServer) record(what string) {
	s.mu.Lock()
	s.got = append(s.got, what)
	s.mu.Unlock()
}

func bigMessage() []byte {
	return []byte(`42["big","` + strings.Repeat("x", 70000) + `"]`)
}

func startFake(t *testing.T, greet bool) (*fakeServer, string) {
	t.Helper()
	s := &fakeServer{greet: greet}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, strings.TrimPrefix(srv.URL, "http://")
}

// recorder is a handler that keeps every message.
type recorder struct {
	mu   sync.Mutex
	msgs []string
	errs []error
}

func (r *recorder) open(*peer) {}
func (r *recorder) message(_ *peer, m []byte) {
	r.mu.Lock()
	r.msgs = append(r.msgs, string(m))
	r.mu.Unlock()
}
func (r *recorder) closed(_ *peer, err error) {
	r.mu.Lock()
	r.errs = append(r.errs, err)
	r.mu.Unlock()
}

func TestDriverAnswersPingsAndReadsLargeFrames(t *testing.T) {
	s, addr := startFake(t, true)
	var r recorder
	d, err := startDriver(context.Background(), addr, 3, &r)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	want := string(bigMessage())
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.mu.Lock()
		s.mu.Lock()
		n, answers := len(r.msgs), len(s.got)
		s.mu.Unlock()
		r.mu.Unlock()
		if n == 3 && answers == 6 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d messages and %d answers, want 3 and 6", n, answers)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, m := range r.msgs {
		if m != want {
			t.Errorf("message of %d bytes, want %d", len(m), len(want))
		}
	}
	counts := map[string]int{}
	for _, g := range s.got {
		counts[g]++
	}
	if counts["eio pong"] != 3 || counts["pong hi"] != 3 {
		t.Errorf("server got %v, want 3 Engine.IO and 3 WebSocket pongs", s.got)
	}
	if len(r.errs) > 0 {
		t.Errorf("closed: %v", r.errs)
	}
}

func TestEchoAndBroadcast(t *testing.T) {
	_, addr := startFake(t, false)
	ctx := context.Background()
	res, err := runEcho(ctx, config{addr: addr, clients: 4, warmup: 50 * time.Millisecond, duration: 200 * time.Millisecond})
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("echo: %v %v", err, res.Errors)
	}
	if m := res.Metrics; m["acks_per_s"] <= 0 || m["bad_acks"] != 0 {
		t.Errorf("echo: %v", m)
	}
	res, err = runBroadcast(ctx, config{addr: addr, receivers: 5, rate: 200, duration: 300 * time.Millisecond})
	if err != nil || len(res.Errors) > 0 {
		t.Fatalf("broadcast: %v %v", err, res.Errors)
	}
	if m := res.Metrics; m["sent"] < 50 || m["drops"] != 0 || m["out_of_order"] != 0 || m["deliveries_per_s"] <= 0 {
		t.Errorf("broadcast: %v", m)
	}
}
