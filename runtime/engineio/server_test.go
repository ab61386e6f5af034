package engineio_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/engineio"
)

type response struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, method, u, body string, header http.Header) response {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, string(b)}
}

// handshake opens a polling session and returns its id and open packet.
func handshake(t *testing.T, base string) (string, map[string]any) {
	t.Helper()
	r := do(t, "GET", base+"/engine.io/?EIO=4&transport=polling", "", nil)
	if r.status != 200 || !strings.HasPrefix(r.body, "0{") {
		t.Fatalf("handshake: %d %q", r.status, r.body)
	}
	var open map[string]any
	if err := json.Unmarshal([]byte(r.body[1:]), &open); err != nil {
		t.Fatalf("open packet %q: %v", r.body, err)
	}
	return open["sid"].(string), open
}

func pollURL(base, sid string) string {
	return base + "/engine.io/?EIO=4&transport=polling&sid=" + sid
}

func wsURL(base, query string) string {
	return "ws" + strings.TrimPrefix(base, "http") + "/engine.io/?" + query
}

// quiet is a handler that receives and drops everything.
var quiet = engineio.HandlerFunc(func(c *engineio.Conn) {
	for {
		if _, _, err := c.Receive(context.Background()); err != nil {
			return
		}
	}
})

func TestHandshakeErrors(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, quiet, &engineio.ServerOptions{
		AllowRequest: func(r *http.Request) error {
			if r.URL.Query().Get("deny") != "" {
				return fmt.Errorf("go away")
			}
			return nil
		},
	})
	sid, _ := handshake(t, base)
	cases := []struct {
		method, query string
		status        int
		body          string
	}{
		{"GET", "EIO=4", 400, `{"code":0,"message":"Transport unknown"}`},
		{"GET", "transport=polling", 400, `{"code":5,"message":"Unsupported protocol version"}`},
		{"GET", "EIO=4&transport=abc", 400, `{"code":0,"message":"Transport unknown"}`},
		{"GET", "EIO=3&transport=polling", 400, `{"code":5,"message":"Unsupported protocol version"}`},
		{"GET", "EIO=abc&transport=polling", 400, `{"code":5,"message":"Unsupported protocol version"}`},
		{"POST", "EIO=4&transport=polling", 400, `{"code":2,"message":"Bad handshake method"}`},
		{"PUT", "EIO=4&transport=polling", 400, `{"code":2,"message":"Bad handshake method"}`},
		{"GET", "EIO=4&transport=polling&sid=nope", 400, `{"code":1,"message":"Session ID unknown"}`},
		{"GET", "EIO=4&transport=websocket", 400, `{"code":3,"message":"Bad request"}`},
		{"GET", "EIO=3&transport=polling&sid=" + sid, 400, `{"code":3,"message":"Bad request"}`},
		{"GET", "EIO=4&transport=polling&deny=1", 403, `{"code":4,"message":"go away"}`},
		// transport is checked before the version, the method before the hook.
		{"POST", "EIO=3&transport=abc", 400, `{"code":0,"message":"Transport unknown"}`},
		{"POST", "EIO=3&transport=polling&deny=1", 400, `{"code":2,"message":"Bad handshake method"}`},
	}
	for _, c := range cases {
		r := do(t, c.method, base+"/engine.io/?"+c.query, "", nil)
		if r.status != c.status || r.body != c.body {
			t.Errorf("%s ?%s = %d %s, want %d %s", c.method, c.query, r.status, r.body, c.status, c.body)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s ?%s: Content-Type %q", c.method, c.query, ct)
		}
	}
	if r := do(t, "GET", base+"/other/?EIO=4&transport=polling", "", nil); r.status != 404 {
		t.Errorf("foreign path: status %d, want 404", r.status)
	}
}

func TestHandshakeBadOrigin(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, quiet, nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /engine.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nOrigin: http://a\x01b\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	// net/http itself may refuse the header before we see it; either way it is a 400.
	if resp.StatusCode != 400 {
		t.Errorf("bad origin: %d %s", resp.StatusCode, b)
	}
}

func TestWebsocketHandshakeErrors(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, quiet, nil)
	for _, c := range []struct{ query, msg string }{
		{"EIO=4&transport=abc", "Transport unknown"},
		{"EIO=3&transport=websocket", "Unsupported protocol version"},
		{"transport=websocket", "Unsupported protocol version"},
		{"EIO=4&transport=websocket&sid=nope", "Session ID unknown"},
	} {
		_, resp, err := websocket.DefaultDialer.Dial(wsURL(base, c.query), nil)
		if err == nil {
			t.Errorf("?%s: upgraded, want a refusal", c.query)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || string(b) != c.msg {
			t.Errorf("?%s = %d %q, want 400 %q", c.query, resp.StatusCode, b, c.msg)
		}
	}
}

