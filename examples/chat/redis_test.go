package main

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/internal/redistest"
	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// TestTwoNodesThroughRedis runs two chat servers sharing a real
// redis-server (what -redis does) and checks, with the generated Go client
// on each node, that messages and presence cross from one node to the other.
func TestTwoNodesThroughRedis(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, false)
	node := func() string {
		n := redisadapter.NewNode(r.Client(t), nil)
		a := newApp(options{web: embeddedWeb(), publicURL: "http://example.test", adapter: n.Adapter})
		hs := httptest.NewServer(a.handler)
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = a.sio.Shutdown(ctx)
			hs.CloseClientConnections()
			hs.Close()
			_ = n.Close()
		})
		return hs.URL
	}
	url1, url2 := node(), node()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := func(url, name string) chat.ChatClient {
		m, err := sio.NewManager(url, &sio.ClientOptions{DisableReconnection: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close(); <-m.Done() })
		c := chat.NewChatClient(m, &chat.ChatAuth{Token: "token-" + name, Nickname: name})
		if err := c.Connect(ctx); err != nil {
			t.Fatalf("%s: connect: %v", name, err)
		}
		return c
	}
	ann, bob := client(url1, "ann"), client(url2, "bob")
	news := make(chan *chat.Message, 8)
	joined := make(chan string, 8)
	bob.OnMessageNew(func(_ context.Context, m *chat.Message) { news <- m })
	bob.OnUserJoined(func(_ context.Context, p *chat.ChatUserJoinedPayload) { joined <- p.User.Nickname })

	if _, err := bob.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ann.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"}); err != nil {
		t.Fatal(err)
	}
	select {
	case who := <-joined:
		if who != "ann" {
			t.Errorf("bob saw %q join", who)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("bob (node 2) did not see ann (node 1) join")
	}
	sent, err := ann.MessageSend(ctx, &chat.SendMessage{Room: "lobby", Text: "across nodes"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case m := <-news:
		if m.ID != sent.ID || m.Text != "across nodes" || m.Author.Nickname != "ann" {
			t.Errorf("bob got %+v", m)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the message did not cross from node 1 to node 2")
	}
}
