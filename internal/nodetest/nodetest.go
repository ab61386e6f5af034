package nodetest

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Root returns the repository root: the directory holding go.mod.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("nodetest: go.mod not found above the working directory")
		}
		dir = parent
	}
}

// Require fails the test unless node and the npm packages are installed.
func Require(t testing.TB) string {
	t.Helper()
	root := Root(t)
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("nodetest: node is not installed; run `make test` (see README.md)")
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "engine.io")); err != nil {
		t.Fatal("nodetest: npm packages are missing; run `make deps` or `npm ci` at the repository root")
	}
	return root
}

// Proc is a running Node script. Its stdout must be JSON lines; stderr is
// passed to the test log.
type Proc struct {
	t     testing.TB
	cmd   *exec.Cmd
	lines chan map[string]any
	done  chan struct{}
	mu    sync.Mutex
	all   []map[string]any
}

// Start runs `node script args...` (script relative to the repository root)
// and stops it when the test ends.
func Start(t testing.TB, script string, args ...string) *Proc {
	t.Helper()
	root := Require(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, "node", append([]string{filepath.Join(root, script)}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(root, "node_modules"))
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = testWriter{t, script}
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("nodetest: failed to start %s: %v", script, err)
	}
	p := &Proc{t: t, cmd: cmd, lines: make(chan map[string]any, 1024), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 16<<20)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				m = map[string]any{"raw": sc.Text()}
			}
			p.mu.Lock()
			p.all = append(p.all, m)
			p.mu.Unlock()
			p.lines <- m
		}
	}()
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		<-p.done
	})
	return p
}

// Next returns the next JSON line, failing the test after timeout.
func (p *Proc) Next(timeout time.Duration) map[string]any {
	p.t.Helper()
	select {
	case m, ok := <-p.lines:
		if !ok {
			p.t.Fatalf("nodetest: script exited early (%v)", p.cmd.ProcessState)
		}
		return m
	case <-time.After(timeout):
		p.t.Fatalf("nodetest: no output within %v", timeout)
	}
	return nil
}

// Expect returns the next line whose "event" field equals event, skipping
// others, failing the test after timeout.
func (p *Proc) Expect(event string, timeout time.Duration) map[string]any {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			p.t.Fatalf("nodetest: no %q event within %v", event, timeout)
		}
		m := p.Next(left)
		if m["event"] == event {
			return m
		}
	}
}

// Wait waits for the script to exit and returns every line it printed.
func (p *Proc) Wait(timeout time.Duration) []map[string]any {
	p.t.Helper()
	deadline := time.After(timeout)
	for open := true; open; {
		select {
		case _, open = <-p.lines:
		case <-deadline:
			p.t.Fatalf("nodetest: script still running after %v", timeout)
		}
	}
	_ = p.cmd.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.all...)
}

// Kill stops the script at once.
func (p *Proc) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

type testWriter struct {
	t      testing.TB
	prefix string
}

func (w testWriter) Write(b []byte) (int, error) {
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		w.t.Logf("%s: %s", w.prefix, l)
	}
	return len(b), nil
}
