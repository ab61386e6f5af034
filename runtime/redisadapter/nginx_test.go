package redisadapter_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/redistest"
)

const nginxConf = `daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  # Sticky sessions: every request of a client carries its name.
  upstream nodes {
    hash $arg_name consistent;
    server %[2]s;
    server %[3]s;
  }
  server {
    listen 127.0.0.1:%[4]d;
    location /socket.io/ {
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_set_header Host $host;
      proxy_read_timeout 120s;
      proxy_pass http://nodes;
    }
  }
}
`

// startNginx runs nginx in front of two backends and returns its URL.
func startNginx(t *testing.T, a, b string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			t.Fatal("nginx is not installed: `apt-get install -y nginx` (the test command does it when missing)")
		}
	}
	dir := t.TempDir()
	port := redistest.FreePort(t)
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, fmt.Appendf(nil, nginxConf, dir, a, b, port), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-e", filepath.Join(dir, "startup.log"), "-p", dir, "-c", conf)
	out, err := os.Create(filepath.Join(dir, "out.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("nginx: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		// SIGTERM: the master stops its workers (SIGKILL would orphan them).
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		_ = out.Close()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return "http://" + addr
		}
		select {
		case <-done:
			log, _ := os.ReadFile(filepath.Join(dir, "out.log"))
			elog, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx exited: %s %s", log, elog)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("nginx did not listen on %s", addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBehindNginx runs two Go nodes behind nginx with sticky sessions and
// clients on polling and websocket: each client stays on one node, and
// broadcasts and acknowledgements span both.
func TestBehindNginx(t *testing.T) {
	r := startRedis(t, false)
	A := startGoNode(t, r, "A", nil, nil)
	B := startGoNode(t, r, "B", nil, nil)
	waitNumSub(t, r.Client(t), "socket.io-request#/#", 2)
	proxy := startNginx(t, A.hs.Listener.Addr().String(), B.hs.Listener.Addr().String())

	var clients []*tclient
	var want []string
	// nginx hashes the names over the nodes' ports, which change from run
	// to run: six names may all land on one node (a few runs in a hundred),
	// so clients are added until both nodes have some.
	for i := 0; i < 6 || (A.srv.Of("/").Len() == 0 || B.srv.Of("/").Len() == 0) && i < 64; i++ {
		transport := []string{"polling", "websocket"}[i%2]
		name := fmt.Sprintf("c%d-%s", i, transport)
		clients = append(clients, dial(t, proxy, "/", name, transport, url.Values{}))
		want = append(want, name)
	}
	sort.Strings(want)
	if a, b := A.srv.Of("/").Len(), B.srv.Of("/").Len(); a == 0 || b == 0 || a+b != len(clients) {
		t.Fatalf("clients per node: A %d, B %d of %d", a, b, len(clients))
	}
	for i, n := range []*goNode{A, B} {
		mustf(t, n.srv.Emit("hello", i), "emit")
		for _, c := range clients {
			if ev := c.expect("hello"); ev.arg(0) != fmt.Sprint(i) {
				t.Errorf("%s: %v", c.name, ev.Args)
			}
		}
	}
	answers, err := B.srv.Of("/").EmitWithAck(ctxT(t, 20*time.Second), "question", 1)
	mustf(t, err, "emitWithAck")
	var got []string
	for _, a := range answers {
		var s string
		_ = a.At(0).Decode(&s)
		got = append(got, s)
	}
	sort.Strings(got)
	if !slices.Equal(got, want) {
		t.Errorf("acks %v, want %v", got, want)
	}
	socks, err := A.srv.Of("/").FetchSockets(context.Background())
	if err != nil || len(socks) != len(clients) {
		t.Errorf("fetchSockets: %d, %v", len(socks), err)
	}
	// Polling clients keep working across several request cycles.
	time.Sleep(500 * time.Millisecond)
	mustf(t, A.srv.Emit("again"), "emit")
	for _, c := range clients {
		c.expect("again")
	}
}
