package engineio_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/engineio"
)

func dial(t *testing.T, u string, opts *engineio.DialOptions) *engineio.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := engineio.Dial(ctx, u, opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() {
		_ = c.Close()
		select {
		case <-c.Done():
		case <-time.After(10 * time.Second):
			t.Error("client goroutines still running 10s after Close")
		}
	})
	return c
}

func TestDialRefused(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, quiet, &engineio.ServerOptions{
		AllowRequest: func(*http.Request) error { return errors.New("no entry") },
	})
	for _, tr := range []string{engineio.TransportPolling, engineio.TransportWebsocket} {
		_, err := engineio.Dial(context.Background(), base, &engineio.DialOptions{Transports: []string{tr}})
		var e *engineio.Error
		if !errors.As(err, &e) || e.Reason != engineio.ReasonHandshake {
			t.Errorf("%s: %v, want a handshake error", tr, err)
			continue
		}
		if tr == engineio.TransportPolling && (e.Code != 4 || e.Message != "no entry") {
			t.Errorf("%s: code %d message %q, want 4 \"no entry\"", tr, e.Code, e.Message)
		}
		if tr == engineio.TransportWebsocket && e.Message != "no entry" {
			t.Errorf("%s: message %q", tr, e.Message)
		}
	}
	if _, err := engineio.Dial(context.Background(), "ftp://x", nil); engineio.ReasonOf(err) != engineio.ReasonHandshake {
		t.Errorf("bad scheme: %v", err)
	}
}

func TestDialHeadersAndQuery(t *testing.T) {
	t.Parallel()
	got := make(chan *http.Request, 3)
	_, base := startServer(t, engineio.HandlerFunc(func(c *engineio.Conn) {
		got <- c.Request()
		quiet(c)
	}), nil)
	for _, tr := range []string{engineio.TransportPolling, engineio.TransportWebsocket} {
		dial(t, base, &engineio.DialOptions{
			Transports: []string{tr},
			Header:     http.Header{"X-Token": {"secret"}},
			Query:      url.Values{"room": {"lobby"}},
		})
		r := <-got
		if r.Header.Get("X-Token") != "secret" || r.URL.Query().Get("room") != "lobby" {
			t.Errorf("%s: handshake request lacks header or query: %v %v", tr, r.Header, r.URL)
		}
	}
}

// A server that completes the handshake and then never pings.
func TestClientDetectsSilentServer(t *testing.T) {
	t.Parallel()
	up := websocket.Upgrader{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		_ = ws.WriteMessage(websocket.TextMessage, []byte(`0{"sid":"s","upgrades":[],"pingInterval":100,"pingTimeout":100,"maxPayload":1000}`))
		for {
			if _, _, err := ws.ReadMessage(); err != nil {
				return
			}
		}
	}))
	defer hs.Close()
	c := dial(t, hs.URL, &engineio.DialOptions{Transports: []string{engineio.TransportWebsocket}})
	start := time.Now()
	_, _, err := c.Receive(context.Background())
	if engineio.ReasonOf(err) != engineio.ReasonPingTimeout {
		t.Fatalf("Receive: %v, want ping timeout", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond || d > 2*time.Second {
		t.Errorf("declared dead after %v, want about 200ms", d)
	}
}

func TestClientBatchesUnderMaxPayload(t *testing.T) {
	t.Parallel()
	var posts, biggest atomic.Int64
	srv := engineio.NewServer(echo(nil), &engineio.ServerOptions{MaxPayload: 1000})
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			if n := r.ContentLength; n > biggest.Load() {
				biggest.Store(n)
			}
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		_ = srv.Shutdown(context.Background())
		hs.CloseClientConnections()
		hs.Close()
	})
	c := dial(t, hs.URL, &engineio.DialOptions{Transports: []string{engineio.TransportPolling}})
	in := newInbox(t, c)
	msg := strings.Repeat("m", 98)
	for i := 0; i < 60; i++ {
		if err := c.Send(engineio.MessageText, []byte(msg)); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 60; i++ {
		in.next(isText(msg), 5*time.Second)
	}
	if b := biggest.Load(); b > 1000 {
		t.Errorf("a POST of %d bytes exceeds maxPayload 1000", b)
	}
	if p := posts.Load(); p < 6 || p > 30 {
		t.Errorf("%d POSTs for 60 messages of 100 bytes under a 1000-byte limit", p)
	}
}

