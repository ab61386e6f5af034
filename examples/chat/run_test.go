package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// TestTypecheck checks the page's TypeScript, and the generated types it
// imports, with tsc --strict against the installed socket.io-client.
func TestTypecheck(t *testing.T) {
	t.Parallel()
	root := nodetest.Require(t)
	tsc := filepath.Join(root, "node_modules", ".bin", "tsc")
	cmd := exec.Command(tsc, "--strict", "--noEmit", "-p", filepath.Join(root, "examples", "chat", "web", "tsconfig.json"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, out)
	}
}

// TestRun runs the command in process: it prints its URL, serves the page
// built into it (or, with -dir, from disk), the client bundle and
// Socket.IO, and stops cleanly when ctx is done.
func TestRun(t *testing.T) {
	t.Parallel()
	root := nodetest.Require(t)
	t.Run("embedded", func(t *testing.T) {
		t.Parallel()
		testRun(t, "-client-dir", filepath.Join(root, "node_modules", "socket.io-client", "dist"))
	})
	t.Run("dir", func(t *testing.T) {
		t.Parallel()
		testRun(t, "-dir", filepath.Join(root, "examples", "chat", "web"), "-client-dir", filepath.Join(root, "node_modules", "socket.io-client", "dist"))
	})
}

func testRun(t *testing.T, args ...string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), outW, &stderr)
		_ = outW.Close()
	}()
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("no output; stderr: %s", stderr.String())
	}
	first := lines.Text()
	go func() { _, _ = io.Copy(io.Discard, outR) }()
	url, ok := strings.CutPrefix(first, "chat: serving ")
	if !ok {
		t.Fatalf("first line %q does not give the URL", first)
	}
	url = strings.Fields(url)[0]
	for path, want := range map[string]string{
		"":                                   "<title>siogen chat</title>",
		"style.css":                          ".composer",
		"dist/app.js":                        "socket.io-client@",
		"socket.io/socket.io.min.js":         "",
		"socket.io/?EIO=4&transport=polling": `0{"sid":`,
	} {
		res, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("GET /%s: status %d, body does not hold %q", path, res.StatusCode, want)
		}
	}
	// A socket's connection shows in the metrics.
	cs, err := sio.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Manager().Close()
	// The server records the connection on its own goroutines, possibly
	// after the client saw the CONNECT reply: wait for it.
	wants := []string{`siogen_handshakes_total{`, `socketio_outcome="accepted"`, `siogen_sockets_connected{`, `siogen_bytes_total{`}
	var body []byte
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		res, err := http.Get(url + "metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(res.Body)
		_ = res.Body.Close()
		if !slices.ContainsFunc(wants, func(w string) bool { return !strings.Contains(string(body), w) }) || time.Now().After(deadline) {
			break
		}
	}
	for _, want := range wants {
		if !strings.Contains(string(body), want) {
			t.Errorf("GET /metrics does not hold %q:\n%s", want, body)
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d; stderr: %s", code, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

// TestRunUsage exits 2 on bad flags.
func TestRunUsage(t *testing.T) {
	t.Parallel()
	var stderr strings.Builder
	if code := run(context.Background(), []string{"-nope"}, io.Discard, &stderr); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
	if code := run(context.Background(), []string{"extra"}, io.Discard, &stderr); code != 2 {
		t.Errorf("exit code %d, want 2", code)
	}
}

// TestMissingBundle answers the page with a hint when the bundle is not
// built.
func TestMissingBundle(t *testing.T) {
	t.Parallel()
	a := newApp(options{web: os.DirFS(t.TempDir()), publicURL: "http://example.test"})
	defer func() { _ = a.sio.Shutdown(context.Background()) }()
	rec := httptestRecorder(a, "/")
	if rec.code != http.StatusServiceUnavailable || !strings.Contains(rec.body, "build.mjs") {
		t.Errorf("GET /: %d %q", rec.code, rec.body)
	}
}

// TestUserFromAuth derives stable, valid users from auth payloads.
func TestUserFromAuth(t *testing.T) {
	t.Parallel()
	a := userFromAuth(&chat.ChatAuth{Token: "t1", Nickname: "Ada Lovelace!"})
	b := userFromAuth(&chat.ChatAuth{Token: "t1", Nickname: "ada"})
	c := userFromAuth(&chat.ChatAuth{Token: "t2", Nickname: "ada"})
	if a.ID != b.ID || a.ID == c.ID || len(a.ID) != 36 || a.ID[14] != '4' {
		t.Errorf("ids: %s %s %s", a.ID, b.ID, c.ID)
	}
	if a.Nickname != "Ada_Lovelace_" {
		t.Errorf("nickname %q", a.Nickname)
	}
	if n := cleanNickname(strings.Repeat("é", 40)); len(n) != 32 {
		t.Errorf("long nickname %q", n)
	}
}

type recorded struct {
	code int
	body string
}

func httptestRecorder(a *app, path string) recorded {
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return recorded{rec.Code, rec.Body.String()}
}
