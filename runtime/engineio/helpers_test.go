package engineio_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

// echo serves the interop echo protocol (see testdata/eio-server.js): greet
// with "welcome" and binary de ad, echo everything, answer "burst:N" with N
// numbered messages, close on "close-me". The reason each session ended is
// sent on closed when it is not nil.
func echo(closed chan<- engineio.Reason) engineio.Handler {
	burst := regexp.MustCompile(`^burst:(\d+)$`)
	return engineio.HandlerFunc(func(c *engineio.Conn) {
		_ = c.Send(engineio.MessageText, []byte("welcome"))
		_ = c.Send(engineio.MessageBinary, []byte{0xde, 0xad})
		for {
			typ, data, err := c.Receive(context.Background())
			if err != nil {
				if closed != nil {
					closed <- engineio.ReasonOf(err)
				}
				return
			}
			switch m := burst.FindSubmatch(data); {
			case typ == engineio.MessageText && string(data) == "close-me":
				_ = c.Close()
			case typ == engineio.MessageText && m != nil:
				n, _ := strconv.Atoi(string(m[1]))
				for i := 0; i < n; i++ {
					_ = c.Send(engineio.MessageText, []byte("b:"+strconv.Itoa(i)))
				}
			default:
				_ = c.Send(typ, data)
			}
		}
	})
}

// startServer runs an Engine.IO server with h on an httptest server and
// shuts both down at the end of the test, checking that every session ended.
func startServer(t *testing.T, h engineio.Handler, opts *engineio.ServerOptions) (*engineio.Server, string) {
	t.Helper()
	srv := engineio.NewServer(h, opts)
	mux := http.NewServeMux()
	mux.Handle("/engine.io/", srv)
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

func startBenchServer(b *testing.B, srv *engineio.Server) (*engineio.Server, string) {
	hs := httptest.NewServer(srv)
	b.Cleanup(func() {
		_ = srv.Shutdown(context.Background())
		hs.CloseClientConnections()
		hs.Close()
	})
	return srv, hs.URL
}

type message struct {
	typ  engineio.MessageType
	data []byte
}

// inbox reads c in the background.
type inbox struct {
	t   testing.TB
	ch  chan message
	err chan error
	buf []message
}

func newInbox(t testing.TB, c *engineio.Conn) *inbox {
	in := &inbox{t: t, ch: make(chan message, 4096), err: make(chan error, 1)}
	go func() {
		for {
			typ, data, err := c.Receive(context.Background())
			if err != nil {
				in.err <- err
				close(in.ch)
				return
			}
			in.ch <- message{typ, data}
		}
	}()
	return in
}

// next returns the first message (buffered or new) for which pred holds.
func (in *inbox) next(pred func(message) bool, timeout time.Duration) message {
	in.t.Helper()
	for i, m := range in.buf {
		if pred(m) {
			in.buf = append(in.buf[:i], in.buf[i+1:]...)
			return m
		}
	}
	deadline := time.After(timeout)
	for {
		select {
		case m, ok := <-in.ch:
			if !ok {
				in.t.Fatalf("connection closed while waiting for a message: %v", <-in.err)
			}
			if pred(m) {
				return m
			}
			in.buf = append(in.buf, m)
		case <-deadline:
			in.t.Fatalf("no matching message within %v", timeout)
		}
	}
}

// closeErr waits for the connection to end and returns the error.
func (in *inbox) closeErr(timeout time.Duration) error {
	in.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case _, ok := <-in.ch:
			if !ok {
				return <-in.err
			}
		case <-deadline:
			in.t.Fatalf("connection still open after %v", timeout)
		}
	}
}

func isText(s string) func(message) bool {
	return func(m message) bool { return m.typ == engineio.MessageText && string(m.data) == s }
}

func isBinary(m message) bool { return m.typ == engineio.MessageBinary }

// echoScenario drives the Go client through the interop checks against a
// server speaking the echo protocol.
func echoScenario(t *testing.T, url string, transports []string, idle time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := engineio.Dial(ctx, url, &engineio.DialOptions{Transports: transports})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer func() {
		_ = c.Close()
		select {
		case <-c.Done():
		case <-time.After(10 * time.Second):
			t.Errorf("client goroutines still running 10s after Close")
		}
	}()
	if got := c.Transport(); got != transports[0] {
		t.Errorf("transport = %s, want %s", got, transports[0])
	}
	in := newInbox(t, c)
	in.next(isText("welcome"), 5*time.Second)
	if m := in.next(isBinary, 5*time.Second); !bytes.Equal(m.data, []byte{0xde, 0xad}) {
		t.Errorf("welcome binary = % x", m.data)
	}

	// Ordered traffic both ways while the upgrade, if any, happens.
	const n = 300
	if err := c.Send(engineio.MessageText, []byte(fmt.Sprintf("burst:%d", n))); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		_ = c.Send(engineio.MessageText, []byte("c:"+strconv.Itoa(i)))
	}
	next := map[byte]int{'b': 0, 'c': 0}
	for next['b'] < n || next['c'] < n {
		m := in.next(func(m message) bool {
			return m.typ == engineio.MessageText && len(m.data) > 2 && m.data[1] == ':' && (m.data[0] == 'b' || m.data[0] == 'c')
		}, 10*time.Second)
		k := m.data[0]
		if got := string(m.data[2:]); got != strconv.Itoa(next[k]) {
			t.Fatalf("%c: got %s, want %d (lost, duplicated or reordered)", k, got, next[k])
		}
		next[k]++
	}
	if len(transports) > 1 {
		deadline := time.Now().Add(5 * time.Second)
		for c.Transport() != engineio.TransportWebsocket && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := c.Transport(); got != engineio.TransportWebsocket {
			t.Errorf("transport after upgrade = %s", got)
		}
	}

	_ = c.Send(engineio.MessageText, []byte("hello"))
	in.next(isText("hello"), 5*time.Second)
	bin := []byte{1, 2, 3, 4, 0, 255}
	_ = c.Send(engineio.MessageBinary, bin)
	if m := in.next(isBinary, 5*time.Second); !bytes.Equal(m.data, bin) {
		t.Errorf("binary echo = % x, want % x", m.data, bin)
	}
	big := strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyz", 25000)
	_ = c.Send(engineio.MessageText, []byte(big))
	in.next(func(m message) bool { return string(m.data) == big }, 20*time.Second)

	if idle > 0 {
		time.Sleep(idle)
		if err := c.Err(); err != nil {
			t.Fatalf("idle connection closed: %v", err)
		}
		_ = c.Send(engineio.MessageText, []byte("still-alive"))
		in.next(isText("still-alive"), 5*time.Second)
	}

	_ = c.Send(engineio.MessageText, []byte("close-me"))
	err = in.closeErr(10 * time.Second)
	var e *engineio.Error
	if !errors.As(err, &e) || e.Reason != engineio.ReasonTransportClose {
		t.Errorf("close error = %v, want reason %q", err, engineio.ReasonTransportClose)
	}
}

// waitUntil waits until cond holds, failing the test after 10s.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// greeting collects echo's greeting ("welcome" and a binary) on a polling
// session, in one or two GETs.
func greeting(t *testing.T, base, sid string) {
	t.Helper()
	got := ""
	for i := 0; i < 3 && !strings.HasSuffix(got, "b3q0="); i++ {
		got += do(t, "GET", pollURL(base, sid), "", nil).body
	}
	if got != "4welcome\x1eb3q0=" && got != "4welcomeb3q0=" {
		t.Fatalf("greeting = %q", got)
	}
}
