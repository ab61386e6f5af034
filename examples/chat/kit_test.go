package main

import (
	"testing"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/chat/chattest"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/sio/siotest"
)

// startChat serves the chat service in memory.
func startChat(t *testing.T) *siotest.Server {
	t.Helper()
	srv := sio.NewServer(nil)
	newChatService(newImageStore("http://chat.test")).register(srv)
	return siotest.NewServer(t, srv)
}

// TestRoomsWithFakeClients drives the real handlers with the generated
// fake clients: joins, a message relayed to the room, typed errors.
func TestRoomsWithFakeClients(t *testing.T) {
	t.Parallel()
	ts := startChat(t)
	ann := chattest.NewChatClient(t, ts, &chat.ChatAuth{Token: "ann", Nickname: "ann"}, nil)
	bob := chattest.NewChatClient(t, ts, &chat.ChatAuth{Token: "bob", Nickname: "bob"}, nil)
	ctx := t.Context()

	if _, err := bob.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"}); err != nil {
		t.Fatal(err)
	}
	info, err := ann.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Members) != 2 || info.Title != "Lobby" {
		t.Errorf("room:join answered %+v", info)
	}
	annUser := userFromAuth(&chat.ChatAuth{Token: "ann", Nickname: "ann"})
	bob.ExpectUserJoined(&chat.ChatUserJoinedPayload{Room: "lobby", User: annUser})
	bob.ExpectPresence(&chat.ChatPresencePayload{User: annUser.ID, Presence: chat.PresenceOnline})

	sent, err := ann.MessageSend(ctx, &chat.SendMessage{Room: "lobby", Text: "hello"})
	if err != nil {
		t.Fatal(err)
	}
	// The contract's default (status: sent) is applied on receipt.
	want := *sent
	bob.ExpectMessageNew(&want)

	if _, err := ann.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "nowhere"}); !chat.IsRoomNotFound(err) {
		t.Errorf("joining an unknown room: %v, want RoomNotFound", err)
	}
	if err := ann.RoomLeave(ctx, &chat.ChatRoomLeavePayload{Room: "random"}); !chat.IsNotAMember(err) {
		t.Errorf("leaving a room not joined: %v, want NotAMember", err)
	}
}
