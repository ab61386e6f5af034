package redisadapter_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/parser"
	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// streamsNode is a sio server on an httptest server with a StreamsNode.
type streamsNode struct {
	name      string
	srv       *sio.Server
	node      *redisadapter.StreamsNode
	url       string
	sse       chan string
	recovered chan string // ids of the sockets restored on this node
}

// startStreamsNode starts a node whose clients join the rooms of their
// "rooms" query parameter; server-side "ask" events are answered
// "<name>:<first arg>". recovery turns on connection state recovery.
func startStreamsNode(t *testing.T, r *redisServer, name string, recovery bool) *streamsNode {
	t.Helper()
	node := redisadapter.NewStreamsNode(r.Client(t), &redisadapter.StreamsOptions{
		Block: 200 * time.Millisecond, HeartbeatInterval: 500 * time.Millisecond, HeartbeatTimeout: 2 * time.Second,
		ReconnectDelayMax: 500 * time.Millisecond,
	})
	opts := &sio.ServerOptions{Adapter: node.Adapter}
	if recovery {
		opts.Recovery = &sio.RecoveryOptions{MaxDisconnectionDuration: time.Minute}
	}
	n := &streamsNode{name: name, srv: sio.NewServer(opts), node: node, sse: make(chan string, 64), recovered: make(chan string, 8)}
	ns := n.srv.Of("/")
	ns.Use(func(_ context.Context, s *sio.Socket) error {
		if rooms := s.Handshake().Query.Get("rooms"); rooms != "" {
			s.Join(strings.Split(rooms, ",")...)
		}
		return nil
	})
	ns.OnConnection(func(s *sio.Socket) {
		if s.Recovered() {
			n.recovered <- s.ID()
		}
	})
	ns.OnServerSideEmit("hello", func(a sio.Args) {
		var s string
		_ = a.At(0).Decode(&s)
		n.sse <- "hello:" + s
	})
	ns.Adapter().(*redisadapter.StreamsAdapter).OnServerSideEmitWithAck("ask", func(a sio.Args) any {
		var s string
		_ = a.At(0).Decode(&s)
		return name + ":" + s
	})
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", n.srv)
	hs := httptest.NewServer(mux)
	n.url = hs.URL
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := n.srv.Shutdown(ctx); err != nil {
			t.Errorf("%s: Shutdown: %v", name, err)
		}
		if err := node.Close(); err != nil {
			t.Errorf("%s: Close: %v", name, err)
		}
		hs.CloseClientConnections()
		hs.Close()
	})
	return n
}

// waitServers waits until the node counts n nodes.
func (n *streamsNode) waitServers(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, _ := n.srv.Of("/").Adapter().ServerCount(context.Background())
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d servers, want %d", n.name, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// dialAuth connects a client to "/" with the CONNECT payload auth (JSON,
// may be empty) and returns it with the CONNECT reply's sid and pid.
// Events that precede the reply are kept.
func dialAuth(t *testing.T, base, name, auth string) (c *tclient, sid, pid string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := engineio.Dial(ctx, base, &engineio.DialOptions{Path: "/socket.io/", Transports: []string{"websocket"}})
	mustf(t, err, "dial %s", name)
	c = &tclient{t: t, name: name, conn: conn, nsp: "/", events: make(chan tevent, 4096), done: make(chan struct{})}
	mustf(t, conn.Send(engineio.MessageText, []byte("0"+auth)), "connect %s", name)
	var dec parser.Decoder
	for sid == "" {
		_, data, err := conn.Receive(ctx)
		mustf(t, err, "%s: CONNECT reply", name)
		p, complete, err := dec.DecodeText(data)
		if err != nil || !complete {
			continue
		}
		switch p.Type {
		case parser.Connect:
			var reply struct{ SID, PID string }
			_ = json.Unmarshal(p.Data, &reply)
			sid, pid = reply.SID, reply.PID
		case parser.Event:
			c.onEvent(p)
		}
	}
	go c.read(make(chan string, 1))
	t.Cleanup(c.close)
	return c, sid, pid
}

// lastArg returns an event's last argument as a string (its offset).
func lastArg(ev tevent) string {
	var s string
	if len(ev.Args) > 0 {
		_ = json.Unmarshal(ev.Args[len(ev.Args)-1], &s)
	}
	return s
}
