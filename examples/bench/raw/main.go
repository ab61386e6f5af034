// Command raw is the physical-limit column of examples/bench: plain
// gorilla/websocket with just enough byte matching to speak the benchmark's
// frames and no protocol machinery (no heartbeat, no parser, no adapter).
// It answers the Engine.IO open and the Socket.IO CONNECT, turns
// 42<id>["echo",<arg>] into 43<id>[<arg>], and sends every 42["bcast",…]
// frame, as one prepared message, to every connection. Websocket only.
package main

import (
	"bytes"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/examples/bench/internal/serve"
)

func main() { os.Exit(serve.Main("raw", newHub())) }

// hub is the set of connections; Broadcast holds its read lock.
type hub struct {
	up    websocket.Upgrader
	mu    sync.RWMutex
	conns map[*client]struct{}
	next  atomic.Int64
}

// client is one connection; its writer goroutine owns the writes.
type client struct {
	ws  *websocket.Conn
	out chan outMsg
}

type outMsg struct {
	pm   *websocket.PreparedMessage
	data []byte
}

var (
	open     = []byte(`0{"sid":"raw","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`)
	echoHead = []byte(`["echo",`)
	bcastPre = []byte(`42["bcast",`)
)

func newHub() *hub {
	return &hub{
		up:    websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096, CheckOrigin: func(*http.Request) bool { return true }},
		conns: make(map[*client]struct{}),
	}
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ws, err := h.up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &client{ws: ws, out: make(chan outMsg, 4096)}
	done := make(chan struct{})
	go c.writer(done)
	c.out <- outMsg{data: open}
	h.mu.Lock()
	h.conns[c] = struct{}{}
	h.mu.Unlock()
	h.read(c)
	h.mu.Lock()
	delete(h.conns, c)
	h.mu.Unlock()
	close(done)
	_ = ws.Close()
}

func (c *client) writer(done <-chan struct{}) {
	for {
		select {
		case m := <-c.out:
			var err error
			if m.pm != nil {
				err = c.ws.WritePreparedMessage(m.pm)
			} else {
				err = c.ws.WriteMessage(websocket.TextMessage, m.data)
			}
			if err != nil {
				return
			}
		case <-done:
			return
		}
	}
}

func (h *hub) read(c *client) {
	for {
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		switch {
		case bytes.Equal(data, []byte("40")):
			c.out <- outMsg{data: []byte(`40{"sid":"` + strconv.FormatInt(h.next.Add(1), 10) + `"}`)}
		case bytes.HasPrefix(data, bcastPre):
			pm, err := websocket.NewPreparedMessage(websocket.TextMessage, data)
			if err != nil {
				return
			}
			h.mu.RLock()
			for o := range h.conns {
				select {
				case o.out <- outMsg{pm: pm}:
				default: // a full queue drops, as a slow client would
				}
			}
			h.mu.RUnlock()
		case len(data) > 2 && data[0] == '4' && data[1] == '2':
			i := 2
			for i < len(data) && data[i] >= '0' && data[i] <= '9' {
				i++
			}
			if !bytes.HasPrefix(data[i:], echoHead) {
				continue
			}
			out := make([]byte, 0, len(data))
			out = append(out, '4', '3')
			out = append(out, data[2:i]...)
			out = append(out, '[')
			out = append(out, data[i+len(echoHead):]...)
			c.out <- outMsg{data: out}
		}
	}
}
