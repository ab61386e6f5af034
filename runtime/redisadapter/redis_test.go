package redisadapter_test

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisServer is a redis-server started for one test on a free loopback
// port, with no persistence (pub/sub) or an append-only file (streams).
type redisServer struct {
	t    *testing.T
	port int
	dir  string
	args []string
	cmd  *exec.Cmd
	done chan struct{}
}

// startRedis starts redis-server and stops it when the test ends. It fails
// the test with a hint when redis-server is not installed.
func startRedis(t *testing.T, persistent bool) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redis-server is not installed: `apt-get install -y redis-server` (the test command does it when missing)")
	}
	r := &redisServer{t: t, port: freePort(t), dir: t.TempDir()}
	r.args = []string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--save", "", "--daemonize", "no", "--loglevel", "warning"}
	if persistent {
		r.args = append(r.args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		r.args = append(r.args, "--appendonly", "no")
	}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func (r *redisServer) Addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func (r *redisServer) start() {
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

// stop kills the server and waits for it to exit.
func (r *redisServer) stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.done
	r.cmd = nil
}

// restart kills the server, waits for down, and starts it again on the
// same port.
func (r *redisServer) restart(down time.Duration) {
	r.t.Helper()
	r.stop()
	time.Sleep(down)
	r.start()
}

// client returns a go-redis client closed at the end of the test.
func (r *redisServer) client(t *testing.T) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: r.Addr(), DialTimeout: 2 * time.Second})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// waitNumSub waits until n connections subscribe to channel.
func waitNumSub(t *testing.T, c *redis.Client, channel string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		m, err := c.PubSubNumSub(context.Background(), channel).Result()
		if err == nil && int(m[channel]) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: want %d subscribers, have %v (%v)", channel, n, m[channel], err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitNodes waits until n nodes serve namespace nsp: subscribers of the
// request channel (classic) or of the namespace's shard channel (sharded).
func waitNodes(t *testing.T, c *redis.Client, mode, nsp string, n int) {
	t.Helper()
	if mode != "sharded" {
		waitNumSub(t, c, "socket.io-request#"+nsp+"#", n)
		return
	}
	channel := "socket.io#" + nsp + "#"
	deadline := time.Now().Add(20 * time.Second)
	for {
		m, err := c.PubSubShardNumSub(context.Background(), channel).Result()
		if err == nil && int(m[channel]) == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: want %d shard subscribers, have %v (%v)", channel, n, m[channel], err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func mustf(t *testing.T, err error, format string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(format, args...), err)
	}
}
