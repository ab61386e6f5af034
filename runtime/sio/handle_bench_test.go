package sio_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/siogen/siogen/examples/generated/go/bench"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siojson"
	"github.com/siogen/siogen/runtime/siovalidate"
)

// sampleNoCodec is bench.Sample without its generated codec: the
// reflective path.
type sampleNoCodec struct {
	Client int32  `json:"client"`
	Pad    string `json:"pad"`
	Seq    int64  `json:"seq"`
	Ts     int64  `json:"ts"`
}

// BenchmarkTypedEcho measures the typed handler path of the benchmark's
// echo without transport: checking and decoding, the handler, the check of
// the acknowledgement and its encoding. "generated" is what generated code
// does (one checking pass, the ack checked); "generated/nocheck" skips the
// ack's check; "reflect" validates with the JSON Schema and decodes
// reflectively (code without generated types); "novalidate" checks
// nothing; "raw" passes the argument through undecoded, as the untyped
// echo does.
func BenchmarkTypedEcho(b *testing.B) {
	arg := []byte(`{"client":7,"pad":"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrs","seq":42,"ts":123456789}`)
	want := append(append([]byte{'['}, arg...), ']')
	v, err := siovalidate.NewFS(os.DirFS("../../examples/generated/jsonschema"))
	if err != nil {
		b.Fatal(err)
	}
	validate := sio.WithValidator(v, "https://siogen.dev/examples/schemas/bench/Main/Echo.payload.json")
	plain := sio.WithAckStyle(sio.AckPlain)
	read := sio.WithReader(siojson.ReadPointer[bench.Sample])
	check := sio.WithAckCheck((*bench.Sample).CheckJSON)
	for _, c := range []struct {
		name string
		run  func([]byte) []byte
	}{
		{"generated", sio.AckPath(func(in *bench.Sample) (*bench.Sample, error) { return in, nil }, read, check, plain)},
		{"generated/nocheck", sio.AckPath(func(in *bench.Sample) (*bench.Sample, error) { return in, nil }, read, plain)},
		{"reflect", sio.AckPath(func(in *sampleNoCodec) (*sampleNoCodec, error) { return in, nil }, validate, plain)},
		{"generated/novalidate", sio.AckPath(func(in *bench.Sample) (*bench.Sample, error) { return in, nil }, plain)},
		{"reflect/novalidate", sio.AckPath(func(in *sampleNoCodec) (*sampleNoCodec, error) { return in, nil }, plain)},
		{"raw", sio.AckPath(func(in sio.Raw) (sio.Raw, error) { return in, nil }, plain)},
		{"generated/envelope", sio.AckPath(func(in *bench.Sample) (*bench.Sample, error) { return in, nil }, read, check)},
	} {
		b.Run(c.name, func(b *testing.B) {
			if got := c.run(arg); !bytes.Equal(got, want) && c.name != "generated/envelope" {
				b.Fatalf("ack %s, want %s", got, want)
			}
			b.ReportAllocs()
			for b.Loop() {
				c.run(arg)
			}
		})
	}
}
