package engineio

import (
	"bufio"
	"bytes"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// tcpPair returns the two ends of a loopback TCP connection.
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}

// TestWireTryWriteKeepsFramesWhole fills the socket with non-blocking
// writes until one stops halfway through a frame, then has gorilla's path
// (Write) and the blocking path (writeFrames) write more while the peer
// reads: the peer must see every frame whole and in order, the tail of the
// broken one first.
func TestWireTryWriteKeepsFramesWhole(t *testing.T) {
	if !nonBlockingWrites {
		t.Skip("no non-blocking writes on this system")
	}
	sc, cc := tcpPair(t)
	w := newWSWire(sc)
	if w.raw == nil {
		t.Fatal("a TCP connection should allow non-blocking writes")
	}
	var want bytes.Buffer
	var msgs []*Message
	for i := 0; ; i++ {
		if i == 10000 {
			t.Fatal("the socket never filled up")
		}
		m := NewMessage(MessageBinary, bytes.Repeat([]byte{byte(i)}, 50_000+i))
		msgs = append(msgs, m)
		rest, tail, err := w.tryWrite([]*Message{m}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(rest) > 0 { // not begun: the buffer was exactly full
			msgs = msgs[:len(msgs)-1]
			continue
		}
		want.Write(m.wsFrame())
		if tail {
			break
		}
	}
	// With a tail pending, tryWrite refuses to write.
	extra := NewMessage(MessageText, []byte("after the tail"))
	if rest, tail, err := w.tryWrite([]*Message{extra}, nil); len(rest) != 1 || !tail || err != nil {
		t.Fatalf("tryWrite with a tail pending = %d, %v, %v; want the message back", len(rest), tail, err)
	}
	control := []byte{0x8a, 0x00} // an empty pong, as gorilla would write it
	more := []*Message{extra, NewMessage(MessageBinary, bytes.Repeat([]byte{7}, 100_000))}
	done := make(chan error, 2)
	go func() {
		_, err := w.Write(control)
		done <- err
	}()
	go func() {
		var scratch []byte
		done <- w.writeFrames(more, 10*time.Second, &scratch)
	}()
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(cc)
		got <- b
	}()
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	sc.Close()
	b := <-got
	prefix := want.Len()
	if len(b) < prefix || !bytes.Equal(b[:prefix], want.Bytes()) {
		t.Fatalf("the frames written without blocking arrived damaged (%d bytes, want a %d-byte prefix)", len(b), prefix)
	}
	// The control frame and the batch race for the lock: either order is
	// right, an interleaving is not.
	var frames bytes.Buffer
	for _, m := range more {
		frames.Write(m.wsFrame())
	}
	controlFirst := append(append([]byte(nil), control...), frames.Bytes()...)
	controlLast := append(append([]byte(nil), frames.Bytes()...), control...)
	if rest := b[prefix:]; !bytes.Equal(rest, controlFirst) && !bytes.Equal(rest, controlLast) {
		t.Fatalf("after the tail: got %d bytes, want the control frame and the queued frames whole (%d bytes)", len(rest), len(controlFirst))
	}
}

func TestFrameHeader(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want []byte
	}{
		{0, []byte{0x81, 0}},
		{125, []byte{0x81, 125}},
		{126, []byte{0x81, 126, 0, 126}},
		{65535, []byte{0x81, 126, 0xff, 0xff}},
		{65536, []byte{0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}},
	} {
		h := make([]byte, frameHeaderLen(tc.n))
		putFrameHeader(h, wsOpText, tc.n)
		if !bytes.Equal(h, tc.want) {
			t.Errorf("header for %d bytes = % x, want % x", tc.n, h, tc.want)
		}
	}
	m := NewMessage(MessageText, []byte("hi"))
	if f := m.wsFrame(); !bytes.Equal(f, []byte{0x81, 3, '4', 'h', 'i'}) {
		t.Errorf("text frame = % x", f)
	}
	b := NewMessage(MessageBinary, []byte{1, 2})
	if f := b.wsFrame(); !bytes.Equal(f, []byte{0x82, 2, 1, 2}) {
		t.Errorf("binary frame = % x", f)
	}
}

