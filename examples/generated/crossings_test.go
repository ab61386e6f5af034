package generated_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/bench"
	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/common"
	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// The crossings tests: what the runtime answers when a contract cannot be
// followed. Typed error details on both sides, a contract error refusing a
// connection, an event the contract does not declare, and a plain-style
// ack that cannot carry an error.
//
// The room "bad-details" makes each side of chat make a contract error
// whose details break the contract: RoomJoin returns it, RoomLeave polls
// the client with the question "bad details?", which the Go client
// answers with it; the nickname "flood-bad" makes the middleware refuse
// the connection with one.

// crossChat is the chat server of the crossings tests.
type crossChat struct {
	chat.UnimplementedChatServer
	// seen gets what the server side saw: the typed details of the error
	// a client answered a poll with, the answer to an undeclared event.
	seen chan any
}

// badRoom is a room ID that breaks the contract (RoomID's pattern).
const badRoom = "Not A Room!"

func (c *crossChat) RoomJoin(_ context.Context, _ chat.ChatSocket, in *chat.ChatRoomJoinPayload) (*chat.RoomInfo, error) {
	switch in.Room {
	case "bad-details":
		return nil, chat.NewRoomNotFound("no room", &chat.RoomNotFoundDetails{Room: badRoom})
	case "map-details":
		// A contract error made by hand, its details a map that breaks
		// the declared type: checked through its JSON all the same.
		return nil, &sio.Error{Code: "not_found", Name: "RoomNotFound", Message: "no room", Details: map[string]any{"room": badRoom}}
	case "map-good":
		return nil, &sio.Error{Code: "not_found", Name: "RoomNotFound", Message: "no room", Details: map[string]any{"room": "attic"}}
	}
	return nil, chat.NewRoomNotFound("no room "+in.Room, &chat.RoomNotFoundDetails{Room: in.Room})
}

// RoomLeave polls the client, which answers with a contract error.
func (c *crossChat) RoomLeave(ctx context.Context, s chat.ChatSocket, in *chat.ChatRoomLeavePayload) error {
	text := "Sure?"
	if in.Room == "bad-details" {
		text = "bad details?"
	}
	_, err := s.Poll(ctx, &chat.Question{ID: "22222222-2222-2222-2222-222222222222", Text: text, Choices: []string{"no", "yes"}})
	c.seen <- err
	return nil
}

// MessageHistory sends the client an event the contract does not declare,
// with an ack.
func (c *crossChat) MessageHistory(ctx context.Context, s chat.ChatSocket, _ chat.ChatMessageHistoryArgs) ([]chat.Message, error) {
	args, err := s.Socket.EmitWithAck(ctx, "server:undeclared", 1)
	if err == nil {
		_, err = sio.DecodeAck[struct{}](args, sio.AckEnvelope, nil)
	}
	c.seen <- err
	return []chat.Message{}, nil
}

// crossBench is the bench server: a plain-style echo that fails on demand.
type crossBench struct {
	bench.UnimplementedMainServer
	failed chan struct{} // told of each failure
}

func (b crossBench) Echo(_ context.Context, _ bench.MainSocket, in *bench.Sample) (*bench.Sample, error) {
	if in.Pad == "fail" {
		b.failed <- struct{}{}
		return nil, common.NewRateLimited("slow down", &common.RateLimitedDetails{RetryAfterMs: 10})
	}
	return in, nil
}

type crossServer struct {
	url     string
	chat    *crossChat
	invalid chan *sio.Error // payloads the plain-style echo dropped
	failed  chan struct{}   // failures of the plain-style echo
}

