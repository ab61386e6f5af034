package sioadmin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/crypto/bcrypt"

	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/sioadmin"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const password = "s3cret"

// hash is password's bcrypt hash at the lowest cost, for speed.
var hash = func() string {
	h, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return string(h)
}()

// start runs a server with an instrumented admin namespace and a "/chat"
// namespace whose sockets join "lobby" when they connect and echo "ping".
func start(t *testing.T, opts *sioadmin.Options) (*sio.Server, *sioadmin.Admin, string) {
	t.Helper()
	return startWith(t, nil, opts)
}

// startWith is start with server options.
func startWith(t *testing.T, so *sio.ServerOptions, opts *sioadmin.Options) (*sio.Server, *sioadmin.Admin, string) {
	t.Helper()
	srv := sio.NewServer(so)
	chat := srv.Of("/chat")
	chat.OnConnection(func(s *sio.Socket) { s.Join("lobby") })
	chat.On("ping", func(s *sio.Socket, e *sio.Event) { _ = s.Emit("pong", e.Values()...) })
	admin, err := sioadmin.Instrument(srv, opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		if err := admin.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		hs.CloseClientConnections()
		hs.Close()
	})
	return srv, admin, hs.URL
}

// ui is a Go client in the admin UI's place: it records every event the
// admin namespace sends.
type ui struct {
	t    *testing.T
	sock *sio.ClientSocket

	mu     sync.Mutex
	events []received
	wake   chan struct{}
}

type received struct {
	name string
	args []json.RawMessage
}

var adminEvents = []string{"session", "config", "server_stats", "all_sockets", "socket_connected", "socket_updated",
	"socket_disconnected", "room_joined", "room_left", "event_received", "event_sent"}

