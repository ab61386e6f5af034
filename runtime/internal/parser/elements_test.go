package parser_test

import (
	"bytes"
	"testing"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// checkElements checks the Elements of p, a decoded packet: for the array
// types, non-nil, equal to what SplitArray returns for Data, aliasing Data,
// capacity clipped; nil for the other types.
func checkElements(t *testing.T, p *parser.Packet) {
	t.Helper()
	switch p.Type {
	case parser.Event, parser.BinaryEvent, parser.Ack, parser.BinaryAck:
	default:
		if p.Elements != nil {
			t.Fatalf("%v %q: Elements = %q, want nil", p.Type, p.Data, p.Elements)
		}
		return
	}
	if p.Elements == nil {
		t.Fatalf("%v %q: Elements = nil", p.Type, p.Data)
	}
	want, err := parser.SplitArray(p.Data)
	if err != nil {
		t.Fatalf("SplitArray(%q): %v", p.Data, err)
	}
	if len(p.Elements) != len(want) {
		t.Fatalf("%q: Elements = %q, want %q", p.Data, p.Elements, want)
	}
	if cap(p.Elements) != len(p.Elements) {
		t.Errorf("%q: cap(Elements) = %d, want %d", p.Data, cap(p.Elements), len(p.Elements))
	}
	end := len(p.Data)
	for i, e := range p.Elements {
		if !bytes.Equal(e, want[i]) {
			t.Fatalf("%q: Elements[%d] = %q, want %q", p.Data, i, e, want[i])
		}
		// Aliasing: the element ends where Data's capacity says.
		if len(e) == 0 || cap(e) > cap(p.Data) || &e[:cap(e)][cap(e)-1] != &p.Data[end-1] {
			t.Fatalf("%q: Elements[%d] does not alias Data", p.Data, i)
		}
	}
}

func TestDecodeElements(t *testing.T) {
	t.Parallel()
	var d parser.Decoder // one decoder: elements never leak between packets
	for _, tc := range protocolCases {
		got, err := decode(&d, tc.wire[1:], tc.atts)
		if err != nil {
			t.Fatalf("decode %q: %v", tc.wire, err)
		}
		checkElements(t, got)
	}
}

func TestDecodeElementsTable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		text string
		want []string
	}{
		{`3[]`, []string{}},
		{`3 [ ] `, []string{}},
		{`2["a"]`, []string{`"a"`}},
		{`2 [ "a" , 1 ,{"b":[2, 3]} ] `, []string{`"a"`, `1`, `{"b":[2, 3]}`}},
		{`21["echo",{"x":1}]`, []string{`"echo"`, `{"x":1}`}},
		{`2/nsp,["a",[],{},null,true,false,-1.5e3,"\u0041"]`, []string{`"a"`, `[]`, `{}`, `null`, `true`, `false`, `-1.5e3`, `"\u0041"`}},
		{`31[1,2,3,4]`, []string{`1`, `2`, `3`, `4`}},
		{`31[1,2,3,4,5]`, []string{`1`, `2`, `3`, `4`, `5`}},
		{`2[1,[2,[3]],"x"]`, []string{`1`, `[2,[3]]`, `"x"`}},
	} {
		var d parser.Decoder
		p, complete, err := d.DecodeText([]byte(tc.text))
		if err != nil || !complete {
			t.Fatalf("DecodeText(%q) = %v, %v", tc.text, complete, err)
		}
		got := make([]string, len(p.Elements))
		for i, e := range p.Elements {
			got[i] = string(e)
		}
		if p.Elements == nil || len(got) != len(tc.want) {
			t.Fatalf("DecodeText(%q).Elements = %q, want %q", tc.text, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("DecodeText(%q).Elements = %q, want %q", tc.text, got, tc.want)
			}
		}
		checkElements(t, p)
	}
}

// TestDecodeElementsAllocs checks that a typical event costs one
// allocation, its elements included.
func TestDecodeElementsAllocs(t *testing.T) {
	var d parser.Decoder
	n := testing.AllocsPerRun(100, func() {
		if _, _, err := d.DecodeText(benchEvent); err != nil {
			t.Fatal(err)
		}
	})
	if n != 1 {
		t.Errorf("DecodeText allocates %v times, want 1", n)
	}
}

// FuzzDecodeElements checks the Elements of every packet decoded from
// arbitrary text against SplitArray.
func FuzzDecodeElements(f *testing.F) {
	addSeeds(func(text []byte, _ [][]byte) { f.Add(text) })
	f.Fuzz(func(t *testing.T, text []byte) {
		if len(text) > maxFuzzLen {
			return
		}
		var d parser.Decoder
		p, complete, err := d.DecodeText(text)
		for i := 0; err == nil && !complete; i++ {
			if i > parser.DefaultMaxAttachments {
				t.Fatalf("DecodeText(%q): still incomplete after %d attachments", text, i)
			}
			p, complete, err = d.DecodeBinary([]byte{byte(i)})
		}
		if err == nil {
			checkElements(t, p)
		}
	})
}
