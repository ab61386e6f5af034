package generated_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/common"
	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// chatServer implements the generated chat contract for the round trip.
type chatServer struct {
	chat.UnimplementedChatServer
	srv *sio.Server
}

func (c *chatServer) author(s chat.ChatSocket) common.User {
	auth, err := s.Auth()
	if err != nil {
		return common.User{ID: "00000000-0000-0000-0000-000000000000", Nickname: "?"}
	}
	return common.User{ID: "11111111-1111-1111-1111-111111111111", Nickname: auth.Nickname}
}

func message(i int, room chat.RoomID, author common.User, text string) chat.Message {
	return chat.Message{
		ID:     fmt.Sprintf("00000000-0000-0000-0000-%012d", i),
		Room:   room,
		Author: author,
		Text:   text,
		SentAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

func (c *chatServer) RoomJoin(_ context.Context, s chat.ChatSocket, in *chat.ChatRoomJoinPayload) (*chat.RoomInfo, error) {
	if in.Room != "lobby" {
		return nil, chat.NewRoomNotFound("no room "+in.Room, &chat.RoomNotFoundDetails{Room: in.Room})
	}
	s.Join(in.Room)
	n := int32(20) // the contract's default
	if in.History != nil {
		n = *in.History
	}
	info := &chat.RoomInfo{ID: in.Room, Title: "Lobby", Members: []common.User{c.author(s)}}
	for i := 0; i < int(n); i++ {
		info.History = append(info.History, message(i, in.Room, c.author(s), "old"))
	}
	return info, nil
}

func (c *chatServer) MessageSend(_ context.Context, s chat.ChatSocket, in *chat.SendMessage) (*chat.Message, error) {
	m := message(99, in.Room, c.author(s), in.Text)
	if in.Image != nil {
		if !bytes.Equal(in.Image, []byte{0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255}) {
			return nil, errors.New("image bytes damaged in transit")
		}
		m.Attachments = []chat.Attachment{{File: &chat.FileRef{URL: "https://example.com/i.png", Name: "i.png", SizeBytes: int64(len(in.Image))}}}
	}
	return &m, chat.NewChatBroadcast(c.srv).To(in.Room).EmitMessageNew(&m)
}

func (c *chatServer) MessageHistory(_ context.Context, s chat.ChatSocket, in chat.ChatMessageHistoryArgs) ([]chat.Message, error) {
	n := int32(50)
	if in.Page.Limit != nil {
		n = *in.Page.Limit
	}
	out := make([]chat.Message, n)
	for i := range out {
		out[i] = message(i, in.Room, c.author(s), "page")
	}
	return out, nil
}

// RoomLeave asks the client a question first: a server-to-client acked
// call from inside a handler.
func (c *chatServer) RoomLeave(ctx context.Context, s chat.ChatSocket, in *chat.ChatRoomLeavePayload) error {
	ans, err := s.Poll(ctx, &chat.Question{ID: "22222222-2222-2222-2222-222222222222", Text: "Sure?", Choices: []string{"no", "yes"}})
	if err != nil {
		return err
	}
	if ans.Choice != 1 {
		return fmt.Errorf("client answered %d", ans.Choice)
	}
	s.Leave(in.Room)
	return nil
}

func (c *chatServer) PingLegacy(context.Context, chat.ChatSocket) (chat.ChatPingLegacyAck, error) {
	return chat.ChatPingLegacyAck{Pong: time.Now().UTC()}, nil
}

// TestRoundTripNodeClient drives the generated, validating chat server with
// the official socket.io-client: valid payloads get typed acks, invalid ones
// never reach a handler and come back as invalid_argument with violations.
func TestRoundTripNodeClient(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"websocket", "polling"} {
		t.Run(transport, func(t *testing.T) {
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
			p := nodetest.Start(t, "examples/generated/testdata/chat-client.js", hs.URL, transport)
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
			if checks < 15 {
				t.Errorf("only %d checks ran", checks)
			}
		})
	}
}