func dialUI(t *testing.T, url string, auth any) (*ui, error) {
	t.Helper()
	s, err := sio.NewSocket(url+"/admin", &sio.ClientOptions{Auth: auth, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	u := &ui{t: t, sock: s, wake: make(chan struct{}, 1)}
	for _, name := range adminEvents {
		s.On(name, func(e *sio.ClientEvent) {
			var args []json.RawMessage
			for _, v := range e.Values() {
				b, _ := json.Marshal(v)
				args = append(args, b)
			}
			u.mu.Lock()
			u.events = append(u.events, received{e.Name, args})
			u.mu.Unlock()
			select {
			case u.wake <- struct{}{}:
			default:
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t.Cleanup(func() { _ = s.Manager().Close() })
	if err := s.Connect(ctx); err != nil {
		return nil, err
	}
	return u, nil
}

// wait returns the first event called name, after the i-th, whose arguments
// satisfy match, waiting for it.
func (u *ui) wait(name string, match func(args []json.RawMessage) bool) []json.RawMessage {
	u.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		u.mu.Lock()
		for _, e := range u.events {
			if e.name == name && (match == nil || match(e.args)) {
				u.mu.Unlock()
				return e.args
			}
		}
		var same []string
		for _, e := range u.events {
			if e.name == name {
				same = append(same, fmt.Sprintf("%s", e.args))
			}
		}
		u.mu.Unlock()
		select {
		case <-u.wake:
		case <-deadline:
			u.t.Fatalf("no %q event matched within 10s; received %q", name, same)
		}
	}
}

func (u *ui) count(name string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := 0
	for _, e := range u.events {
		if e.name == name {
			n++
		}
	}
	return n
}

func str(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// socketJSON is the part of a serialized socket the tests read.
type socketJSON struct {
	ID        string   `json:"id"`
	ClientID  string   `json:"clientId"`
	Transport string   `json:"transport"`
	Nsp       string   `json:"nsp"`
	Rooms     []string `json:"rooms"`
	Handshake struct {
		Address string            `json:"address"`
		Headers map[string]string `json:"headers"`
		Query   map[string]any    `json:"query"`
		Issued  int64             `json:"issued"`
	} `json:"handshake"`
}

func dialChat(t *testing.T, url string) *sio.ClientSocket {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := sio.Dial(ctx, url+"/chat", &sio.ClientOptions{
		Header:              http.Header{"Authorization": {"Bearer hidden"}, "X-Test": {"a", "b"}},
		Query:               map[string][]string{"room": {"lobby"}},
		DisableReconnection: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Manager().Close() })
	return c
}

func TestInstrumentOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts *sioadmin.Options
		want string
	}{
		{"nil", nil, "Options.Auth must be set"},
		{"no credentials", &sioadmin.Options{}, "Options.Auth must be set"},
		{"both", &sioadmin.Options{NoAuth: true, Auth: &sioadmin.BasicAuth{Username: "a", PasswordHash: hash}}, "both set"},
		{"plain password", &sioadmin.Options{Auth: &sioadmin.BasicAuth{Username: "a", PasswordHash: password}}, "not a bcrypt hash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sioadmin.Instrument(sio.NewServer(nil), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Instrument: %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// The login: wrong credentials are refused with the message the UI
// recognizes; right ones get a session id that logs in again alone.
func TestLogin(t *testing.T) {
	t.Parallel()
	_, _, url := start(t, &sioadmin.Options{Auth: &sioadmin.BasicAuth{Username: "admin", PasswordHash: hash}})
	for _, auth := range []any{
		nil,
		map[string]string{"username": "admin", "password": "wrong"},
		map[string]string{"username": "root", "password": password},
		map[string]string{"sessionId": "0123456789abcdef0123456789abcdef"},
		map[string]any{"username": 1, "password": true},
	} {
		_, err := dialUI(t, url, auth)
		var e *sio.Error
		if !asError(err, &e) || e.Message != "invalid credentials" {
			t.Errorf("auth %v: %v, want invalid credentials", auth, err)
		}
	}
	u, err := dialUI(t, url, map[string]string{"username": "admin", "password": password})
	if err != nil {
		t.Fatal(err)
	}
	session := str(u.wait("session", nil)[0])
	if len(session) != 32 {
		t.Fatalf("session id %q", session)
	}
	if _, err := dialUI(t, url, map[string]any{"sessionId": session}); err != nil {
		t.Errorf("login with the session id: %v", err)
	}
}

func asError(err error, target **sio.Error) bool {
	e, ok := err.(*sio.Error)
	if ok {
		*target = e
	}
	return ok
}

// What a UI receives on login and live, and its actions taking effect.
func TestProtocol(t *testing.T) {
	t.Parallel()
	srv, _, url := start(t, &sioadmin.Options{NoAuth: true, ServerID: "node-1", StatsInterval: 50 * time.Millisecond})
	before := dialChat(t, url)

	u, err := dialUI(t, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	var config struct {
		SupportedFeatures []string `json:"supportedFeatures"`
	}
	_ = json.Unmarshal(u.wait("config", nil)[0], &config)
	want := []string{"EMIT", "JOIN", "LEAVE", "DISCONNECT", "MJOIN", "MLEAVE", "MDISCONNECT", "AGGREGATED_EVENTS", "ALL_EVENTS"}
	if !slices.Equal(config.SupportedFeatures, want) {
		t.Errorf("features %q, want %q", config.SupportedFeatures, want)
	}
	if u.count("session") != 0 {
		t.Error("a session id without authentication")
	}

	// all_sockets: the chat socket (with its handshake) and the UI's own.
	var all []socketJSON
	_ = json.Unmarshal(u.wait("all_sockets", nil)[0], &all)
	var chat *socketJSON
	for i := range all {
		if all[i].ID == before.ID() {
			chat = &all[i]
		}
	}
	if chat == nil || len(all) != 2 {
		t.Fatalf("all_sockets %+v, want the chat socket %s and the UI's", all, before.ID())
	}
	h := chat.Handshake
	if chat.Nsp != "/chat" || !slices.Equal(chat.Rooms, sortedRooms(before.ID(), "lobby")) || len(chat.ClientID) != 12 ||
		chat.Transport == "" || h.Address != "127.0.0.1" || h.Issued == 0 ||
		h.Headers["authorization"] != "[redacted]" || h.Headers["x-test"] != "a, b" || h.Query["room"] != "lobby" || h.Query["EIO"] != "4" {
		t.Errorf("serialized chat socket: %+v", *chat)
	}

	// server_stats, at once and every interval, with the connection counted.
	stats := func(match func(st statsJSON) bool) {
		t.Helper()
		u.wait("server_stats", func(args []json.RawMessage) bool {
			var st statsJSON
			return json.Unmarshal(args[0], &st) == nil && match(st)
		})
	}
	stats(func(st statsJSON) bool {
		return st.ServerID == "node-1" && st.PID > 0 && st.ClientsCount == 2 &&
			slices.Contains(st.Namespaces, nsJSON{"/chat", 1}) && slices.Contains(st.Namespaces, nsJSON{"/admin", 1})
	})
	stats(func(st statsJSON) bool { return st.total("rawConnection") >= 1 })

	// Live: a socket connects and joins its rooms, sends and receives.
	c := dialChat(t, url)
	u.wait("socket_connected", func(args []json.RawMessage) bool {
		var s socketJSON
		return json.Unmarshal(args[0], &s) == nil && s.ID == c.ID() && s.Nsp == "/chat" && len(args) == 2
	})
	u.wait("room_joined", matchStrings("/chat", "lobby", c.ID()))
	if err := c.Emit("ping", "hello"); err != nil {
		t.Fatal(err)
	}
	u.wait("event_received", func(args []json.RawMessage) bool {
		return str(args[0]) == "/chat" && str(args[1]) == c.ID() && string(args[2]) == `["ping","hello"]`
	})
	u.wait("event_sent", func(args []json.RawMessage) bool {
		return str(args[1]) == c.ID() && string(args[2]) == `["pong","hello"]`
	})

	// Actions: join and leave a room, by room filter or the whole
	// namespace; emit; disconnect.
	sock := func() *sio.Socket { return srv.Of("/chat").Socket(c.ID()) }
	if err := u.sock.Emit("join", "/chat", "vip", c.ID()); err != nil {
		t.Fatal(err)
	}
	u.wait("room_joined", matchStrings("/chat", "vip", c.ID()))
	if !slices.Contains(sock().Rooms(), "vip") || slices.Contains(srv.Of("/chat").Socket(before.ID()).Rooms(), "vip") {
		t.Errorf("after join: rooms %q", sock().Rooms())
	}
	_ = u.sock.Emit("leave", "/chat", "vip", nil)
	u.wait("room_left", matchStrings("/chat", "vip", c.ID()))
	_ = u.sock.Emit("join", "/nowhere", "vip", nil) // ignored, not created
	got := make(chan string, 1)
	c.On("notice", func(e *sio.ClientEvent) {
		var s string
		_ = e.Decode(&s)
		got <- s
	})
	_ = u.sock.Emit("emit", "/chat", c.ID(), "notice", "from the admin")
	if s := <-got; s != "from the admin" {
		t.Errorf("emit: got %q", s)
	}
	id := c.ID() // "" once disconnected
	_ = u.sock.Emit("_disconnect", "/chat", false, id)
	u.wait("socket_disconnected", matchStrings("/chat", id, "server namespace disconnect"))
	u.wait("room_left", matchStrings("/chat", "lobby", id))
	stats(func(st statsJSON) bool {
		return slices.Contains(st.Namespaces, nsJSON{"/chat", 1}) && st.total("rawDisconnection") >= 1
	})
	for _, ns := range srv.Namespaces() {
		if ns.Name() == "/nowhere" {
			t.Error("an action created a namespace")
		}
	}
}

// ReadOnly: no action is offered or taken.
func TestReadOnly(t *testing.T) {
	t.Parallel()
	srv, admin, url := start(t, &sioadmin.Options{NoAuth: true, ReadOnly: true, Production: true})
	admin.Namespace().On("sync", func(_ *sio.Socket, e *sio.Event) { _ = e.Ack() })
	c := dialChat(t, url)
	u, err := dialUI(t, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	var config struct {
		SupportedFeatures []string `json:"supportedFeatures"`
	}
	_ = json.Unmarshal(u.wait("config", nil)[0], &config)
	if !slices.Equal(config.SupportedFeatures, []string{"AGGREGATED_EVENTS"}) {
		t.Errorf("features %q", config.SupportedFeatures)
	}
	u.wait("server_stats", nil)
	_ = u.sock.Emit("_disconnect", "/chat", true, nil)
	// Events of one connection are handled in order: once "sync" is
	// acknowledged, the action has been handled, or ignored.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := u.sock.EmitWithAck(ctx, "sync"); err != nil {
		t.Fatal(err)
	}
	if srv.Of("/chat").Socket(c.ID()) == nil || !c.Connected() {
		t.Error("a read-only admin disconnected a socket")
	}
	if n := u.count("all_sockets") + u.count("socket_connected"); n != 0 {
		t.Errorf("production mode sent %d socket events", n)
	}
}

type statsJSON struct {
	ServerID         string   `json:"serverId"`
	PID              int      `json:"pid"`
	ClientsCount     int      `json:"clientsCount"`
	Namespaces       []nsJSON `json:"namespaces"`
	AggregatedEvents []struct {
		Type  string `json:"type"`
		Count int    `json:"count"`
	} `json:"aggregatedEvents"`
}

type nsJSON struct {
	Name         string `json:"name"`
	SocketsCount int    `json:"socketsCount"`
}

func (st statsJSON) total(typ string) int {
	n := 0
	for _, e := range st.AggregatedEvents {
		if e.Type == typ {
			n += e.Count
		}
	}
	return n
}

func matchStrings(want ...string) func([]json.RawMessage) bool {
	return func(args []json.RawMessage) bool {
		if len(args) < len(want) {
			return false
		}
		for i, w := range want {
			if str(args[i]) != w {
				return false
			}
		}
		return true
	}
}

func sortedRooms(rooms ...string) []string {
	slices.Sort(rooms)
	return rooms
}
