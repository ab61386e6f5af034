package engineio

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestDecodeText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     string
		kind   packetType
		binary bool
		data   string
		bad    bool
	}{
		{in: "0{\"sid\":\"x\"}", kind: packetOpen, data: `{"sid":"x"}`},
		{in: "1", kind: packetClose},
		{in: "2", kind: packetPing},
		{in: "2probe", kind: packetPing, data: "probe"},
		{in: "3probe", kind: packetPong, data: "probe"},
		{in: "4hello", kind: packetMessage, data: "hello"},
		{in: "4", kind: packetMessage},
		{in: "4€ü", kind: packetMessage, data: "€ü"},
		{in: "5", kind: packetUpgrade},
		{in: "6", kind: packetNoop},
		{in: "bAQIDBA==", kind: packetMessage, binary: true, data: "\x01\x02\x03\x04"},
		{in: "b", kind: packetMessage, binary: true},
		{in: "", bad: true},
		{in: "7", bad: true},
		{in: "abc", bad: true},
		{in: "b!!", bad: true},
		{in: "bAQI", bad: true}, // unpadded
	}
	for _, c := range cases {
		p, err := decodeText([]byte(c.in))
		if c.bad {
			if err == nil {
				t.Errorf("decodeText(%q) = %+v, want an error", c.in, p)
			}
			continue
		}
		if err != nil || p.kind != c.kind || p.binary != c.binary || string(p.data) != c.data {
			t.Errorf("decodeText(%q) = %q %v %q, %v; want %q %v %q", c.in, p.kind, p.binary, p.data, err, c.kind, c.binary, c.data)
		}
	}
}

func TestPayloadRoundTrip(t *testing.T) {
	t.Parallel()
	msgs := []*Message{
		NewMessage(MessageText, []byte("hello")),
		pingPacket,
		NewMessage(MessageBinary, []byte{1, 2, 3, 4}),
		NewMessage(MessageText, []byte("world")),
		NewMessage(MessageText, nil),
	}
	body := appendPayload(nil, msgs)
	if want := "4hello\x1e2\x1ebAQIDBA==\x1e4world\x1e4"; string(body) != want {
		t.Fatalf("payload = %q, want %q", body, want)
	}
	var got []packet
	if err := decodePayload(body, func(p packet) error { got = append(got, p); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(msgs) {
		t.Fatalf("%d packets, want %d", len(got), len(msgs))
	}
	for i, m := range msgs {
		if got[i].kind != m.kind || got[i].binary != m.binary || !bytes.Equal(got[i].data, m.Data()) {
			t.Errorf("packet %d = %+v, want %q", i, got[i], m.wire)
		}
	}
	for _, bad := range []string{"", "4a\x1e", "\x1e4a", "4a\x1e\x1e4b", "4a\x1ex"} {
		if err := decodePayload([]byte(bad), func(packet) error { return nil }); err == nil {
			t.Errorf("decodePayload(%q) succeeded", bad)
		}
	}
}

func FuzzDecodePayload(f *testing.F) {
	for _, s := range []string{"4hello\x1e2\x1ebAQIDBA==", "0{}", "1", "b", "", "\x1e", "2probe\x1e5"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var pkts []packet
		err := decodePayload(body, func(p packet) error { pkts = append(pkts, p); return nil })
		if err != nil {
			return
		}
		// What decodes must re-encode to the same packets.
		msgs := make([]*Message, len(pkts))
		for i, p := range pkts {
			if p.binary {
				msgs[i] = NewMessage(MessageBinary, p.data)
			} else {
				msgs[i] = controlPacket(p.kind, p.data)
			}
		}
		var again []packet
		if err := decodePayload(appendPayload(nil, msgs), func(p packet) error { again = append(again, p); return nil }); err != nil {
			t.Fatalf("re-encoded payload does not decode: %v", err)
		}
		for i := range pkts {
			if pkts[i].kind != again[i].kind || pkts[i].binary != again[i].binary || !bytes.Equal(pkts[i].data, again[i].data) {
				t.Fatalf("packet %d changed across a round trip", i)
			}
		}
	})
}

// FuzzServerPacket feeds arbitrary websocket frames to a server session's
// packet handler: nothing may panic, and a session either stays open or is
// closed with a reason.
func FuzzServerPacket(f *testing.F) {
	for _, s := range []string{"4hello", "3", "1", "2", "2probe", "5", "6", "0{}", "abc", "", "bAQID", "b!!"} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte{0xff, 0x00}, true)
	f.Fuzz(func(t *testing.T, frame []byte, binary bool) {
		c := newConn("fuzz", false, discardLogger(), 16, 4)
		c.transport = TransportWebsocket
		c.upgraded = true
		c.pingInterval, c.pingTimeout = time.Hour, time.Hour
		c.startHeartbeat()
		var p packet
		var err error
		if binary {
			p = packet{kind: packetMessage, binary: true, data: frame}
		} else {
			p, err = decodeText(frame)
		}
		if err == nil {
			_ = c.serverPacket(p, true)
		}
		if err != nil {
			c.closeWith(closeError(ReasonParseError, err), false)
		}
		c.Close()
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("session did not end")
		}
		if ReasonOf(c.Err()) == "" {
			t.Fatal("closed session without a reason")
		}
		if p.kind == packetMessage && err == nil {
			typ, data, rerr := c.Receive(context.Background())
			if rerr != nil || (typ == MessageBinary) != p.binary || !bytes.Equal(data, p.data) {
				t.Fatalf("message not delivered intact: %v", rerr)
			}
		}
	})
}

func BenchmarkPayloadEncode(b *testing.B) {
	msgs := make([]*Message, 16)
	for i := range msgs {
		msgs[i] = NewMessage(MessageText, []byte(`2["chat",{"client":7,"pad":"`+strings.Repeat("x", 60)+`","seq":42}]`))
	}
	msgs[3] = NewMessage(MessageBinary, bytes.Repeat([]byte{7}, 1024))
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		buf = appendPayload(buf[:0], msgs)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkPayloadDecode(b *testing.B) {
	msgs := make([]*Message, 16)
	for i := range msgs {
		msgs[i] = NewMessage(MessageText, []byte(`2["chat",{"client":7,"pad":"`+strings.Repeat("x", 60)+`","seq":42}]`))
	}
	body := appendPayload(nil, msgs)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		_ = decodePayload(body, func(packet) error { n++; return nil })
	}
}
