package engineio_test

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
)

// readers counts the goroutines running a server websocket reader.
func readers() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "engineio.(*Conn).serverWSReader(")
}

// waitReaders waits until want goroutines run a server websocket reader.
func waitReaders(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for readers() != want {
		if time.Now().After(deadline) {
			t.Fatalf("%d websocket readers running, want %d", readers(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestIdleWebsocketsPark checks that idle websocket sessions give up their
// reader goroutine, and still receive (messages, pongs and closes) while
// parked: several park-resume rounds across 20 sessions, heartbeats, a
// client close and a server close of parked sessions.
func TestIdleWebsocketsPark(t *testing.T) {
	if !engineio.CanPark {
		t.Skip("sessions do not park on this system")
	}
	rec := &recorder{}
	opts := &engineio.ServerOptions{
		ParkIdleAfter: 30 * time.Millisecond,
		PingInterval:  150 * time.Millisecond,
		// Short pings keep the parked sessions busy; a long timeout keeps a
		// loaded machine's late pong from closing them.
		PingTimeout: 600 * time.Millisecond,
	}
	_, url := startServer(t, rec, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	const n = 20
	var clients []*engineio.Conn
	var inboxes []*inbox
	for i := range n {
		transports := []string{engineio.TransportWebsocket}
		if i%2 == 1 { // these park after the upgrade
			transports = []string{engineio.TransportPolling, engineio.TransportWebsocket}
		}
		c, err := engineio.Dial(ctx, url+"/engine.io/", &engineio.DialOptions{Transports: transports})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients = append(clients, c)
		inboxes = append(inboxes, newInbox(t, c))
	}
	for i, c := range clients {
		deadline := time.Now().Add(15 * time.Second)
		for c.Transport() != engineio.TransportWebsocket {
			if time.Now().After(deadline) {
				t.Fatalf("client %d did not upgrade", i)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	for round := range 3 {
		waitReaders(t, 0)
		for i, c := range clients {
			_ = c.Send(engineio.MessageText, []byte(fmt.Sprintf("echo:%d-%d", round, i)))
		}
		for i, in := range inboxes {
			want := fmt.Sprintf("%d-%d", round, i)
			if m := in.next(isText(want), 5*time.Second); string(m.data) != want {
				t.Fatalf("round %d client %d: got %q", round, i, m.data)
			}
		}
	}
	// Several heartbeats go by while parked, more than a ping and its
	// timeout: the sessions stay open, so their pongs were read.
	time.Sleep(time.Second)
	for i, c := range clients {
		if err := c.Err(); err != nil {
			t.Fatalf("client %d closed while parked: %v", i, err)
		}
	}
	waitReaders(t, 0)

	rec.mu.Lock()
	sessions := append([]*recorded(nil), rec.sessions...)
	rec.mu.Unlock()
	if len(sessions) != n {
		t.Fatalf("%d sessions, want %d", len(sessions), n)
	}
	// A client closes a parked session; the server closes another.
	_ = clients[0].Close()
	var byServer *recorded
	for _, s := range sessions {
		s.mu.Lock()
		last := ""
		if len(s.got) > 0 {
			last = s.got[len(s.got)-1]
		}
		s.mu.Unlock()
		if last == "text:echo:2-1" {
			byServer = s
		}
	}
	if byServer == nil {
		t.Fatal("no session received client 1's messages")
	}
	_ = byServer.c.Close()
	if err := inboxes[1].closeErr(5 * time.Second); engineio.ReasonOf(err) != engineio.ReasonTransportClose {
		t.Errorf("client 1 closed by the server: %v, want transport close", err)
	}
	closed := 0
	for _, s := range sessions {
		select {
		case <-s.closedC:
			closed++
		case <-time.After(100 * time.Millisecond):
		}
	}
	if closed != 2 {
		t.Errorf("%d sessions closed, want 2", closed)
	}
}

// TestBusyWebsocketDoesNotPark checks that a session whose client sends
// more often than the park period keeps its reader, though it waits for
// every message, and parks once the client stops.
func TestBusyWebsocketDoesNotPark(t *testing.T) {
	if !engineio.CanPark {
		t.Skip("sessions do not park on this system")
	}
	const park = 100 * time.Millisecond
	rec := &recorder{}
	_, url := startServer(t, rec, &engineio.ServerOptions{ParkIdleAfter: park})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := engineio.Dial(ctx, url+"/engine.io/", &engineio.DialOptions{Transports: []string{engineio.TransportWebsocket}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	in := newInbox(t, c)
	checked := 0
	last := time.Now()
	for i := range 60 { // 60 x 15 ms: nine park periods
		want := fmt.Sprint(i)
		sent := time.Now()
		_ = c.Send(engineio.MessageText, []byte("echo:"+want))
		if m := in.next(isText(want), 5*time.Second); string(m.data) != want {
			t.Fatalf("message %d: got %q", i, m.data)
		}
		// Only a session that was busy may be held to it: on a loaded
		// machine this client can fall silent for a park period itself.
		if time.Since(last) < park/2 {
			checked++
			if n := readers(); n != 1 {
				t.Fatalf("after message %d: %d readers; a busy session parked", i, n)
			}
		}
		last = sent
		time.Sleep(15 * time.Millisecond)
	}
	t.Logf("%d of 60 messages came soon enough after the previous one to check", checked)
	waitReaders(t, 0)
}
