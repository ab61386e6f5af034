package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakePolling speaks just enough Engine.IO long-polling for runPolling:
// the handshake, the CONNECT reply and echo acks. It holds each GET until
// something is queued, puts an Engine.IO ping and a noop before every
// third ack so that they share its response, and streams every other
// response chunked.
type fakePolling struct {
	mu     sync.Mutex
	queue  [][]byte
	wake   chan struct{}
	acks   int
	pongs  atomic.Int32
	nextID atomic.Int32
}

func (s *fakePolling) push(pkts ...[]byte) {
	s.mu.Lock()
	s.queue = append(s.queue, pkts...)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *fakePolling) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("sid") == "" {
		_, _ = fmt.Fprintf(w, `0{"sid":"s%d","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`, s.nextID.Add(1))
		return
	}
	// One session per test server: the test runs one client.
	if r.Method == http.MethodPost {
		b, _ := io.ReadAll(r.Body)
		for _, pkt := range bytes.Split(b, []byte{0x1e}) {
			switch {
			case string(pkt) == "40":
				s.push([]byte(`40{"sid":"x"}`))
			case string(pkt) == "3":
				s.pongs.Add(1)
			case bytes.HasPrefix(pkt, []byte("42")):
				// 42<id>["echo",<arg>] → 43<id>[<arg>]
				id, arg, _ := bytes.Cut(pkt[2:], []byte(`["echo",`))
				ack := append(append(append([]byte("43"), id...), '['), arg...)
				s.mu.Lock()
				s.acks++
				n := s.acks
				s.mu.Unlock()
				if n%3 == 0 {
					s.push([]byte("2"), []byte("6"), ack)
				} else {
					s.push(ack)
				}
			}
		}
		_, _ = io.WriteString(w, "ok")
		return
	}
	for {
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		s.mu.Unlock()
		if len(batch) > 0 {
			body := bytes.Join(batch, []byte{0x1e})
			if len(body)%2 == 0 {
				_, _ = w.Write(body[:1])
				w.(http.Flusher).Flush() // chunked from here
				body = body[1:]
			}
			_, _ = w.Write(body)
			return
		}
		select {
		case <-s.wake:
		case <-r.Context().Done():
			return
		}
	}
}

func TestPolling(t *testing.T) {
	t.Parallel()
	fake := &fakePolling{wake: make(chan struct{}, 1)}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := runPolling(ctx, config{addr: addr, clients: 1, warmup: 50 * time.Millisecond, duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) > 0 || res.Metrics["bad_acks"] != 0 {
		t.Fatalf("errors: %v, bad acks %v", res.Errors, res.Metrics["bad_acks"])
	}
	if res.Metrics["acks_per_s"] <= 0 || res.Metrics["p99_ms"] <= 0 {
		t.Fatalf("no acks measured: %v", res.Metrics)
	}
	if fake.pongs.Load() == 0 {
		t.Fatal("no ping answered")
	}
}

// TestPollingBadAck checks that a wrong ack is counted and reported.
func TestPollingBadAck(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	pending := []string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("sid") == "" {
			_, _ = io.WriteString(w, `0{"sid":"s"}`)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			if string(b) == "40" {
				pending = append(pending, `40{"sid":"x"}`)
			} else {
				pending = append(pending, `431[{"wrong":true}]`)
			}
			_, _ = io.WriteString(w, "ok")
			return
		}
		_, _ = io.WriteString(w, strings.Join(pending, "\x1e"))
		pending = pending[:0]
	}))
	defer srv.Close()
	res, err := runPolling(context.Background(), config{addr: strings.TrimPrefix(srv.URL, "http://"), clients: 1, warmup: 10 * time.Millisecond, duration: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if res.Metrics["bad_acks"] == 0 || len(res.Errors) == 0 || !strings.Contains(res.Errors[0], `wrong`) {
		t.Fatalf("a wrong ack went unnoticed: %v %v", res.Metrics, res.Errors)
	}
}
