package redisadapter

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

// FuzzUnpack feeds the MessagePack decoder, which reads what other
// processes wrote to Redis, arbitrary bytes: it must never panic, and what
// it accepts must convert to valid JSON and survive packing and unpacking
// again with the same JSON value.
func FuzzUnpack(f *testing.F) {
	for _, v := range []any{
		nil, true, int64(-33), uint64(math.MaxUint64), 1.5, math.NaN(), "é\"",
		[]byte{0, 255}, []any{int64(1), "b", []any{}},
		obj("uid", "u1", "type", int64(2), "data", []any{"message", obj("n", int64(1))}, "nsp", "/"),
	} {
		f.Add(packValue(nil, v))
	}
	for _, b := range [][]byte{
		{0xca, 0x3f, 0xc0, 0, 0},       // float32
		{0xd6, 0xff, 0, 0, 0, 1},       // timestamp
		{0xd4, 0x01, 0x00},             // another ext
		{0x81, 0x01, 0xc0},             // a map with an integer key
		{0xdd, 0xff, 0xff, 0xff, 0xff}, // a huge array header
		{0x91, 0x91, 0x91, 0x91, 0x90}, // nesting
	} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := unpack(b)
		if err != nil {
			return
		}
		var att [][]byte
		j := toJSON(v, &att)
		if !json.Valid(j) {
			t.Fatalf("unpack(% x) converts to invalid JSON %s", b, j)
		}
		v2, err := unpack(packValue(nil, v))
		if err != nil {
			t.Fatalf("unpack(% x) = %#v, which does not pack and unpack again: %v", b, v, err)
		}
		// Compared as JSON values: an integral float is packed as an
		// integer, whose text may differ (26907355929116670 and
		// 26907355929116672 are the same float64).
		var att2 [][]byte
		j2 := toJSON(v2, &att2)
		var x, x2 any
		if json.Unmarshal(j, &x) != nil || json.Unmarshal(j2, &x2) != nil || !reflect.DeepEqual(x, x2) || len(att) != len(att2) {
			t.Fatalf("unpack(% x): %s, after packing and unpacking again %s", b, j, j2)
		}
	})
}
