package redisadapter_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// tclient is a minimal Socket.IO client over runtime/engineio, enough to
// observe what a server delivers: it connects to one namespace, records
// every event and answers the events that want an acknowledgement.
type tclient struct {
	t      *testing.T
	name   string
	conn   *engineio.Conn
	nsp    string
	sid    string
	events chan tevent
	done   chan struct{}
	// backlog holds the events received while waiting for others; only
	// the test goroutine uses it.
	backlog []tevent

	mu     sync.Mutex
	closed bool
}

// tevent is a received event.
type tevent struct {
	Name string
	Args []json.RawMessage
	Bins [][]byte
}

func (e tevent) arg(i int) string {
	if i >= len(e.Args) {
		return ""
	}
	return string(e.Args[i])
}

// dial connects a client named name to nsp of the server at base (an
// http URL) with transport ("polling" or "websocket") and query.
func dial(t *testing.T, base, nsp, name, transport string, query url.Values) *tclient {
	t.Helper()
	if query == nil {
		query = url.Values{}
	}
	query.Set("name", name)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := engineio.Dial(ctx, base, &engineio.DialOptions{
		Path: "/socket.io/", Transports: []string{transport}, Query: query,
	})
	mustf(t, err, "dial %s", name)
	c := &tclient{t: t, name: name, conn: conn, nsp: nsp, events: make(chan tevent, 256), done: make(chan struct{})}
	t.Cleanup(c.close)
	connect := "0"
	if nsp != "/" {
		connect = "0" + nsp + ","
	}
	mustf(t, conn.Send(engineio.MessageText, []byte(connect)), "connect %s", name)
	connected := make(chan string, 1)
	go c.read(connected)
	select {
	case sid := <-connected:
		c.sid = sid
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: no CONNECT reply", name)
	}
	return c
}

func (c *tclient) read(connected chan string) {
	defer close(c.done)
	var dec parser.Decoder
	for {
		typ, data, err := c.conn.Receive(context.Background())
		if err != nil {
			return
		}
		var p *parser.Packet
		var complete bool
		if typ == engineio.MessageText {
			p, complete, err = dec.DecodeText(data)
		} else {
			p, complete, err = dec.DecodeBinary(data)
		}
		if err != nil || !complete {
			continue
		}
		switch p.Type {
		case parser.Connect:
			var reply struct{ SID string }
			_ = json.Unmarshal(p.Data, &reply)
			connected <- reply.SID
		case parser.Event, parser.BinaryEvent:
			c.onEvent(p)
		case parser.Disconnect:
			c.events <- tevent{Name: "$disconnect"}
		}
	}
}

func (c *tclient) onEvent(p *parser.Packet) {
	var elems []json.RawMessage
	if json.Unmarshal(p.Data, &elems) != nil || len(elems) == 0 {
		return
	}
	var name string
	_ = json.Unmarshal(elems[0], &name)
	ev := tevent{Name: name, Args: elems[1:], Bins: append([][]byte(nil), p.Attachments...)}
	if p.HasID {
		// Acknowledge with ["<client name>", <first argument>].
		reply := `["` + c.name + `"`
		if len(ev.Args) > 0 {
			reply += "," + string(ev.Args[0])
		}
		reply += "]"
		prefix := "3"
		if c.nsp != "/" {
			prefix += c.nsp + ","
		}
		_ = c.conn.Send(engineio.MessageText, []byte(prefix+strconv.FormatInt(p.ID, 10)+reply))
	}
	select {
	case c.events <- ev:
	default:
		c.t.Errorf("%s: event buffer full", c.name)
	}
}

// emit sends an event to the server.
func (c *tclient) emit(event string, args ...any) {
	c.t.Helper()
	data, _ := json.Marshal(append([]any{event}, args...))
	prefix := "2"
	if c.nsp != "/" {
		prefix += c.nsp + ","
	}
	mustf(c.t, c.conn.Send(engineio.MessageText, append([]byte(prefix), data...)), "%s emit", c.name)
}

// take returns the first event named name, from the events already
// received and then those arriving within d; others are kept for later.
func (c *tclient) take(name string, d time.Duration) (tevent, bool) {
	for i, ev := range c.backlog {
		if ev.Name == name {
			c.backlog = append(c.backlog[:i], c.backlog[i+1:]...)
			return ev, true
		}
	}
	deadline := time.After(d)
	for {
		select {
		case ev := <-c.events:
			if ev.Name == name {
				return ev, true
			}
			c.backlog = append(c.backlog, ev)
		case <-deadline:
			return tevent{}, false
		}
	}
}

// expect returns the next event named name.
func (c *tclient) expect(name string) tevent {
	c.t.Helper()
	ev, ok := c.take(name, 20*time.Second)
	if !ok {
		c.t.Fatalf("%s: no %q event", c.name, name)
	}
	return ev
}

// expectNone fails if an event named name arrives within d.
func (c *tclient) expectNone(name string, d time.Duration) {
	c.t.Helper()
	if ev, ok := c.take(name, d); ok {
		c.t.Fatalf("%s: unexpected %q %v", c.name, name, ev.Args)
	}
}

// drain returns the events named name that arrive within d.
func (c *tclient) drain(name string, d time.Duration) []tevent {
	var out []tevent
	deadline := time.Now().Add(d)
	for {
		ev, ok := c.take(name, time.Until(deadline))
		if !ok {
			return out
		}
		out = append(out, ev)
	}
}

func (c *tclient) close() {
	c.mu.Lock()
	closed := c.closed
	c.closed = true
	c.mu.Unlock()
	if !closed {
		_ = c.conn.Close()
		<-c.done
	}
}

func names(cs ...*tclient) string {
	var s []string
	for _, c := range cs {
		s = append(s, c.name)
	}
	return strings.Join(s, ",")
}
