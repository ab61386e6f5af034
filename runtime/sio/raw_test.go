package sio_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// rawServer is the server of the byte-exact tests: "/" greets with the auth
// payload and echoes; "/admin" echoes with acks and binary; "/private" and
// "/plain" refuse connections.
func rawServer(t *testing.T, opts *sio.ServerOptions, rec *recorder) (*sio.Server, string) {
	return startServer(t, opts, func(srv *sio.Server) {
		main := srv.Of("/")
		main.OnConnection(func(s *sio.Socket) {
			_ = s.Emit("auth", s.Handshake().Auth)
			s.OnDisconnect(func(r sio.DisconnectReason) { rec.add("disconnect %s: %s", s.ID(), r) })
		})
		echo := func(s *sio.Socket, e *sio.Event) {
			if e.WantsAck() {
				_ = e.Ack(e.Values()...)
			} else {
				_ = s.Emit(e.Name, e.Values()...)
			}
		}
		main.On("echo", echo)
		admin := srv.Of("/admin")
		admin.On("echo", echo)
		admin.On("tellme", func(s *sio.Socket, e *sio.Event) { _ = e.Ack([]byte{1, 2, 3, 4}) })
		admin.On("kick", func(s *sio.Socket, e *sio.Event) { s.Disconnect(false) })
		admin.On("nested", func(s *sio.Socket, e *sio.Event) {
			_ = s.Emit("bin", []byte{4, 5}, map[string]any{"x": []byte{6}})
		})
		srv.Of("/private").Use(func(ctx context.Context, s *sio.Socket) error {
			return &sio.Error{Code: sio.CodeUnauthenticated, Message: "not authorized", Details: map[string]string{"reason": "nope"}}
		})
		srv.Of("/plain").Use(func(ctx context.Context, s *sio.Socket) error { return errors.New("plain error") })
	})
}

// The CONNECT exchange byte for byte (PROTOCOL.md 2.2, 2.4): reply with
// exactly the key sid (recovery off), a fresh id that is not the Engine.IO
// id, auth handed to the application, connect errors with and without data,
// and the connection surviving refusals.
func TestRawConnect(t *testing.T) {
	t.Parallel()
	_, url := rawServer(t, nil, newRecorder())
	c := dialRaw(t, url, true)

	c.send(`40{"token":"123"}`)
	m := c.expectMatch(`^40\{"sid":"([A-Za-z0-9_-]{20})"\}$`)
	if m[1] == c.sid {
		t.Errorf("socket id equals the Engine.IO id %q", c.sid)
	}
	c.expect(`42["auth",{"token":"123"}]`) // the very next frame

	c.send(`40/random,`)
	c.expect(`44/random,{"message":"Invalid namespace"}`)
	c.send(`40/private,{"token":"x"}`)
	// An *sio.Error goes whole as data, so that its code reaches the client.
	c.expect(`44/private,{"message":"not authorized","data":{"code":"unauthenticated","message":"not authorized","details":{"reason":"nope"}}}`)
	c.send(`40/plain`) // the trailing comma is optional
	c.expect(`44/plain,{"message":"plain error"}`)

	admin := c.connect("/admin", "")
	if admin == m[1] {
		t.Error("two namespaces got the same socket id")
	}
	c.send(`42/admin,13["echo","<a&b>",{"z":1,"a":[1.50,"\u00e9"]}]`)
	c.expect(`43/admin,13["<a&b>",{"z":1,"a":[1.50,"\u00e9"]}]`)
	c.send(`42["echo",1]`)
	c.expect(`42["echo",1]`)
	c.send(`42/admin,["echo"]`) // a second namespace on the same connection
	c.expect(`42/admin,["echo"]`)

	// Leaving a namespace is silent and keeps the connection.
	c.send(`41/admin,`)
	c.send(`42["echo","after"]`)
	c.expect(`42["echo","after"]`)

	// A connection without auth gets {} as its auth payload.
	c2 := dialRaw(t, url, true)
	c2.connect("/", "")
	c2.expect(`42["auth",{}]`)
}

