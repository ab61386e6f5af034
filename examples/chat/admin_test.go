package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// TestAdminUI runs the Socket.IO Admin UI's own page, from the pinned npm
// package @socket.io/admin-ui, in headless Chromium against the chat server
// with the admin enabled (web/test/admin.mjs, playwright-core): it logs in,
// the dashboard shows the servers, clients and namespaces, the sockets and
// rooms pages list two Go chat clients (one on websocket, one on
// long-polling) and their rooms, and two actions taken in the page, joining
// a room and disconnecting a socket, take effect on the server; the events
// page shows them live, with a third client's events, and the dashboard's
// bytes chart has that client's traffic. Screenshots go to
// testdata-artifacts/admin-ui at the repository root.
//
// It fails, rather than skips, when Chromium or the npm packages are missing.
func TestAdminUI(t *testing.T) {
	root := nodetest.Require(t)
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Fatalf("chromium is not installed at %s (CI installs it: apt-get install -y chromium; or set SIOGEN_CHROMIUM): %v", chromiumPath(), err)
	}
	uiDir := filepath.Join(root, "node_modules", "@socket.io", "admin-ui", "ui", "dist")
	if _, err := os.Stat(filepath.Join(uiDir, "index.html")); err != nil {
		t.Fatal("@socket.io/admin-ui is missing; run `npm ci` at the repository root")
	}

	const user, password = "admin", "correct horse"
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	a := newApp(options{web: embeddedWeb(), publicURL: url})
	if err := a.enableAdmin(user+":"+string(hash), uiDir); err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: a.handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := a.shutdown(ctx, hs); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})

	alice := joinChat(t, url, "alice", "lobby", nil)
	bob := joinChat(t, url, "bob", "go", []string{"polling"})
	aliceID, bobID := alice.ID(), bob.ID()

	artifacts := filepath.Join(root, "testdata-artifacts", "admin-ui")
	p := nodetest.Start(t, "examples/chat/web/test/admin.mjs", url, user, password, aliceID, bobID, artifacts)
	checks := map[string]bool{}
	for _, line := range p.Wait(120 * time.Second) {
		switch line["event"] {
		case "check":
			name, _ := line["name"].(string)
			checks[name] = line["ok"] == true
			if line["ok"] != true {
				t.Errorf("%s: %v", name, line["detail"])
			} else {
				t.Logf("ok: %s (%vms)", name, line["ms"])
			}
		case "screenshot":
			t.Logf("screenshot: %v", line["path"])
		default:
			t.Logf("page: %v", line)
		}
	}
	for _, name := range []string{
		"logs in",
		"the dashboard shows the server, the clients and the namespaces",
		"the sockets page lists the chat sockets with their transports",
		"a socket's page shows its handshake and rooms",
		"the rooms page lists the chat rooms",
		"joining a room from the page",
		"disconnecting a socket from the page",
		"the events page shows the live updates",
		"the dashboard's bytes chart has data",
	} {
		if !checks[name] {
			t.Errorf("check %q did not pass", name)
		}
	}

	// The actions reached the server.
	ns := a.sio.Of(chat.ChatNamespace)
	if s := ns.Socket(aliceID); s == nil || !slices.Contains(s.Rooms(), "picked-by-admin") {
		t.Errorf("alice's rooms after the page's join: %v", roomsOf(s))
	}
	if s := ns.Socket(bobID); s != nil {
		t.Errorf("bob is still connected after the page disconnected him (rooms %v)", s.Rooms())
	}
}

// joinChat connects a generated Go chat client (over the given transports,
// default websocket) and joins room.
func joinChat(t *testing.T, url, name, room string, transports []string) chat.ChatClient {
	t.Helper()
	m, err := sio.NewManager(url, &sio.ClientOptions{Transports: transports, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	c := chat.NewChatClient(m, &chat.ChatAuth{Token: "test:" + name, Nickname: name})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: chat.RoomID(room)}); err != nil {
		t.Fatalf("%s failed to join %s: %v", name, room, err)
	}
	return c
}

func roomsOf(s *sio.Socket) string {
	if s == nil {
		return "(disconnected)"
	}
	return strings.Join(s.Rooms(), ",")
}

// TestRunAdmin: -admin turns the admin namespace on and serves the UI's
// page from node_modules; a login that is not "user:bcrypt-hash" is a usage
// error.
func TestRunAdmin(t *testing.T) {
	t.Parallel()
	nodetest.Require(t)
	for _, bad := range []string{"admin", "admin:", ":" + "$2a$04$abcdefghijklmnopqrstuu", "admin:plain-password"} {
		var stderr strings.Builder
		if code := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-admin", bad}, io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), "-admin") {
			t.Errorf("-admin %q: exit %d, stderr %q; want 2", bad, code, stderr.String())
		}
	}

	hash, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-admin", "admin:" + string(hash)}, outW, io.Discard)
		_ = outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	var url string
	for lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "chat: admin UI at "); ok {
			url = strings.Fields(u)[0]
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	if url == "" {
		t.Fatal("no admin UI line")
	}
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "<title>Socket.IO Admin UI</title>") {
		t.Errorf("GET %s: %d %.200s", url, res.StatusCode, body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d", code)
	}
}