func TestOpenPacket(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, quiet, &engineio.ServerOptions{PingInterval: 1234 * time.Millisecond, PingTimeout: 567 * time.Millisecond, MaxPayload: 4321})
	sid, open := handshake(t, base)
	want := map[string]any{"sid": sid, "upgrades": []any{"websocket"}, "pingInterval": 1234.0, "pingTimeout": 567.0, "maxPayload": 4321.0}
	if fmt.Sprint(open) != fmt.Sprint(want) {
		t.Errorf("open = %v, want %v", open, want)
	}
	if len(sid) != 20 || strings.Trim(sid, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		t.Errorf("sid %q is not 20 URL-safe characters", sid)
	}
	if sid2, _ := handshake(t, base); sid2 == sid {
		t.Error("two sessions got the same id")
	}

	ws, _, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_, first, err := ws.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var wopen map[string]any
	if first[0] != '0' || json.Unmarshal(first[1:], &wopen) != nil || fmt.Sprint(wopen["upgrades"]) != "[]" || len(wopen) != 5 {
		t.Errorf("websocket open packet = %s", first)
	}
}

func TestPollingRoundTrip(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, echo(nil), nil)
	sid, _ := handshake(t, base)
	u := pollURL(base, sid)
	if r := do(t, "GET", u, "", nil); r.body != "4welcome\x1eb3q0=" {
		t.Errorf("greeting = %q", r.body)
	}
	r := do(t, "POST", u, "4hello\x1ebAQIDBA==\x1e4€ü", nil)
	if r.status != 200 || r.body != "ok" || r.header.Get("Content-Type") != "text/html" {
		t.Errorf("POST = %d %q %q", r.status, r.body, r.header.Get("Content-Type"))
	}
	got := ""
	for deadline := time.Now().Add(5 * time.Second); len(got) < len("4hello\x1ebAQIDBA==\x1e4€ü") && time.Now().Before(deadline); {
		r := do(t, "GET", u, "", nil)
		if got != "" {
			got += "\x1e"
		}
		got += r.body
		if ct := r.header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
			t.Errorf("GET Content-Type %q", ct)
		}
	}
	if got != "4hello\x1ebAQIDBA==\x1e4€ü" {
		t.Errorf("echo = %q", got)
	}
}

func TestPollingConcurrentPOST(t *testing.T) {
	t.Parallel()
	// The handler never receives, so a POST with more messages than the
	// receive queue holds stays in flight.
	block := engineio.HandlerFunc(func(c *engineio.Conn) { <-c.Closing() })
	srv, base := startServer(t, block, &engineio.ServerOptions{ReceiveQueue: 1})
	sid, _ := handshake(t, base)
	first := make(chan response, 1)
	go func() { first <- do(t, "POST", pollURL(base, sid), "4a\x1e4b\x1e4c", nil) }()
	waitUntil(t, "the POST is in flight", func() bool { return engineio.HeldPOST(srv, sid) })
	if r := do(t, "POST", pollURL(base, sid), "4d", nil); r.status != 400 {
		t.Errorf("second POST = %d %q, want 400", r.status, r.body)
	}
	<-first
	if r := do(t, "GET", pollURL(base, sid), "", nil); r.status == 200 && r.body != "1" {
		t.Errorf("session still open after overlapping POSTs: %d %q", r.status, r.body)
	}
}

func TestPollingBadInputClosesOnlyThatSession(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, echo(nil), nil)
	good, _ := handshake(t, base)
	do(t, "GET", pollURL(base, good), "", nil)
	for _, body := range []string{"abc", "", "4ok\x1e\x1e4x", "b!!!", "2", "0{}", "5", "7"} {
		sid, _ := handshake(t, base)
		if r := do(t, "POST", pollURL(base, sid), body, nil); r.status != 400 {
			t.Errorf("POST %q = %d %q, want 400", body, r.status, r.body)
		}
		if r := do(t, "GET", pollURL(base, sid), "", nil); r.status == 200 && !strings.HasSuffix(r.body, "1") {
			t.Errorf("after POST %q the session is still open: %q", body, r.body)
		}
	}
	sid, _ := handshake(t, base)
	if r := do(t, "POST", pollURL(base, sid), "4x", http.Header{"Content-Type": {"application/octet-stream"}}); r.status != 400 {
		t.Errorf("octet-stream POST = %d, want 400", r.status)
	}
	do(t, "POST", pollURL(base, good), "4still here", nil)
	if r := do(t, "GET", pollURL(base, good), "", nil); r.body != "4still here" {
		t.Errorf("the good session got %d %q", r.status, r.body)
	}
}

