package main

import (
	"bufio"
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
)

// chromiumPath is the browser the end-to-end test drives: Debian's
// chromium package (apt-get install chromium), or $SIOGEN_CHROMIUM.
func chromiumPath() string {
	if p := os.Getenv("SIOGEN_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// TestBrowser runs the chat page in real headless Chromium (web/test/e2e.mjs,
// playwright-core): two pages, one on websocket and one on long-polling,
// chat with each other, see each other online and typing, exchange an
// image, get typed errors worded for people, refuse an invalid message
// before sending it (no frame leaves the page), drop a server message that
// breaks the contract (injected through the harness) with a visible typed
// error, recover the messages missed
// while a connection was down, and carry on across a server restart; a
// third page on a phone-sized screen (390 px) gets a one-line header, rooms
// and people in a drawer and readable images. It saves screenshots under
// testdata-artifacts/chat at the repository root (chat-phone*.png for the
// phone).
//
// It fails, rather than skips, when Chromium or the npm packages are missing.
func TestBrowser(t *testing.T) {
	root := nodetest.Require(t)
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Fatalf("chromium is not installed at %s (CI installs it: apt-get install -y chromium; or set SIOGEN_CHROMIUM): %v", chromiumPath(), err)
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "playwright-core")); err != nil {
		t.Fatal("playwright-core is missing; run `npm ci` at the repository root")
	}

	h := startHarness(t, root)
	startBot(t, root, h.url)
	pngPath := filepath.Join(t.TempDir(), "gopher.png")
	writeTestPNG(t, pngPath)
	artifacts := filepath.Join(root, "testdata-artifacts", "chat")

	p := nodetest.Start(t, "examples/chat/web/test/e2e.mjs", h.url, h.control.URL, pngPath, artifacts)
	checks := map[string]bool{}
	for _, line := range p.Wait(120 * time.Second) {
		switch line["event"] {
		case "check":
			name, _ := line["name"].(string)
			checks[name] = line["ok"] == true
			if line["ok"] != true {
				t.Errorf("%s: %v\npages: %v", name, line["detail"], line["pages"])
			} else {
				t.Logf("ok: %s (%vms)", name, line["ms"])
			}
		case "screenshot":
			t.Logf("screenshot: %v", line["path"])
		case "log":
			t.Logf("page: %v", line)
		}
	}
	for _, name := range []string{
		"both pages join the lobby, one over websocket and one over polling",
		"each sees who is online",
		"messages go both ways",
		"typing is shown to the other page",
		"an image arrives intact",
		"an invalid message is refused before it is sent",
		"a server message that breaks the contract is dropped, with a typed error",
		"an unknown room shows RoomNotFound",
		"a dropped connection recovers the messages it missed",
		"the server restarts mid-conversation and both pages carry on",
		"sending too fast shows resource_exhausted",
		"screenshot",
		"on a phone (390 px): a one-line header, rooms and people in a drawer, readable images",
	} {
		if _, ran := checks[name]; !ran {
			t.Errorf("check %q did not run", name)
		}
	}
}

// TestBundleUpToDate rebuilds the page with web/build.mjs into a temporary
// file and compares it with the committed web/dist/app.js, which the
// server embeds: it fails when web/src, the generated TypeScript or the
// pinned npm packages changed without a rebuild.
func TestBundleUpToDate(t *testing.T) {
	t.Parallel()
	root := nodetest.Require(t)
	fresh := filepath.Join(t.TempDir(), "app.js")
	cmd := exec.Command("node", filepath.Join(root, "examples", "chat", "web", "build.mjs"), "--out", fresh)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("failed to build the page: %v\n%s", err, out)
	}
	want, err := os.ReadFile(fresh)
	if err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(embeddedWeb(), "dist/app.js")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("examples/chat/web/dist/app.js is stale (%d bytes; a build gives %d): run `node examples/chat/web/build.mjs` at the repository root and commit it", len(got), len(want))
	}
}