func TestClientCloseReachesServer(t *testing.T) {
	t.Parallel()
	for _, mode := range modes[:2] {
		closed := make(chan engineio.Reason, 1)
		_, base := startServer(t, echo(closed), nil)
		c := dial(t, base, &engineio.DialOptions{Transports: mode.transports})
		in := newInbox(t, c)
		in.next(isText("welcome"), 5*time.Second)
		_ = c.Close()
		if err := in.closeErr(5 * time.Second); engineio.ReasonOf(err) != engineio.ReasonForcedClose {
			t.Errorf("%s: client close error %v", mode.name, err)
		}
		select {
		case r := <-closed:
			if r != engineio.ReasonTransportClose {
				t.Errorf("%s: server saw %q, want transport close", mode.name, r)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: the server did not notice the close", mode.name)
		}
		if err := c.Send(engineio.MessageText, []byte("late")); engineio.ReasonOf(err) != engineio.ReasonForcedClose {
			t.Errorf("%s: Send after Close = %v", mode.name, err)
		}
	}
}

// TestClientServerGone checks that a client whose server went away ends
// with a transport error.
func TestClientServerGone(t *testing.T) {
	t.Parallel()
	srv := engineio.NewServer(echo(nil), &engineio.ServerOptions{Path: "/"})
	hs := httptest.NewServer(srv)
	defer func() {
		_ = srv.Shutdown(context.Background())
		hs.Close()
	}()
	c := dial(t, hs.URL, &engineio.DialOptions{Path: "/", Transports: []string{engineio.TransportPolling}})
	in := newInbox(t, c)
	in.next(isText("welcome"), 5*time.Second)
	_ = hs.Listener.Close()
	hs.CloseClientConnections()
	err := in.closeErr(5 * time.Second)
	if engineio.ReasonOf(err) != engineio.ReasonTransportError {
		t.Errorf("after the server went away: %v, want transport error", err)
	}
}

func TestDialTLS(t *testing.T) {
	t.Parallel()
	srv := engineio.NewServer(echo(nil), nil)
	hs := httptest.NewTLSServer(srv)
	t.Cleanup(func() {
		_ = srv.Shutdown(context.Background())
		hs.CloseClientConnections()
		hs.Close()
	})
	tlsConfig := hs.Client().Transport.(*http.Transport).TLSClientConfig
	for _, mode := range modes {
		c := dial(t, hs.URL, &engineio.DialOptions{Transports: mode.transports, TLSConfig: tlsConfig})
		in := newInbox(t, c)
		in.next(isText("welcome"), 5*time.Second)
		_ = c.Send(engineio.MessageText, []byte("over tls"))
		in.next(isText("over tls"), 5*time.Second)
		if r := c.Request(); r != nil {
			t.Errorf("%s: client conn has a request", mode.name)
		}
	}
	// Without the test CA the handshake fails with a clear error.
	if _, err := engineio.Dial(context.Background(), hs.URL, nil); engineio.ReasonOf(err) == "" {
		t.Errorf("untrusted certificate: %v", err)
	}
}

func TestPerMessageDeflate(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		_, base := startServer(t, echo(nil), &engineio.ServerOptions{PerMessageDeflate: on})
		d := websocket.Dialer{EnableCompression: true}
		ws, resp, err := d.Dial(wsURL(base, "EIO=4&transport=websocket"), nil)
		if err != nil {
			t.Fatal(err)
		}
		got := resp.Header.Get("Sec-Websocket-Extensions")
		if on != strings.Contains(got, "permessage-deflate") {
			t.Errorf("PerMessageDeflate=%v: negotiated %q", on, got)
		}
		readWS(t, ws)
		readWS(t, ws)
		readWS(t, ws)
		big := "4" + strings.Repeat("compress me ", 1000)
		_ = ws.WriteMessage(websocket.TextMessage, []byte(big))
		if echoed := readWS(t, ws); echoed != big {
			t.Errorf("PerMessageDeflate=%v: echo differs", on)
		}
		ws.Close()
	}
}