func TestPollingMaxPayload(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, echo(nil), &engineio.ServerOptions{MaxPayload: 100})
	sid, _ := handshake(t, base)
	do(t, "GET", pollURL(base, sid), "", nil)
	if r := do(t, "POST", pollURL(base, sid), "4"+strings.Repeat("x", 100), nil); r.status != 413 {
		t.Errorf("oversized POST = %d, want 413", r.status)
	}
	// A POST that announces too large a body gets 413 without sending it.
	nc, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_, _ = nc.Write([]byte("POST /engine.io/?EIO=4&transport=polling&sid=" + sid + " HTTP/1.1\r\n" +
		"Host: x\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 101\r\n\r\n"))
	_ = nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil {
		t.Fatalf("no answer while the body is held back: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("announced oversized POST = %d, want 413", resp.StatusCode)
	}
	do(t, "POST", pollURL(base, sid), "4fits", nil)
	if r := do(t, "GET", pollURL(base, sid), "", nil); r.body != "4fits" {
		t.Errorf("session after 413 answered %d %q", r.status, r.body)
	}
}

func TestPollingGzip(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, echo(nil), nil)
	sid, _ := handshake(t, base)
	do(t, "GET", pollURL(base, sid), "", nil)
	big := "4" + strings.Repeat("gzip me ", 500)
	do(t, "POST", pollURL(base, sid), big, nil)
	r := do(t, "GET", pollURL(base, sid), "", http.Header{"Accept-Encoding": {"gzip, deflate"}})
	if r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("large response not gzipped: %v", r.header)
	}
	zr, err := gzip.NewReader(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if string(b) != big {
		t.Errorf("gunzipped body differs (%d bytes)", len(b))
	}
	do(t, "POST", pollURL(base, sid), "4small", nil)
	if r := do(t, "GET", pollURL(base, sid), "", http.Header{"Accept-Encoding": {"gzip"}}); r.header.Get("Content-Encoding") != "" || r.body != "4small" {
		t.Errorf("small response: %v %q", r.header, r.body)
	}
}

// TestHeartbeatTimeoutIsPunctual checks the suite's case: a polling
// client that makes no request after the handshake finds its session gone
// pingInterval+pingTimeout after it, even if the server's timer is late.
func TestHeartbeatTimeoutIsPunctual(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, quiet, &engineio.ServerOptions{PingInterval: 300 * time.Millisecond, PingTimeout: 200 * time.Millisecond})
	sid, _ := handshake(t, base)
	time.Sleep(500 * time.Millisecond) // the suite's wait, from the handshake response
	if r := do(t, "GET", pollURL(base, sid), "", nil); r.status != 400 {
		t.Errorf("GET 500ms after the handshake = %d %q, want 400", r.status, r.body)
	}
}

// TestHeartbeatUnansweredPing checks that a session whose ping got no pong
// is closed with ReasonPingTimeout, and its held GET told so.
func TestHeartbeatUnansweredPing(t *testing.T) {
	t.Parallel()
	closed := make(chan engineio.Reason, 1)
	_, base := startServer(t, echo(closed), &engineio.ServerOptions{PingInterval: 50 * time.Millisecond, PingTimeout: time.Second})
	sid, _ := handshake(t, base)
	// The greeting comes first, in one or two responses, then the ping.
	var got []string
	for len(got) == 0 || got[len(got)-1] != "2" {
		r := do(t, "GET", pollURL(base, sid), "", nil)
		if r.status != 200 || len(got) > 3 {
			t.Fatalf("want the greeting then a ping, got %q then %d %q", got, r.status, r.body)
		}
		got = append(got, strings.Split(r.body, "\x1e")...)
	}
	if r := do(t, "GET", pollURL(base, sid), "", nil); r.status != 200 || r.body != "1" {
		t.Errorf("GET held without a pong = %d %q, want the close packet", r.status, r.body)
	}
	if r := <-closed; r != engineio.ReasonPingTimeout {
		t.Errorf("reason = %q", r)
	}
}

