package parser_test

import (
	"bytes"
	"testing"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// benchEvent is a typical event with an ack id, about 100 bytes.
var benchEvent = []byte(`2/chat,17["message:send",{"room":"general","text":"Hello, world! How is everyone today?","id":42}]`)

// benchBinary is a binary event with two 1 KiB attachments, one nested.
var (
	benchBinary = []byte(`52-/chat,18["upload",{"name":"a.png","data":{"_placeholder":true,"num":0}},{"_placeholder":true,"num":1}]`)
	benchAtts   = [][]byte{bytes.Repeat([]byte{1}, 1024), bytes.Repeat([]byte{2}, 1024)}
)

func BenchmarkDecode(b *testing.B) {
	var d parser.Decoder
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	for b.Loop() {
		if _, _, err := d.DecodeText(benchEvent); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeBinary(b *testing.B) {
	var d parser.Decoder
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBinary)))
	for b.Loop() {
		if _, _, err := d.DecodeText(benchBinary); err != nil {
			b.Fatal(err)
		}
		for _, a := range benchAtts {
			if _, _, err := d.DecodeBinary(a); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkEncode(b *testing.B) {
	var d parser.Decoder
	p, _, err := d.DecodeText(benchEvent)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	for b.Loop() {
		buf = parser.AppendEncode(buf[:0], p)
	}
}

func BenchmarkEncodeBinary(b *testing.B) {
	var d parser.Decoder
	p, err := decode(&d, string(benchBinary), benchAtts)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchBinary)))
	for b.Loop() {
		buf = parser.AppendEncode(buf[:0], p)
	}
}

func BenchmarkSplitArray(b *testing.B) {
	var d parser.Decoder
	p, _, err := d.DecodeText(benchEvent)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(p.Data)))
	for b.Loop() {
		if _, err := parser.SplitArray(p.Data); err != nil {
			b.Fatal(err)
		}
	}
}
