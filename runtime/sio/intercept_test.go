package sio_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// trail records what interceptors see, in order.
type trail struct {
	mu  sync.Mutex
	got []string
}

func (tr *trail) add(format string, args ...any) {
	tr.mu.Lock()
	tr.got = append(tr.got, fmt.Sprintf(format, args...))
	tr.mu.Unlock()
}

func (tr *trail) all() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return slices.Clone(tr.got)
}

// tracer returns an interceptor named name that records each call it sees,
// before and after the next one, and rejects the event "forbidden".
func (tr *trail) tracer(name string) sio.Interceptor {
	return sio.InterceptorFunc(func(next sio.InvokeFunc) sio.InvokeFunc {
		return func(ctx context.Context, c *sio.Invocation) (any, error) {
			who := "server"
			if c.Client != nil {
				who = "client"
			} else if c.Socket == nil {
				who = "broadcast"
			}
			tr.add("%s> %s %s %s %s ack=%v %v", name, c.Direction, who, c.Namespace, c.Event, c.WantsAck, c.Payload)
			if c.Event == "forbidden" {
				return nil, sio.NewError("permission_denied", "%s says no", name)
			}
			r, err := next(ctx, c)
			shown := r
			if a, ok := r.(sio.Args); ok {
				shown = string(a.At(0).JSON())
			}
			tr.add("%s< %s %v %v", name, c.Event, shown, sio.CodeOf(err))
			return r, err
		}
	})
}

type num struct {
	N int `json:"n"`
}

