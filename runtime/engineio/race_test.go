package engineio_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/engineio"
)

// The tests in this file pin the outcome of requests that race each other
// on one polling session. Each order is set up explicitly (waiting for the
// server to hold a GET, or to have handled a request), so that every
// interleaving the server may see is tested, not the one the scheduler
// happens to pick.

// isUnknownSID reports a 400 answer with code 1 ("Session ID unknown").
func isUnknownSID(r response) bool {
	return r.status == 400 && strings.Contains(r.body, `"code":1`)
}

func TestPollingOverlappingGET(t *testing.T) {
	t.Parallel()
	srv, base := startServer(t, quiet, nil)
	sid, _ := handshake(t, base)
	first := make(chan response, 1)
	go func() { first <- do(t, "GET", pollURL(base, sid), "", nil) }()
	waitUntil(t, "the first GET is held", func() bool { return engineio.HeldGET(srv, sid) })

	// A second GET while one is held closes the session at once.
	if r := do(t, "GET", pollURL(base, sid), "", nil); r.status != 400 {
		t.Errorf("second GET = %d %q, want 400", r.status, r.body)
	}
	if r := <-first; r.status != 200 || r.body != "1" {
		t.Errorf("held GET = %d %q, want 200 \"1\"", r.status, r.body)
	}
	if r := do(t, "GET", pollURL(base, sid), "", nil); !isUnknownSID(r) {
		t.Errorf("GET after the close = %d %q, want 400 code 1", r.status, r.body)
	}
}

// TestPollingCloseRacesGET sends a GET and a POST carrying the close
// packet, in both orders: the GET gets a noop either way, and the session
// is gone once it has.
func TestPollingCloseRacesGET(t *testing.T) {
	t.Parallel()
	for _, getFirst := range []bool{true, false} {
		closed := make(chan engineio.Reason, 1)
		srv, base := startServer(t, echo(closed), nil)
		sid, _ := handshake(t, base)
		greeting(t, base, sid)
		get := make(chan response, 1)
		if getFirst {
			go func() { get <- do(t, "GET", pollURL(base, sid), "", nil) }()
			waitUntil(t, "the GET is held", func() bool { return engineio.HeldGET(srv, sid) })
		}
		if r := do(t, "POST", pollURL(base, sid), "1", nil); r.status != 200 || r.body != "ok" {
			t.Errorf("getFirst=%v: POST close = %d %q", getFirst, r.status, r.body)
		}
		if r := <-closed; r != engineio.ReasonTransportClose {
			t.Errorf("getFirst=%v: reason = %q", getFirst, r)
		}
		if !getFirst {
			go func() { get <- do(t, "GET", pollURL(base, sid), "", nil) }()
		}
		if r := <-get; r.status != 200 || r.body != "6" {
			t.Errorf("getFirst=%v: GET = %d %q, want 200 \"6\"", getFirst, r.status, r.body)
		}
		if r := do(t, "GET", pollURL(base, sid), "", nil); !isUnknownSID(r) {
			t.Errorf("getFirst=%v: later GET = %d %q, want 400 code 1", getFirst, r.status, r.body)
		}
		// The noop was the session's last word: it is forgotten at once,
		// not after the linger time (pingTimeout, 20s).
		waitUntil(t, "the session is forgotten", func() bool { return srv.Len() == 0 })
	}
}

// TestPollingCloseWithoutGET checks that a session closed with a POST while
// no GET comes is forgotten after pingTimeout.
func TestPollingCloseWithoutGET(t *testing.T) {
	t.Parallel()
	srv, base := startServer(t, quiet, &engineio.ServerOptions{PingTimeout: 50 * time.Millisecond})
	sid, _ := handshake(t, base)
	if r := do(t, "POST", pollURL(base, sid), "1", nil); r.status != 200 {
		t.Fatalf("POST close = %d %q", r.status, r.body)
	}
	waitUntil(t, "the session is forgotten", func() bool { return srv.Len() == 0 })
	if r := do(t, "GET", pollURL(base, sid), "", nil); !isUnknownSID(r) {
		t.Errorf("GET after the linger = %d %q, want 400 code 1", r.status, r.body)
	}
}

