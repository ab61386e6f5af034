package siotest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/sio/siotest"
)

// echoServer acks "echo" with its arguments, joins "join" rooms, relays
// "say" to a room, and refuses connections without a token.
func echoServer() *sio.Server {
	srv := sio.NewServer(nil)
	ns := srv.Of("/chat")
	ns.Use(func(ctx context.Context, s *sio.Socket) error {
		var auth struct{ Token string }
		if err := s.Handshake().Auth.Decode(&auth); err != nil || auth.Token == "" {
			return &sio.Error{Code: sio.CodeUnauthenticated, Message: "no token", Details: map[string]string{"hint": "send a token"}}
		}
		return nil
	})
	ns.On("echo", func(_ *sio.Socket, e *sio.Event) { _ = e.Ack(e.Args.Values()...) })
	ns.On("join", func(_ *sio.Socket, e *sio.Event) {
		var room string
		_ = e.Args.Decode(&room)
		e.Socket().Join(room)
		_ = e.Ack(true)
	})
	ns.On("say", func(_ *sio.Socket, e *sio.Event) {
		var room, text string
		_ = e.Args.Decode(&room, &text)
		_ = e.Socket().To(room).Emit("said", text)
	})
	ns.On("bye", func(_ *sio.Socket, e *sio.Event) { e.Socket().Disconnect(false) })
	return srv
}

var auth = &sio.ClientOptions{Auth: map[string]string{"Token": "t"}}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestAckRoundTrip(t *testing.T) {
	t.Parallel()
	for _, transports := range [][]string{nil, {"polling"}, {"polling", "websocket"}} {
		t.Run(fmt.Sprint(transports), func(t *testing.T) {
			t.Parallel()
			ts := siotest.NewServer(t, echoServer())
			opts := *auth
			opts.Transports = transports
			cs := ts.Connect(t, "/chat", &opts)
			got, err := cs.EmitWithAck(ctxT(t), "echo", "hi", map[string]any{"blob": []byte{0, 1, 2}})
			if err != nil {
				t.Fatal(err)
			}
			var s string
			var v struct{ Blob []byte }
			if err := got.Decode(&s, &v); err != nil {
				t.Fatal(err)
			}
			if s != "hi" || !bytes.Equal(v.Blob, []byte{0, 1, 2}) || len(got.Attachments()) != 1 {
				t.Errorf("echo = %q, %v, %d attachments; want hi, [0 1 2] as 1 attachment", s, v.Blob, len(got.Attachments()))
			}
		})
	}
}

func TestMiddlewareRefuses(t *testing.T) {
	t.Parallel()
	ts := siotest.NewServer(t, echoServer())
	_, err := ts.Dial(ctxT(t), "/chat", &sio.ClientOptions{DisableReconnection: true})
	var e *sio.Error
	if !errors.As(err, &e) || e.Message != "no token" {
		t.Fatalf("Dial without a token: %v; want the middleware's refusal", err)
	}
}

