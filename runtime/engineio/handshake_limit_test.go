package engineio_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/engineio"
)

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// startLimited runs a server with opts on a clock of the test's.
func startLimited(t *testing.T, opts *engineio.ServerOptions) (*engineio.Server, string, *testClock) {
	t.Helper()
	clock := &testClock{t: time.Unix(1_000_000, 0)}
	srv := engineio.NewServer(quiet, opts)
	engineio.SetHandshakeClock(srv, clock.now)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		hs.CloseClientConnections()
		hs.Close()
	})
	return srv, hs.URL, clock
}

// TestHandshakeLimit: beyond its burst, an address gets 429 with
// Retry-After and a JSON body, on polling and websocket handshakes alike;
// requests of open sessions are not counted; another address has its own
// bucket; once the clock has moved on, a handshake goes through again;
// the Go client sees code 6.
func TestHandshakeLimit(t *testing.T) {
	t.Parallel()
	var limited atomic.Int64
	_, base, clock := startLimited(t, &engineio.ServerOptions{HandshakeLimit: &engineio.HandshakeLimit{
		Rate: 0.5, Burst: 2,
		ClientIP: func(r *http.Request) string {
			if ip := r.Header.Get("X-Test-IP"); ip != "" {
				return ip
			}
			return engineio.DefaultClientIP(r)
		},
		OnLimited: func(*http.Request, string) { limited.Add(1) },
	}})
	sid, _ := handshake(t, base)
	handshake(t, base)
	if r := do(t, "POST", pollURL(base, sid), "6", nil); r.status != 200 {
		t.Fatalf("poll of an open session: %d %q", r.status, r.body)
	}
	r := do(t, "GET", base+"/engine.io/?EIO=4&transport=polling", "", nil)
	var body struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" || json.Unmarshal([]byte(r.body), &body) != nil || body.Code != engineio.CodeTooManyRequests {
		t.Errorf("third polling handshake: %d, Retry-After %q, %q; want 429, 2, code 6", r.status, r.header.Get("Retry-After"), r.body)
	}
	ws, resp, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket"), nil)
	if err == nil {
		ws.Close()
		t.Fatal("websocket handshake over the limit upgraded")
	}
	if resp == nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("websocket handshake over the limit: %v, %v", err, resp)
	}
	for _, tr := range []string{engineio.TransportPolling, engineio.TransportWebsocket} {
		_, err := engineio.Dial(context.Background(), base+"/engine.io/", &engineio.DialOptions{Transports: []string{tr}})
		var e *engineio.Error
		if !errors.As(err, &e) || e.Code != engineio.CodeTooManyRequests || e.Reason != engineio.ReasonHandshake {
			t.Errorf("Go client over %s: %v, want code 6", tr, err)
		}
	}
	other := do(t, "GET", base+"/engine.io/?EIO=4&transport=polling", "", http.Header{"X-Test-IP": {"10.0.0.2"}})
	if other.status != 200 {
		t.Errorf("another address: %d", other.status)
	}
	if n := limited.Load(); n != 4 {
		t.Errorf("OnLimited called %d times, want 4", n)
	}
	clock.advance(1999 * time.Millisecond)
	if r := do(t, "GET", base+"/engine.io/?EIO=4&transport=polling", "", nil); r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" {
		t.Errorf("1ms early: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	clock.advance(time.Millisecond)
	handshake(t, base)
}

// TestHandshakeLimitMemory: an address spray cannot grow the table past
// MaxAddresses, and idle addresses are forgotten first.
func TestHandshakeLimitMemory(t *testing.T) {
	t.Parallel()
	srv, _, clock := startLimited(t, &engineio.ServerOptions{HandshakeLimit: &engineio.HandshakeLimit{Rate: 1, Burst: 1, MaxAddresses: 100}})
	for i := range 10_000 {
		engineio.HandshakeAllow(srv, "10.1."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256))
		if n := engineio.TrackedAddresses(srv); n > 100 {
			t.Fatalf("%d addresses tracked after %d, want at most 100", n, i+1)
		}
	}
	// Idle addresses go first: a second later every bucket is full again,
	// and a new address makes the full table forget them all.
	clock.advance(time.Second)
	engineio.HandshakeAllow(srv, "192.0.2.1")
	if n := engineio.TrackedAddresses(srv); n != 1 {
		t.Errorf("%d addresses tracked after the idle ones were pruned, want 1", n)
	}
	if engineio.HandshakeAllow(srv, "192.0.2.1") {
		t.Error("the address's bucket was not kept")
	}
}

func TestDefaultClientIP(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"192.0.2.7:5000":                 "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443":     "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443":     "2001:db8:1:2::/64",
		"[::ffff:192.0.2.7]:80":          "192.0.2.7",
		"[fe80::1%eth0]:80":              "fe80::/64",
		"not an address":                 "not an address",
		"@":                              "@",
		"192.0.2.7":                      "192.0.2.7",
		"[2001:db8:aaaa:bbbb::1]:1":      "2001:db8:aaaa:bbbb::/64",
		"[2001:db8:aaaa:bbbc::1]:1":      "2001:db8:aaaa:bbbc::/64",
		"[::1]:1":                        "::/64",
		"[2001:db8:aaaa:bbbb:cccc::]:80": "2001:db8:aaaa:bbbb::/64",
	} {
		if got := engineio.DefaultClientIP(&http.Request{RemoteAddr: addr}); got != want {
			t.Errorf("DefaultClientIP(%q) = %q, want %q", addr, got, want)
		}
	}
}
