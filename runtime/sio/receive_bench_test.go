package sio

import (
	"sync/atomic"
	"testing"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// benchEcho is the echo request of examples/bench: an EVENT with an ack id
// and a ~100-byte object argument, as the Engine.IO message carries it
// (without its "4" prefix).
var benchEcho = []byte(`21["echo",{"client":7,"pad":"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrs","seq":42,"ts":123456789}]`)

// BenchmarkReceive measures the server's receive path for one event, from
// the text message to the handlers, without the transport and the
// dispatcher queue: decode, then dispatch to a namespace handler. Echo
// also builds and encodes the acknowledgement the bench servers send.
func BenchmarkReceive(b *testing.B) {
	for _, tc := range []struct {
		name string
		ack  bool
	}{{"Dispatch", false}, {"Echo", true}} {
		b.Run(tc.name, func(b *testing.B) {
			srv := NewServer(nil)
			ns := srv.Of("/")
			var got atomic.Int64
			buf := make([]byte, 0, 256)
			ns.On("echo", func(_ *Socket, e *Event) {
				arg := e.At(0)
				got.Add(int64(len(arg.json)))
				if tc.ack {
					p, err := ackPacket(e.Name, e.hasAck, &e.acked, ns.name, e.id, []any{arg}, nil)
					if err != nil {
						b.Fatal(err)
					}
					buf = parser.AppendEncode(buf[:0], &p)
				}
			})
			s := &Socket{nsp: ns}
			var d parser.Decoder
			b.ReportAllocs()
			b.SetBytes(int64(len(benchEcho)))
			for b.Loop() {
				p, complete, err := d.DecodeText(benchEcho)
				if err != nil || !complete {
					b.Fatal(complete, err)
				}
				s.dispatch(p, nil)
			}
			if got.Load() == 0 {
				b.Fatal("handler not called")
			}
		})
	}
}
