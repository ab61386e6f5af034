package sio

import (
	"context"
	"math"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/internal/parser"
)

// captured is an Engine.IO handler that hands its sessions to the test,
// which feeds them to a conn of its own: the test is then the
// connection's reader.
type captured chan *engineio.Conn

func (c captured) OpenEngineIO(ec *engineio.Conn) engineio.Receiver {
	c <- ec
	return nopReceiver{}
}

func (c captured) ServeEngineIO(*engineio.Conn) {}

type nopReceiver struct{}

func (nopReceiver) OnMessage(engineio.MessageType, []byte) {}
func (nopReceiver) OnClose(error)                          {}

// testConn returns a conn of srv over a real Engine.IO session, with the
// test as its reader and a peer that reads nothing, joined to the
// namespace "/".
func testConn(t *testing.T, srv *Server) *conn {
	t.Helper()
	ch := make(captured, 1)
	es := engineio.NewServer(ch, nil)
	hs := httptest.NewServer(es)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// A raw websocket peer that never reads: what the server sends stays in
	// the kernel's buffers, and nothing in this process allocates on its
	// receipt, which the measures below would count.
	client, _, err := websocket.DefaultDialer.DialContext(ctx, "ws"+strings.TrimPrefix(hs.URL, "http")+"/engine.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	ec := <-ch
	// The session is handed over before its open packet is queued: read
	// that packet (and nothing after it) before acting as its reader.
	if _, open, err := client.ReadMessage(); err != nil || len(open) == 0 || open[0] != '0' {
		t.Fatalf("open packet %q: %v", open, err)
	}
	c := engineHandler{srv}.OpenEngineIO(ec).(*conn)
	t.Cleanup(func() {
		_ = client.Close()
		_ = es.Shutdown(context.Background())
		hs.Close()
		c.OnClose(nil)
	})
	c.OnMessage(engineio.MessageText, []byte("0"))
	deadline := time.Now().Add(10 * time.Second)
	for srv.Of("/").Len() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the socket did not join")
		}
		time.Sleep(time.Millisecond)
	}
	return c
}

// TestLimitRefusedBeforeDecoding measures the receive path of an event
// refused by its payload limit: conn.OnMessage, from the Engine.IO message
// (already read: the frame read is not measured) to the refusal, answer
// included. What it allocates must not grow with the payload: 10 KB and
// 1 MB payloads cost the same allocations and, within a few hundred
// bytes, the same memory. It also checks that the handler never runs,
// and that after refused binary events (refused at the header, or by
// their attachments as they arrive) the connection decodes the next packet
// normally: nothing of the refused one is held.
func TestLimitRefusedBeforeDecoding(t *testing.T) {
	srv := NewServer(nil)
	ns := srv.Of("/")
	var handled atomic.Int64
	HandleAck(ns, "up", func(context.Context, *Socket, Raw) (struct{}, error) {
		handled.Add(1)
		return struct{}{}, nil
	})
	ns.Limit("up", Limits{MaxPayload: 1000})
	c := testConn(t, srv)

	event := func(ack bool, size int) []byte {
		head := `2["up",`
		if ack {
			head = `21["up",`
		}
		return []byte(head + `"` + strings.Repeat("x", size) + `"]`)
	}
	measure := func(msg []byte, extra [][]byte) (allocs float64, bytes uint64) {
		run := func() {
			c.OnMessage(engineio.MessageText, msg)
			for _, a := range extra {
				c.OnMessage(engineio.MessageBinary, a)
			}
		}
		run() // the socket's limit state is made once
		allocs = testing.AllocsPerRun(20, run)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		const n = 20
		for range n {
			run()
		}
		runtime.ReadMemStats(&after)
		return allocs, (after.TotalAlloc - before.TotalAlloc) / n
	}
	binary := func(size int) ([]byte, [][]byte) {
		return []byte(`51-["up",{"_placeholder":true,"num":0}]`), [][]byte{make([]byte, size)}
	}
	for _, tc := range []struct {
		name        string
		small, big  []byte
		sAtt, bAtts [][]byte
	}{
		{name: "dropped", small: event(false, 10_000), big: event(false, 1_000_000)},
		{name: "answered", small: event(true, 10_000), big: event(true, 1_000_000)},
	} {
		sa, sb := measure(tc.small, nil)
		ba, bb := measure(tc.big, nil)
		t.Logf("%s: 10 KB: %v allocs, %d B; 1 MB: %v allocs, %d B", tc.name, sa, sb, ba, bb)
		// The answer's write may or may not start the connection's writer
		// as the scheduler goes, which AllocsPerRun counts: one
		// allocation either way is that, not the payload.
		if math.Abs(sa-ba) > 1 || bb > sb+512 {
			t.Errorf("%s: refusing 1 MB costs %v allocs, %d B; 10 KB %v allocs, %d B: it grows with the payload", tc.name, ba, bb, sa, sb)
		}
	}
	msg, small := binary(10_000)
	_, big := binary(1_000_000)
	sa, sb := measure(msg, small)
	ba, bb := measure(msg, big)
	t.Logf("binary: 10 KB: %v allocs, %d B; 1 MB: %v allocs, %d B", sa, sb, ba, bb)
	if sa != ba || bb > sb+512 {
		t.Errorf("binary: refusing 1 MB costs %v allocs, %d B; 10 KB %v allocs, %d B", ba, bb, sa, sb)
	}

	// Refused at the header: its attachments are dropped as they come.
	c.OnMessage(engineio.MessageText, []byte(`52-["up","`+strings.Repeat("y", 2000)+`",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`))
	c.OnMessage(engineio.MessageBinary, []byte{1})
	c.OnMessage(engineio.MessageBinary, []byte{2})
	if c.skip != 0 || c.violation.Load() {
		t.Fatalf("after a refused binary event: skip %d, violation %v", c.skip, c.violation.Load())
	}
	if handled.Load() != 0 {
		t.Fatalf("the handler ran %d times for refused events", handled.Load())
	}
	// The connection goes on: an event within the limit, binary, reaches
	// its handler.
	c.OnMessage(engineio.MessageText, []byte(`51-["up",{"_placeholder":true,"num":0}]`))
	c.OnMessage(engineio.MessageBinary, make([]byte, 100))
	deadline := time.Now().Add(10 * time.Second)
	for handled.Load() != 1 {
		if c.violation.Load() || time.Now().After(deadline) {
			t.Fatalf("the event after the refusals was not handled (violation %v)", c.violation.Load())
		}
		time.Sleep(time.Millisecond)
	}
}

