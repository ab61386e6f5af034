package generated_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/runtime/sio"
)

// recorder is an interceptor that writes down every call it sees, as
// "side direction event payload-type", and refuses the events named in
// refuse with a contract-free *sio.Error.
type recorder struct {
	side   string
	refuse string

	mu    sync.Mutex
	calls []string
}

func (r *recorder) Intercept(next sio.InvokeFunc) sio.InvokeFunc {
	return func(ctx context.Context, c *sio.Invocation) (any, error) {
		r.mu.Lock()
		r.calls = append(r.calls, fmt.Sprintf("%s %s %s %T", r.side, c.Direction, c.Event, c.Payload))
		r.mu.Unlock()
		if c.Direction == sio.Inbound && c.Event == r.refuse {
			return nil, &sio.Error{Code: "permission_denied", Message: "refused by " + r.side}
		}
		return next(ctx, c)
	}
}

func (r *recorder) seen() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// TestInterceptorsGenerated: interceptors given to the generated Register
// function and to the client's options wrap every typed handler and every
// typed emit and call on both sides, and see the decoded, generated
// payload types; an interceptor's refusal reaches the peer as the typed
// call's error.
func TestInterceptorsGenerated(t *testing.T) {
	t.Parallel()
	srvRec := &recorder{side: "server", refuse: chat.ChatEventMessageHistory}
	cliRec := &recorder{side: "client"}
	srv := sio.NewServer(nil)
	chat.RegisterChatServer(srv, &chatServer{srv: srv}, sio.WithInterceptors(srvRec))
	hs := httptest.NewServer(srv)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := sio.NewManager(hs.URL, &sio.ClientOptions{DisableReconnection: true, Interceptors: []sio.Interceptor{cliRec}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(); <-m.Done() })
	c := chat.NewChatClient(m, &chat.ChatAuth{Token: "secret", Nickname: "bob"})
	news := make(chan *chat.Message, 1)
	c.OnMessageNew(func(_ context.Context, msg *chat.Message) { news <- msg })
	c.OnPoll(func(_ context.Context, q *chat.Question) (*chat.Answer, error) {
		return &chat.Answer{Choice: int32(len(q.Choices) - 1)}, nil
	})
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("connect: %v", err)
	}

	if _, err := c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"}); err != nil {
		t.Fatalf("RoomJoin: %v", err)
	}
	if _, err := c.MessageSend(ctx, &chat.SendMessage{Room: "lobby", Text: "hi"}); err != nil {
		t.Fatalf("MessageSend: %v", err)
	}
	select {
	case <-news:
	case <-ctx.Done():
		t.Fatal("message:new never reached the client's handler")
	}
	if err := c.RoomLeave(ctx, &chat.ChatRoomLeavePayload{Room: "lobby"}); err != nil {
		t.Fatalf("RoomLeave (the server polls the client first): %v", err)
	}
	_, err = c.MessageHistory(ctx, chat.ChatMessageHistoryArgs{Room: "lobby"})
	var e *sio.Error
	if !errors.As(err, &e) || e.Code != "permission_denied" || e.Message != "refused by server" {
		t.Fatalf("MessageHistory refused by the server's interceptor = %v", err)
	}

	// A client's call is intercepted as it leaves (outbound, with its
	// arguments) and on the server as it is handled (inbound, decoded into
	// the generated type); the server's emits and calls likewise, the other
	// way round.
	wantServer := []string{
		"server inbound room:join *chat.ChatRoomJoinPayload",
		"server inbound message:send *chat.SendMessage",
		"server outbound message:new []interface {}",
		"server inbound room:leave *chat.ChatRoomLeavePayload",
		"server outbound poll []interface {}",
		"server inbound message:history chat.ChatMessageHistoryArgs",
	}
	wantClient := []string{
		"client outbound room:join []interface {}",
		"client outbound message:send []interface {}",
		"client inbound message:new *chat.Message",
		"client outbound room:leave []interface {}",
		"client inbound poll *chat.Question",
		"client outbound message:history []interface {}",
	}
	if got := srvRec.seen(); !slices.Equal(got, wantServer) {
		t.Errorf("server interceptor saw\n%q\nwant\n%q", got, wantServer)
	}
	// The client's handler of message:new may run after MessageSend's ack
	// was intercepted, so compare the client's calls as a set in order of
	// the exchange where the order is fixed.
	if got := cliRec.seen(); !sameCalls(got, wantClient) {
		t.Errorf("client interceptor saw\n%q\nwant (message:new anywhere after message:send)\n%q", got, wantClient)
	}
}

// sameCalls reports whether got is want, except that "client inbound
// message:new" may come anywhere after the message:send it follows.
func sameCalls(got, want []string) bool {
	const news = "client inbound message:new *chat.Message"
	i, j := slices.Index(got, news), slices.Index(want, news)
	if i < 0 || len(got) != len(want) {
		return false
	}
	sendAt := slices.Index(got, "client outbound message:send []interface {}")
	if sendAt < 0 || i < sendAt {
		return false
	}
	return slices.Equal(slices.Delete(slices.Clone(got), i, i+1), slices.Delete(slices.Clone(want), j, j+1))
}