// startCrossServer serves chat (with a middleware refusing the nickname
// "flood" with a contract error) and bench on one server made with opts.
func startCrossServer(t *testing.T, opts *sio.ServerOptions) *crossServer {
	t.Helper()
	cs := &crossServer{chat: &crossChat{seen: make(chan any, 4)}, invalid: make(chan *sio.Error, 4), failed: make(chan struct{}, 4)}
	srv := sio.NewServer(opts)
	ns := chat.RegisterChatServer(srv, cs.chat)
	ns.Use(func(_ context.Context, s *sio.Socket) error {
		auth, err := chat.ChatSocket{Socket: s}.Auth()
		if err == nil && auth.Nickname == "flood" {
			return common.NewRateLimited("too many connections", &common.RateLimitedDetails{RetryAfterMs: 1500})
		}
		if err == nil && auth.Nickname == "flood-bad" {
			return common.NewRateLimited("too many connections", &common.RateLimitedDetails{RetryAfterMs: -1})
		}
		return nil
	})
	bench.RegisterMainServer(srv, crossBench{failed: cs.failed}, sio.OnInvalid(func(_ *sio.Socket, _ *sio.Event, err *sio.Error) { cs.invalid <- err }))
	cs.url = serve(t, srv)
	return cs
}

// serve serves srv on a test HTTP server until the test ends and returns
// its URL.
func serve(t *testing.T, srv *sio.Server) string {
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
	})
	return hs.URL
}

func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s", what)
		panic("unreachable")
	}
}

// pollAnswer is the Go client's poll handler: it answers with a contract
// error, whose details break the contract for the question "bad details?".
func pollAnswer(_ context.Context, q *chat.Question) (*chat.Answer, error) {
	if q.Text == "bad details?" {
		return nil, chat.NewRoomNotFound("which room?", &chat.RoomNotFoundDetails{Room: badRoom})
	}
	return nil, chat.NewRoomNotFound("which room?", &chat.RoomNotFoundDetails{Room: "attic"})
}

