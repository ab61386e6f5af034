package generated_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/common"
	"github.com/siogen/siogen/examples/generated/go/contract"
	"github.com/siogen/siogen/examples/generated/go/dashboard"
	"github.com/siogen/siogen/examples/generated/go/notifications"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siojson"
	"github.com/siogen/siogen/runtime/siovalidate"
)

// The generated decoders must agree with the published JSON Schema
// documents, checked by santhosh-tekuri/jsonschema (through siovalidate),
// on every payload: the shared corpus in examples/schemas/testdata/payloads
// (see its README) and whatever FuzzAgreement comes up with.

// baseID is the base_id of examples/schemas/siogen.yaml.
const baseID = "https://siogen.dev/examples/schemas/"

// decodeFunc runs a generated decoder and returns its violations.
type decodeFunc func(data []byte, att [][]byte) []sio.Violation

func decoder[T any](read siojson.ReadFunc[T]) decodeFunc {
	return func(data []byte, att [][]byte) []sio.Violation {
		_, vs := siojson.Decode(data, att, read)
		return vs
	}
}

// decoders holds the generated decoder of types of the example contracts,
// by "package.Type"; the JSON Schema document of each is
// package/Type.json.
var decoders = map[string]decodeFunc{
	"contract.Everything":        decoder(siojson.ReadPointer[contract.Everything]),
	"contract.Tree":              decoder(siojson.ReadPointer[contract.Tree]),
	"contract.Settings":          decoder(siojson.ReadPointer[contract.Settings]),
	"contract.Shape":             decoder(siojson.ReadPointer[contract.Shape]),
	"contract.ContractAskAck":    decoder(siojson.ReadValue[contract.ContractAskAck]),
	"contract.ContractAuth":      decoder(siojson.ReadPointer[contract.ContractAuth]),
	"chat.Message":               decoder(siojson.ReadPointer[chat.Message]),
	"chat.SendMessage":           decoder(siojson.ReadPointer[chat.SendMessage]),
	"chat.RoomInfo":              decoder(siojson.ReadPointer[chat.RoomInfo]),
	"chat.Question":              decoder(siojson.ReadPointer[chat.Question]),
	"chat.Attachment":            decoder(siojson.ReadPointer[chat.Attachment]),
	"common.Page":                decoder(siojson.ReadPointer[common.Page]),
	"dashboard.Snapshot":         decoder(siojson.ReadPointer[dashboard.Snapshot]),
	"notifications.Notification": decoder(siojson.ReadPointer[notifications.Notification]),
}

func schemaID(typ string) string {
	pkg, name, _ := strings.Cut(typ, ".")
	return baseID + pkg + "/" + name + ".json"
}

var referenceValidator = sync.OnceValues(func() (*siovalidate.Validator, error) {
	return siovalidate.NewFS(os.DirFS("jsonschema"))
})

func reference(t testing.TB) *siovalidate.Validator {
	t.Helper()
	v, err := referenceValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// corpusCase is one case of the shared corpus (see its README).
type corpusCase struct {
	Name            string   `json:"name"`
	Payload         string   `json:"payload"`
	Valid           bool     `json:"valid"`
	Paths           []string `json:"paths"`
	Attachments     []string `json:"attachments"`
	JSONSchemaValid *bool    `json:"json_schema_valid"`
	Note            string   `json:"note"`
}

type corpusFile struct {
	Schema string       `json:"schema"`
	Type   string       `json:"type"`
	Cases  []corpusCase `json:"cases"`
}

func loadCorpus(t testing.TB) []corpusFile {
	t.Helper()
	files, err := filepath.Glob("../schemas/testdata/payloads/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var out []corpusFile
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var f corpusFile
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, f)
	}
	return out
}

func TestAgreement(t *testing.T) {
	t.Parallel()
	ref := reference(t)
	for _, f := range loadCorpus(t) {
		dec := decoders[f.Type]
		if dec == nil {
			t.Fatalf("no decoder for %s", f.Type)
		}
		if schemaID(f.Type) != baseID+f.Schema {
			t.Fatalf("%s: schema %s, want %s", f.Type, f.Schema, schemaID(f.Type))
		}
		for _, c := range f.Cases {
			var att [][]byte
			for _, a := range c.Attachments {
				b, err := base64.StdEncoding.DecodeString(a)
				if err != nil {
					t.Fatalf("%s: %v", c.Name, err)
				}
				att = append(att, b)
			}
			vs := dec([]byte(c.Payload), att)
			if (vs == nil) != c.Valid {
				t.Errorf("%s %q: generated decoder says valid=%v (%v), want %v", f.Type, c.Name, vs == nil, vs, c.Valid)
				continue
			}
			var paths []string
			for _, v := range vs {
				if !slices.Contains(paths, v.Path) {
					paths = append(paths, v.Path)
				}
			}
			want := slices.Clone(c.Paths)
			sort.Strings(paths)
			sort.Strings(want)
			if !slices.Equal(paths, want) {
				t.Errorf("%s %q: violations at %q (%v), want %q", f.Type, c.Name, paths, vs, want)
			}
			refValid := c.Valid
			if c.JSONSchemaValid != nil {
				refValid = *c.JSONSchemaValid
			}
			if rv := ref.Validate(baseID+f.Schema, []byte(c.Payload)); (rv == nil) != refValid {
				t.Errorf("%s %q: JSON Schema says valid=%v (%v), want %v", f.Type, c.Name, rv == nil, rv, refValid)
			}
		}
	}
}

