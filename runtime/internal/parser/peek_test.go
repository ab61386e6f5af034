package parser_test

import (
	"testing"

	"github.com/siogen/siogen/runtime/internal/parser"
)

func TestPeekEvent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		ok   bool
		want parser.EventHead // Namespace and Name compared as strings
	}{
		{`2["echo",{"a":1}]`, true, parser.EventHead{Namespace: []byte("/"), Name: []byte(`"echo"`), ArgsSize: 7}},
		{`2/chat,12["echo",1,"x"]`, true, parser.EventHead{Namespace: []byte("/chat"), ID: 12, HasID: true, Name: []byte(`"echo"`), ArgsSize: 5}},
		{`2[ "e\"x" , 1 ] `, true, parser.EventHead{Namespace: []byte("/"), Name: []byte(`"e\"x"`), NameEscaped: true, ArgsSize: 1}},
		{`2["bare"]`, true, parser.EventHead{Namespace: []byte("/"), Name: []byte(`"bare"`)}},
		{`2[-1.5e3,"a"]`, true, parser.EventHead{Namespace: []byte("/"), Name: []byte(`-1.5e3`), ArgsSize: 3}},
		{`52-/b,7["bin",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, true,
			parser.EventHead{Attachments: 2, Namespace: []byte("/b"), ID: 7, HasID: true, Name: []byte(`"bin"`), ArgsSize: 59}},
		{`3["echo"]`, false, parser.EventHead{}},
		{`0/chat,`, false, parser.EventHead{}},
		{`2`, false, parser.EventHead{}},
		{`2[`, false, parser.EventHead{}},
		{`2["unterminated`, false, parser.EventHead{}},
		{`2[{"a":1}]`, false, parser.EventHead{}},
		{`5x-["a"]`, false, parser.EventHead{}},
		{`599999999999999999999-["a"]`, false, parser.EventHead{}},
		{`299999999999999999999["a"]`, false, parser.EventHead{}},
		{``, false, parser.EventHead{}},
	} {
		h, ok := parser.PeekEvent([]byte(tc.in))
		if ok != tc.ok {
			t.Errorf("PeekEvent(%q) ok = %v", tc.in, ok)
			continue
		}
		if !ok {
			continue
		}
		w := tc.want
		if h.Attachments != w.Attachments || string(h.Namespace) != string(w.Namespace) || h.ID != w.ID || h.HasID != w.HasID ||
			string(h.Name) != string(w.Name) || h.NameEscaped != w.NameEscaped || h.ArgsSize != w.ArgsSize {
			t.Errorf("PeekEvent(%q) = %+v (nsp %q, name %q), want %+v", tc.in, h, h.Namespace, h.Name, w)
		}
	}
}

// FuzzPeekEvent checks that PeekEvent never panics and, on what the
// decoder accepts, agrees with it: type, namespace, ack id, event name, and
// an argument size within the payload.
func FuzzPeekEvent(f *testing.F) {
	addSeeds(func(text []byte, _ [][]byte) { f.Add(text) })
	f.Fuzz(func(t *testing.T, text []byte) {
		if len(text) > maxFuzzLen {
			return
		}
		h, ok := parser.PeekEvent(text)
		var d parser.Decoder
		p, complete, err := d.DecodeText(text)
		if err != nil || (p != nil && p.Type != parser.Event) || (!complete && p == nil && h.Attachments == 0) {
			return
		}
		if !ok {
			if complete && p.Type == parser.Event {
				t.Fatalf("PeekEvent(%q) refused an event the decoder accepts", text)
			}
			return
		}
		if !complete {
			return // binary: the decoder holds it
		}
		if string(h.Namespace) != p.Namespace || h.HasID != p.HasID || h.ID != p.ID || string(h.Name) != string(p.Elements[0]) {
			t.Fatalf("PeekEvent(%q) = %+v, decoder %+v", text, h, p)
		}
		if h.ArgsSize < 0 || h.ArgsSize > len(p.Data) {
			t.Fatalf("PeekEvent(%q) ArgsSize %d, payload %d bytes", text, h.ArgsSize, len(p.Data))
		}
	})
}
