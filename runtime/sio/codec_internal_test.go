package sio

import (
	"bytes"
	"encoding/json"
	"testing"
)

type photo struct {
	Name  string            `json:"name"`
	Data  []byte            `json:"data"`
	Thumb []byte            `json:"thumb,omitempty"`
	Meta  map[string][]byte `json:"meta,omitempty"`
	HTML  string            `json:"html"`
}

func TestEncodeArgs(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []any
		json string
		att  [][]byte
	}{
		{"ev", nil, `["ev"]`, nil},
		{"ev", []any{1, "two", nil, true, 1.5, 1e21}, `["ev",1,"two",null,true,1.5,1e+21]`, nil},
		{"", []any{map[string]int{"b": 2, "a": 1}}, `[{"a":1,"b":2}]`, nil},
		{"ev", []any{"<a&b>"}, `["ev","<a&b>"]`, nil},
		{"bin", []any{[]byte{1, 2}, map[string]any{"x": []byte{3}}}, `["bin",{"_placeholder":true,"num":0},{"x":{"_placeholder":true,"num":1}}]`, [][]byte{{1, 2}, {3}}},
		{"p", []any{photo{Name: "n", Data: []byte{9}, HTML: "<b>"}}, `["p",{"name":"n","data":{"_placeholder":true,"num":0},"html":"<b>"}]`, [][]byte{{9}}},
		{"p", []any{&photo{Data: nil}}, `["p",{"name":"","data":null,"html":""}]`, nil},
		{"raw", []any{json.RawMessage(`{"z":1,"a":[1,2]}`)}, `["raw",{"z":1,"a":[1,2]}]`, nil},
	}
	for _, c := range cases {
		data, att, err := encodeArgs(c.name, c.args)
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if string(data) != c.json || len(att) != len(c.att) {
			t.Errorf("encodeArgs(%q, %v) = %s %v, want %s %v", c.name, c.args, data, att, c.json, c.att)
			continue
		}
		for i := range att {
			if !bytes.Equal(att[i], c.att[i]) {
				t.Errorf("attachment %d = %v, want %v", i, att[i], c.att[i])
			}
		}
	}
}

func TestDecodeAndRawEcho(t *testing.T) {
	t.Parallel()
	att := [][]byte{{1, 2}, {3}}
	var p photo
	if err := decodeValue([]byte(`{"name":"n","data":{"_placeholder":true,"num":1},"thumb":"AQI=","meta":{"k":{"_placeholder":true,"num":0}}}`), att, &p); err != nil {
		t.Fatal(err)
	}
	if p.Name != "n" || !bytes.Equal(p.Data, []byte{3}) || !bytes.Equal(p.Thumb, []byte{1, 2}) || !bytes.Equal(p.Meta["k"], []byte{1, 2}) {
		t.Errorf("decoded %+v", p)
	}
	if err := decodeValue([]byte(`{"data":{"_placeholder":true,"num":5}}`), att, &p); err == nil {
		t.Error("out-of-range placeholder decoded")
	}

	// A relay that re-emits received arguments keeps JSON and binary intact,
	// renumbering placeholders when the order changes.
	var first, second Raw
	if err := decodeValue([]byte(`{"b":{"_placeholder":true,"num":1},"a":"<&>"}`), att, &second); err != nil {
		t.Fatal(err)
	}
	if err := decodeValue([]byte(`[{"_placeholder":true,"num":0}]`), att, &first); err != nil {
		t.Fatal(err)
	}
	data, out, err := encodeArgs("echo", []any{second, first, NewRaw([]byte(`{"k" : 1}`))})
	if err != nil {
		t.Fatal(err)
	}
	if want := `["echo",{"b":{"_placeholder":true,"num":0},"a":"<&>"},[{"_placeholder":true,"num":1}],{"k":1}]`; string(data) != want {
		t.Errorf("relayed %s, want %s", data, want)
	}
	if len(out) != 2 || !bytes.Equal(out[0], []byte{3}) || !bytes.Equal(out[1], []byte{1, 2}) {
		t.Errorf("relayed attachments %v", out)
	}
}

func BenchmarkEncodeArgs(b *testing.B) {
	type payload struct {
		Client int    `json:"client"`
		Pad    string `json:"pad"`
		Seq    int    `json:"seq"`
		TS     int64  `json:"ts"`
	}
	p := payload{7, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", 42, 123456789}
	b.ReportAllocs()
	for b.Loop() {
		_, _, _ = encodeArgs("echo", []any{p})
	}
}

func BenchmarkDecodeArg(b *testing.B) {
	type payload struct {
		Client int    `json:"client"`
		Pad    string `json:"pad"`
		Seq    int    `json:"seq"`
		TS     int64  `json:"ts"`
	}
	data := []byte(`{"client":7,"pad":"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz","seq":42,"ts":123456789}`)
	b.ReportAllocs()
	for b.Loop() {
		var p payload
		_ = decodeValue(data, nil, &p)
	}
}
