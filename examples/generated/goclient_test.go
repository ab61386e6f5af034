package generated_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/common"
	"github.com/siogen/siogen/runtime/sio"
)

// TestRoundTripGoClient: the generated Go client against the generated,
// validating Go server.
func TestRoundTripGoClient(t *testing.T) {
	t.Parallel()
	srv := sio.NewServer(nil)
	chat.RegisterChatServer(srv, &chatServer{srv: srv})
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
	manager := func() *sio.Manager {
		m, err := sio.NewManager(hs.URL, &sio.ClientOptions{DisableReconnection: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close(); <-m.Done() })
		return m
	}

	// Invalid auth is refused with the violations.
	bad := chat.NewChatClient(manager(), &chat.ChatAuth{Token: "", Nickname: "bob"})
	var e *sio.Error
	if err := bad.Connect(ctx); !errors.As(err, &e) || e.Code != sio.CodeInvalidArgument {
		t.Fatalf("connect with an empty token: %v", err)
	}

	c := chat.NewChatClient(manager(), &chat.ChatAuth{Token: "secret", Nickname: "bob"})
	news := make(chan *chat.Message, 4)
	c.OnMessageNew(func(_ context.Context, msg *chat.Message) { news <- msg })
	c.OnPoll(func(_ context.Context, q *chat.Question) (*chat.Answer, error) {
		return &chat.Answer{Choice: int32(len(q.Choices) - 1)}, nil
	})
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("connect: %v", err)
	}

	info, err := c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"})
	if err != nil || info.ID != "lobby" || len(info.History) != 20 || info.Members[0].Nickname != "bob" {
		t.Fatalf("RoomJoin = %+v, %v", info, err)
	}
	if _, err := c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "nowhere"}); !chat.IsRoomNotFound(err) {
		t.Errorf("RoomJoin(nowhere) = %v, want RoomNotFound", err)
	} else if errors.As(err, &e); e.Code != "not_found" {
		t.Errorf("RoomNotFound code = %q", e.Code)
	}
	hist := int32(500)
	_, err = c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "Bad Room!", History: &hist})
	if !errors.As(err, &e) || e.Code != sio.CodeInvalidArgument {
		t.Fatalf("invalid RoomJoin = %v", err)
	}
	// The client checks what it sends: the call fails before anything
	// is sent, with the violations the server would have reported.
	if vs, _ := e.Details.([]sio.Violation); len(vs) != 2 || vs[0].Path != "/history" || vs[1].Path != "/room" {
		t.Errorf("violations = %#v, want two (room, history)", e.Details)
	}

	img := []byte{0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255}
	msg, err := c.MessageSend(ctx, &chat.SendMessage{Room: "lobby", Text: "hi <b>", Image: img})
	if err != nil || msg.Text != "hi <b>" || len(msg.Attachments) != 1 || msg.Attachments[0].File == nil ||
		msg.Attachments[0].File.SizeBytes != int64(len(img)) {
		t.Fatalf("MessageSend = %+v, %v", msg, err)
	}
	select {
	case got := <-news:
		if got.ID != msg.ID || !got.SentAt.Equal(msg.SentAt) {
			t.Errorf("message:new = %+v, want %+v", got, msg)
		}
	case <-time.After(5 * time.Second):
		t.Error("no message:new broadcast")
	}
	if _, err := c.MessageSend(ctx, &chat.SendMessage{Room: "lobby", Text: ""}); sio.CodeOf(err) != sio.CodeInvalidArgument {
		t.Errorf("empty text: %v", err)
	}

	limit := int32(3)
	page, err := c.MessageHistory(ctx, chat.ChatMessageHistoryArgs{Room: "lobby", Page: common.Page{Limit: &limit}})
	if err != nil || len(page) != 3 {
		t.Errorf("MessageHistory = %d messages, %v", len(page), err)
	}
	if err := c.RoomLeave(ctx, &chat.ChatRoomLeavePayload{Room: "lobby"}); err != nil {
		t.Errorf("RoomLeave (server polls the client first): %v", err)
	}
	pong, err := c.PingLegacy(ctx)
	if err != nil || pong.Err != nil || time.Since(pong.Pong) > time.Minute {
		t.Errorf("PingLegacy = %+v, %v", pong, err)
	}
	if err := c.EmitTyping(&chat.ChatTypingPayload{Room: "lobby", Typing: true}); err != nil {
		t.Errorf("EmitTyping: %v", err)
	}
}