func TestHeartbeatPongKeepsAlive(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, quiet, &engineio.ServerOptions{PingInterval: 100 * time.Millisecond, PingTimeout: 2 * time.Second})
	sid, _ := handshake(t, base)
	for i := 0; i < 5; i++ {
		if r := do(t, "GET", pollURL(base, sid), "", nil); r.body != "2" {
			t.Fatalf("ping %d: %d %q", i, r.status, r.body)
		}
		if r := do(t, "POST", pollURL(base, sid), "3", nil); r.body != "ok" {
			t.Fatalf("pong %d: %d %q", i, r.status, r.body)
		}
	}
}

func TestClientPingIsRejected(t *testing.T) {
	t.Parallel()
	closed := make(chan engineio.Reason, 1)
	_, base := startServer(t, echo(closed), nil)
	sid, _ := handshake(t, base)
	do(t, "POST", pollURL(base, sid), "2", nil)
	if r := <-closed; r != engineio.ReasonParseError {
		t.Errorf("reason = %q, want %q", r, engineio.ReasonParseError)
	}
}

func TestSendQueueLimit(t *testing.T) {
	t.Parallel()
	var conn = make(chan *engineio.Conn, 1)
	_, base := startServer(t, engineio.HandlerFunc(func(c *engineio.Conn) { conn <- c; <-c.Closing() }),
		&engineio.ServerOptions{MaxQueuedMessages: 10})
	handshake(t, base)
	c := <-conn
	for i := 0; i < 10; i++ {
		if err := c.Send(engineio.MessageText, []byte("x")); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	err := c.Send(engineio.MessageText, []byte("one too many"))
	if engineio.ReasonOf(err) != engineio.ReasonSendQueueFull {
		t.Errorf("11th send: %v, want %q", err, engineio.ReasonSendQueueFull)
	}
}

func readWS(t *testing.T, ws *websocket.Conn) string {
	t.Helper()
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, b, err := ws.ReadMessage()
	if err != nil {
		t.Fatalf("websocket read: %v", err)
	}
	return string(b)
}

func TestUpgrade(t *testing.T) {
	t.Parallel()
	var conn = make(chan *engineio.Conn, 1)
	_, base := startServer(t, engineio.HandlerFunc(func(c *engineio.Conn) {
		conn <- c
		quiet(c)
	}), nil)
	sid, _ := handshake(t, base)
	c := <-conn
	held := make(chan response, 1)
	go func() { held <- do(t, "GET", pollURL(base, sid), "", nil) }()

	ws, _, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket&sid="+sid), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.WriteMessage(websocket.TextMessage, []byte("2probe"))
	if got := readWS(t, ws); got != "3probe" {
		t.Fatalf("probe answer %q", got)
	}
	if r := <-held; r.body != "6" {
		t.Errorf("held GET = %q, want noop", r.body)
	}
	// Still polling until "5": messages sent now must arrive exactly once.
	_ = c.Send(engineio.MessageText, []byte("during"))
	if r := do(t, "GET", pollURL(base, sid), "", nil); r.body != "4during" {
		t.Errorf("GET during the probe = %q", r.body)
	}
	_ = c.Send(engineio.MessageText, []byte("queued"))
	_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
	if got := readWS(t, ws); got != "4queued" {
		t.Errorf("first websocket message = %q, want the queued one", got)
	}
	_ = c.Send(engineio.MessageBinary, []byte{1, 2})
	if got := readWS(t, ws); got != "\x01\x02" {
		t.Errorf("binary on websocket = %q", got)
	}
	if c.Transport() != engineio.TransportWebsocket {
		t.Errorf("transport = %s", c.Transport())
	}
	if r := do(t, "GET", pollURL(base, sid), "", nil); r.status != 400 || !strings.Contains(r.body, `"code":3`) {
		t.Errorf("polling after upgrade = %d %q, want 400 code 3", r.status, r.body)
	}
	// A second websocket for the session is closed at once.
	ws2, _, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket&sid="+sid), nil)
	if err == nil {
		_ = ws2.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, _, err := ws2.ReadMessage(); err == nil {
			t.Error("second websocket was served")
		}
		ws2.Close()
	}
	_ = c.Send(engineio.MessageText, []byte("after"))
	if got := readWS(t, ws); got != "4after" {
		t.Errorf("first websocket after a refused second = %q", got)
	}
}

func TestUpgradeTimeout(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, echo(nil), &engineio.ServerOptions{UpgradeTimeout: 200 * time.Millisecond})
	sid, _ := handshake(t, base)
	ws, _, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket&sid="+sid), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.WriteMessage(websocket.TextMessage, []byte("2probe"))
	readWS(t, ws)
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := ws.ReadMessage(); err == nil {
		t.Error("probe websocket still open after the upgrade timeout")
	}
	do(t, "POST", pollURL(base, sid), "4polling works", nil)
	var got string
	for i := 0; i < 3 && !strings.Contains(got, "polling works"); i++ {
		got += do(t, "GET", pollURL(base, sid), "", nil).body
	}
	if !strings.Contains(got, "4polling works") {
		t.Errorf("polling after an abandoned upgrade: %q", got)
	}
}