// bigExponent matches exponents too large for the reference validator,
// which computes such numbers exactly.
var bigExponent = regexp.MustCompile(`[eE][+-]?0*[0-9]{4,}`)

// FuzzAgreement feeds arbitrary JSON to a generated decoder and to the
// JSON Schema of its type and fails when they disagree. Text that is not
// strict JSON (a member named twice, invalid UTF-8 or a lone surrogate,
// which the corpus covers) and placeholders of binary attachments (which
// JSON Schema cannot follow) are only decoded, for crashes.
func FuzzAgreement(f *testing.F) {
	types := make([]string, 0, len(decoders))
	for k := range decoders {
		types = append(types, k)
	}
	sort.Strings(types)
	for _, file := range loadCorpus(f) {
		i := slices.Index(types, file.Type)
		for _, c := range file.Cases {
			f.Add(uint8(i), []byte(c.Payload))
		}
	}
	ref := reference(f)
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		typ := types[int(which)%len(types)]
		vs := decoders[typ](data, nil)
		if !jsontext.Value(data).IsValid() || strings.Contains(string(data), "_placeholder") || bigExponent.Match(data) {
			return
		}
		rv := ref.Validate(schemaID(typ), data)
		if (vs == nil) != (rv == nil) {
			t.Fatalf("%s %s:\ngenerated decoder: %v\nJSON Schema: %v", typ, data, vs, rv)
		}
	})
}

// TestAgreementAckEnvelope: the generated reader of an envelope-style
// ack (siojson.ReadEnvelope with the ack's reader) agrees with the
// published schema of the envelope, whose branches each allow only their
// own members. The shared corpus holds the cases of types, not of
// envelopes; the error member itself is read leniently on receipt (a
// newer peer's codes), so these cases keep it well-formed.
func TestAgreementAckEnvelope(t *testing.T) {
	t.Parallel()
	ref := reference(t)
	const id = baseID + "contract/Contract/Ask.ack.json"
	const failure = `{"code":"internal","message":"x"}`
	read := func(r *siojson.Reader) contract.ContractAskAck {
		v, _, _ := siojson.ReadEnvelope(r, siojson.ReadValue[contract.ContractAskAck], true)
		return v
	}
	for _, c := range []struct {
		payload string
		valid   bool
		paths   string
	}{
		{`{"ok":true,"data":"yes"}`, true, ""},
		{`{"ok":false,"error":` + failure + `}`, true, ""},
		{`{"ok":true,"data":"maybe"}`, false, "/data"},
		{`{"ok":true}`, false, "/data"},
		{`{"ok":true,"data":"yes","error":` + failure + `}`, false, "/error"},
		{`{"ok":true,"data":"yes","error":null}`, false, "/error"},
		{`{"ok":false,"data":"yes","error":` + failure + `}`, false, "/data"},
		{`{"ok":false,"data":"maybe","error":` + failure + `}`, false, "/data"},
		{`{"ok":false,"data":null,"error":` + failure + `}`, false, "/data"},
		{`{"ok":true,"data":"yes","more":1}`, false, "/more"},
		{`{"ok":false}`, false, "/error"},
		{`{"ok":false,"error":null}`, false, "/error"},
		{`{"ok":false,"error":"boom"}`, false, "/error"},
	} {
		_, vs := siojson.Decode([]byte(c.payload), nil, read)
		var paths []string
		for _, v := range vs {
			paths = append(paths, v.Path)
		}
		if (vs == nil) != c.valid || strings.Join(paths, ",") != c.paths {
			t.Errorf("%s: generated reader says %v, want valid=%v at %q", c.payload, vs, c.valid, c.paths)
		}
		if rv := ref.Validate(id, []byte(c.payload)); (rv == nil) != c.valid {
			t.Errorf("%s: JSON Schema says %v, want valid=%v", c.payload, rv, c.valid)
		}
	}
}
