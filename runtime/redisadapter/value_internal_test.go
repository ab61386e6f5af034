package redisadapter

import (
	"bytes"
	"encoding/hex"
	"math"
	"testing"
)

// TestPackLikeNotepack compares encodings with what notepack.io 3.0.1
// writes for the same JavaScript values.
func TestPackLikeNotepack(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{nil, "c0"},
		{true, "c3"},
		{int64(0), "00"},
		{int64(127), "7f"},
		{int64(128), "cc80"},
		{int64(65535), "cdffff"},
		{int64(1 << 32), "cf0000000100000000"},
		{int64(-1), "ff"},
		{int64(-33), "d0df"},
		{int64(-129), "d1ff7f"},
		{int64(-1 << 31), "d280000000"},
		{float64(3), "03"},
		{1.5, "cb3ff8000000000000"},
		{"a", "a161"},
		{string(bytes.Repeat([]byte("x"), 32)), "d920" + hex.EncodeToString(bytes.Repeat([]byte("x"), 32))},
		{[]byte{1, 2}, "c4020102"},
		{[]any{int64(1), "b"}, "9201a162"},
		{obj("a", int64(1), "b", nil), "82a16101a162c0"},
	} {
		if got := hex.EncodeToString(packValue(nil, c.v)); got != c.want {
			t.Errorf("pack(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
}

func TestUnpackRoundTrip(t *testing.T) {
	in := obj("s", "é\"", "n", []any{int64(-5), uint64(math.MaxUint64), 2.25, false, nil},
		"b", []byte{0, 255}, "o", obj("deep", []any{obj()}))
	v, err := unpack(packValue(nil, in))
	if err != nil {
		t.Fatal(err)
	}
	var att [][]byte
	got := string(toJSON(v, &att))
	want := `{"s":"é\"","n":[-5,18446744073709551615,2.25,false,null],"b":{"_placeholder":true,"num":0},"o":{"deep":[{}]}}`
	if got != want || len(att) != 1 || !bytes.Equal(att[0], []byte{0, 255}) {
		t.Errorf("round trip: %s %v", got, att)
	}
	// float32, timestamps and other ext values, truncated input.
	if v, _ := unpack([]byte{0xca, 0x3f, 0xc0, 0, 0}); v != 1.5 {
		t.Errorf("float32: %v", v)
	}
	if v, _ := unpack([]byte{0xd6, 0xff, 0, 0, 0, 1}); v != "1970-01-01T00:00:01.000Z" {
		t.Errorf("timestamp: %v", v)
	}
	if v, err := unpack([]byte{0xd4, 0x01, 0x00}); v != nil || err != nil {
		t.Errorf("ext: %v %v", v, err)
	}
	for _, bad := range [][]byte{{0x92, 0x01}, {0xc4, 0x05, 1}, {0xc1}, {0x01, 0x02}, {0xdf, 0xff, 0xff, 0xff, 0xff}} {
		if _, err := unpack(bad); err == nil {
			t.Errorf("unpack(% x) succeeded", bad)
		}
	}
}

func TestJSONConversion(t *testing.T) {
	data := []byte(`["ev",{"b":{"_placeholder":true,"num":1},"x":1e21,"y":1e-7,"z":0.1,"big":12345678901234567890},{"_placeholder":true,"num":0},"\u2028<>"]`)
	att := [][]byte{{1}, {2}}
	v, err := fromJSON(data, att)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	got := string(toJSON(v, &out))
	want := `["ev",{"b":{"_placeholder":true,"num":0},"x":1e+21,"y":1e-7,"z":0.1,"big":12345678901234567890},{"_placeholder":true,"num":1},"` + "\u2028" + `<>"]`
	if got != want || len(out) != 2 || out[0][0] != 2 || out[1][0] != 1 {
		t.Errorf("got %s %v\nwant %s", got, out, want)
	}
	if got := string(toJSON([]any{[]byte{7, 8}}, nil)); got != `[{"type":"Buffer","data":[7,8]}]` {
		t.Errorf("Buffer as JSON: %s", got)
	}
	if _, err := fromJSON([]byte(`[1,`), nil); err == nil {
		t.Error("invalid JSON accepted")
	}
}

// TestArgsRoundTrip checks Args built from another node's elements and back.
func TestArgsRoundTrip(t *testing.T) {
	a := makeArgs([][]byte{[]byte(`"x"`), []byte(`{"_placeholder":true,"num":0}`)}, [][]byte{{9}})
	if a.Len() != 2 || string(a.At(0).JSON()) != `"x"` {
		t.Fatalf("Args %d %s", a.Len(), a.At(0).JSON())
	}
	var b []byte
	if err := a.At(1).Decode(&b); err != nil || !bytes.Equal(b, []byte{9}) {
		t.Fatalf("attachment: %v %v", b, err)
	}
	vals, err := argValues(a)
	if err != nil || len(vals) != 2 || !bytes.Equal(vals[1].([]byte), []byte{9}) {
		t.Fatalf("argValues: %v %v", vals, err)
	}
}
