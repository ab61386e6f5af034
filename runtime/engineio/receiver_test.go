package engineio_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

// recorder is a ReceiverHandler that keeps what each session received, and
// answers "echo:..." messages.
type recorder struct {
	mu       sync.Mutex
	sessions []*recorded
	served   bool // ServeEngineIO was called
}

type recorded struct {
	c       *engineio.Conn
	mu      sync.Mutex
	got     []string
	closed  int
	late    int // messages after OnClose
	reason  engineio.Reason
	closedC chan struct{}
}

func (r *recorder) ServeEngineIO(*engineio.Conn) {
	r.mu.Lock()
	r.served = true
	r.mu.Unlock()
}

func (r *recorder) OpenEngineIO(c *engineio.Conn) engineio.Receiver {
	s := &recorded{c: c, closedC: make(chan struct{})}
	r.mu.Lock()
	r.sessions = append(r.sessions, s)
	r.mu.Unlock()
	return s
}

func (s *recorded) OnMessage(typ engineio.MessageType, data []byte) {
	s.mu.Lock()
	if s.closed > 0 {
		s.late++
	}
	s.got = append(s.got, typ.String()+":"+string(data))
	s.mu.Unlock()
	if typ == engineio.MessageText && len(data) > 5 && string(data[:5]) == "echo:" {
		_ = s.c.Send(engineio.MessageText, data[5:])
	}
}

func (s *recorded) OnClose(err error) {
	s.mu.Lock()
	s.closed++
	s.reason = engineio.ReasonOf(err)
	s.mu.Unlock()
	close(s.closedC)
}

// TestReceiverHandler checks that a ReceiverHandler gets every message of a
// session in order, on each transport, then OnClose once, and that
// ServeEngineIO is not called.
func TestReceiverHandler(t *testing.T) {
	for _, transports := range [][]string{
		{engineio.TransportWebsocket},
		{engineio.TransportPolling},
		{engineio.TransportPolling, engineio.TransportWebsocket},
	} {
		t.Run(fmt.Sprint(transports), func(t *testing.T) {
			rec := &recorder{}
			srv, url := startServer(t, rec, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := engineio.Dial(ctx, url+"/engine.io/", &engineio.DialOptions{Transports: transports})
			if err != nil {
				t.Fatal(err)
			}
			in := newInbox(t, c)
			const n = 300
			var want, echoes []string
			for i := range n {
				if i%3 == 2 {
					b := []byte{byte(i), 0, byte(i >> 8)}
					_ = c.Send(engineio.MessageBinary, b)
					want = append(want, "binary:"+string(b))
					continue
				}
				msg := fmt.Sprintf("m%d", i)
				if i%10 == 0 {
					echoes = append(echoes, msg)
					msg = "echo:" + msg
				}
				_ = c.Send(engineio.MessageText, []byte(msg))
				want = append(want, "text:"+msg)
			}
			for _, e := range echoes { // the answers come back in order
				if m := in.next(func(message) bool { return true }, 5*time.Second); string(m.data) != e {
					t.Fatalf("answer %q, want %q", m.data, e)
				}
			}
			_ = c.Close()
			rec.mu.Lock()
			sessions := rec.sessions
			rec.mu.Unlock()
			if len(sessions) != 1 {
				t.Fatalf("%d sessions opened, want 1", len(sessions))
			}
			s := sessions[0]
			select {
			case <-s.closedC:
			case <-time.After(5 * time.Second):
				t.Fatal("OnClose was not called")
			}
			<-s.c.Done()
			s.mu.Lock()
			defer s.mu.Unlock()
			if fmt.Sprint(s.got) != fmt.Sprint(want) {
				t.Errorf("received %d messages, want %d in order", len(s.got), len(want))
			}
			if s.closed != 1 || s.late != 0 || s.reason != engineio.ReasonTransportClose {
				t.Errorf("OnClose calls %d, messages after it %d, reason %v; want 1, 0, transport close", s.closed, s.late, s.reason)
			}
			if rec.served {
				t.Error("ServeEngineIO was called for a ReceiverHandler")
			}
			if srv.Len() != 0 {
				t.Errorf("%d sessions left", srv.Len())
			}
		})
	}
}

// blocker blocks in OnMessage until its session closes; blocked gets a
// value each time it does.
type blocker struct {
	opened  chan *engineio.Conn
	blocked chan struct{}
}

func (b blocker) ServeEngineIO(*engineio.Conn) {}
func (b blocker) OpenEngineIO(c *engineio.Conn) engineio.Receiver {
	b.opened <- c
	return blockingReceiver{c, b.blocked}
}

type blockingReceiver struct {
	c       *engineio.Conn
	blocked chan struct{}
}

func (r blockingReceiver) OnMessage(engineio.MessageType, []byte) {
	select {
	case r.blocked <- struct{}{}:
	default:
	}
	<-r.c.Closing()
}
func (r blockingReceiver) OnClose(error) {}

// TestReceiverBlockedUntilClose checks that a receiver blocked in OnMessage
// does not keep a closed session's goroutines alive.
func TestReceiverBlockedUntilClose(t *testing.T) {
	b := blocker{opened: make(chan *engineio.Conn, 1), blocked: make(chan struct{}, 1)}
	_, url := startServer(t, b, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := engineio.Dial(ctx, url+"/engine.io/", &engineio.DialOptions{Transports: []string{engineio.TransportWebsocket}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sc := <-b.opened
	for i := range 5 {
		_ = c.Send(engineio.MessageText, []byte{byte('a' + i)})
	}
	<-b.blocked // the receiver blocks on the first message, the others wait
	_ = sc.Close()
	select {
	case <-sc.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the session did not end while its receiver was blocked")
	}
}
