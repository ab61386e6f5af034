package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
)

// splitReader returns at most n bytes per Read.
type splitReader struct {
	r io.Reader
	n int
}

func (s *splitReader) Read(p []byte) (int, error) {
	return s.r.Read(p[:min(len(p), s.n)])
}

func TestRespReader(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 10000) // more than the initial buffer
	type want struct {
		status int
		body   string
		close  bool
	}
	for _, tc := range []struct {
		name   string
		stream string
		want   []want
	}{
		{
			name:   "content-length",
			stream: "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/html\r\n\r\nok",
			want:   []want{{200, "ok", false}},
		},
		{
			name: "node keep-alive, two responses back to back",
			stream: "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 12\r\ncache-control: no-store\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n431[{\"a\":1}]" +
				"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\n2\x1e432",
			want: []want{{200, `431[{"a":1}]`, false}, {200, "2\x1e432", false}},
		},
		{
			name:   "chunked with extension and trailer",
			stream: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\n431\r\nB\r\n[{\"a\":1}]\x1e2\r\n0\r\nX-Trailer: 1\r\n\r\n",
			want:   []want{{200, "431[{\"a\":1}]\x1e2", false}},
		},
		{
			name:   "chunked then content-length",
			stream: "HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: Chunked\r\n\r\n2\r\nok\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n6",
			want:   []want{{200, "ok", false}, {200, "6", false}},
		},
		{
			name:   "large body",
			stream: "HTTP/1.1 200 OK\r\nContent-Length: 10000\r\n\r\n" + long,
			want:   []want{{200, long, false}},
		},
		{
			name:   "large chunk",
			stream: fmt.Sprintf("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n", len(long), long),
			want:   []want{{200, long, false}},
		},
		{
			name:   "connection close",
			stream: "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbad",
			want:   []want{{400, "bad", true}},
		},
		{
			name:   "close-delimited body",
			stream: "HTTP/1.0 200 OK\r\n\r\nuntil the end",
			want:   []want{{200, "until the end", true}},
		},
		{
			name:   "1xx skipped, 204 without body",
			stream: "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
			want:   []want{{204, "", false}, {200, "", false}},
		},
	} {
		for _, split := range []int{1 << 20, 1, 2, 3, 7, 13} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, split), func(t *testing.T) {
				t.Parallel()
				rr := newRespReader(&splitReader{strings.NewReader(tc.stream), split})
				for i, w := range tc.want {
					resp, err := rr.read()
					if err != nil {
						t.Fatalf("response %d: %v", i, err)
					}
					if resp.status != w.status || string(resp.body) != w.body || resp.close != w.close {
						t.Fatalf("response %d: got %d %q close=%v, want %d %q close=%v",
							i, resp.status, resp.body, resp.close, w.status, w.body, w.close)
					}
				}
				if _, err := rr.read(); !errors.Is(err, errNoResponse) {
					t.Fatalf("after the last response: got %v, want errNoResponse", err)
				}
			})
		}
	}
}

func TestRespReaderErrors(t *testing.T) {
	t.Parallel()
	for _, stream := range []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok",               // truncated body
		"HTTP/1.1 200 OK\r\nContent-Len",                               // truncated head
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", // truncated chunk
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",  // bad chunk size
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n",
		"SSH-2.0-OpenSSH\r\n\r\n",
		"HTTP/1.1 2000 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
	} {
		rr := newRespReader(iotest.OneByteReader(strings.NewReader(stream)))
		resp, err := rr.read()
		if err == nil || errors.Is(err, errNoResponse) {
			t.Errorf("%q: got %d %q, %v; want an error", stream, resp.status, resp.body, err)
		}
	}
}

// TestHTTPConn runs the client against net/http: Content-Length and
// chunked responses on one kept-alive connection, a server that closes
// the connection, and one that drops kept-alive connections.
func TestHTTPConn(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	var dropNext atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("GET /cl", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "0\x1e2")
	})
	mux.HandleFunc("GET /chunked", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "43")
		w.(http.Flusher).Flush() // no Content-Length then: chunked
		_, _ = io.WriteString(w, "1[{}]")
	})
	mux.HandleFunc("GET /close", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close")
		_, _ = io.WriteString(w, "bye")
	})
	mux.HandleFunc("GET /drop", func(w http.ResponseWriter, r *http.Request) {
		// Answers, then lets the connection go without saying so, as a
		// keep-alive timeout does.
		dropNext.Store(true)
		_, _ = io.WriteString(w, "dropped")
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "text/plain;charset=UTF-8" {
			http.Error(w, "content type "+ct, http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(r.Body)
		_, _ = w.Write(b)
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		switch s {
		case http.StateNew:
			conns.Add(1)
		case http.StateIdle:
			if dropNext.CompareAndSwap(true, false) {
				_ = c.Close()
			}
		}
	}
	srv.Start()
	defer srv.Close()
	addr := srv.Listener.Addr().String()
	c := newHTTPConn(addr)
	defer c.close()
	get := func(path string) string {
		t.Helper()
		b, err := c.get(appendGet(nil, addr, path))
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return string(b)
	}
	post := func(path, body string) string {
		t.Helper()
		b, err := c.post(appendPostHead(nil, addr, path), []byte(body))
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		return string(b)
	}
	for range 3 {
		if got := get("/cl"); got != "0\x1e2" {
			t.Fatalf("GET /cl: %q", got)
		}
		if got := get("/chunked"); got != "431[{}]" {
			t.Fatalf("GET /chunked: %q", got)
		}
		if got := post("/echo", "42"); got != "42" {
			t.Fatalf("POST /echo: %q", got)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for 9 kept-alive requests, want 1", n)
	}
	if got := get("/close"); got != "bye" {
		t.Fatalf("GET /close: %q", got)
	}
	if got := post("/echo", "again"); got != "again" {
		t.Fatalf("POST /echo after a close: %q", got)
	}
	if got := get("/drop"); got != "dropped" {
		t.Fatalf("GET /drop: %q", got)
	}
	for range 2 { // the first finds the connection dropped
		if got := get("/cl"); got != "0\x1e2" {
			t.Fatalf("GET /cl after a drop: %q", got)
		}
	}
	if n := conns.Load(); n != 3 {
		t.Fatalf("%d connections, want 3 (one, after the close, after the drop)", n)
	}
	if _, err := c.get(appendGet(nil, addr, "/missing")); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("GET /missing: got %v, want a 404 error", err)
	}
	c.abort()
	if _, err := c.get(appendGet(nil, addr, "/cl")); err == nil {
		t.Fatal("GET after abort: no error")
	}
}

// TestPollingRequests checks the pre-built requests with net/http's parser.
func TestPollingRequests(t *testing.T) {
	t.Parallel()
	const target = "/socket.io/?EIO=4&transport=polling&sid=abc"
	b := appendGet(nil, "127.0.0.1:3400", target)
	b = append(appendPostHead(b, "127.0.0.1:3400", target), "2\r\n\r\n42"...)
	br := bufio.NewReader(bytes.NewReader(b))
	for _, want := range []struct{ method, body string }{{"GET", ""}, {"POST", "42"}} {
		req, err := http.ReadRequest(br)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(req.Body)
		if req.Method != want.method || req.Host != "127.0.0.1:3400" || req.URL.Query().Get("sid") != "abc" || string(body) != want.body {
			t.Fatalf("got %s %s host %s body %q", req.Method, req.URL, req.Host, body)
		}
	}
}
