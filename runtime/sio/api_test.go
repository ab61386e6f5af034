package sio_test

import (
	"context"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// Edges of the emitting API: reserved names, acks answered at most once,
// AckTimeout, acks failing on disconnect, broadcasts with acks to nobody and
// with binary answers, the socket context.
func TestEmitAPIEdges(t *testing.T) {
	t.Parallel()
	acks := make(chan error, 4)
	var ns *sio.Namespace
	_, url := startServer(t, &sio.ServerOptions{AckTimeout: 500 * time.Millisecond}, func(srv *sio.Server) {
		ns = srv.Of("/")
		ns.On("twice", func(s *sio.Socket, e *sio.Event) {
			acks <- e.Ack(1)
			acks <- e.Ack(2)
		})
		ns.On("none", func(s *sio.Socket, e *sio.Event) { acks <- e.Ack(1) })
	})
	c := dialRaw(t, url, true)
	s := socketOf(t, ns, c.connect("/", ""))

	for _, name := range []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"} {
		if code := sio.CodeOf(s.Emit(name)); code != sio.CodeInvalidArgument {
			t.Errorf("Emit(%q) code %q", name, code)
		}
		if code := sio.CodeOf(ns.Emit(name)); code != sio.CodeInvalidArgument {
			t.Errorf("ns.Emit(%q) code %q", name, code)
		}
		if _, err := ns.EmitWithAck(context.Background(), name); sio.CodeOf(err) != sio.CodeInvalidArgument {
			t.Errorf("ns.EmitWithAck(%q) err %v", name, err)
		}
	}
	if err := s.Emit("f", func() {}); err == nil {
		t.Error("unencodable argument emitted")
	}

	c.send(`425["twice"]`)
	c.expect(`435[1]`)
	if err1, err2 := <-acks, <-acks; err1 != nil || err2 == nil {
		t.Errorf("acks: %v, %v; want nil then an error", err1, err2)
	}
	c.send(`42["none"]`)
	if err := <-acks; err == nil {
		t.Error("ack of an event that asked for none succeeded")
	}

	// AckTimeout bounds a wait whose context has no deadline.
	start := time.Now()
	_, err := s.EmitWithAck(context.Background(), "q")
	if sio.CodeOf(err) != sio.CodeTimeout || time.Since(start) < 400*time.Millisecond {
		t.Errorf("EmitWithAck: %v after %v, want a timeout after AckTimeout", err, time.Since(start))
	}
	c.expectMatch(`^42\d+\["q"\]$`)
	// A late answer to a timed-out ack is ignored.
	c.send(`430[]`)

	// A broadcast with ack to nobody returns at once, with no answers.
	answers, err := ns.To("empty").EmitWithAck(context.Background(), "p")
	if err != nil || len(answers) != 0 {
		t.Errorf("EmitWithAck to nobody: %v %v", answers, err)
	}
	// Binary answers to a broadcast decode into []byte.
	done := make(chan []sio.Args, 1)
	go func() {
		a, err := ns.EmitWithAck(context.Background(), "p", 1)
		if err != nil {
			t.Error(err)
		}
		done <- a
	}()
	id := c.expectMatch(`^42(\d+)\["p",1\]$`)[1]
	c.send(`461-` + id + `[{"k":{"_placeholder":true,"num":0}}]`)
	c.sendBinary([]byte{7, 7})
	a := <-done
	var got struct {
		K []byte `json:"k"`
	}
	if len(a) != 1 || a[0].Decode(&got) != nil || string(got.K) != "\x07\x07" {
		t.Errorf("broadcast answers %v (%v)", a, got)
	}

	// Disconnection fails waiting acks and ends the socket's context.
	errc := make(chan error, 1)
	go func() {
		_, err := s.EmitWithAck(context.Background(), "q")
		errc <- err
	}()
	c.expectMatch(`^42\d+\["q"\]$`)
	c.close()
	if err := <-errc; sio.CodeOf(err) != sio.CodeDisconnected {
		t.Errorf("pending ack ended with %v, want disconnected", err)
	}
	select {
	case <-s.Context().Done():
	case <-time.After(10 * time.Second):
		t.Error("socket context not canceled")
	}
	if _, err := s.EmitWithAck(context.Background(), "q"); sio.CodeOf(err) != sio.CodeDisconnected {
		t.Errorf("EmitWithAck after disconnect: %v", err)
	}
	eventually(t, 10*time.Second, "socket disconnected", func() bool { return !s.Connected() })
}