// TestNewTextMessageFunc checks that a message built in place is the
// frame it should be, as NewMessage makes it too, across the frame
// header's size boundaries and the allocation size classes, and that a
// writer appending another length gets a copy of what it wrote.
func TestNewTextMessageFunc(t *testing.T) {
	for _, n := range []int{0, 1, 124, 125, 126, 148, 149, 150, 403, 404, 405, 915, 916, 917, 65534, 65535, 70000} {
		data := bytes.Repeat([]byte{'a'}, n)
		var want []byte
		switch m := n + 1; {
		case m < 126:
			want = []byte{0x81, byte(m)}
		case m <= 0xffff:
			want = []byte{0x81, 126, byte(m >> 8), byte(m)}
		default:
			want = []byte{0x81, 127, 0, 0, 0, 0, byte(m >> 24), byte(m >> 16), byte(m >> 8), byte(m)}
		}
		want = append(append(want, '4'), data...)
		got := NewTextMessageFunc(n, func(b []byte) []byte { return append(b, data...) })
		if !bytes.Equal(got.wsFrame(), want) {
			t.Errorf("%d bytes: frame % x..., want % x...", n, got.wsFrame()[:min(12, len(got.wsFrame()))], want[:min(12, len(want))])
		}
		if !bytes.Equal(got.pollingForm(), want[len(want)-n-1:]) {
			t.Errorf("%d bytes: polling form differs", n)
		}
		if nm := NewMessage(MessageText, data); !bytes.Equal(nm.wsFrame(), want) {
			t.Errorf("%d bytes: NewMessage's frame differs", n)
		}
	}
	got := NewTextMessageFunc(3, func(b []byte) []byte { return append(b, "toolong"...) })
	if want := NewMessage(MessageText, []byte("toolong")); !bytes.Equal(got.wsFrame(), want.wsFrame()) {
		t.Errorf("a writer appending too much: frame % x, want % x", got.wsFrame(), want.wsFrame())
	}
}

// maskedFrame is a client frame: op with the final bit as fin, a payload
// of length n masked with key, of which only the first have bytes follow.
func maskedFrame(op byte, fin bool, key [4]byte, payload []byte, have int) []byte {
	b := []byte{op}
	if fin {
		b[0] |= 0x80
	}
	switch n := len(payload); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n < 1<<16:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	b = append(b, key[:]...)
	for i, c := range payload[:have] {
		b = append(b, c^key[i%4])
	}
	return b
}

// TestTakeWholeFrame checks which buffered client frames the server reader
// takes itself (only whole, final, masked, uncompressed text or binary
// frames within the limit), and that it unmasks them exactly and consumes
// nothing more.
func TestTakeWholeFrame(t *testing.T) {
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	text := []byte("42[\"echo\",{\"a\":1}]")
	big := bytes.Repeat([]byte("x"), 300)
	unmasked := func(f []byte) []byte {
		f = slices.Clone(f)
		f[1] &^= 0x80
		return f
	}
	rsv := func(f []byte) []byte {
		f = slices.Clone(f)
		f[0] |= 0x40 // RSV1: compressed
		return f
	}
	for _, tc := range []struct {
		name  string
		frame []byte
		limit int64
		want  []byte // nil: not taken
		op    byte
	}{
		{"whole text", maskedFrame(wsOpText, true, key, text, len(text)), 0, text, wsOpText},
		{"whole binary with 16-bit length", maskedFrame(wsOpBinary, true, key, big, len(big)), 0, big, wsOpBinary},
		{"empty text", maskedFrame(wsOpText, true, key, nil, 0), 0, []byte{}, wsOpText},
		{"whole text and more after it", append(maskedFrame(wsOpText, true, key, text, len(text)), 0x81), 0, text, wsOpText},
		{"at the limit", maskedFrame(wsOpText, true, key, text, len(text)), int64(len(text)), text, wsOpText},
		{"over the limit", maskedFrame(wsOpText, true, key, text, len(text)), int64(len(text) - 1), nil, 0},
		{"payload cut short", maskedFrame(wsOpText, true, key, text, 4), 0, nil, 0},
		{"masking key cut short", maskedFrame(wsOpText, true, key, text, 0)[:4], 0, nil, 0},
		{"16-bit length cut short", maskedFrame(wsOpBinary, true, key, big, 0)[:3], 0, nil, 0},
		{"64-bit length", maskedFrame(wsOpBinary, true, key, make([]byte, 1<<16), 100), 0, nil, 0},
		{"not final", maskedFrame(wsOpText, false, key, text, len(text)), 0, nil, 0},
		{"continuation", maskedFrame(0, true, key, text, len(text)), 0, nil, 0},
		{"ping", maskedFrame(0x9, true, key, nil, 0), 0, nil, 0},
		{"close", maskedFrame(0x8, true, key, []byte{3, 232}, 2), 0, nil, 0},
		{"unmasked", unmasked(maskedFrame(wsOpText, true, key, text, len(text))), 0, nil, 0},
		{"compressed", rsv(maskedFrame(wsOpText, true, key, text, len(text))), 0, nil, 0},
		{"one byte", []byte{0x81}, 0, nil, 0},
	} {
		br := bufio.NewReaderSize(bytes.NewReader(tc.frame), 1024)
		_, _ = br.Peek(len(tc.frame)) // buffer it all
		before := br.Buffered()
		op, data, ok := takeWholeFrame(br, tc.limit)
		if ok != (tc.want != nil) {
			t.Errorf("%s: taken %v, want %v", tc.name, ok, tc.want != nil)
			continue
		}
		if !ok {
			if br.Buffered() != before {
				t.Errorf("%s: not taken, but consumed %d bytes", tc.name, before-br.Buffered())
			}
			continue
		}
		if op != tc.op || !bytes.Equal(data, tc.want) {
			t.Errorf("%s: got op %d %q, want op %d %q", tc.name, op, data, tc.op, tc.want)
		}
		rest := 0
		if strings.HasSuffix(tc.name, "more after it") {
			rest = 1
		}
		if br.Buffered() != rest {
			t.Errorf("%s: %d bytes left, want %d", tc.name, br.Buffered(), rest)
		}
	}
}