// TestUpgradeRacesGET sends a polling GET around the upgrade's "2probe" and
// "5": held before the probe, made between probe and "5", or after "5".
// Every one gets 400, and the websocket carries the session.
func TestUpgradeRacesGET(t *testing.T) {
	t.Parallel()
	for _, when := range []string{"before the probe", "after the probe", "after the upgrade"} {
		conn := make(chan *engineio.Conn, 1)
		srv, base := startServer(t, engineio.HandlerFunc(func(c *engineio.Conn) {
			conn <- c
			quiet(c)
		}), nil)
		// No noop for a held GET: "5" comes first here, whatever the
		// scheduler does.
		engineio.SetReleaseGETsAfter(srv, time.Hour)
		sid, _ := handshake(t, base)
		c := <-conn
		get := make(chan response, 1)
		holdGET := func() {
			go func() { get <- do(t, "GET", pollURL(base, sid), "", nil) }()
			waitUntil(t, "the GET is held", func() bool { return engineio.HeldGET(srv, sid) })
		}
		if when == "before the probe" {
			holdGET()
		}
		ws, _, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket&sid="+sid), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		_ = ws.WriteMessage(websocket.TextMessage, []byte("2probe"))
		if got := readWS(t, ws); got != "3probe" {
			t.Fatalf("%s: probe answer %q", when, got)
		}
		if when == "after the probe" {
			waitUntil(t, "the server waits for 5", func() bool { return engineio.Upgrading(srv, sid) })
			holdGET()
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
		if when == "after the upgrade" {
			waitUntil(t, "the upgrade", func() bool { return c.Transport() == engineio.TransportWebsocket })
			go func() { get <- do(t, "GET", pollURL(base, sid), "", nil) }()
		}
		if r := <-get; r.status != 400 {
			t.Errorf("%s: GET = %d %q, want 400", when, r.status, r.body)
		}
		_ = c.Send(engineio.MessageText, []byte("hello"))
		if got := readWS(t, ws); got != "4hello" {
			t.Errorf("%s: websocket after the upgrade got %q", when, got)
		}
	}
}

// TestUpgradeReleasesHeldGET checks that a GET held during an upgrade is
// answered with a noop a while after the probe, so that a client that
// waits for it before sending "5" is not stuck.
func TestUpgradeReleasesHeldGET(t *testing.T) {
	t.Parallel()
	srv, base := startServer(t, quiet, nil)
	engineio.SetReleaseGETsAfter(srv, time.Millisecond)
	sid, _ := handshake(t, base)
	held := make(chan response, 1)
	go func() { held <- do(t, "GET", pollURL(base, sid), "", nil) }()
	waitUntil(t, "the GET is held", func() bool { return engineio.HeldGET(srv, sid) })
	ws, _, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket&sid="+sid), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.WriteMessage(websocket.TextMessage, []byte("2probe"))
	readWS(t, ws)
	if r := <-held; r.status != 200 || r.body != "6" {
		t.Errorf("held GET = %d %q, want a noop", r.status, r.body)
	}
	_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
	waitUntil(t, "the upgrade", func() bool { return !engineio.Upgrading(srv, sid) })
	if r := do(t, "GET", pollURL(base, sid), "", nil); r.status != 400 {
		t.Errorf("GET after the upgrade = %d %q, want 400", r.status, r.body)
	}
}

// TestPollingDroppedGET checks that a held GET whose connection drops is
// forgotten, without closing the session: what is sent meanwhile goes to
// the next GET.
func TestPollingDroppedGET(t *testing.T) {
	t.Parallel()
	conn := make(chan *engineio.Conn, 1)
	srv, base := startServer(t, engineio.HandlerFunc(func(c *engineio.Conn) {
		conn <- c
		quiet(c)
	}), nil)
	sid, _ := handshake(t, base)
	c := <-conn
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", pollURL(base, sid), nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	dropped := make(chan error, 1)
	go func() {
		resp, err := tr.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		dropped <- err
	}()
	waitUntil(t, "the GET is held", func() bool { return engineio.HeldGET(srv, sid) })
	cancel() // closes the connection
	if err := <-dropped; err == nil {
		t.Fatal("the held GET was answered")
	}
	waitUntil(t, "the server sees the drop", func() bool { return !engineio.HeldGET(srv, sid) })
	_ = c.Send(engineio.MessageText, []byte("after the drop"))
	if r := do(t, "GET", pollURL(base, sid), "", nil); r.status != 200 || r.body != "4after the drop" {
		t.Errorf("GET after the drop = %d %q", r.status, r.body)
	}
	if err := c.Err(); err != nil {
		t.Errorf("session closed by the drop: %v", err)
	}
}