// A server namespace disconnect is `41/nsp,` and keeps the connection; the
// binary packets match PROTOCOL.md 2.2.
func TestRawDisconnectAndBinary(t *testing.T) {
	t.Parallel()
	_, url := rawServer(t, nil, newRecorder())
	c := dialRaw(t, url, true)
	c.connect("/", "")
	c.expect(`42["auth",{}]`)
	c.connect("/admin", "")

	c.send(`42/admin,1["tellme"]`)
	c.expect(`461-/admin,1[{"_placeholder":true,"num":0}]`)
	c.expectBinary([]byte{1, 2, 3, 4})

	c.send(`42/admin,["nested"]`)
	c.expect(`452-/admin,["bin",{"_placeholder":true,"num":0},{"x":{"_placeholder":true,"num":1}}]`)
	c.expectBinary([]byte{4, 5})
	c.expectBinary([]byte{6})

	// Binary from the client, echoed as binary with the same placeholders.
	c.send(`452-/admin,789["echo",{"_placeholder":true,"num":0},{"y":{"_placeholder":true,"num":1}}]`)
	c.sendBinary([]byte{1, 2})
	c.sendBinary([]byte{3, 4})
	c.expect(`462-/admin,789[{"_placeholder":true,"num":0},{"y":{"_placeholder":true,"num":1}}]`)
	c.expectBinary([]byte{1, 2})
	c.expectBinary([]byte{3, 4})
	c.send(`451-["echo",{"_placeholder":true,"num":0}]`)
	c.sendBinary([]byte{0xff})
	c.expect(`451-["echo",{"_placeholder":true,"num":0}]`)
	c.expectBinary([]byte{0xff})
	// Zero attachments is legal.
	c.send(`450-["echo",0]`)
	c.expect(`42["echo",0]`)

	c.send(`42/admin,["kick"]`)
	c.expect(`41/admin,`)
	c.send(`42["echo","alive"]`)
	c.expect(`42["echo","alive"]`)
}

// With recovery on: the CONNECT reply has sid and pid; events without ack
// carry an offset, events with an ack or volatile ones do not; after a lost
// connection, the missed events come before the CONNECT reply with the same
// sid and pid; an unknown pid or offset gives a new session and no error.
func TestRawRecovery(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	var ns *sio.Namespace
	mw := make(chan string, 10)
	_, url := startServer(t, &sio.ServerOptions{Recovery: &sio.RecoveryOptions{}}, func(srv *sio.Server) {
		ns = srv.Of("/")
		ns.Use(func(ctx context.Context, s *sio.Socket) error {
			mw <- s.ID()
			return nil
		})
		ns.OnConnection(func(s *sio.Socket) {
			s.OnDisconnect(func(r sio.DisconnectReason) { rec.add("disconnect %s", r) })
		})
	})
	c := dialRaw(t, url, true)
	c.send(`40`)
	m := c.expectMatch(`^40\{"sid":"([A-Za-z0-9_-]{20})","pid":"([A-Za-z0-9_-]{20})"\}$`)
	sid, pid := m[1], m[2]
	<-mw
	s := socketOf(t, ns, sid)
	s.Join("room")

	if err := s.Emit("x", 1); err != nil {
		t.Fatal(err)
	}
	offset := c.expectMatch(`^42\["x",1,"([^"]+)"\]$`)[1]
	_ = ns.To("room").Emit("y", map[string]int{"a": 1})
	c.expectMatch(`^42\["y",\{"a":1\},"[^"]+"\]$`)
	_ = ns.Volatile().Emit("v")
	c.expect(`42["v"]`)
	go func() { _, _ = s.EmitWithAck(context.Background(), "q", 1) }()
	c.expectMatch(`^42\d+\["q",1\]$`)
	_ = s.Emit("b", []byte{1})
	c.expectMatch(`^451-\["b",\{"_placeholder":true,"num":0\},"[^"]+"\]$`)
	c.expectBinary([]byte{1})

	// The connection is lost; the client had seen "x" only.
	c.close()
	rec.wait(t, "disconnect transport close", 10*time.Second)
	_ = ns.To("room").Emit("m", 2)
	_ = ns.To("elsewhere").Emit("m", 99)
	_ = ns.Emit("m", 3)

	c2 := dialRaw(t, url, true)
	c2.send(`40{"pid":"` + pid + `","offset":"` + offset + `","token":"t"}`)
	c2.expectMatch(`^42\["y",\{"a":1\},"[^"]+"\]$`)
	c2.expectMatch(`^451-\["b",\{"_placeholder":true,"num":0\},"[^"]+"\]$`)
	c2.expectBinary([]byte{1})
	c2.expectMatch(`^42\["m",2,"[^"]+"\]$`)
	last := c2.expectMatch(`^42\["m",3,"([^"]+)"\]$`)[1]
	c2.expect(`40{"sid":"` + sid + `","pid":"` + pid + `"}`)
	s2 := socketOf(t, ns, sid)
	if !s2.Recovered() || !strings.Contains(strings.Join(s2.Rooms(), " "), "room") {
		t.Errorf("restored socket: recovered=%v rooms=%v", s2.Recovered(), s2.Rooms())
	}
	if s2.Handshake().Auth.JSON() == nil || !strings.Contains(string(s2.Handshake().Auth.JSON()), `"token":"t"`) {
		t.Errorf("restored auth = %s", s2.Handshake().Auth.JSON())
	}
	select {
	case id := <-mw:
		t.Errorf("middleware ran on recovery (%s)", id)
	default:
	}

	// The session can be restored once only; a bad offset or pid gives a
	// new session without error.
	c2.close()
	rec.wait(t, "disconnect transport close", 10*time.Second)
	for _, payload := range []string{
		`{"pid":"` + pid + `","offset":"nope"}`,
		`{"pid":"unknown","offset":"` + last + `"}`,
		`{"pid":1,"offset":2}`,
	} {
		c3 := dialRaw(t, url, true)
		c3.send(`40` + payload)
		m := c3.expectMatch(`^40\{"sid":"([A-Za-z0-9_-]{20})","pid":"([A-Za-z0-9_-]{20})"\}$`)
		if m[1] == sid || m[2] == pid {
			t.Errorf("%s: restored %v", payload, m)
		}
		<-mw
	}
}

