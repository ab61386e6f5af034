package sio_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// The transport modes of the JavaScript client.
var modes = []string{"polling", "websocket", "upgrade"}

// startServer runs a Socket.IO server on an httptest server. setup registers
// handlers before any client can connect. At the end of the test the server
// is shut down, which must end every connection.
func startServer(t *testing.T, opts *sio.ServerOptions, setup func(srv *sio.Server)) (*sio.Server, string) {
	t.Helper()
	srv := sio.NewServer(opts)
	if setup != nil {
		setup(srv)
	}
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		hs.CloseClientConnections()
		hs.Close()
	})
	return srv, hs.URL
}

// runScenario runs a scenario of testdata/sio-client.js against url and
// reports its checks; every check must pass and the script must finish.
func runScenario(t *testing.T, url, mode, scenario string) {
	t.Helper()
	p := nodetest.Start(t, "runtime/sio/testdata/sio-client.js", url, mode, scenario)
	done, checks := false, 0
	for _, line := range p.Wait(90 * time.Second) {
		switch line["event"] {
		case "done":
			done = true
		case "check":
			checks++
			if line["ok"] != true {
				t.Errorf("%s/%s: %s failed (%v)", scenario, mode, line["name"], line["detail"])
			}
		default:
			t.Logf("node: %v", line)
		}
	}
	if !done || checks == 0 {
		t.Errorf("%s/%s: script did not finish (%d checks)", scenario, mode, checks)
	}
}

// recorder collects what server handlers observe, for assertions after the
// client is done.
type recorder struct {
	mu   sync.Mutex
	seen []string
	wake chan struct{}
}

func newRecorder() *recorder { return &recorder{wake: make(chan struct{}, 1)} }

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	r.seen = append(r.seen, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.seen)
}

func (r *recorder) has(s string) bool { return slices.Contains(r.all(), s) }