func TestRoomsAndBroadcast(t *testing.T) {
	t.Parallel()
	ts := siotest.NewServer(t, echoServer())
	ctx := ctxT(t)
	in, out := make(chan string, 1), make(chan string, 1)
	var clients []*sio.ClientSocket
	for _, got := range []chan string{in, in, out} {
		s, err := sio.NewSocket(ts.URL("/chat"), ts.ClientOptions(auth))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Manager().Close() })
		s.On("said", func(e *sio.ClientEvent) {
			var text string
			_ = e.Args.Decode(&text)
			got <- text
		})
		if err := s.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		clients = append(clients, s)
	}
	for _, s := range clients[:2] {
		if _, err := s.EmitWithAck(ctx, "join", "lobby"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := clients[2].EmitWithAck(ctx, "join", "elsewhere"); err != nil {
		t.Fatal(err)
	}
	// The sender is excluded from its own broadcast: clients[1] gets it.
	if err := clients[0].Emit("say", "lobby", "hello"); err != nil {
		t.Fatal(err)
	}
	if got := <-in; got != "hello" {
		t.Errorf("lobby got %q", got)
	}
	// Events are delivered in order on a connection: if the outsider had
	// got the broadcast, it would come before the answer to this ack.
	if _, err := clients[2].EmitWithAck(ctx, "echo"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-out:
		t.Errorf("a socket outside the room got %q", got)
	default:
	}
}

func TestDisconnects(t *testing.T) {
	t.Parallel()
	ts := siotest.NewServer(t, echoServer())
	cs := ts.Connect(t, "/chat", auth)
	reasons := make(chan sio.DisconnectReason, 1)
	cs.OnDisconnect(func(r sio.DisconnectReason) { reasons <- r })
	if err := cs.Emit("bye"); err != nil {
		t.Fatal(err)
	}
	if r := <-reasons; r != sio.ReasonIOServerDisconnect {
		t.Errorf("reason = %q, want %q", r, sio.ReasonIOServerDisconnect)
	}
}

func TestCutReconnects(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ts := siotest.NewServer(t, echoServer())
		cs := ts.Connect(t, "/chat", auth)
		reasons := make(chan sio.DisconnectReason, 1)
		cs.OnDisconnect(func(r sio.DisconnectReason) { reasons <- r })
		reconnected := make(chan int, 1)
		cs.Manager().OnReconnect(func(n int) { reconnected <- n })
		ts.Cut()
		if r := <-reasons; r != sio.ReasonTransportClose && r != sio.ReasonTransportError {
			t.Errorf("reason after Cut = %q, want a transport close or error", r)
		}
		start := time.Now()
		<-reconnected
		// The first attempt waits ReconnectionDelay (1s) +-50% jitter.
		if d := time.Since(start); d < 500*time.Millisecond || d > 1500*time.Millisecond {
			t.Errorf("reconnected after %v of fake time, want 0.5s to 1.5s", d)
		}
		if _, err := cs.EmitWithAck(t.Context(), "echo", 1); err != nil {
			t.Errorf("echo after reconnection: %v", err)
		}
	})
}

// TestSynctestTimeouts runs heartbeats and an ack timeout in fake time: a
// minute of heartbeats passes without a disconnection, and an ack the
// client never sends times out exactly when the server said.
func TestSynctestTimeouts(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		srv := sio.NewServer(&sio.ServerOptions{
			Engine:     &engineio.ServerOptions{PingInterval: time.Second, PingTimeout: time.Second},
			AckTimeout: 5 * time.Second,
		})
		sockets := make(chan *sio.Socket, 1)
		srv.Of("/").OnConnection(func(s *sio.Socket) { sockets <- s })
		ts := siotest.NewServer(t, srv)
		cs := ts.Connect(t, "/", nil)
		cs.On("question", func(e *sio.ClientEvent) {}) // never answers
		s := <-sockets

		time.Sleep(time.Minute)
		synctest.Wait()
		if !cs.Connected() || !s.Connected() {
			t.Fatal("a minute of heartbeats disconnected the socket")
		}

		start := time.Now()
		_, err := s.EmitWithAck(context.Background(), "question")
		if sio.CodeOf(err) != sio.CodeTimeout {
			t.Fatalf("EmitWithAck = %v, want a timeout", err)
		}
		if d := time.Since(start); d != 5*time.Second {
			t.Errorf("timed out after %v, want exactly 5s of fake time", d)
		}
	})
}

func TestCloseEndsClients(t *testing.T) {
	t.Parallel()
	ts := siotest.NewServer(t, echoServer())
	cs := ts.Connect(t, "/chat", &sio.ClientOptions{Auth: auth.Auth, DisableReconnection: true})
	reasons := make(chan sio.DisconnectReason, 1)
	cs.OnDisconnect(func(r sio.DisconnectReason) { reasons <- r })
	if err := ts.Close(); err != nil {
		t.Fatal(err)
	}
	r := <-reasons
	if !slices.Contains([]sio.DisconnectReason{sio.ReasonTransportClose, sio.ReasonIOServerDisconnect}, r) {
		t.Errorf("reason = %q after the server closed", r)
	}
	if _, err := ts.Dial(ctxT(t), "/chat", &sio.ClientOptions{Auth: auth.Auth, DisableReconnection: true}); err == nil {
		t.Error("Dial after Close succeeded")
	}
}
