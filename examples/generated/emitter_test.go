package generated_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/common"
	"github.com/siogen/siogen/examples/generated/go/dashboard"
	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/internal/redistest"
	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// lobbyChat lets clients join rooms.
type lobbyChat struct{ chat.UnimplementedChatServer }

func (lobbyChat) RoomJoin(_ context.Context, s chat.ChatSocket, in *chat.ChatRoomJoinPayload) (*chat.RoomInfo, error) {
	s.Join(in.Room)
	return &chat.RoomInfo{ID: in.Room, Title: in.Room, Members: []common.User{}, History: []chat.Message{}, Presence: map[string]chat.Presence{}}, nil
}

// TestTypedRedisEmitter publishes with the generated typed emitters, from
// outside any server, through a real redis-server to a Go server on the
// Redis adapter, whose clients (the generated Go client and the official
// socket.io-client) receive exactly what the contract allows: a payload
// that breaks it returns invalid_argument and is never published.
func TestTypedRedisEmitter(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t, false)
	node := redisadapter.NewNode(r.Client(t), nil)
	srv := sio.NewServer(&sio.ServerOptions{Adapter: node.Adapter})
	// The namespaces' adapters have subscribed when these return.
	chat.RegisterChatServer(srv, lobbyChat{})
	dashboard.RegisterDashboardServer(srv, dashboard.UnimplementedDashboardServer{})
	t.Cleanup(func() { _ = node.Close() }) // after the server's shutdown
	url := serve(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	m, err := sio.NewManager(url, &sio.ClientOptions{DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(); <-m.Done() })
	inLobby := chat.NewChatClient(m, &chat.ChatAuth{Token: "secret", Nickname: "ann"})
	lobbyNews := make(chan *chat.Message, 8)
	lobbyPresence := make(chan *chat.ChatPresencePayload, 8)
	inLobby.OnMessageNew(func(_ context.Context, msg *chat.Message) { lobbyNews <- msg })
	inLobby.OnPresence(func(_ context.Context, p *chat.ChatPresencePayload) { lobbyPresence <- p })
	charts := make(chan *dashboard.DashboardChartPngPayload, 4)
	dash := dashboard.NewDashboardClient(m)
	dash.OnChartPng(func(_ context.Context, p *dashboard.DashboardChartPngPayload) { charts <- p })
	m2, err := sio.NewManager(url, &sio.ClientOptions{DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m2.Close(); <-m2.Done() })
	outside := chat.NewChatClient(m2, &chat.ChatAuth{Token: "secret", Nickname: "bob"})
	outsideNews := make(chan *chat.Message, 8)
	outsidePresence := make(chan *chat.ChatPresencePayload, 8)
	outside.OnMessageNew(func(_ context.Context, msg *chat.Message) { outsideNews <- msg })
	outside.OnPresence(func(_ context.Context, p *chat.ChatPresencePayload) { outsidePresence <- p })
	for _, c := range []interface{ Connect(context.Context) error }{inLobby, outside, dash} {
		if err := c.Connect(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := inLobby.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"}); err != nil {
		t.Fatal(err)
	}
	js := nodetest.Start(t, "examples/generated/testdata/emitter-client.js", url)
	if ready := js.Expect("ready", 20*time.Second); ready["ok"] != true {
		t.Fatalf("node client: %v", ready)
	}

	emitter := chat.NewChatEmitter(redisadapter.NewEmitter(r.Client(t), nil))
	msg := message(7, "lobby", common.User{ID: "11111111-1111-1111-1111-111111111111", Nickname: "ops"}, "maintenance at noon")

	// Broken payloads are refused before anything is published.
	bad := msg
	bad.Text = ""
	err = emitter.To("lobby").EmitMessageNew(ctx, &bad)
	if sio.CodeOf(err) != sio.CodeInvalidArgument {
		t.Fatalf("EmitMessageNew(empty text) = %v, want invalid_argument", err)
	}
	if vs, _ := err.(*sio.Error).Details.([]sio.Violation); len(vs) != 1 || vs[0].Path != "/text" {
		t.Errorf("violations = %#v, want one at /text", err.(*sio.Error).Details)
	}
	err = emitter.EmitPresence(ctx, &chat.ChatPresencePayload{User: "not-a-uuid", Presence: "asleep"})
	if sio.CodeOf(err) != sio.CodeInvalidArgument {
		t.Fatalf("EmitPresence(bad) = %v, want invalid_argument", err)
	}

	// To a room: its members get the message, on either client, and the
	// refused one never arrived before it.
	if err := emitter.To("lobby").EmitMessageNew(ctx, &msg); err != nil {
		t.Fatal(err)
	}
	if got := within(t, lobbyNews, "message:new in the lobby"); got.Text != msg.Text || !got.SentAt.Equal(msg.SentAt) {
		t.Errorf("Go client got %+v", got)
	}
	if got := js.Expect("message:new", 10*time.Second)["payload"].(map[string]any); got["text"] != msg.Text || got["sent_at"] != "2026-01-02T03:04:05Z" {
		t.Errorf("node client got %v", got)
	}

	// Except, then everyone: the first presence each side sees tells
	// whether the selection held (and that the refused one was not sent).
	// The two are about different users: presence is latest-per-user under
	// back-pressure, so a second presence of the same user may rightly
	// replace the first while it still waits in a send queue.
	away := &chat.ChatPresencePayload{User: "22222222-2222-2222-2222-222222222222", Presence: chat.PresenceAway}
	online := &chat.ChatPresencePayload{User: "33333333-3333-3333-3333-333333333333", Presence: chat.PresenceOnline}
	if err := emitter.Except("lobby").EmitPresence(ctx, away); err != nil {
		t.Fatal(err)
	}
	if err := emitter.EmitPresence(ctx, online); err != nil {
		t.Fatal(err)
	}
	if got := within(t, outsidePresence, "presence outside"); got.Presence != chat.PresenceAway {
		t.Errorf("outside first got %v, want away", got.Presence)
	}
	if got := within(t, outsidePresence, "second presence outside"); got.Presence != chat.PresenceOnline {
		t.Errorf("outside then got %v, want online", got.Presence)
	}
	if got := within(t, lobbyPresence, "presence in the lobby"); got.Presence != chat.PresenceOnline {
		t.Errorf("lobby first got %v, want online (the Except left it out)", got.Presence)
	}
	if got := js.Expect("presence", 10*time.Second)["payload"].(map[string]any); got["presence"] != "online" {
		t.Errorf("node client first got presence %v, want online", got)
	}
	select {
	case got := <-outsideNews:
		t.Errorf("a socket outside the lobby got %+v", got)
	default:
	}

	// Binary travels as an attachment and is checked too.
	charts2 := dashboard.NewDashboardEmitter(redisadapter.NewEmitter(r.Client(t), nil))
	if err := charts2.EmitChartPng(ctx, &dashboard.DashboardChartPngPayload{Metric: "Not A Metric", Png: []byte{1}}); sio.CodeOf(err) != sio.CodeInvalidArgument {
		t.Errorf("EmitChartPng(bad metric) = %v, want invalid_argument", err)
	}
	png := []byte{0x89, 'P', 'N', 'G', 0, 255}
	if err := charts2.EmitChartPng(ctx, &dashboard.DashboardChartPngPayload{Metric: "cpu.load", Png: png}); err != nil {
		t.Fatal(err)
	}
	if got := within(t, charts, "chart:png"); got.Metric != "cpu.load" || !bytes.Equal(got.Png, png) {
		t.Errorf("chart:png = %q %v", got.Metric, got.Png)
	}
}
