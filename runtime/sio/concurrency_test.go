package sio_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// connectMany opens n raw clients on "/" and returns them with their
// server-side sockets.
func connectMany(t *testing.T, url string, ns *sio.Namespace, n int) ([]*rawConn, []*sio.Socket) {
	t.Helper()
	conns := make([]*rawConn, n)
	socks := make([]*sio.Socket, n)
	for i := range conns {
		conns[i] = dialRaw(t, url, true)
		socks[i] = socketOf(t, ns, conns[i].connect("/", ""))
	}
	return conns, socks
}

// A broadcast encodes its packet once: every recipient is handed the same
// *engineio.Message values (text and attachments), hence the same bytes.
func TestBroadcastEncodesOnce(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var sent [][]*engineio.Message
	var ns *sio.Namespace
	_, url := startServer(t, nil, func(srv *sio.Server) {
		ns = srv.Of("/")
		sio.SetSendHook(srv, func(msgs []*engineio.Message) {
			if strings.HasPrefix(string(msgs[0].Data()), `51-["b"`) {
				mu.Lock()
				sent = append(sent, msgs)
				mu.Unlock()
			}
		})
	})
	conns, socks := connectMany(t, url, ns, 5)
	socks[4].Join("out")
	if err := ns.Except("out").Emit("b", map[string]any{"x": []byte{1, 2}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range conns[:4] {
		c.expect(`451-["b",{"x":{"_placeholder":true,"num":0}}]`)
		c.expectBinary([]byte{1, 2})
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 4 {
		t.Fatalf("queued on %d connections, want 4", len(sent))
	}
	for _, msgs := range sent[1:] {
		if len(msgs) != 2 || msgs[0] != sent[0][0] || msgs[1] != sent[0][1] {
			t.Errorf("connections got different messages: %p %p vs %p %p", msgs[0], msgs[1], sent[0][0], sent[0][1])
		}
	}
}

// Many goroutines emitting to one socket, with and without acks: every
// event arrives, in order per goroutine, and every ack reaches its caller.
func TestConcurrentEmitsToOneSocket(t *testing.T) {
	t.Parallel()
	var ns *sio.Namespace
	_, url := startServer(t, nil, func(srv *sio.Server) { ns = srv.Of("/") })
	conns, socks := connectMany(t, url, ns, 1)
	c, s := conns[0], socks[0]

	const emitters, perEmitter, askers, perAsker = 8, 150, 4, 20
	var wg sync.WaitGroup
	errs := make(chan error, emitters*perEmitter+askers*perAsker)
	for g := range emitters {
		wg.Go(func() {
			for i := range perEmitter {
				if err := s.Emit("n", g, i); err != nil {
					errs <- err
				}
			}
		})
	}
	for g := range askers {
		wg.Go(func() {
			for i := range perAsker {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				args, err := s.EmitWithAck(ctx, "q", g, i)
				cancel()
				var a, b int
				if err == nil {
					err = args.Decode(&a, &b)
				}
				if err == nil && (a != g || b != i+1) {
					err = fmt.Errorf("ack %d/%d answered %d/%d", g, i, a, b)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}

	event := regexp.MustCompile(`^42\["n",(\d+),(\d+)\]$`)
	ask := regexp.MustCompile(`^42(\d+)\["q",(\d+),(\d+)\]$`)
	next := make([]int, emitters)
	events, asks := 0, 0
	for events < emitters*perEmitter || asks < askers*perAsker {
		f := c.next(30 * time.Second)
		if m := event.FindStringSubmatch(f.data); m != nil {
			g, _ := strconv.Atoi(m[1])
			i, _ := strconv.Atoi(m[2])
			if i != next[g] {
				t.Fatalf("goroutine %d: got event %d, want %d", g, i, next[g])
			}
			next[g]++
			events++
		} else if m := ask.FindStringSubmatch(f.data); m != nil {
			i, _ := strconv.Atoi(m[3])
			c.send(fmt.Sprintf(`43%s[%s,%d]`, m[1], m[2], i+1))
			asks++
		} else {
			t.Fatalf("unexpected frame %v", f)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// checkAdapter verifies that the adapter's two indexes agree and that it
// only knows live sockets.
func checkAdapter(t *testing.T, ns *sio.Namespace) {
	t.Helper()
	a := ns.Adapter().(*sio.MemoryAdapter)
	for _, room := range a.Rooms() {
		for _, id := range a.Sockets([]string{room}) {
			if ns.Socket(id) == nil {
				t.Errorf("room %q holds a socket that is gone (%s)", room, id)
			}
			if !slices.Contains(a.SocketRooms(id), room) {
				t.Errorf("room %q holds %s, whose rooms are %v", room, id, a.SocketRooms(id))
			}
		}
	}
}

// Sockets join and leave rooms while broadcasts and the room operations of
// the namespace run: no race, consistent rooms, and a final broadcast
// reaches exactly its room.
func TestJoinLeaveWhileBroadcasting(t *testing.T) {
	t.Parallel()
	var ns *sio.Namespace
	_, url := startServer(t, nil, func(srv *sio.Server) { ns = srv.Of("/") })
	conns, socks := connectMany(t, url, ns, 6)
	ctx := context.Background()
	const rounds = 200
	var wg sync.WaitGroup
	for i, s := range socks {
		wg.Go(func() {
			for k := range rounds {
				s.Join("r" + strconv.Itoa((i+k)%3))
				s.Leave("r" + strconv.Itoa((i+k+1)%3))
				_ = s.Rooms()
			}
		})
	}
	for b := range 2 {
		wg.Go(func() {
			for k := range rounds {
				if err := ns.To("r0", "r1").Except("r2").Emit("t", b, k); err != nil {
					t.Error(err)
				}
				_ = ns.In("r1").SocketsJoin(ctx, "x")
				_ = ns.In("x").SocketsLeave(ctx, "x")
				if _, err := ns.In("r0").FetchSockets(ctx); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	checkAdapter(t, ns)
	for _, s := range socks[:3] {
		s.Join("final")
	}
	_ = ns.To("final").Emit("end")
	_ = ns.Emit("all")
	for i, c := range conns {
		f := c.until(func(f frame) bool { return f.data == `42["end"]` || f.data == `42["all"]` }, 30*time.Second)
		if want := i < 3; (f.data == `42["end"]`) != want {
			t.Errorf("client %d: first got %s", i, f.data)
		}
	}
}

// Sockets disconnect, from either side, while broadcasts (with and without
// acks) and room operations are under way: emits do not fail, nothing
// hangs, and no socket is left behind in the adapter.
func TestDisconnectMidBroadcast(t *testing.T) {
	t.Parallel()
	var ns *sio.Namespace
	_, url := startServer(t, nil, func(srv *sio.Server) { ns = srv.Of("/") })
	conns, socks := connectMany(t, url, ns, 12)
	for i, s := range socks {
		s.Join("room" + strconv.Itoa(i%2))
	}
	ctx := context.Background()
	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Go(func() {
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := ns.Emit("tick", k, []byte{byte(k)}); err != nil {
				t.Error(err)
			}
			_ = ns.To("room1").Emit("tock", k)
			_ = ns.In("room0").SocketsJoin(ctx, "late")
		}
	})
	bg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			actx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
			_, _ = ns.EmitWithAck(actx, "poll") // nobody answers
			cancel()
		}
	})
	var wg sync.WaitGroup
	for i := range socks {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * 10 * time.Millisecond)
			switch i % 3 {
			case 0:
				socks[i].Disconnect(false)
			case 1:
				socks[i].Disconnect(true)
			default:
				conns[i].close()
			}
			socks[i].Join("after") // a no-op on a gone socket
		})
	}
	wg.Wait()
	eventually(t, 10*time.Second, "every socket gone", func() bool { return ns.Len() == 0 })
	close(stop)
	bg.Wait()
	if rooms := ns.Adapter().(*sio.MemoryAdapter).Rooms(); len(rooms) != 0 {
		t.Errorf("rooms left in the adapter: %v", rooms)
	}
	checkAdapter(t, ns)
}

// Server.Shutdown ends every connection and every goroutine, whatever the
// connections are doing: idle on websocket, waiting in a polling GET, in a
// handler waiting for an ack, in a middleware waiting on its context.
// Not parallel: it checks the process's goroutines.
func TestShutdownEndsEveryGoroutine(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	inHandler := make(chan struct{})
	inMiddleware := make(chan struct{})
	srv := sio.NewServer(nil)
	srv.Of("/").On("wait", func(s *sio.Socket, e *sio.Event) {
		close(inHandler)
		_, err := s.EmitWithAck(context.Background(), "never")
		if sio.CodeOf(err) != sio.CodeDisconnected {
			t.Errorf("pending ack ended with %v, want a disconnected error", err)
		}
	})
	srv.Of("/slow").Use(func(ctx context.Context, s *sio.Socket) error {
		close(inMiddleware)
		<-ctx.Done()
		return ctx.Err()
	})
	hs := httptest.NewServer(srv)

	idle := dialRaw(t, hs.URL, true)
	idle.connect("/", "")
	busy := dialRaw(t, hs.URL, true)
	busy.connect("/", "")
	busy.send(`42["wait"]`)
	<-inHandler
	slow := dialRaw(t, hs.URL, true)
	slow.send(`40/slow,`)
	<-inMiddleware

	// A polling client with a GET waiting.
	base := hs.URL + "/socket.io/?EIO=4&transport=polling"
	resp, err := http.Get(base)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sid := regexp.MustCompile(`"sid":"([^"]+)"`).FindStringSubmatch(string(body))
	if sid == nil {
		t.Fatalf("open: %q", body)
	}
	u := base + "&sid=" + sid[1]
	if resp, err := http.Post(u, "text/plain", strings.NewReader("40")); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	resp, err = http.Get(u) // the CONNECT reply
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	pending := make(chan string, 1)
	go func() {
		resp, err := http.Get(u)
		if err != nil {
			pending <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		pending <- string(b)
	}()
	time.Sleep(100 * time.Millisecond) // let the GET arrive

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	select {
	case b := <-pending:
		if !strings.Contains(b, "1") {
			t.Errorf("pending GET answered %q, want the close packet", b)
		}
	case <-time.After(10 * time.Second):
		t.Error("pending GET not answered")
	}
	for _, c := range []*rawConn{idle, busy, slow} {
		if !c.closed(10 * time.Second) {
			t.Error("websocket connection still open after Shutdown")
		}
		c.close()
	}
	hs.CloseClientConnections()
	hs.Close()
	http.DefaultClient.CloseIdleConnections()
	goleak.VerifyNone(t, ignore)
}
