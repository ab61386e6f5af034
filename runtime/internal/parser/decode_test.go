package parser_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// wireCase is a byte example: an Engine.IO message (with its "4" prefix, as
// PROTOCOL.md writes it) followed by its binary attachments.
type wireCase struct {
	name string
	wire string
	atts [][]byte
	want parser.Packet
	// canon is the encoding of want when it differs from wire (decode-only
	// examples that the decoder accepts but never produces).
	canon string
}

func data(s string) []byte { return []byte(s) }

func att(b ...byte) []byte { return b }

// protocolCases are every example of PROTOCOL.md 2.2, the recovery and
// sample-session examples of sections 3 and 4, and accepted variants.
var protocolCases = []wireCase{
	// PROTOCOL.md 2.2.
	{name: "connect", wire: `40`, want: parser.Packet{Type: parser.Connect, Namespace: "/"}},
	{name: "connect auth", wire: `40{"token":"123"}`, want: parser.Packet{Type: parser.Connect, Namespace: "/", Data: data(`{"token":"123"}`)}},
	{name: "connect admin", wire: `40/admin,`, want: parser.Packet{Type: parser.Connect, Namespace: "/admin"}},
	{name: "connect admin auth", wire: `40/admin,{"token":"abc"}`, want: parser.Packet{Type: parser.Connect, Namespace: "/admin", Data: data(`{"token":"abc"}`)}},
	{name: "connect reply", wire: `40{"sid":"wZX3oN0bSVIhsaknAAAI"}`, want: parser.Packet{Type: parser.Connect, Namespace: "/", Data: data(`{"sid":"wZX3oN0bSVIhsaknAAAI"}`)}},
	{name: "connect reply admin", wire: `40/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}`, want: parser.Packet{Type: parser.Connect, Namespace: "/admin", Data: data(`{"sid":"oSO0OpakMV_3jnilAAAA"}`)}},
	{name: "connect reply recovery", wire: `40{"sid":"H-IC0YH3suPzceHFAAAG","pid":"OjA78vUk8133D9cYAAAH"}`, want: parser.Packet{Type: parser.Connect, Namespace: "/", Data: data(`{"sid":"H-IC0YH3suPzceHFAAAG","pid":"OjA78vUk8133D9cYAAAH"}`)}},
	{name: "connect error namespace", wire: `44/random,{"message":"Invalid namespace"}`, want: parser.Packet{Type: parser.ConnectError, Namespace: "/random", Data: data(`{"message":"Invalid namespace"}`)}},
	{name: "connect error middleware", wire: `44/private,{"message":"not authorized","data":{"reason":"nope"}}`, want: parser.Packet{Type: parser.ConnectError, Namespace: "/private", Data: data(`{"message":"not authorized","data":{"reason":"nope"}}`)}},
	{name: "connect error no data", wire: `44{"message":"plain error"}`, want: parser.Packet{Type: parser.ConnectError, Namespace: "/", Data: data(`{"message":"plain error"}`)}},
	{name: "disconnect", wire: `41`, want: parser.Packet{Type: parser.Disconnect, Namespace: "/"}},
	{name: "disconnect admin", wire: `41/admin,`, want: parser.Packet{Type: parser.Disconnect, Namespace: "/admin"}},
	{name: "event", wire: `42["foo"]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`["foo"]`)}},
	{name: "event args", wire: `42["hey","Jude"]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`["hey","Jude"]`)}},
	{name: "event admin", wire: `42/admin,["bar"]`, want: parser.Packet{Type: parser.Event, Namespace: "/admin", Data: data(`["bar"]`)}},
	{name: "event ack id", wire: `4212["foo"]`, want: parser.Packet{Type: parser.Event, Namespace: "/", ID: 12, HasID: true, Data: data(`["foo"]`)}},
	{name: "event admin ack id", wire: `42/admin,13["foo"]`, want: parser.Packet{Type: parser.Event, Namespace: "/admin", ID: 13, HasID: true, Data: data(`["foo"]`)}},
	{name: "ack", wire: `4312["bar"]`, want: parser.Packet{Type: parser.Ack, Namespace: "/", ID: 12, HasID: true, Data: data(`["bar"]`)}},
	{name: "ack empty", wire: `4312[]`, want: parser.Packet{Type: parser.Ack, Namespace: "/", ID: 12, HasID: true, Data: data(`[]`)}},
	{name: "ack admin", wire: `43/admin,13["bar"]`, want: parser.Packet{Type: parser.Ack, Namespace: "/admin", ID: 13, HasID: true, Data: data(`["bar"]`)}},
	{
		name: "binary event", wire: `451-["baz",{"_placeholder":true,"num":0}]`, atts: [][]byte{att(1, 2, 3, 4)},
		want: parser.Packet{Type: parser.BinaryEvent, Namespace: "/", Data: data(`["baz",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{att(1, 2, 3, 4)}},
	},
	{
		name: "binary event admin 2", wire: `452-/admin,["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, atts: [][]byte{att(1, 2), att(3, 4)},
		want: parser.Packet{Type: parser.BinaryEvent, Namespace: "/admin", Data: data(`["baz",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`), Attachments: [][]byte{att(1, 2), att(3, 4)}},
	},
	{
		name: "binary event ack id", wire: `452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, atts: [][]byte{att(1), att(2, 3)},
		want: parser.Packet{Type: parser.BinaryEvent, Namespace: "/", ID: 789, HasID: true, Data: data(`["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`), Attachments: [][]byte{att(1), att(2, 3)}},
	},
	{
		name: "binary ack", wire: `461-15["bar",{"_placeholder":true,"num":0}]`, atts: [][]byte{att(1, 2, 3, 4)},
		want: parser.Packet{Type: parser.BinaryAck, Namespace: "/", ID: 15, HasID: true, Data: data(`["bar",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{att(1, 2, 3, 4)}},
	},
	{
		name: "binary ack admin", wire: `461-/admin,1[{"_placeholder":true,"num":0}]`, atts: [][]byte{att(9)},
		want: parser.Packet{Type: parser.BinaryAck, Namespace: "/admin", ID: 1, HasID: true, Data: data(`[{"_placeholder":true,"num":0}]`), Attachments: [][]byte{att(9)}},
	},
	{
		name: "binary nested placeholders", wire: `452-["bin",{"_placeholder":true,"num":0},{"x":{"_placeholder":true,"num":1}}]`, atts: [][]byte{att(4, 5), att(6)},
		want: parser.Packet{Type: parser.BinaryEvent, Namespace: "/", Data: data(`["bin",{"_placeholder":true,"num":0},{"x":{"_placeholder":true,"num":1}}]`), Attachments: [][]byte{att(4, 5), att(6)}},
	},

	// PROTOCOL.md 3 (connection state recovery) and 4 (sample session).
	{name: "event with offset", wire: `42["hello","world",false,"Q89uyHZ"]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`["hello","world",false,"Q89uyHZ"]`)}},
	{name: "event ack id 0", wire: `420["q",1]`, want: parser.Packet{Type: parser.Event, Namespace: "/", ID: 0, HasID: true, Data: data(`["q",1]`)}},
	{name: "connect recovery", wire: `40{"pid":"OjA78vUk8133D9cYAAAH","offset":"Q89u-pw","token":"t"}`, want: parser.Packet{Type: parser.Connect, Namespace: "/", Data: data(`{"pid":"OjA78vUk8133D9cYAAAH","offset":"Q89u-pw","token":"t"}`)}},
	{name: "event missed", wire: `42["missed",42,"Q89u-wB"]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`["missed",42,"Q89u-wB"]`)}},
	{name: "event auth", wire: `42["auth",{}]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`["auth",{}]`)}},
	{name: "event admin tellme", wire: `42/admin,1["tellme"]`, want: parser.Packet{Type: parser.Event, Namespace: "/admin", ID: 1, HasID: true, Data: data(`["tellme"]`)}},

	// Accepted variants.
	{name: "namespace at end", wire: `40/custom`, canon: `40/custom,`, want: parser.Packet{Type: parser.Connect, Namespace: "/custom"}},
	{name: "explicit main namespace", wire: `42/,["x"]`, canon: `42["x"]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`["x"]`)}},
	{name: "ack id leading zero", wire: `4207["x"]`, canon: `427["x"]`, want: parser.Packet{Type: parser.Event, Namespace: "/", ID: 7, HasID: true, Data: data(`["x"]`)}},
	{name: "count leading zero", wire: `4501-["x",{"_placeholder":true,"num":0}]`, canon: `451-["x",{"_placeholder":true,"num":0}]`, atts: [][]byte{att(1)}, want: parser.Packet{Type: parser.BinaryEvent, Namespace: "/", Data: data(`["x",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{att(1)}}},
	{name: "binary count 0", wire: `450-["x"]`, want: parser.Packet{Type: parser.BinaryEvent, Namespace: "/", Data: data(`["x"]`)}},
	{name: "empty attachment", wire: `461-2[{"_placeholder":true,"num":0}]`, atts: [][]byte{{}}, want: parser.Packet{Type: parser.BinaryAck, Namespace: "/", ID: 2, HasID: true, Data: data(`[{"_placeholder":true,"num":0}]`), Attachments: [][]byte{{}}}},
	{name: "number event name", wire: `42[1,"x"]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`[1,"x"]`)}},
	{name: "empty event name", wire: `42[""]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`[""]`)}},
	{name: "white space kept", wire: "42/a,5 [ \"x\" , 1 ]\n", want: parser.Packet{Type: parser.Event, Namespace: "/a", ID: 5, HasID: true, Data: data(" [ \"x\" , 1 ]\n")}},
	{name: "connect error string", wire: `44"nope"`, want: parser.Packet{Type: parser.ConnectError, Namespace: "/", Data: data(`"nope"`)}},
	{name: "connect with ack id", wire: `40/a,3`, want: parser.Packet{Type: parser.Connect, Namespace: "/a", ID: 3, HasID: true}},
	{name: "placeholder-like in plain event", wire: `42["x",{"_placeholder":true,"num":5}]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`["x",{"_placeholder":true,"num":5}]`)}},
	{name: "placeholder false", wire: `451-["x",{"_placeholder":false,"num":9},{"_placeholder":true,"num":0}]`, atts: [][]byte{att(1)}, want: parser.Packet{Type: parser.BinaryEvent, Namespace: "/", Data: data(`["x",{"_placeholder":false,"num":9},{"_placeholder":true,"num":0}]`), Attachments: [][]byte{att(1)}}},
	{name: "placeholder last key wins", wire: `451-["x",{"_placeholder":true,"_placeholder":1,"num":9}]`, atts: [][]byte{att(1)}, want: parser.Packet{Type: parser.BinaryEvent, Namespace: "/", Data: data(`["x",{"_placeholder":true,"_placeholder":1,"num":9}]`), Attachments: [][]byte{att(1)}}},
	{name: "placeholder keys any order", wire: `451-["x",{"num":0,"extra":[1],"_placeholder":true}]`, atts: [][]byte{att(1)}, want: parser.Packet{Type: parser.BinaryEvent, Namespace: "/", Data: data(`["x",{"num":0,"extra":[1],"_placeholder":true}]`), Attachments: [][]byte{att(1)}}},
	{name: "unicode", wire: `42/ñ,["é","\ud83d\ude00","😀"]`, want: parser.Packet{Type: parser.Event, Namespace: "/ñ", Data: data(`["é","\ud83d\ude00","😀"]`)}},
	{name: "name with escapes", wire: `42["con\"nect"]`, want: parser.Packet{Type: parser.Event, Namespace: "/", Data: data(`["con\"nect"]`)}},
}

// decode feeds a text message and its attachments to d and returns the
// completed packet.
func decode(d *parser.Decoder, text string, atts [][]byte) (*parser.Packet, error) {
	p, complete, err := d.DecodeText([]byte(text))
	for i := 0; err == nil && !complete; i++ {
		if i >= len(atts) {
			return nil, fmt.Errorf("packet incomplete after %d attachments", len(atts))
		}
		p, complete, err = d.DecodeBinary(atts[i])
	}
	if err == nil && !complete {
		return nil, fmt.Errorf("packet incomplete")
	}
	return p, err
}

// diff describes how got differs from want, or returns "".
func diff(got, want *parser.Packet) string {
	var b strings.Builder
	if got.Type != want.Type {
		fmt.Fprintf(&b, "Type = %v, want %v; ", got.Type, want.Type)
	}
	if got.Namespace != want.Namespace {
		fmt.Fprintf(&b, "Namespace = %q, want %q; ", got.Namespace, want.Namespace)
	}
	if got.HasID != want.HasID || got.HasID && got.ID != want.ID {
		fmt.Fprintf(&b, "ID = %d/%v, want %d/%v; ", got.ID, got.HasID, want.ID, want.HasID)
	}
	if (got.Data == nil) != (want.Data == nil) || !bytes.Equal(got.Data, want.Data) {
		fmt.Fprintf(&b, "Data = %q, want %q; ", got.Data, want.Data)
	}
	if len(got.Attachments) != len(want.Attachments) {
		fmt.Fprintf(&b, "len(Attachments) = %d, want %d; ", len(got.Attachments), len(want.Attachments))
	} else {
		for i := range got.Attachments {
			if !bytes.Equal(got.Attachments[i], want.Attachments[i]) {
				fmt.Fprintf(&b, "Attachments[%d] = %x, want %x; ", i, got.Attachments[i], want.Attachments[i])
			}
		}
	}
	return b.String()
}

func TestDecodeProtocolExamples(t *testing.T) {
	t.Parallel()
	for _, tc := range protocolCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text, ok := strings.CutPrefix(tc.wire, "4")
			if !ok {
				t.Fatalf("wire %q lacks the Engine.IO message prefix", tc.wire)
			}
			var d parser.Decoder
			got, err := decode(&d, text, tc.atts)
			if err != nil {
				t.Fatalf("decode %q: %v", tc.wire, err)
			}
			if s := diff(got, &tc.want); s != "" {
				t.Errorf("decode %q: %s", tc.wire, s)
			}
		})
	}
}

func TestEncodeProtocolExamples(t *testing.T) {
	t.Parallel()
	for _, tc := range protocolCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := tc.wire
			if tc.canon != "" {
				want = tc.canon
			}
			got := string(parser.AppendEncode([]byte("4"), &tc.want))
			if got != want {
				t.Errorf("AppendEncode = %q, want %q", got, want)
			}
			if n := parser.EncodedLen(&tc.want); n != len(want)-1 {
				t.Errorf("EncodedLen = %d, want %d", n, len(want)-1)
			}
			// Round trip: the encoding decodes to the same packet.
			var d parser.Decoder
			back, err := decode(&d, got[1:], tc.want.Attachments)
			if err != nil {
				t.Fatalf("decode %q: %v", got, err)
			}
			if s := diff(back, &tc.want); s != "" {
				t.Errorf("round trip %q: %s", got, s)
			}
		})
	}
}

// TestDecodePolling decodes the polling example of PROTOCOL.md 2.2 the way
// the Engine.IO layer hands it over.
func TestDecodePolling(t *testing.T) {
	t.Parallel()
	body := "451-[\"x\",{\"_placeholder\":true,\"num\":0}]\x1ebAQID"
	var d parser.Decoder
	var got *parser.Packet
	for _, seg := range strings.Split(body, "\x1e") {
		var (
			p        *parser.Packet
			complete bool
			err      error
		)
		switch seg[0] {
		case '4':
			p, complete, err = d.DecodeText([]byte(seg[1:]))
		case 'b':
			var raw []byte
			if raw, err = base64.StdEncoding.DecodeString(seg[1:]); err == nil {
				p, complete, err = d.DecodeBinary(raw)
			}
		default:
			t.Fatalf("unexpected segment %q", seg)
		}
		if err != nil {
			t.Fatalf("segment %q: %v", seg, err)
		}
		if complete {
			got = p
		}
	}
	want := parser.Packet{Type: parser.BinaryEvent, Namespace: "/", Data: data(`["x",{"_placeholder":true,"num":0}]`), Attachments: [][]byte{att(1, 2, 3)}}
	if got == nil {
		t.Fatal("no packet completed")
	}
	if s := diff(got, &want); s != "" {
		t.Error(s)
	}
}

// TestDecoderSequence checks that one Decoder keeps working across packets,
// binary and not, and reuses namespaces.
func TestDecoderSequence(t *testing.T) {
	t.Parallel()
	var d parser.Decoder
	for range 3 {
		for _, tc := range protocolCases {
			got, err := decode(&d, tc.wire[1:], tc.atts)
			if err != nil {
				t.Fatalf("decode %q: %v", tc.wire, err)
			}
			if s := diff(got, &tc.want); s != "" {
				t.Fatalf("decode %q: %s", tc.wire, s)
			}
		}
	}
}

func TestDecodeAliasesInput(t *testing.T) {
	t.Parallel()
	var d parser.Decoder
	text := []byte(`51-["x",{"_placeholder":true,"num":0}]`)
	bin := []byte{1, 2}
	if _, _, err := d.DecodeText(text); err != nil {
		t.Fatal(err)
	}
	p, complete, err := d.DecodeBinary(bin)
	if err != nil || !complete {
		t.Fatalf("DecodeBinary = %v, %v", complete, err)
	}
	if &p.Data[0] != &text[3] || &p.Attachments[0][0] != &bin[0] {
		t.Error("packet does not alias its input")
	}
	if cap(p.Data) != len(p.Data) {
		t.Errorf("cap(Data) = %d, want %d", cap(p.Data), len(p.Data))
	}
}

func TestTypeString(t *testing.T) {
	t.Parallel()
	want := []string{"CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK", "Type(7)"}
	for i, w := range want {
		if got := parser.Type(i).String(); got != w {
			t.Errorf("Type(%d).String() = %q, want %q", i, got, w)
		}
	}
}
