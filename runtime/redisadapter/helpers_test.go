package redisadapter_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// goNode is a sio server on an httptest server with a Redis node.
type goNode struct {
	name string
	srv  *sio.Server
	node *redisadapter.Node
	hs   *httptest.Server
	url  string
	sse  chan string // "event:args" of the server-side events received
	stop func()
}

// startGoNode starts a node. Its clients join the rooms of their "rooms"
// query parameter (comma-separated) and get {"name": <name parameter>} as
// data; server-side "ask" events are answered "<node name>:<first arg>".
func startGoNode(t *testing.T, r *redisServer, name string, opts *redisadapter.Options, sopts *sio.ServerOptions) *goNode {
	t.Helper()
	rdb := r.Client(t)
	node := redisadapter.NewNode(rdb, opts)
	if sopts == nil {
		sopts = &sio.ServerOptions{}
	}
	sopts.Adapter = node.Adapter
	srv := sio.NewServer(sopts)
	n := &goNode{name: name, srv: srv, node: node, sse: make(chan string, 64)}
	setup := func(ns *sio.Namespace) {
		// In a middleware, so that the client's CONNECT reply comes after.
		ns.Use(func(_ context.Context, s *sio.Socket) error {
			q := s.Handshake().Query
			s.SetData(map[string]string{"name": q.Get("name")})
			if rooms := q.Get("rooms"); rooms != "" {
				s.Join(strings.Split(rooms, ",")...)
			}
			return nil
		})
		record := func(event string) func(sio.Args) {
			return func(a sio.Args) {
				var s string
				_ = a.At(0).Decode(&s)
				n.sse <- event + ":" + s
			}
		}
		ns.OnServerSideEmit("hello", record("hello"))
		ns.OnServerSideEmit("ask", record("ask"))
		ns.Adapter().(*redisadapter.Adapter).OnServerSideEmitWithAck("ask", func(a sio.Args) any {
			var s string
			_ = a.At(0).Decode(&s)
			return name + ":" + s
		})
	}
	setup(srv.Of("/"))
	setup(srv.Of("/chat"))
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	n.hs = httptest.NewServer(mux)
	n.url = n.hs.URL
	stopped := false
	n.stop = func() {
		if stopped {
			return
		}
		stopped = true
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("%s: Shutdown: %v", name, err)
		}
		if err := node.Close(); err != nil {
			t.Errorf("%s: Close: %v", name, err)
		}
		n.hs.CloseClientConnections()
		n.hs.Close()
	}
	t.Cleanup(n.stop)
	return n
}

func (n *goNode) adapter(nsp string) *redisadapter.Adapter {
	return n.srv.Of(nsp).Adapter().(*redisadapter.Adapter)
}

// expectSSE returns the next server-side event the node received.
func (n *goNode) expectSSE(t *testing.T) string {
	t.Helper()
	select {
	case s := <-n.sse:
		return s
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: no server-side event", n.name)
	}
	return ""
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