// TestMaskBytes checks the word-wise unmasking against the definition, at
// every length and alignment that matters.
func TestMaskBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 70 {
		for range 20 {
			key := rng.Uint32()
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			want := slices.Clone(b)
			for i := range want {
				want[i] ^= byte(key >> (8 * (i % 4)))
			}
			maskBytes(key, b)
			if !bytes.Equal(b, want) {
				t.Fatalf("n=%d key=%08x: got %x, want %x", n, key, b, want)
			}
		}
	}
}

// FuzzTakeWholeFrame feeds arbitrary buffered bytes to the server reader's
// fast path: it never panics, and when it takes a frame, that frame is a
// final, masked, uncompressed text or binary one within the limit, its
// payload is exactly what the header announces, unmasked, and nothing
// after it was consumed. Otherwise nothing was consumed.
func FuzzTakeWholeFrame(f *testing.F) {
	key := [4]byte{1, 2, 3, 4}
	f.Add(maskedFrame(wsOpText, true, key, []byte(`42["a"]`), 7), int64(0))
	f.Add(maskedFrame(wsOpBinary, true, key, bytes.Repeat([]byte{7}, 200), 200), int64(100))
	f.Add(maskedFrame(0x9, true, key, nil, 0), int64(0))
	f.Add([]byte{0x81}, int64(0))
	f.Fuzz(func(t *testing.T, b []byte, limit int64) {
		br := bufio.NewReaderSize(bytes.NewReader(b), 512)
		_, _ = br.Peek(min(len(b), 512))
		before := br.Buffered()
		op, data, ok := takeWholeFrame(br, limit)
		if !ok {
			if br.Buffered() != before {
				t.Fatalf("not taken, but %d bytes consumed", before-br.Buffered())
			}
			return
		}
		if b[0] != 0x80|op || (op != wsOpText && op != wsOpBinary) || b[1]&0x80 == 0 {
			t.Fatalf("took a frame with header % x", b[:2])
		}
		n, h := int(b[1]&0x7f), 2
		if n == 126 {
			n, h = int(b[2])<<8|int(b[3]), 4
		}
		if len(data) != n || before-br.Buffered() != h+4+n || (limit > 0 && int64(n) > limit) {
			t.Fatalf("took %d bytes of payload and consumed %d; the header says %d (limit %d)", len(data), before-br.Buffered(), n, limit)
		}
		for i, c := range data {
			if c != b[h+4+i]^b[h+i%4] {
				t.Fatalf("payload byte %d unmasked wrong", i)
			}
		}
	})
}

// TestGorillaReadsFromHijackedReader pins the private rule of
// gorilla/websocket that the server's reader relies on (see wsReadBuffer):
// after an upgrade, gorilla reads from the buffered reader the hijacker
// handed it. The test reads a frame's first byte into that reader itself;
// gorilla must then return the whole message, which it cannot if it reads
// through a reader of its own.
func TestGorillaReadsFromHijackedReader(t *testing.T) {
	if wsReadBuffer <= 256 {
		t.Fatalf("wsReadBuffer = %d: gorilla only reuses readers larger than 256 bytes", wsReadBuffer)
	}
	s := NewServer(HandlerFunc(func(*Conn) {}), nil)
	type upgraded struct {
		ws   *websocket.Conn
		wire *wsWire
	}
	up := make(chan upgraded, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, wire, err := s.upgrade(w, r)
		if err != nil {
			t.Errorf("upgrade: %v", err)
			close(up)
			return
		}
		up <- upgraded{ws, wire}
	}))
	defer hs.Close()
	client, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	u, ok := <-up
	if !ok {
		return
	}
	defer u.ws.Close()
	if u.wire == nil || u.wire.br == nil {
		t.Fatal("the hijacker gave gorilla no reader of its own making")
	}
	if err := client.WriteMessage(websocket.TextMessage, []byte("through the hijacked reader")); err != nil {
		t.Fatal(err)
	}
	_ = u.wire.Conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := u.wire.br.Peek(1); err != nil {
		t.Fatalf("peek: %v", err)
	}
	_ = u.ws.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, b, err := u.ws.ReadMessage()
	if err != nil || string(b) != "through the hijacked reader" {
		t.Fatalf("gorilla read %q, %v: it does not read from the hijacked reader", b, err)
	}
	if n := u.wire.br.Buffered(); n != 0 {
		t.Errorf("%d bytes left in the hijacked reader", n)
	}
}