func TestWebsocketLimitsAndBadFrames(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, echo(nil), &engineio.ServerOptions{MaxPayload: 100})
	open := func() *websocket.Conn {
		ws, _, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket"), nil)
		if err != nil {
			t.Fatal(err)
		}
		readWS(t, ws) // open
		readWS(t, ws) // welcome
		readWS(t, ws) // binary
		return ws
	}
	ws := open()
	_ = ws.WriteMessage(websocket.TextMessage, []byte("4"+strings.Repeat("x", 200)))
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, _, err := ws.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Errorf("oversized message: %v, want close 1009", err)
	}
	ws.Close()

	for _, frame := range []string{"abc", "", "2", "0"} {
		ws := open()
		_ = ws.WriteMessage(websocket.TextMessage, []byte(frame))
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, b, err := ws.ReadMessage(); err == nil {
			t.Errorf("frame %q: session still open (%q)", frame, b)
		}
		ws.Close()
	}
	good := open()
	defer good.Close()
	_ = good.WriteMessage(websocket.TextMessage, []byte("4fine"))
	if got := readWS(t, good); got != "4fine" {
		t.Errorf("healthy session got %q", got)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	_, base := startServer(t, quiet, &engineio.ServerOptions{CORS: &engineio.CORSOptions{AllowedOrigins: []string{"*"}}})
	r := do(t, "OPTIONS", base+"/engine.io/?EIO=4&transport=polling", "", http.Header{
		"Origin": {"http://example.com"}, "Access-Control-Request-Method": {"POST"}, "Access-Control-Request-Headers": {"X-Custom"},
	})
	if r.status != 204 || r.header.Get("Access-Control-Allow-Origin") != "*" ||
		r.header.Get("Access-Control-Allow-Methods") != "GET,HEAD,PUT,PATCH,POST,DELETE" ||
		r.header.Get("Access-Control-Allow-Headers") != "X-Custom" {
		t.Errorf("preflight: %d %v", r.status, r.header)
	}
	if r := do(t, "GET", base+"/engine.io/?EIO=4", "", http.Header{"Origin": {"http://example.com"}}); r.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("error response lacks CORS headers: %v", r.header)
	}

	_, base2 := startServer(t, quiet, &engineio.ServerOptions{CORS: &engineio.CORSOptions{AllowedOrigins: []string{"http://a.test"}, AllowCredentials: true}})
	r = do(t, "GET", base2+"/engine.io/?EIO=4&transport=polling", "", http.Header{"Origin": {"http://a.test"}})
	if r.header.Get("Access-Control-Allow-Origin") != "http://a.test" || r.header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("credentials: %v", r.header)
	}
	r = do(t, "GET", base2+"/engine.io/?EIO=4&transport=polling", "", http.Header{"Origin": {"http://evil.test"}})
	if r.status != http.StatusForbidden || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("foreign origin allowed: %d %v", r.status, r.header)
	}
}

func TestShutdownClosesEverySession(t *testing.T) {
	t.Parallel()
	closed := make(chan engineio.Reason, 2)
	srv, base := startServer(t, echo(closed), nil)
	sid, _ := handshake(t, base)
	greeting(t, base, sid)
	held := make(chan response, 1)
	go func() { held <- do(t, "GET", pollURL(base, sid), "", nil) }()
	ws, _, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	readWS(t, ws)
	waitUntil(t, "the GET is held", func() bool { return engineio.HeldGET(srv, sid) })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if r := <-held; r.body != "1" {
		t.Errorf("held GET at shutdown = %q, want \"1\"", r.body)
	}
	for {
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, _, err := ws.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				t.Errorf("websocket at shutdown: %v", err)
			}
			break
		}
	}
	for i := 0; i < 2; i++ {
		if r := <-closed; r != engineio.ReasonServerShutdown {
			t.Errorf("reason = %q", r)
		}
	}
	if srv.Len() != 0 {
		t.Errorf("%d sessions left", srv.Len())
	}
	if r := do(t, "GET", base+"/engine.io/?EIO=4&transport=polling", "", nil); r.status != 400 {
		t.Errorf("handshake after shutdown = %d", r.status)
	}
}

var _ = bytes.Equal
var _ = url.Values{}