// BenchmarkLimits measures the cost of limits on the receive path of the
// echo of examples/bench (BenchmarkReceive/Echo: decode, dispatch, the ack
// encoded): admission on the reader (head, name, bucket, pending-ack
// slot) and the slot's release, against the same path with no limit. The
// limits (rate 1e9/s, 1 MiB, 1,000 pending acks) never trigger.
func BenchmarkLimits(b *testing.B) {
	for _, limited := range []bool{false, true} {
		b.Run("limited="+strconv.FormatBool(limited), func(b *testing.B) {
			srv := NewServer(nil)
			ns := srv.Of("/")
			if limited {
				ns.Limit("echo", Limits{Rate: 1e9, MaxPayload: 1 << 20, MaxPendingAcks: 1000})
			}
			s := &Socket{nsp: ns}
			c := &conn{srv: srv, sockets: []*Socket{s}}
			var got atomic.Int64
			buf := make([]byte, 0, 256)
			ns.On("echo", func(_ *Socket, e *Event) {
				got.Add(1)
				p, err := ackPacket(e.Name, e.hasAck, &e.acked, ns.name, e.id, []any{e.At(0)}, nil)
				if err != nil {
					b.Fatal(err)
				}
				buf = parser.AppendEncode(buf[:0], &p)
			})
			b.ReportAllocs()
			for b.Loop() {
				if srv.limited.Load() && !c.admit(benchEcho) {
					b.Fatal("refused")
				}
				p, _, err := c.dec.DecodeText(benchEcho)
				if err != nil {
					b.Fatal(err)
				}
				s.dispatch(p, c.takeSlot())
			}
			if got.Load() == 0 {
				b.Fatal("handler not called")
			}
		})
	}
}

// BenchmarkAdmit measures admission alone: what limits add per event on
// the reader, and the release of the pending-ack slot.
func BenchmarkAdmit(b *testing.B) {
	srv := NewServer(nil)
	ns := srv.Of("/")
	ns.Limit("echo", Limits{Rate: 1e9, MaxPayload: 1 << 20, MaxPendingAcks: 1000})
	s := &Socket{nsp: ns}
	c := &conn{srv: srv, sockets: []*Socket{s}}
	b.ReportAllocs()
	for b.Loop() {
		if !c.admit(benchEcho) {
			b.Fatal("refused")
		}
		c.takeSlot().pending.Add(-1)
	}
}

// TestLimitRefusedAttachmentsMissing: a text message where the
// attachments of a refused binary event are due is a protocol violation,
// as it is for an admitted one (the decoder's rule).
func TestLimitRefusedAttachmentsMissing(t *testing.T) {
	srv := NewServer(nil)
	ns := srv.Of("/")
	ns.On("up", func(*Socket, *Event) {})
	ns.Limit("up", Limits{MaxPayload: 10})
	c := testConn(t, srv)
	c.OnMessage(engineio.MessageText, []byte(`52-["up","`+strings.Repeat("y", 20)+`",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`))
	c.OnMessage(engineio.MessageBinary, []byte{1})
	if c.violation.Load() {
		t.Fatal("violation before the text message")
	}
	c.OnMessage(engineio.MessageText, []byte(`2["up"]`))
	if !c.violation.Load() {
		t.Error("a text message in place of an attachment was accepted")
	}
}

// TestLimitRefusedAttachmentsReleased: the attachments of a binary event
// refused by its payload limit are not kept: one the decoder held (the
// event was over only with its second attachment) and one that arrived
// after the refusal are both collected.
func TestLimitRefusedAttachmentsReleased(t *testing.T) {
	srv := NewServer(nil)
	ns := srv.Of("/")
	ns.On("up", func(*Socket, *Event) { t.Error("the refused event was handled") })
	ns.Limit("up", Limits{MaxPayload: 1000})
	c := testConn(t, srv)
	var collected atomic.Int64
	attachment := func() []byte {
		b := make([]byte, 600)
		runtime.SetFinalizer(&b[0], func(*byte) { collected.Add(1) })
		return b
	}
	c.OnMessage(engineio.MessageText, []byte(`53-["up",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1},{"_placeholder":true,"num":2}]`))
	c.OnMessage(engineio.MessageBinary, attachment()) // admitted: the decoder holds it
	c.OnMessage(engineio.MessageBinary, attachment()) // over: refused
	c.OnMessage(engineio.MessageBinary, attachment()) // dropped as it comes
	if c.skip != 0 || c.violation.Load() {
		t.Fatalf("skip %d, violation %v", c.skip, c.violation.Load())
	}
	deadline := time.Now().Add(10 * time.Second)
	for collected.Load() != 3 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of the 3 attachments collected: the others are still referenced", collected.Load())
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}