// TestServerInterceptors checks the order of the server's interceptors
// (ServerOptions first, then the handler's WithInterceptors), what they
// see of an inbound event and its result, of outbound emits, and a
// rejection on both ways.
func TestServerInterceptors(t *testing.T) {
	t.Parallel()
	tr := &trail{}
	ran := make(chan string, 10)
	srv, url := startServer(t, &sio.ServerOptions{Interceptors: []sio.Interceptor{tr.tracer("A"), tr.tracer("B")}}, func(srv *sio.Server) {
		ns := srv.Of("/calc")
		opt := sio.WithInterceptors(tr.tracer("C"))
		for _, ev := range []string{"double", "forbidden"} {
			sio.HandleAck(ns, ev, func(ctx context.Context, s *sio.Socket, in num) (num, error) {
				ran <- ev
				return num{2 * in.N}, nil
			}, opt)
		}
		sio.Handle(ns, "note", func(ctx context.Context, s *sio.Socket, in num) { ran <- "note" }, opt)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(url+"/calc", clFastOpts([]string{"websocket"}))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	got := make(chan string, 10)
	cs.On("hello", func(e *sio.ClientEvent) { got <- string(e.At(0).JSON()) })
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}

	out, err := sio.Call[num](ctx, cs, sio.AckEnvelope, "double", num{21})
	if err != nil || out.N != 42 {
		t.Fatalf("double = %v, %v", out, err)
	}
	clWithin(t, ran, "double handled")
	want := []string{
		"A> inbound server /calc double ack=true {21}",
		"B> inbound server /calc double ack=true {21}",
		"C> inbound server /calc double ack=true {21}",
		"C< double {42} ",
		"B< double {42} ",
		"A< double {42} ",
	}
	if got := tr.all(); !slices.Equal(got, want) {
		t.Errorf("inbound calls:\n got %q\nwant %q", got, want)
	}

	// Rejected by the first interceptor: the handler never runs and the
	// client gets the *sio.Error.
	_, err = sio.Call[num](ctx, cs, sio.AckEnvelope, "forbidden", num{1})
	if sio.CodeOf(err) != "permission_denied" {
		t.Fatalf("forbidden answered %v", err)
	}
	if err := cs.Emit("note", num{3}); err != nil {
		t.Fatal(err)
	}
	if r := clWithin(t, ran, "note handled"); r != "note" {
		t.Fatalf("handler %q ran; forbidden must not", r)
	}
	// The handler signals before the interceptors around it return: wait
	// for the outermost one to be done with it.
	eventually(t, 10*time.Second, "note's interceptors done", func() bool {
		return slices.Contains(tr.all(), "A< note {} ")
	})

	// Outbound: a socket's emit goes through the server's and the
	// namespace's handler interceptors, and can be refused.
	tr.mu.Lock()
	tr.got = nil
	tr.mu.Unlock()
	s := srv.Of("/calc").Sockets()[0]
	if err := s.Emit("hello", "world"); err != nil {
		t.Fatal(err)
	}
	if g := clWithin(t, got, "hello"); g != `"world"` {
		t.Fatalf("client got %q", g)
	}
	if err := s.Emit("forbidden", 1); sio.CodeOf(err) != "permission_denied" {
		t.Fatalf("forbidden emit: %v", err)
	}
	if err := srv.Of("/calc").Emit("hello", "all"); err != nil {
		t.Fatal(err)
	}
	clWithin(t, got, "broadcast hello")
	want = []string{
		"A> outbound server /calc hello ack=false [world]",
		"B> outbound server /calc hello ack=false [world]",
		"C> outbound server /calc hello ack=false [world]",
		"C< hello <nil> ",
		"B< hello <nil> ",
		"A< hello <nil> ",
		"A> outbound server /calc forbidden ack=false [1]",
		"A> outbound broadcast /calc hello ack=false [all]",
		"B> outbound broadcast /calc hello ack=false [all]",
		"C> outbound broadcast /calc hello ack=false [all]",
		"C< hello <nil> ",
		"B< hello <nil> ",
		"A< hello <nil> ",
	}
	if got := tr.all(); !slices.Equal(got, want) {
		t.Errorf("outbound calls:\n got %q\nwant %q", got, want)
	}
}

// TestClientInterceptors checks the client's interceptors: the
// ClientOptions ones, then the handler's, around a typed handler the server
// calls with an ack, and around the client's own emits, one rejected.
func TestClientInterceptors(t *testing.T) {
	t.Parallel()
	gotEcho := make(chan string, 1)
	srv, url := startServer(t, nil, func(srv *sio.Server) {
		srv.Of("/").On("echo", func(s *sio.Socket, e *sio.Event) {
			gotEcho <- string(e.At(0).JSON())
			_ = e.Ack(e.Values()...)
		})
	})
	tr := &trail{}
	opts := clFastOpts([]string{"websocket"})
	opts.Interceptors = []sio.Interceptor{tr.tracer("X"), tr.tracer("Y")}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	sio.OnClientAck(cs, "double", func(ctx context.Context, in num) (num, error) {
		return num{2 * in.N}, nil
	}, sio.WithInterceptors(tr.tracer("Z")))
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	s := srv.Of("/").Sockets()[0]
	out, err := sio.Call[num](ctx, s, sio.AckEnvelope, "double", num{4})
	if err != nil || out.N != 8 {
		t.Fatalf("double = %v, %v", out, err)
	}
	args, err := cs.EmitWithAck(ctx, "echo", "hi")
	if err != nil || string(args.At(0).JSON()) != `"hi"` {
		t.Fatalf("echo = %v, %v", args, err)
	}
	if g := clWithin(t, gotEcho, "echo"); g != `"hi"` {
		t.Fatalf("server got %q", g)
	}
	if _, err := cs.EmitWithAck(ctx, "forbidden", 1); sio.CodeOf(err) != "permission_denied" {
		t.Fatalf("forbidden = %v", err)
	}
	want := []string{
		"X> inbound client / double ack=true {4}",
		"Y> inbound client / double ack=true {4}",
		"Z> inbound client / double ack=true {4}",
		"Z< double {8} ",
		"Y< double {8} ",
		"X< double {8} ",
		"X> outbound client / echo ack=true [hi]",
		"Y> outbound client / echo ack=true [hi]",
		`Y< echo "hi" `,
		`X< echo "hi" `,
		"X> outbound client / forbidden ack=true [1]",
	}
	if got := tr.all(); !slices.Equal(got, want) {
		t.Errorf("client calls:\n got %q\nwant %q", got, want)
	}
}
