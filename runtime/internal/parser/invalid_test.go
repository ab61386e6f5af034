package parser_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// msg is one Engine.IO message: text (without the "4" prefix) or binary.
type msg struct {
	text  string
	bin   []byte
	isBin bool
}

func txt(s string) msg  { return msg{text: s} }
func bin(b ...byte) msg { return msg{bin: b, isBin: true} }
func feed(d *parser.Decoder, m msg) (*parser.Packet, bool, error) {
	if m.isBin {
		return d.DecodeBinary(m.bin)
	}
	return d.DecodeText([]byte(m.text))
}

type invalidCase struct {
	name   string
	limits parser.Limits
	msgs   []msg // all but the last must be accepted
	code   parser.Code
}

var ph0 = `{"_placeholder":true,"num":0}`

var invalidCases = []invalidCase{
	// Type.
	{name: "empty", msgs: []msg{txt(``)}, code: parser.CodeType},
	{name: "abc", msgs: []msg{txt(`abc`)}, code: parser.CodeType},
	{name: "type 7", msgs: []msg{txt(`7`)}, code: parser.CodeType},
	{name: "type 9", msgs: []msg{txt(`9["x"]`)}, code: parser.CodeType},
	{name: "engine.io prefix kept", msgs: []msg{txt(`b["x"]`)}, code: parser.CodeType},

	// Ack id and header garbage.
	{name: "garbage ack id", msgs: []msg{txt(`2abc["message-with-ack",1]`)}, code: parser.CodeAckID},
	{name: "garbage after ack id", msgs: []msg{txt(`212abc["x"]`)}, code: parser.CodeAckID},
	{name: "garbage after namespace", msgs: []msg{txt(`2/admin,x["x"]`)}, code: parser.CodeAckID},
	{name: "ack id overflow", msgs: []msg{txt(`29223372036854775808["x"]`)}, code: parser.CodeAckID},
	{name: "negative ack id", msgs: []msg{txt(`3-1[]`)}, code: parser.CodePayload},

	// Namespace.
	{name: "namespace bad utf8", msgs: []msg{txt("2/\xff,[\"x\"]")}, code: parser.CodeNamespace},
	{name: "namespace without comma eats payload", msgs: []msg{txt(`2/admin["x"]`)}, code: parser.CodePayload},

	// JSON syntax.
	{name: "unterminated array", msgs: []msg{txt(`2["x"`)}, code: parser.CodeJSON},
	{name: "extra bracket", msgs: []msg{txt(`2["x"]]`)}, code: parser.CodeJSON},
	{name: "trailing comma", msgs: []msg{txt(`2["x",]`)}, code: parser.CodeJSON},
	{name: "trailing garbage", msgs: []msg{txt(`2["x"]x`)}, code: parser.CodeJSON},
	{name: "white space payload", msgs: []msg{txt(`2 `)}, code: parser.CodeJSON},
	{name: "white space then garbage", msgs: []msg{txt(`2 x`)}, code: parser.CodeJSON},
	{name: "single quotes", msgs: []msg{txt(`2['x']`)}, code: parser.CodeJSON},
	{name: "bad utf8 in string", msgs: []msg{txt("2[\"\xff\"]")}, code: parser.CodeJSON},
	{name: "surrogate utf8 in string", msgs: []msg{txt("2[\"\xed\xa0\x80\"]")}, code: parser.CodeJSON},
	{name: "control char in string", msgs: []msg{txt("2[\"a\nb\"]")}, code: parser.CodeJSON},
	{name: "bad escape", msgs: []msg{txt(`2["\x"]`)}, code: parser.CodeJSON},
	{name: "short unicode escape", msgs: []msg{txt(`2["\u12"]`)}, code: parser.CodeJSON},
	{name: "bad number", msgs: []msg{txt(`2["x",01]`)}, code: parser.CodeJSON},
	{name: "bad fraction", msgs: []msg{txt(`2["x",1.]`)}, code: parser.CodeJSON},
	{name: "bad exponent", msgs: []msg{txt(`2["x",1e]`)}, code: parser.CodeJSON},
	{name: "bad literal", msgs: []msg{txt(`2["x",tru]`)}, code: parser.CodeJSON},
	{name: "missing colon", msgs: []msg{txt(`0{"a" 1}`)}, code: parser.CodeJSON},
	{name: "non-string key", msgs: []msg{txt(`0{1:1}`)}, code: parser.CodeJSON},
	{name: "mismatched close", msgs: []msg{txt(`2["x"}`)}, code: parser.CodeJSON},

	// Payload shapes.
	{name: "event object", msgs: []msg{txt(`2{}`)}, code: parser.CodePayload},
	{name: "event no payload", msgs: []msg{txt(`2`)}, code: parser.CodePayload},
	{name: "event no payload with id", msgs: []msg{txt(`212`)}, code: parser.CodePayload},
	{name: "event string", msgs: []msg{txt(`2"x"`)}, code: parser.CodePayload},
	{name: "event empty array", msgs: []msg{txt(`2[]`)}, code: parser.CodePayload},
	{name: "event empty array spaced", msgs: []msg{txt(`2[ ]`)}, code: parser.CodePayload},
	{name: "event name object", msgs: []msg{txt(`2[{}]`)}, code: parser.CodePayload},
	{name: "event name null", msgs: []msg{txt(`2[null]`)}, code: parser.CodePayload},
	{name: "event name bool", msgs: []msg{txt(`2[true]`)}, code: parser.CodePayload},
	{name: "event name array", msgs: []msg{txt(`2[["x"]]`)}, code: parser.CodePayload},
	{name: "binary event name placeholder", msgs: []msg{txt(`51-[` + ph0 + `]`)}, code: parser.CodePayload},
	{name: "ack no payload", msgs: []msg{txt(`312`)}, code: parser.CodePayload},
	{name: "ack object", msgs: []msg{txt(`3{}`)}, code: parser.CodePayload},
	{name: "ack string", msgs: []msg{txt(`3"x"`)}, code: parser.CodePayload},
	{name: "binary ack object", msgs: []msg{txt(`60-{}`)}, code: parser.CodePayload},
	{name: "connect array", msgs: []msg{txt(`0[]`)}, code: parser.CodePayload},
	{name: "connect string", msgs: []msg{txt(`0"x"`)}, code: parser.CodePayload},
	{name: "connect null", msgs: []msg{txt(`0null`)}, code: parser.CodePayload},
	{name: "disconnect object", msgs: []msg{txt(`1{}`)}, code: parser.CodePayload},
	{name: "disconnect admin payload", msgs: []msg{txt(`1/admin,{}`)}, code: parser.CodePayload},
	{name: "disconnect string", msgs: []msg{txt(`1"x"`)}, code: parser.CodePayload},
	{name: "connect error none", msgs: []msg{txt(`4`)}, code: parser.CodePayload},
	{name: "connect error array", msgs: []msg{txt(`4["x"]`)}, code: parser.CodePayload},
	{name: "connect error number", msgs: []msg{txt(`4/a,-4`)}, code: parser.CodePayload},

	// Reserved names.
	{name: "reserved connect", msgs: []msg{txt(`2["connect"]`)}, code: parser.CodeReservedName},
	{name: "reserved connect_error", msgs: []msg{txt(`2["connect_error",1]`)}, code: parser.CodeReservedName},
	{name: "reserved disconnect", msgs: []msg{txt(`2/admin,1["disconnect"]`)}, code: parser.CodeReservedName},
	{name: "reserved disconnecting", msgs: []msg{txt(`2["disconnecting"]`)}, code: parser.CodeReservedName},
	{name: "reserved newListener", msgs: []msg{txt(`2["newListener"]`)}, code: parser.CodeReservedName},
	{name: "reserved removeListener", msgs: []msg{txt(`2["removeListener"]`)}, code: parser.CodeReservedName},
	{name: "reserved escaped", msgs: []msg{txt(`2["\u0063onnect"]`)}, code: parser.CodeReservedName},
	{name: "reserved escaped slash", msgs: []msg{txt(`2["connect\u005ferror"]`)}, code: parser.CodeReservedName},
	{name: "leading space", msgs: []msg{txt(` 2[ "connect" ]`)}, code: parser.CodeType},
	{name: "reserved spaced payload", msgs: []msg{txt(`2 [ "connect" ] `)}, code: parser.CodeReservedName},
	{name: "reserved binary", msgs: []msg{txt(`51-["disconnect",` + ph0 + `]`)}, code: parser.CodeReservedName},

	// Attachment count.
	{name: "count missing", msgs: []msg{txt(`5["x"]`)}, code: parser.CodeAttachmentCount},
	{name: "count empty", msgs: []msg{txt(`5-["x"]`)}, code: parser.CodeAttachmentCount},
	{name: "count without dash", msgs: []msg{txt(`51["x"]`)}, code: parser.CodeAttachmentCount},
	{name: "count at end", msgs: []msg{txt(`51`)}, code: parser.CodeAttachmentCount},
	{name: "count only type", msgs: []msg{txt(`6`)}, code: parser.CodeAttachmentCount},
	{name: "count signed", msgs: []msg{txt(`5+1-["x"]`)}, code: parser.CodeAttachmentCount},
	{name: "count negative", msgs: []msg{txt(`5-1-["x"]`)}, code: parser.CodeAttachmentCount},
	{name: "count after namespace", msgs: []msg{txt(`5/admin,1-["x"]`)}, code: parser.CodeAttachmentCount},
	{name: "count over default", msgs: []msg{txt(`511-["x"]`)}, code: parser.CodeTooManyAttachments},
	{name: "count overflow", msgs: []msg{txt(`599999999999999999999999-["x"]`)}, code: parser.CodeTooManyAttachments},
	{name: "count over limit", limits: parser.Limits{MaxAttachments: 2}, msgs: []msg{txt(`53-["x"]`)}, code: parser.CodeTooManyAttachments},
	{name: "count with none allowed", limits: parser.Limits{MaxAttachments: -1}, msgs: []msg{txt(`61-[` + ph0 + `]`)}, code: parser.CodeTooManyAttachments},

	// Placeholders.
	{name: "placeholder out of range", msgs: []msg{txt(`51-["x",{"_placeholder":true,"num":1}]`)}, code: parser.CodePlaceholder},
	{name: "placeholder with count 0", msgs: []msg{txt(`50-["x",` + ph0 + `]`)}, code: parser.CodePlaceholder},
	{name: "placeholder negative", msgs: []msg{txt(`51-["x",{"_placeholder":true,"num":-1}]`)}, code: parser.CodePlaceholder},
	{name: "placeholder fraction", msgs: []msg{txt(`52-["x",{"_placeholder":true,"num":0.5}]`)}, code: parser.CodePlaceholder},
	{name: "placeholder exponent", msgs: []msg{txt(`52-["x",{"_placeholder":true,"num":1e0}]`)}, code: parser.CodePlaceholder},
	{name: "placeholder string num", msgs: []msg{txt(`51-["x",{"_placeholder":true,"num":"0"}]`)}, code: parser.CodePlaceholder},
	{name: "placeholder no num", msgs: []msg{txt(`51-["x",{"_placeholder":true}]`)}, code: parser.CodePlaceholder},
	{name: "placeholder huge num", msgs: []msg{txt(`51-["x",{"_placeholder":true,"num":99999999999999999999}]`)}, code: parser.CodePlaceholder},
	{name: "placeholder nested out of range", msgs: []msg{txt(`52-["x",` + ph0 + `,{"a":[{"b":{"_placeholder":true,"num":2}}]}]`)}, code: parser.CodePlaceholder},
	{name: "placeholder escaped key", msgs: []msg{txt(`61-[{"\u005fplaceholder":true,"num":3}]`)}, code: parser.CodePlaceholder},
	{name: "placeholder last num wins", msgs: []msg{txt(`61-[{"_placeholder":true,"num":0,"num":1}]`)}, code: parser.CodePlaceholder},

	// Message order.
	{name: "text while awaiting", msgs: []msg{txt(`51-["x",` + ph0 + `]`), txt(`2["y"]`)}, code: parser.CodeUnexpectedText},
	{name: "text while awaiting second", msgs: []msg{txt(`52-["x",` + ph0 + `]`), bin(1), txt(`2["y"]`)}, code: parser.CodeUnexpectedText},
	{name: "binary with nothing pending", msgs: []msg{bin(1, 2)}, code: parser.CodeUnexpectedBinary},
	{name: "binary after text packet", msgs: []msg{txt(`2["x"]`), bin(1, 2)}, code: parser.CodeUnexpectedBinary},
	{name: "binary after count 0", msgs: []msg{txt(`50-["x"]`), bin(1, 2)}, code: parser.CodeUnexpectedBinary},
	{name: "binary after complete", msgs: []msg{txt(`51-["x",` + ph0 + `]`), bin(1), bin(2)}, code: parser.CodeUnexpectedBinary},

	// Limits.
	{name: "depth bomb", msgs: []msg{txt(`2["x",` + strings.Repeat("[", 200))}, code: parser.CodeTooDeep},
	{name: "depth bomb objects", msgs: []msg{txt(`0` + strings.Repeat(`{"a":`, 33) + `1` + strings.Repeat(`}`, 33))}, code: parser.CodeTooDeep},
	{name: "depth over default", msgs: []msg{txt(`2["x",` + strings.Repeat("[", 32) + strings.Repeat("]", 33))}, code: parser.CodeTooDeep},
	{name: "depth over limit", limits: parser.Limits{MaxDepth: 3}, msgs: []msg{txt(`2["x",[[[1]]]]`)}, code: parser.CodeTooDeep},
	{name: "attachment bytes", limits: parser.Limits{MaxAttachmentBytes: 3}, msgs: []msg{txt(`52-["x",` + ph0 + `]`), bin(1, 2), bin(3, 4)}, code: parser.CodeAttachmentsTooLarge},
}

func TestDecodeInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range invalidCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := parser.Decoder{Limits: tc.limits}
			for i, m := range tc.msgs {
				_, _, err := feed(&d, m)
				if i < len(tc.msgs)-1 {
					if err != nil {
						t.Fatalf("message %d: %v", i, err)
					}
					continue
				}
				if err == nil {
					t.Fatalf("message %d decoded, want error %v", i, tc.code)
				}
				if !errors.Is(err, parser.ErrInvalidPacket) {
					t.Errorf("errors.Is(%v, ErrInvalidPacket) = false", err)
				}
				var perr *parser.Error
				if !errors.As(err, &perr) {
					t.Fatalf("error %v is not a *parser.Error", err)
				}
				if perr.Code != tc.code {
					t.Errorf("code = %v (%v), want %v", perr.Code, err, tc.code)
				}
				if !strings.HasPrefix(err.Error(), "failed to decode packet: ") {
					t.Errorf("message %q lacks the failed-to prefix", err)
				}
			}
			// After an error the decoder is reset and decodes again.
			if _, complete, err := d.DecodeText([]byte(`2["ok"]`)); err != nil || !complete {
				t.Errorf("after the error: DecodeText = %v, %v", complete, err)
			}
		})
	}
}

// TestDepthBombLarge checks that a megabyte of nesting fails fast, with a
// raised limit too (the scan is iterative). It is not a fuzz seed: large
// seeds make the fuzzer spend its time minimizing them.
func TestDepthBombLarge(t *testing.T) {
	t.Parallel()
	bomb := []byte(`2["x",` + strings.Repeat("[", 1<<20))
	for _, limit := range []int{0, 1 << 21} {
		d := parser.Decoder{Limits: parser.Limits{MaxDepth: limit}}
		if _, _, err := d.DecodeText(bomb); err == nil {
			t.Errorf("MaxDepth %d: decoded a depth bomb", limit)
		}
	}
}

