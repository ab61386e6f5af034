package main

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/internal/nodetest"
)

func startConformance(t *testing.T, pingTimeout time.Duration) string {
	t.Helper()
	h, shutdown := newHandler(pingTimeout)
	hs := httptest.NewServer(h)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
	})
	return hs.URL
}

// TestWithOfficialClients drives both endpoints with engine.io-client and
// socket.io-client. Their pongs get 5s: with the suites' 200ms, a loaded
// machine's late pong closes a session.
func TestWithOfficialClients(t *testing.T) {
	t.Parallel()
	url := startConformance(t, 5*time.Second)
	p := nodetest.Start(t, "examples/conformance/testdata/check.js", url)
	n := 0
	for _, line := range p.Wait(60 * time.Second) {
		if line["event"] != "check" {
			continue
		}
		n++
		if line["ok"] != true {
			t.Errorf("%s: failed: %v", line["name"], line["detail"])
		}
	}
	if n < 10 {
		t.Errorf("only %d checks ran", n)
	}
}

// TestSuiteSettings checks what the protocol suites assert byte for byte:
// the handshake values, the auth event as the very next frame after the
// CONNECT reply, and the ping after 300ms.
func TestSuiteSettings(t *testing.T) {
	t.Parallel()
	url := startConformance(t, suitePingTimeout)
	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	read := func() string {
		_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, b, err := ws.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	open := read()
	for _, want := range []string{`"pingInterval":300`, `"pingTimeout":200`, `"maxPayload":1000000`, `"upgrades":[]`} {
		if !strings.Contains(open, want) {
			t.Errorf("open packet %s lacks %s", open, want)
		}
	}
	_ = ws.WriteMessage(websocket.TextMessage, []byte(`40{"token":"t"}`))
	if reply := read(); !strings.HasPrefix(reply, `40{"sid":"`) || strings.Count(reply, ":") != 1 {
		t.Errorf("CONNECT reply = %s, want exactly the key sid", reply)
	}
	if next := read(); next != `42["auth",{"token":"t"}]` {
		t.Errorf("frame after the CONNECT reply = %s", next)
	}
	if ping := read(); ping != "2" {
		t.Errorf("want a ping, got %s", ping)
	}
	_ = ws.WriteMessage(websocket.TextMessage, []byte("3"))

	// A client that never joins a namespace is closed after connectTimeout.
	ws2, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws2.Close()
	start := time.Now()
	for {
		_ = ws2.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, b, err := ws2.ReadMessage()
		if err != nil {
			break
		}
		if string(b) == "2" {
			_ = ws2.WriteMessage(websocket.TextMessage, []byte("3"))
		}
	}
	if d := time.Since(start); d < 900*time.Millisecond || d > 4*time.Second {
		t.Errorf("idle connection closed after %v, want about 1s", d)
	}
}
