// Package redistest starts real redis-server processes for tests, on free
// loopback ports, and stops them when the test ends. A test fails with an
// install hint when redis-server is missing: the test command installs it.
package redistest

import (
	"context"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server started for one test on a free loopback
// port, with no persistence (pub/sub) or an append-only file (streams).
type Server struct {
	t    testing.TB
	port int
	dir  string // its working directory (the append-only file)
	args []string
	cmd  *exec.Cmd
	done chan struct{}
}

// Start starts redis-server and stops it when the test ends. It fails
// the test with a hint when redis-server is not installed.
func Start(t testing.TB, persistent bool) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redis-server is not installed: `apt-get install -y redis-server` (the test command does it when missing)")
	}
	r := &Server{t: t, port: FreePort(t), dir: t.TempDir()}
	r.args = []string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--save", "", "--daemonize", "no", "--loglevel", "warning"}
	if persistent {
		r.args = append(r.args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		r.args = append(r.args, "--appendonly", "no")
	}
	r.Start()
	t.Cleanup(r.Stop)
	return r
}

// FreePort returns a loopback port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Addr returns the server's host:port.
func (r *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func (r *Server) Start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", r.args...)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("redis-server: %v", err)
	}
	r.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(r.cmd, r.done)
	c := redis.NewClient(&redis.Options{Addr: r.Addr(), MaxRetries: -1})
	defer c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server on %s did not start: %v", r.Addr(), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop kills the server and waits for it to exit.
func (r *Server) Stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.done
	r.cmd = nil
}

// Restart kills the server, waits for down, and starts it again on the
// same port.
func (r *Server) Restart(down time.Duration) {
	r.t.Helper()
	r.Stop()
	time.Sleep(down)
	r.Start()
}

// Client returns a go-redis client closed at the end of the test.
func (r *Server) Client(t testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: r.Addr(), DialTimeout: 2 * time.Second})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Port returns the server's port.
func (r *Server) Port() int { return r.port }

// Dir returns the server's working directory.
func (r *Server) Dir() string { return r.dir }