// RecoveryOptions.RunMiddlewares runs the middlewares on recovery too, and a
// client namespace disconnect keeps no session.
func TestRawRecoveryRunMiddlewares(t *testing.T) {
	t.Parallel()
	var ns *sio.Namespace
	mw := make(chan bool, 10)
	_, url := startServer(t, &sio.ServerOptions{Recovery: &sio.RecoveryOptions{RunMiddlewares: true}}, func(srv *sio.Server) {
		ns = srv.Of("/")
		ns.Use(func(ctx context.Context, s *sio.Socket) error {
			mw <- s.Recovered()
			return nil
		})
	})
	c := dialRaw(t, url, true)
	c.send(`40`)
	m := c.expectMatch(`^40\{"sid":"([^"]+)","pid":"([^"]+)"\}$`)
	s := socketOf(t, ns, m[1])
	_ = s.Emit("x")
	offset := c.expectMatch(`^42\["x","([^"]+)"\]$`)[1]
	if <-mw {
		t.Error("first connection reported as recovered")
	}
	c.close()
	eventually(t, 10*time.Second, "socket gone", func() bool { return ns.Socket(m[1]) == nil })
	c2 := dialRaw(t, url, true)
	c2.send(`40{"pid":"` + m[2] + `","offset":"` + offset + `"}`)
	c2.expect(`40{"sid":"` + m[1] + `","pid":"` + m[2] + `"}`)
	if !<-mw {
		t.Error("middleware did not see a recovered socket")
	}
	_ = ns.Socket(m[1]).Emit("y")
	offset = c2.expectMatch(`^42\["y","([^"]+)"\]$`)[1]

	// Leaving on purpose: no session to restore.
	c2.send(`41`)
	eventually(t, 10*time.Second, "socket gone", func() bool { return ns.Socket(m[1]) == nil })
	c2.send(`40{"pid":"` + m[2] + `","offset":"` + offset + `"}`)
	m2 := c2.expectMatch(`^40\{"sid":"([^"]+)","pid":"([^"]+)"\}$`)
	if m2[1] == m[1] || <-mw {
		t.Errorf("session restored after a client namespace disconnect: %v", m2)
	}
}

// Connections that join no namespace within ConnectTimeout are closed; the
// main namespace is not joined implicitly; a connection that joined one
// namespace and left it stays open.
func TestConnectTimeoutAndNoImplicitMain(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	_, url := startServer(t, &sio.ServerOptions{ConnectTimeout: 500 * time.Millisecond}, func(srv *sio.Server) {
		srv.Of("/").OnConnection(func(s *sio.Socket) { rec.add("main") })
		srv.Of("/admin").OnConnection(func(s *sio.Socket) { rec.add("admin") })
	})
	idle := dialRaw(t, url, true)
	joined := dialRaw(t, url, true)
	joined.connect("/admin", "")
	left := dialRaw(t, url, true)
	left.connect("/admin", "")
	left.send(`41/admin,`)
	if !idle.closed(10 * time.Second) {
		t.Error("idle connection not closed after ConnectTimeout")
	}
	if joined.closed(time.Second) || left.closed(10*time.Millisecond) {
		t.Error("connection closed although it joined a namespace")
	}
	if rec.has("main") {
		t.Error("main namespace joined implicitly")
	}
	// An event for the main namespace, never joined, is a violation.
	joined.send(`42["x"]`)
	if !joined.closed(10 * time.Second) {
		t.Error("event for an unjoined namespace did not close the connection")
	}
}

