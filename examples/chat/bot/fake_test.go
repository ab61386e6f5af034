package main

import (
	"context"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/chat/chattest"
	"github.com/siogen/siogen/examples/generated/go/common"
)

const botID = "3b0c8a52-0000-4000-8000-0000000000b0"

// TestBotAgainstFakeServer runs the bot, written with the generated Go
// client, against the generated fake server: no chat server, no network.
func TestBotAgainstFakeServer(t *testing.T) {
	t.Parallel()
	fs := chattest.NewChatServer(t, nil)
	fs.RoomJoin.Return(&chat.RoomInfo{ID: "lobby", Title: "Lobby", Members: []common.User{}, History: []chat.Message{}, Presence: map[string]chat.Presence{}}, nil)
	fs.MessageSend.Handle(func(_ context.Context, in *chat.SendMessage) (*chat.Message, error) {
		return &chat.Message{ID: "6f1c1d1e-0000-4000-8000-000000000001", Room: in.Room, Author: common.User{ID: botID, Nickname: "bot"}, Text: in.Text, SentAt: time.Unix(0, 0).UTC()}, nil
	})

	b, err := start(t.Context(), fs.URL("/"), fs.ClientOptions(nil), "lobby", "bot")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.close)

	// The contract's default (history: 20) is applied on receipt.
	history := int32(20)
	fs.ExpectRoomJoin(&chat.ChatRoomJoinPayload{Room: "lobby", History: &history})
	fs.EmitMessageNew(&chat.Message{
		ID: "6f1c1d1e-0000-4000-8000-000000000002", Room: "lobby",
		Author: common.User{ID: "3b0c8a52-0000-4000-8000-0000000000a1", Nickname: "ann"}, Text: "!ping", SentAt: time.Unix(0, 0).UTC(),
	})
	fs.ExpectMessageSend(&chat.SendMessage{Room: "lobby", Text: "pong, ann"})
}