// TestCrossingsGoClient: the generated Go client against the generated Go
// server.
func TestCrossingsGoClient(t *testing.T) {
	t.Parallel()
	cs := startCrossServer(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	manager := func() *sio.Manager {
		m, err := sio.NewManager(cs.url, &sio.ClientOptions{DisableReconnection: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close(); <-m.Done() })
		return m
	}

	t.Run("connect error keeps code, name and details", func(t *testing.T) {
		err := chat.NewChatClient(manager(), &chat.ChatAuth{Token: "secret", Nickname: "flood"}).Connect(ctx)
		var e *sio.Error
		if !errors.As(err, &e) || e.Code != "resource_exhausted" || e.Name != common.RateLimitedName || e.Message != "too many connections" {
			t.Fatalf("Connect = %#v, want resource_exhausted RateLimited", err)
		}
		if d, ok := common.AsRateLimited(err); !ok || d.RetryAfterMs != 1500 {
			t.Errorf("AsRateLimited = %+v, %v", d, ok)
		}
		err = chat.NewChatClient(manager(), &chat.ChatAuth{Token: "", Nickname: "bob"}).Connect(ctx)
		if !errors.As(err, &e) || e.Code != sio.CodeInvalidArgument {
			t.Fatalf("Connect with an empty token = %v", err)
		}
		if vs, _ := e.Details.([]any); len(vs) != 1 || vs[0].(map[string]any)["path"] != "/token" {
			t.Errorf("violations = %#v, want one at /token", e.Details)
		}
	})

	c := chat.NewChatClient(manager(), &chat.ChatAuth{Token: "secret", Nickname: "bob"})
	c.OnPoll(pollAnswer)
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}

	t.Run("typed error details", func(t *testing.T) {
		_, err := c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "nowhere"})
		if d, ok := chat.AsRoomNotFound(err); !ok || d.Room != "nowhere" {
			t.Errorf("client: AsRoomNotFound(%v) = %+v, %v", err, d, ok)
		}
		if _, ok := common.AsRateLimited(err); ok {
			t.Error("AsRateLimited matched a RoomNotFound error")
		}
		// The server side: the error the client answered a poll with.
		if err := c.RoomLeave(ctx, &chat.ChatRoomLeavePayload{Room: "lobby"}); err != nil {
			t.Fatal(err)
		}
		err, _ = within(t, cs.chat.seen, "poll answer").(error)
		if d, ok := chat.AsRoomNotFound(err); !ok || d.Room != "attic" {
			t.Errorf("server: AsRoomNotFound(%v) = %+v, %v", err, d, ok)
		}
		// The side that made the error gets its own value back.
		want := &chat.RoomNotFoundDetails{Room: "x"}
		if d, ok := chat.AsRoomNotFound(chat.NewRoomNotFound("m", want)); !ok || d != want {
			t.Errorf("local: AsRoomNotFound = %p, %v; want %p", d, ok, want)
		}
		if _, ok := chat.AsRoomNotFound(errors.New("plain")); ok {
			t.Error("AsRoomNotFound matched a plain error")
		}
	})

	t.Run("error details that break the contract do not leave", func(t *testing.T) {
		// The server's handler: answered internal.
		_, err := c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "bad-details"})
		if sio.CodeOf(err) != sio.CodeInternal {
			t.Errorf("RoomJoin = %v, want internal", err)
		}
		// Details given as a map are checked too (sio.WithErrorDetails).
		if _, err := c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "map-details"}); sio.CodeOf(err) != sio.CodeInternal {
			t.Errorf("RoomJoin with a map breaking the details = %v, want internal", err)
		}
		if _, err := c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "map-good"}); !chat.IsRoomNotFound(err) {
			t.Errorf("RoomJoin with a map keeping the details = %v, want RoomNotFound", err)
		} else if d, ok := chat.AsRoomNotFound(err); !ok || d.Room != "attic" {
			t.Errorf("AsRoomNotFound = %+v, %v", d, ok)
		}
		// The client's answer to a poll: answered internal.
		if err := c.RoomLeave(ctx, &chat.ChatRoomLeavePayload{Room: "bad-details"}); err != nil {
			t.Fatal(err)
		}
		if err, _ := within(t, cs.chat.seen, "poll answer").(error); sio.CodeOf(err) != sio.CodeInternal {
			t.Errorf("server: poll answered with %v, want internal", err)
		}
		// The middleware's connect error: refused internal.
		err = chat.NewChatClient(manager(), &chat.ChatAuth{Token: "secret", Nickname: "flood-bad"}).Connect(ctx)
		if sio.CodeOf(err) != sio.CodeInternal {
			t.Errorf("Connect = %v, want internal", err)
		}
	})

	t.Run("error details that break the contract are refused on receipt", func(t *testing.T) {
		loose := startCrossServer(t, &sio.ServerOptions{SkipOutgoingChecks: true})
		looseManager := func() *sio.Manager {
			m, err := sio.NewManager(loose.url, &sio.ClientOptions{DisableReconnection: true, SkipOutgoingChecks: true})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = m.Close(); <-m.Done() })
			return m
		}
		lc := chat.NewChatClient(looseManager(), &chat.ChatAuth{Token: "secret", Nickname: "bob"})
		lc.OnPoll(pollAnswer)
		if err := lc.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		// The client, from the server's handler.
		_, err := lc.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "bad-details"})
		if !chat.IsRoomNotFound(err) {
			t.Fatalf("RoomJoin = %v, want RoomNotFound", err)
		}
		if d, ok := chat.AsRoomNotFound(err); ok {
			t.Errorf("client: AsRoomNotFound = %+v, true for details that break the contract", d)
		}
		// The server, from the client's answer to a poll.
		if err := lc.RoomLeave(ctx, &chat.ChatRoomLeavePayload{Room: "bad-details"}); err != nil {
			t.Fatal(err)
		}
		err, _ = within(t, loose.chat.seen, "poll answer").(error)
		if !chat.IsRoomNotFound(err) {
			t.Fatalf("server: poll answered with %v, want RoomNotFound", err)
		}
		if d, ok := chat.AsRoomNotFound(err); ok {
			t.Errorf("server: AsRoomNotFound = %+v, true for details that break the contract", d)
		}
		// The client, from a middleware's connect error.
		err = chat.NewChatClient(looseManager(), &chat.ChatAuth{Token: "secret", Nickname: "flood-bad"}).Connect(ctx)
		if !common.IsRateLimited(err) {
			t.Fatalf("Connect = %v, want RateLimited", err)
		}
		if d, ok := common.AsRateLimited(err); ok {
			t.Errorf("AsRateLimited = %+v, true for details that break the contract", d)
		}
	})

	t.Run("undeclared event", func(t *testing.T) {
		args, err := c.EmitWithAck(ctx, "no:such:event", 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sio.DecodeAck[struct{}](args, sio.AckEnvelope, nil); sio.CodeOf(err) != sio.CodeUnimplemented {
			t.Errorf("server answered %s with %v, want unimplemented", args.At(0).JSON(), err)
		}
		// And the other way: the client has typed handlers, so it answers.
		if _, err := c.MessageHistory(ctx, chat.ChatMessageHistoryArgs{Room: "lobby"}); err != nil {
			t.Fatal(err)
		}
		if err, _ := within(t, cs.chat.seen, "answer to server:undeclared").(error); sio.CodeOf(err) != sio.CodeUnimplemented {
			t.Errorf("client answered server:undeclared with %v, want unimplemented", err)
		}
	})

	t.Run("plain ack is never an envelope", func(t *testing.T) {
		b := bench.NewMainClient(c.Manager())
		if err := b.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		// An invalid payload: dropped and reported, not answered.
		waitCtx, stop := context.WithCancel(ctx)
		answered := make(chan error, 1)
		go func() {
			_, err := b.EmitWithAck(waitCtx, "echo", map[string]any{"client": -1, "pad": "", "seq": 0, "ts": 0})
			answered <- err
		}()
		if e := within(t, cs.invalid, "OnInvalid report"); e.Code != sio.CodeInvalidArgument {
			t.Errorf("OnInvalid got %v", e)
		}
		// A handler error: not answered either.
		go func() {
			_, err := b.EmitWithAck(waitCtx, "echo", &bench.Sample{Pad: "fail"})
			answered <- err
		}()
		within(t, cs.failed, "echo failure")
		// A valid echo behind them is answered with the declared type; an
		// answer to either would have come first.
		in := &bench.Sample{Client: 1, Pad: "x", Seq: 2, Ts: 3}
		if out, err := b.Echo(ctx, in); err != nil || *out != *in {
			t.Fatalf("Echo = %+v, %v", out, err)
		}
		stop()
		for range 2 {
			if err := within(t, answered, "end of the unanswered echo"); !errors.Is(err, context.Canceled) {
				t.Errorf("unanswered echo ended with %v, want its context's end", err)
			}
		}
	})
}

// TestCrossingsNodeClient: the official socket.io-client against the
// generated Go server.
func TestCrossingsNodeClient(t *testing.T) {
	t.Parallel()
	cs := startCrossServer(t, nil)
	p := nodetest.Start(t, "examples/generated/testdata/crossings-client.js", cs.url)
	checks := 0
	for _, line := range p.Wait(60 * time.Second) {
		if line["event"] != "check" {
			continue
		}
		checks++
		if line["ok"] != true {
			t.Errorf("%s: failed: %v", line["name"], line["detail"])
		}
	}
	if checks < 8 {
		t.Errorf("only %d checks ran", checks)
	}
	// The client's answer to a poll, whose details break the contract.
	err, _ := within(t, cs.chat.seen, "poll answer").(error)
	if !chat.IsRoomNotFound(err) {
		t.Fatalf("poll answered with %v, want RoomNotFound", err)
	}
	if d, ok := chat.AsRoomNotFound(err); ok {
		t.Errorf("AsRoomNotFound = %+v, true for details that break the contract", d)
	}
}
