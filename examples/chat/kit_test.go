package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/chat/chattest"
	"github.com/siogen/siogen/examples/generated/go/common"
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

// TestContract runs the generated contract test against the chat server:
// every payload derived from the schema, valid and invalid, gets the
// answer the contract promises.
func TestContract(t *testing.T) {
	t.Parallel()
	ts := startChat(t)
	chattest.TestChatContract(t, ts, &chat.ChatAuth{Token: "contract", Nickname: "contract"},
		&siotest.ContractOptions{AllowCodes: []string{sio.CodeInvalidArgument}}) // an unknown history cursor
}

// brokenRoomJoin is a hand-written room:join handler with three mistakes
// the contract test must catch: it decodes without the generated checking
// reader (so it accepts rooms the contract forbids), answers with an
// error the event does not declare, and echoes the room into an ack whose
// title is too long.
func brokenRoomJoin(_ context.Context, _ *sio.Socket, in chat.ChatRoomJoinPayload) (*chat.RoomInfo, error) {
	if in.History != nil && *in.History == 100 {
		return nil, errors.New("database down")
	}
	return &chat.RoomInfo{ID: in.Room, Title: strings.Repeat("t", 121), Members: []common.User{},
		History: []chat.Message{}, Presence: map[string]chat.Presence{}}, nil
}

// TestContractCatchesBrokenHandler runs the contract test of room:join
// against brokenRoomJoin in a child process, which must fail, naming each
// mistake.
func TestContractCatchesBrokenHandler(t *testing.T) {
	if os.Getenv("SIOGEN_BROKEN_HANDLER") == "1" {
		srv := sio.NewServer(nil)
		sio.HandleAck(srv.Of(chat.ChatNamespace), chat.ChatEventRoomJoin, brokenRoomJoin)
		ts := siotest.NewServer(t, srv)
		siotest.RunContract(t, ts, chat.ChatNamespace, &chat.ChatAuth{Token: "t", Nickname: "n"}, chattest.ChatContract[:1], nil)
		return
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestContractCatchesBrokenHandler$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SIOGEN_BROKEN_HANDLER=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the contract test passed against a broken handler:\n%s", out)
	}
	for _, want := range []string{
		`which breaks the contract at "/room"; the server accepted it`,
		`the server answered internal`,
		`the server's answer breaks the contract`,
		`/title: `,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the contract test's output lacks %q:\n%s", want, out)
		}
	}
}

// TestRateLimitInFakeTime runs the chat server and a fake client inside a
// testing/synctest bubble, so that the runtime's limits count fake time:
// message:send's contract limit (5 in 2 seconds, a burst of 5, per socket)
// admits five messages, answers the sixth with resource_exhausted {limit
// "rate", max 5, retry_after_ms} before MessageSend runs, admits one more
// once retry_after_ms has passed, and counts each socket on its own.
func TestRateLimitInFakeTime(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ts := startChat(t)
		ann := chattest.NewChatClient(t, ts, &chat.ChatAuth{Token: "ann", Nickname: "ann"}, nil)
		ctx := t.Context()
		if _, err := ann.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"}); err != nil {
			t.Fatal(err)
		}
		send := func(c *chattest.ChatClient, text string) error {
			_, err := c.MessageSend(ctx, &chat.SendMessage{Room: "lobby", Text: text})
			return err
		}
		for i := range 5 {
			if err := send(ann, fmt.Sprint("message ", i)); err != nil {
				t.Fatal(err)
			}
		}
		err := send(ann, "one too many")
		d, ok := sio.AsResourceExhausted(err)
		if !ok {
			t.Fatalf("the sixth message in the window: %v, want resource_exhausted", err)
		}
		// One token comes back every 400ms; none has since the burst.
		if d.Limit != sio.LimitRate || d.Max != 5 || d.RetryAfterMs < 1 || d.RetryAfterMs > 400 {
			t.Fatalf("the sixth message's details = %+v, want limit rate, max 5, retry_after_ms in [1, 400]", d)
		}
		// Refused before the handler: the room's history does not have it.
		hist, err := ann.MessageHistory(ctx, chat.ChatMessageHistoryArgs{Room: "lobby"})
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 5 || hist[0].Text != "message 4" {
			t.Errorf("history after the refusal = %d messages, newest %q; want the 5 admitted", len(hist), hist[0].Text)
		}

		// Another socket of the same user has a bucket of its own.
		tab := chattest.NewChatClient(t, ts, &chat.ChatAuth{Token: "ann", Nickname: "ann"}, nil)
		if _, err := tab.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"}); err != nil {
			t.Fatal(err)
		}
		if err := send(tab, "from another tab"); err != nil {
			t.Errorf("the same user's second socket: %v", err)
		}

		time.Sleep(time.Duration(d.RetryAfterMs) * time.Millisecond)
		if err := send(ann, "later"); err != nil {
			t.Errorf("after retry_after_ms: %v", err)
		}
		if _, ok := sio.AsResourceExhausted(send(ann, "too soon again")); !ok {
			t.Error("a second message right after the one token came back was admitted")
		}
	})
}