// wait waits until s has been recorded.
func (r *recorder) wait(t *testing.T, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for !r.has(s) {
		select {
		case <-r.wake:
		case <-deadline:
			t.Fatalf("%q not recorded within %v; recorded %q", s, timeout, r.all())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true within %v", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// frame is one websocket message received by a raw client: an Engine.IO
// packet (text) or an attachment (binary).
type frame struct {
	bin  bool
	data string
}

func (f frame) String() string {
	if f.bin {
		return fmt.Sprintf("<binary % x>", f.data)
	}
	return f.data
}

// rawConn is a hand-written Engine.IO websocket client for byte-exact
// checks. It answers pings unless told not to.
type rawConn struct {
	t      testing.TB
	ws     *websocket.Conn
	sid    string
	wmu    sync.Mutex
	frames chan frame
	done   chan struct{}
	buf    []frame
}

var sidRE = regexp.MustCompile(`^[A-Za-z0-9_-]{20}$`)

func wsURL(url string) string {
	return "ws" + strings.TrimPrefix(url, "http") + "/socket.io/?EIO=4&transport=websocket"
}

// dialRaw opens an Engine.IO websocket session; pong says whether to answer
// pings.
func dialRaw(t testing.TB, url string, pong bool) *rawConn {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial(wsURL(url), nil)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	c := &rawConn{t: t, ws: ws, frames: make(chan frame, 8192), done: make(chan struct{})}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, open, err := ws.ReadMessage()
	if err != nil || len(open) == 0 || open[0] != '0' {
		t.Fatalf("open packet: %q %v", open, err)
	}
	var hs struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal(open[1:], &hs); err != nil {
		t.Fatalf("open packet %q: %v", open, err)
	}
	c.sid = hs.SID
	_ = ws.SetReadDeadline(time.Time{})
	go func() {
		defer close(c.done)
		defer close(c.frames)
		for {
			typ, data, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if typ == websocket.TextMessage && string(data) == "2" {
				if pong {
					c.writeText("3")
				}
				continue
			}
			c.frames <- frame{bin: typ == websocket.BinaryMessage, data: string(data)}
		}
	}()
	t.Cleanup(c.close)
	return c
}

func (c *rawConn) close() {
	_ = c.ws.Close()
	// Drain what nobody read, so that a reader blocked on a full channel
	// (a flood of broadcasts) can see the close and end.
	for range c.frames {
	}
	<-c.done
}

func (c *rawConn) writeText(s string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteMessage(websocket.TextMessage, []byte(s))
}

// send sends Engine.IO text packets as they are ("4..." for a message).
func (c *rawConn) send(packets ...string) {
	c.t.Helper()
	for _, p := range packets {
		if err := c.writeText(p); err != nil {
			c.t.Fatalf("write %q: %v", p, err)
		}
	}
}

// sendBinary sends a binary message (an attachment).
func (c *rawConn) sendBinary(b []byte) {
	c.t.Helper()
	if err := c.writeBinary(b); err != nil {
		c.t.Fatalf("write binary: %v", err)
	}
}

func (c *rawConn) writeBinary(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.ws.WriteMessage(websocket.BinaryMessage, b)
}

// next returns the next frame.
func (c *rawConn) next(timeout time.Duration) frame {
	c.t.Helper()
	if len(c.buf) > 0 {
		f := c.buf[0]
		c.buf = c.buf[1:]
		return f
	}
	select {
	case f, ok := <-c.frames:
		if !ok {
			c.t.Fatal("connection closed while waiting for a frame")
		}
		return f
	case <-time.After(timeout):
		c.t.Fatalf("no frame within %v", timeout)
	}
	return frame{}
}

// expect checks that the next frame is the text want.
func (c *rawConn) expect(want string) {
	c.t.Helper()
	if f := c.next(10 * time.Second); f.bin || f.data != want {
		c.t.Fatalf("got %v, want %s", f, want)
	}
}

// expectMatch checks that the next frame is text matching the regexp and
// returns its submatches.
func (c *rawConn) expectMatch(pattern string) []string {
	c.t.Helper()
	f := c.next(10 * time.Second)
	m := regexp.MustCompile(pattern).FindStringSubmatch(f.data)
	if f.bin || m == nil {
		c.t.Fatalf("got %v, want a match of %s", f, pattern)
	}
	return m
}

// expectBinary checks that the next frame is the attachment want.
func (c *rawConn) expectBinary(want []byte) {
	c.t.Helper()
	if f := c.next(10 * time.Second); !f.bin || f.data != string(want) {
		c.t.Fatalf("got %v, want binary % x", f, want)
	}
}

// until returns the first frame for which pred holds, keeping the others
// for later.
func (c *rawConn) until(pred func(frame) bool, timeout time.Duration) frame {
	c.t.Helper()
	for i, f := range c.buf {
		if pred(f) {
			c.buf = append(c.buf[:i:i], c.buf[i+1:]...)
			return f
		}
	}
	deadline := time.After(timeout)
	for {
		select {
		case f, ok := <-c.frames:
			if !ok {
				c.t.Fatal("connection closed while waiting for a frame")
			}
			if pred(f) {
				return f
			}
			c.buf = append(c.buf, f)
		case <-deadline:
			c.t.Fatalf("no matching frame within %v (buffered %v)", timeout, c.buf)
		}
	}
}

// closed reports whether the server closes the connection within timeout,
// discarding frames meanwhile.
func (c *rawConn) closed(timeout time.Duration) bool {
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-c.frames:
			if !ok {
				return true
			}
		case <-deadline:
			return false
		}
	}
}

// connect joins a namespace ("/" or "/nsp") with an optional auth payload
// and returns the CONNECT reply's sid.
func (c *rawConn) connect(nsp, auth string) string {
	c.t.Helper()
	prefix := "40"
	if nsp != "/" {
		prefix += nsp + ","
	}
	c.send(prefix + auth)
	m := c.expectMatch(`^` + regexp.QuoteMeta(prefix) + `\{"sid":"([^"]+)"\}$`)
	if !sidRE.MatchString(m[1]) || m[1] == c.sid {
		c.t.Fatalf("bad socket id %q (engine id %q)", m[1], c.sid)
	}
	return m[1]
}

// socketOf waits for the socket with id to appear in ns.
func socketOf(t *testing.T, ns *sio.Namespace, id string) *sio.Socket {
	t.Helper()
	var s *sio.Socket
	eventually(t, 10*time.Second, "socket "+id+" connected", func() bool {
		s = ns.Socket(id)
		return s != nil
	})
	return s
}
