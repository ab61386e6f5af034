package engineio

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"testing"
	"time"
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

// TestNewTextMessageFunc checks that a message built in place is the one
// NewMessage makes, across the frame header's size boundaries, and that a
// writer appending another length gets a copy of what it wrote.
func TestNewTextMessageFunc(t *testing.T) {
	for _, n := range []int{0, 1, 124, 125, 126, 65534, 65535, 70000} {
		data := bytes.Repeat([]byte{'a'}, n)
		got := NewTextMessageFunc(n, func(b []byte) []byte { return append(b, data...) })
		want := NewMessage(MessageText, data)
		if !bytes.Equal(got.wsFrame(), want.wsFrame()) || !bytes.Equal(got.pollingForm(), want.pollingForm()) {
			t.Errorf("%d bytes: built in place differs from NewMessage", n)
		}
	}
	got := NewTextMessageFunc(3, func(b []byte) []byte { return append(b, "toolong"...) })
	if want := NewMessage(MessageText, []byte("toolong")); !bytes.Equal(got.wsFrame(), want.wsFrame()) {
		t.Errorf("a writer appending too much: frame % x, want % x", got.wsFrame(), want.wsFrame())
	}
}

// TestWholeDataFrame checks which buffered client frames the reader may
// read without a new deadline: only whole, final text or binary frames.
func TestWholeDataFrame(t *testing.T) {
	masked := func(op byte, fin bool, n int, have int) []byte {
		b := []byte{op}
		if fin {
			b[0] |= 0x80
		}
		switch {
		case n < 126:
			b = append(b, 0x80|byte(n))
		default:
			b = append(b, 0x80|126, byte(n>>8), byte(n))
		}
		b = append(b, 1, 2, 3, 4) // masking key
		return append(b, make([]byte, have)...)
	}
	for _, tc := range []struct {
		name  string
		frame []byte
		want  bool
	}{
		{"whole text", masked(wsOpText, true, 5, 5), true},
		{"whole binary with 16-bit length", masked(wsOpBinary, true, 300, 300), true},
		{"whole text and more after it", append(masked(wsOpText, true, 5, 5), 0x81), true},
		{"payload cut short", masked(wsOpText, true, 5, 4), false},
		{"16-bit length cut short", masked(wsOpBinary, true, 300, 0)[:3], false},
		{"not final", masked(wsOpText, false, 5, 5), false},
		{"ping", masked(0x9, true, 0, 0), false},
		{"one byte", []byte{0x81}, false},
	} {
		br := bufio.NewReaderSize(bytes.NewReader(tc.frame), 1024)
		_, _ = br.Peek(len(tc.frame)) // buffer it all
		if got := wholeDataFrame(br); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
