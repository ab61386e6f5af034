package parser_test

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// maxFuzzLen bounds fuzz inputs. Longer inputs add no structure to explore,
// but coverage counters make them look interesting, and minimizing them
// (quadratic in their length) stalls the fuzzer. Large inputs are covered
// by TestDepthBombLarge and TestSplitArrayDeep.
const maxFuzzLen = 512

// addSeeds adds every table input to the corpus of f through add.
func addSeeds(add func(text []byte, atts [][]byte)) {
	for _, tc := range protocolCases {
		add([]byte(tc.wire[1:]), tc.atts)
	}
	for _, tc := range invalidCases {
		var atts [][]byte
		for _, m := range tc.msgs[1:] {
			atts = append(atts, m.bin)
		}
		add([]byte(tc.msgs[0].text), atts)
	}
}

// FuzzDecodeText decodes arbitrary text; a binary packet gets as many
// attachments as it announces. Every decoded packet must re-encode to text
// that decodes to an equal packet; every error must be an *Error. The input
// also goes through the JSON helpers, compared with encoding/json.
func FuzzDecodeText(f *testing.F) {
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
		if err != nil {
			checkError(t, err)
		} else {
			checkRoundTrip(t, p)
		}
		checkHelpers(t, text)
		checkDeferred(t, text, p, err)
	})
}

// checkDeferred decodes text again with DeferArguments and checks that
// what it defers, once checked, gives what a full decode gave (p, err):
// the same verdict and the same elements. (The error codes may differ when
// a payload breaks two rules: a deferring decode finds a reserved event
// name before bad JSON in the arguments.)
func checkDeferred(t *testing.T, text []byte, p *parser.Packet, err error) {
	t.Helper()
	d := parser.Decoder{DeferArguments: true}
	q, complete, derr := d.DecodeText(text)
	if derr != nil {
		checkError(t, derr)
		if err == nil {
			t.Fatalf("DecodeText(%q) with DeferArguments: %v; without: accepted", text, derr)
		}
		return
	}
	if !complete {
		return // a binary packet: nothing is deferred
	}
	if q.Deferred == nil {
		if err != nil {
			t.Fatalf("DecodeText(%q) with DeferArguments: accepted, nothing deferred; without: %v", text, err)
		}
	} else {
		args, aerr := q.DeferredArguments()
		cerr := q.CheckDeferred()
		if (aerr == nil) != (cerr == nil) {
			t.Fatalf("DecodeText(%q): DeferredArguments %v, CheckDeferred %v", text, aerr, cerr)
		}
		if (cerr == nil) != (err == nil) {
			t.Fatalf("DecodeText(%q): deferred then checked: %v; decoded at once: %v", text, cerr, err)
		}
		if cerr != nil {
			checkError(t, cerr)
			return
		}
		if q.Deferred != nil || !slices.EqualFunc(args, q.Elements[1:], bytes.Equal) {
			t.Fatalf("DecodeText(%q): DeferredArguments %q, checked Elements %q", text, args, q.Elements)
		}
	}
	if !slices.EqualFunc(q.Elements, p.Elements, bytes.Equal) {
		t.Fatalf("DecodeText(%q): elements %q with DeferArguments, %q without", text, q.Elements, p.Elements)
	}
}

// FuzzDecodeStream feeds a text message, binary messages cut from bins,
// another text message and one more binary message to one Decoder, to
// exercise its state machine. It checks the same properties as
// FuzzDecodeText.
func FuzzDecodeStream(f *testing.F) {
	addSeeds(func(text []byte, atts [][]byte) {
		var bins []byte
		for _, a := range atts {
			bins = append(bins, a...)
		}
		f.Add(text, bins, uint8(len(atts)), []byte(`2["next"]`))
	})
	f.Fuzz(func(t *testing.T, text1, bins []byte, cuts uint8, text2 []byte) {
		if len(text1)+len(bins)+len(text2) > maxFuzzLen {
			return
		}
		d := parser.Decoder{Limits: parser.Limits{MaxAttachmentBytes: 1 << 10}}
		handle := func(p *parser.Packet, complete bool, err error) {
			if err != nil {
				checkError(t, err)
			} else if complete {
				checkRoundTrip(t, p)
			}
		}
		handle(d.DecodeText(text1))
		n := int(cuts % 16)
		for i := range n {
			handle(d.DecodeBinary(bins[i*len(bins)/n : (i+1)*len(bins)/n]))
		}
		handle(d.DecodeText(text2))
		handle(d.DecodeBinary(bins))
	})
}

func checkError(t *testing.T, err error) {
	t.Helper()
	var perr *parser.Error
	if !errors.As(err, &perr) || !errors.Is(err, parser.ErrInvalidPacket) || perr.Code == 0 {
		t.Fatalf("error %v (%T) is not a coded *parser.Error", err, err)
	}
}

// checkRoundTrip checks that p, a decoded packet, encodes to text that
// decodes to an equal packet, and that its payload has the shape its type
// requires.
func checkRoundTrip(t *testing.T, p *parser.Packet) {
	t.Helper()
	enc := parser.AppendEncode(nil, p)
	if n := parser.EncodedLen(p); n != len(enc) {
		t.Fatalf("EncodedLen = %d, len(AppendEncode) = %d", n, len(enc))
	}
	var d parser.Decoder
	back, err := decode(&d, string(enc), p.Attachments)
	if err != nil {
		t.Fatalf("re-decode %q: %v", enc, err)
	}
	if s := diff(back, p); s != "" {
		t.Fatalf("round trip %q: %s", enc, s)
	}
	switch p.Type {
	case parser.Event, parser.BinaryEvent, parser.Ack, parser.BinaryAck:
		elems, err := parser.SplitArray(p.Data)
		if err != nil {
			t.Fatalf("SplitArray(%q): %v", p.Data, err)
		}
		if p.Type == parser.Event || p.Type == parser.BinaryEvent {
			if len(elems) == 0 {
				t.Fatalf("event %q has no name", p.Data)
			}
			if name, err := parser.UnquoteString(elems[0]); err == nil && parser.IsReserved(name) {
				t.Fatalf("event %q has a reserved name", p.Data)
			}
		}
	}
	if p.Type == parser.BinaryEvent || p.Type == parser.BinaryAck {
		if err := parser.CheckPlaceholders(p.Data, len(p.Attachments)); err != nil {
			t.Fatalf("CheckPlaceholders(%q, %d): %v", p.Data, len(p.Attachments), err)
		}
	}
}