// writeTestPNG writes a small gradient picture.
func writeTestPNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 96, 64))
	for y := range 64 {
		for x := range 96 {
			img.Set(x, y, color.NRGBA{R: uint8(x * 2), G: uint8(y * 3), B: 200, A: 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// harness runs the chat server for the browser test on a fixed port, with
// a control server through which the script drops connections and restarts
// the chat server.
type harness struct {
	t       *testing.T
	root    string
	addr    string
	url     string
	control *httptest.Server

	mu      sync.Mutex
	app     *app
	hs      *http.Server
	ws      map[net.Conn]bool // connections carrying a websocket
	blocked chan struct{}     // non-nil: new sessions wait until it is closed
}

type connKey struct{}

func startHarness(t *testing.T, root string) *harness {
	h := &harness{t: t, root: root, ws: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h.addr = ln.Addr().String()
	h.url = "http://" + h.addr
	h.serve(ln)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /drop", func(w http.ResponseWriter, _ *http.Request) { h.drop() })
	mux.HandleFunc("POST /unblock", func(w http.ResponseWriter, _ *http.Request) { h.unblock() })
	mux.HandleFunc("POST /inject", h.inject)
	mux.HandleFunc("POST /restart", func(w http.ResponseWriter, _ *http.Request) {
		h.stop()
		ln, err := listenRetry(h.addr)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h.serve(ln)
	})
	h.control = httptest.NewServer(mux)
	t.Cleanup(func() {
		h.unblock()
		h.stop()
		h.control.Close()
	})
	return h
}

// listenRetry listens on addr again, waiting a little for the old listener's
// port to be free.
func listenRetry(addr string) (net.Listener, error) {
	var err error
	for range 50 {
		var ln net.Listener
		if ln, err = net.Listen("tcp", addr); err == nil {
			return ln, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil, err
}

// serve starts a fresh chat server on ln.
func (h *harness) serve(ln net.Listener) {
	a := newApp(options{
		web:       embeddedWeb(),
		clientDir: filepath.Join(h.root, "node_modules", "socket.io-client", "dist"),
		publicURL: h.url,
	})
	hs := &http.Server{
		Handler:           h.wrap(a.handler),
		ReadHeaderTimeout: 10 * time.Second,
		ConnContext:       func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, connKey{}, c) },
	}
	h.mu.Lock()
	h.app, h.hs = a, hs
	h.mu.Unlock()
	go func() { _ = hs.Serve(ln) }()
}

// stop shuts the chat server down gracefully.
func (h *harness) stop() {
	h.mu.Lock()
	a, hs := h.app, h.hs
	h.app, h.hs = nil, nil
	h.ws = map[net.Conn]bool{}
	h.mu.Unlock()
	if a == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.shutdown(ctx, hs); err != nil {
		h.t.Logf("shutdown: %v", err)
	}
}

// wrap notes the connections that carry websockets, and holds new
// Engine.IO sessions while the harness is blocked.
func (h *harness) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/socket.io/") {
			q := r.URL.Query()
			h.mu.Lock()
			blocked := h.blocked
			if q.Get("transport") == "websocket" {
				if c, ok := r.Context().Value(connKey{}).(net.Conn); ok {
					h.ws[c] = true
				}
			}
			h.mu.Unlock()
			if blocked != nil && q.Get("sid") == "" {
				select {
				case <-blocked:
				case <-time.After(20 * time.Second):
				case <-r.Context().Done():
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// drop closes every websocket connection, as a network failure would, and
// blocks new sessions until unblock.
func (h *harness) drop() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.blocked == nil {
		h.blocked = make(chan struct{})
	}
	for c := range h.ws {
		_ = c.Close()
	}
	h.ws = map[net.Conn]bool{}
}

// inject broadcasts to the lobby a message:new that breaks the contract,
// past the generated emitters (which would refuse it): a bad id, a bad
// timestamp, a bad author id and a member the contract does not declare.
// The pages must drop it.
func (h *harness) inject(w http.ResponseWriter, _ *http.Request) {
	h.mu.Lock()
	a := h.app
	h.mu.Unlock()
	if a == nil {
		http.Error(w, "the chat server is down", http.StatusServiceUnavailable)
		return
	}
	forged := map[string]any{
		"id": "not-a-uuid", "room": "lobby", "text": "forged by the test hook", "reply_to": nil,
		"author":  map[string]any{"id": "mallory", "nickname": "mallory"},
		"sent_at": "yesterday", "color": "red",
	}
	if err := a.sio.Of("/chat").To("lobby").Emit("message:new", forged); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (h *harness) unblock() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.blocked != nil {
		close(h.blocked)
		h.blocked = nil
	}
}

// startBot builds and runs the Go bot (examples/chat/bot) against url, and
// waits until it has joined the lobby.
func startBot(t *testing.T, root, url string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bot")
	build := exec.Command("go", "build", "-o", bin, "./examples/chat/bot")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("failed to build the bot: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-url", url, "-room", "lobby", "-name", "gobot")
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel() // SIGINT: the bot disconnects and exits 0
		_ = cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("bot exited with %d", code)
		}
	})
	joined := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		joined <- line
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case line := <-joined:
		if !strings.Contains(line, "joined lobby") {
			t.Fatalf("bot said %q", line)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the bot did not join within 30s")
	}
}