// Server.Shutdown and the Engine.IO reasons reach the sockets with the
// JavaScript names: ping timeout, server shutting down, forced server close.
func TestDisconnectReasons(t *testing.T) {
	t.Parallel()
	rec := newRecorder()
	var ns *sio.Namespace
	srv, url := startServer(t, &sio.ServerOptions{Engine: &engineio.ServerOptions{
		PingInterval: 300 * time.Millisecond, PingTimeout: 300 * time.Millisecond,
	}}, func(srv *sio.Server) {
		ns = srv.Of("/")
		ns.OnConnection(func(s *sio.Socket) {
			var auth struct {
				Name string `json:"name"`
			}
			_ = s.Handshake().Auth.Decode(&auth)
			s.OnDisconnect(func(r sio.DisconnectReason) { rec.add("%s: %s", auth.Name, r) })
		})
		ns.On("close-me", func(s *sio.Socket, e *sio.Event) { s.Disconnect(true) })
	})
	silent := dialRaw(t, url, false)
	silent.connect("/", `{"name":"silent"}`)
	rec.wait(t, "silent: ping timeout", 10*time.Second)

	closer := dialRaw(t, url, true)
	closer.connect("/", `{"name":"closer"}`)
	closer.send(`42["close-me"]`)
	closer.expect(`41`)
	if !closer.closed(10 * time.Second) {
		t.Error("Disconnect(true) did not close the connection")
	}
	rec.wait(t, "closer: server namespace disconnect", 10*time.Second)

	parse := dialRaw(t, url, true)
	parse.connect("/", `{"name":"parse"}`)
	parse.send(`4abc`)
	rec.wait(t, "parse: parse error", 10*time.Second)

	client := dialRaw(t, url, true)
	client.connect("/", `{"name":"client"}`)
	client.send(`41`)
	rec.wait(t, "client: client namespace disconnect", 10*time.Second)
	gone := dialRaw(t, url, true)
	gone.connect("/", `{"name":"gone"}`)
	gone.close()
	rec.wait(t, "gone: transport close", 10*time.Second)

	last := dialRaw(t, url, true)
	last.connect("/", `{"name":"last"}`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	rec.wait(t, "last: server shutting down", 10*time.Second)
	if !last.closed(10 * time.Second) {
		t.Error("Shutdown did not close the connection")
	}
	if ns.Len() != 0 {
		t.Errorf("%d sockets left after Shutdown", ns.Len())
	}
}

// The same byte-level checks over HTTP long-polling: a polling body carries
// the CONNECT reply, an event and a binary attachment as `b<base64>`, and a
// volatile event is dropped while the client is not ready for it.
func TestRawPolling(t *testing.T) {
	t.Parallel()
	var ns *sio.Namespace
	_, url := startServer(t, nil, func(srv *sio.Server) { ns = srv.Of("/") })
	base := url + "/socket.io/?EIO=4&transport=polling"
	get := func(u string) string {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
		}
		return string(b)
	}
	post := func(u, body string) {
		t.Helper()
		resp, err := http.Post(u, "text/plain;charset=UTF-8", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "ok" {
			t.Fatalf("POST: %d %s", resp.StatusCode, b)
		}
	}
	open := get(base)
	sid := regexp.MustCompile(`^0\{"sid":"([^"]+)"`).FindStringSubmatch(open)
	if sid == nil {
		t.Fatalf("open: %q", open)
	}
	u := base + "&sid=" + sid[1]
	post(u, "40")
	reply := get(u)
	m := regexp.MustCompile(`^40\{"sid":"([A-Za-z0-9_-]{20})"\}$`).FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("CONNECT reply %q", reply)
	}
	s := socketOf(t, ns, m[1])

	// No GET is pending: the first emit waits in the queue, so the volatile
	// one is dropped.
	_ = s.Emit("x", []byte{1, 2, 3})
	_ = ns.Volatile().Emit("v", 1)
	_ = s.Emit("y")
	if body, want := get(u), "451-[\"x\",{\"_placeholder\":true,\"num\":0}]\x1ebAQID\x1e42[\"y\"]"; body != want {
		t.Errorf("body %q, want %q", body, want)
	}
	// With an empty queue the volatile event goes through.
	_ = ns.Volatile().Emit("v", 2)
	if body := get(u); body != `42["v",2]` {
		t.Errorf("body %q, want the volatile event", body)
	}
	// A server disconnect over polling: the DISCONNECT packet, then the
	// close packet in a later response.
	s.Disconnect(true)
	body := get(u)
	if body != `41` {
		t.Errorf("body %q, want 41", body)
	}
	if body := get(u); body != "1" {
		t.Errorf("body %q, want the close packet", body)
	}
}
