package sioadmin_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/sioadmin"
)

// traffic is what the dashboard's bytes chart is fed: the aggregated
// events packetsIn, bytesIn, packetsOut and bytesOut.
type traffic struct{ packetsIn, bytesIn, packetsOut, bytesOut int }

// wire is a raw websocket peer of "/chat" that counts the Engine.IO
// messages it sends and receives as the reference server counts them: a
// message packet's data (a text one without its "4") or a binary one.
type wire struct {
	t  *testing.T
	ws *websocket.Conn
	// sent and got are from the peer's side: the server's in and out.
	sent, got traffic
}

func (w *wire) send(typ int, data string) {
	w.t.Helper()
	if err := w.ws.WriteMessage(typ, []byte(data)); err != nil {
		w.t.Fatal(err)
	}
	w.sent.packetsIn++
	if typ == websocket.TextMessage {
		w.sent.bytesIn += len(data) - 1
	} else {
		w.sent.bytesIn += len(data)
	}
}

// read returns the text of the next Socket.IO packet, having read its
// binary attachments.
func (w *wire) read() string {
	w.t.Helper()
	_ = w.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, m, err := w.ws.ReadMessage()
	if err != nil || len(m) == 0 || m[0] != '4' {
		w.t.Fatalf("read %q, %v; want a message packet", m, err)
	}
	w.got.packetsOut++
	w.got.bytesOut += len(m) - 1
	text := string(m[1:])
	if text[0] == '5' || text[0] == '6' { // BINARY_EVENT, BINARY_ACK
		n, _ := strconv.Atoi(text[1:strings.IndexByte(text, '-')])
		for range n {
			typ, b, err := w.ws.ReadMessage()
			if err != nil || typ != websocket.BinaryMessage {
				w.t.Fatalf("attachment: %v", err)
			}
			w.got.packetsOut++
			w.got.bytesOut += len(b)
		}
	}
	return text
}

// The dashboard's "Bytes received and sent" chart: after a known exchange
// with a raw peer (a CONNECT, a text event and a binary one, each echoed),
// the stats the UI receives add up to the peer's messages and bytes, both
// ways, and the UI's own traffic is not counted.
func TestTraffic(t *testing.T) {
	t.Parallel()
	_, _, url := start(t, &sioadmin.Options{NoAuth: true, StatsInterval: 20 * time.Millisecond})
	u, err := dialUI(t, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	u.wait("server_stats", nil)

	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if _, _, err := ws.ReadMessage(); err != nil { // the Engine.IO open packet: not a message
		t.Fatal(err)
	}
	w := &wire{t: t, ws: ws}
	w.send(websocket.TextMessage, "40/chat,")
	if p := w.read(); !strings.HasPrefix(p, `0/chat,{"sid":`) {
		t.Fatalf("CONNECT reply %q", p)
	}
	w.send(websocket.TextMessage, `42/chat,["ping","héllo"]`) // bytes, not characters
	if p := w.read(); p != `2/chat,["pong","héllo"]` {
		t.Fatalf("pong %q", p)
	}
	w.send(websocket.TextMessage, `451-/chat,["ping",{"_placeholder":true,"num":0}]`)
	w.send(websocket.BinaryMessage, "\x01\x02\x03\x04")
	if p := w.read(); !strings.HasPrefix(p, "51-/chat,") {
		t.Fatalf("binary pong %q", p)
	}
	want := traffic{w.sent.packetsIn, w.sent.bytesIn, w.got.packetsOut, w.got.bytesOut}
	if want.packetsIn != 4 || want.packetsOut != 4 {
		t.Fatalf("the exchange: %+v", want)
	}

	// The stats drain the counts at each interval: the UI adds them up,
	// and once they match, two more stats add nothing (the stats sent to
	// the UI are not counted).
	var got traffic
	seen, more := 0, -1
	deadline := time.After(10 * time.Second)
	for more < 2 {
		u.mu.Lock()
		var stats []json.RawMessage
		for _, e := range u.events[seen:] {
			if e.name == "server_stats" {
				stats = append(stats, e.args[0])
			}
		}
		seen = len(u.events)
		u.mu.Unlock()
		for _, raw := range stats {
			if more >= 0 {
				more++
			}
			var st statsJSON
			if err := json.Unmarshal(raw, &st); err != nil {
				t.Fatal(err)
			}
			got.packetsIn += st.total("packetsIn")
			got.bytesIn += st.total("bytesIn")
			got.packetsOut += st.total("packetsOut")
			got.bytesOut += st.total("bytesOut")
		}
		switch {
		case got == want && more < 0:
			more = 0
		case got != want && (more >= 0 || got.packetsIn > want.packetsIn || got.packetsOut > want.packetsOut):
			t.Fatalf("the UI received %+v, want %+v", got, want)
		}
		if more >= 2 {
			break
		}
		select {
		case <-u.wake:
		case <-deadline:
			t.Fatalf("the UI received %+v, want %+v", got, want)
		}
	}
}