// TestDepthAtLimit checks that the limit itself is allowed.
func TestDepthAtLimit(t *testing.T) {
	t.Parallel()
	var d parser.Decoder
	text := `2["x",` + strings.Repeat("[", 31) + strings.Repeat("]", 31) + `]`
	if _, _, err := d.DecodeText([]byte(text)); err != nil {
		t.Errorf("depth %d: %v", parser.DefaultMaxDepth, err)
	}
	d.Limits.MaxDepth = 100
	text = `2["x",` + strings.Repeat(`{"a":[`, 49) + strings.Repeat(`]}`, 49) + `]`
	if _, _, err := d.DecodeText([]byte(text)); err != nil {
		t.Errorf("depth 99 with limit 100: %v", err)
	}
}

// TestMaxAttachmentsAtLimit checks that a count equal to the limit is
// allowed.
func TestMaxAttachmentsAtLimit(t *testing.T) {
	t.Parallel()
	var d parser.Decoder
	text := `510-["x",{"_placeholder":true,"num":9}]`
	atts := make([][]byte, 10)
	p, err := decode(&d, text, atts)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Attachments) != 10 {
		t.Errorf("len(Attachments) = %d, want 10", len(p.Attachments))
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	var d parser.Decoder
	if _, complete, err := d.DecodeText([]byte(`51-["x",` + ph0 + `]`)); err != nil || complete {
		t.Fatalf("DecodeText = %v, %v", complete, err)
	}
	d.Reset()
	if _, _, err := d.DecodeBinary([]byte{1}); !isCode(err, parser.CodeUnexpectedBinary) {
		t.Errorf("DecodeBinary after Reset = %v, want %v", err, parser.CodeUnexpectedBinary)
	}
	if _, complete, err := d.DecodeText([]byte(`2["x"]`)); err != nil || !complete {
		t.Errorf("DecodeText after Reset = %v, %v", complete, err)
	}
}

func TestCodeString(t *testing.T) {
	t.Parallel()
	if got := parser.CodeTooDeep.String(); got != "JSON too deep" {
		t.Errorf("CodeTooDeep.String() = %q", got)
	}
	if got := parser.Code(200).String(); got != "Code(200)" {
		t.Errorf("Code(200).String() = %q", got)
	}
	for c := parser.CodeType; c <= parser.CodeAttachmentsTooLarge; c++ {
		if strings.HasPrefix(c.String(), "Code(") {
			t.Errorf("code %d has no name", c)
		}
	}
}

func isCode(err error, code parser.Code) bool {
	var perr *parser.Error
	return errors.As(err, &perr) && perr.Code == code
}
