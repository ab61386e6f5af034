package schema_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"gopkg.in/yaml.v3"

	"github.com/siogen/siogen/schema"
)

func compileLanguageSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema.LanguageSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://siogen.dev/schema/v1/siogen.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatalf("siogen.schema.json does not compile: %v", err)
	}
	return sch
}

// yamlToJSON converts a YAML document to the values the validator expects.
func yamlToJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(j))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLanguageSchemaAcceptsExamples(t *testing.T) {
	t.Parallel()
	sch := compileLanguageSchema(t)
	files, err := filepath.Glob("../examples/schemas/*.siogen.yaml")
	if err != nil || len(files) < 4 {
		t.Fatalf("examples: %v %v", files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(yamlToJSON(t, data)); err != nil {
			t.Errorf("%s does not validate:\n%v", f, err)
		}
	}
}

func TestLanguageSchemaRejects(t *testing.T) {
	t.Parallel()
	sch := compileLanguageSchema(t)
	bad := map[string]string{
		"no version":       "package: a\n",
		"wrong version":    "siogen: 2\npackage: a\n",
		"unknown key":      "siogen: 1\npackage: a\nbogus: 1\n",
		"two shapes":       "siogen: 1\npackage: a\ntypes:\n  A: { type: string, enum: [x] }\n",
		"no shape":         "siogen: 1\npackage: a\ntypes:\n  A: { description: x }\n",
		"bad field key":    "siogen: 1\npackage: a\ntypes:\n  A: { fields: { x: { type: string, optinal: true } } }\n",
		"reserved event":   "siogen: 1\npackage: a\nnamespaces:\n  /a:\n    events:\n      connect: { from: client }\n",
		"bad direction":    "siogen: 1\npackage: a\nnamespaces:\n  /a:\n    events:\n      e: { from: nobody }\n",
		"payload+args":     "siogen: 1\npackage: a\nnamespaces:\n  /a:\n    events:\n      e: { from: client, payload: string, args: [string] }\n",
		"bad namespace":    "siogen: 1\npackage: a\nnamespaces:\n  chat: {}\n",
		"union no discr":   "siogen: 1\npackage: a\ntypes:\n  U: { union: { variants: { a: A } } }\n",
		"bad timeout":      "siogen: 1\npackage: a\nnamespaces:\n  /a:\n    events:\n      e: { from: client, ack: true, timeout: 10 }\n",
		"bad format":       "siogen: 1\npackage: a\ntypes:\n  A: { type: string, format: uuidv4 }\n",
		"negative length":  "siogen: 1\npackage: a\ntypes:\n  A: { type: string, max_length: -1 }\n",
		"bad rate":         ev("{ from: client, limits: { rate: 20 per second } }"),
		"rate no period":   ev("{ from: client, limits: { rate: 20 } }"),
		"bad size unit":    ev("{ from: client, limits: { max_payload: 64kb } }"),
		"size too large":   ev("{ from: client, limits: { max_payload: 2000000000 } }"),
		"zero burst":       ev("{ from: client, limits: { rate: 1/s, burst: 0 } }"),
		"burst none":       ev("{ from: client, limits: { burst: none } }"),
		"limits unknown":   ev("{ from: client, limits: { rate: 1/s, per_ip: 3 } }"),
		"event disconnect": ev("{ from: client, limits: { disconnect_after: 3/s } }"),
		"server limits":    ev("{ from: server, limits: { rate: 1/s } }"),
		"client bp":        ev("{ from: client, backpressure: volatile }"),
		"bad bp mode":      ev("{ from: server, backpressure: drop }"),
		"latest scalar":    ev("{ from: server, backpressure: latest }"),
		"latest no key":    ev("{ from: server, backpressure: { mode: latest } }"),
		"latest max":       ev("{ from: server, backpressure: { mode: latest, key: id, max: 3 } }"),
		"queue key":        ev("{ from: server, backpressure: { mode: queue, key: id } }"),
		"negative max":     ev("{ from: server, backpressure: { mode: volatile, max: -1 } }"),
		"bad key path":     ev("{ from: server, backpressure: { mode: latest, key: a..b } }"),
		"ns burst no rate": "siogen: 1\npackage: a\nnamespaces:\n  /a:\n    limits: { burst: 3 }\n",
		"ns none":          "siogen: 1\npackage: a\nnamespaces:\n  /a:\n    limits: { rate: none }\n",
	}
	for name, src := range bad {
		if err := sch.Validate(yamlToJSON(t, []byte(src))); err == nil {
			t.Errorf("%s: the language schema accepted\n%s", name, src)
		}
	}
}

// ev returns a file with one event e in namespace /a, written as body.
func ev(body string) string {
	return "siogen: 1\npackage: a\nnamespaces:\n  /a:\n    events:\n      e: " + body + "\n"
}

// TestLanguageSchemaAcceptsEdgePolicies validates a contract that uses
// every form of limits and backpressure.
func TestLanguageSchemaAcceptsEdgePolicies(t *testing.T) {
	t.Parallel()
	sch := compileLanguageSchema(t)
	if err := sch.Validate(yamlToJSON(t, []byte(edgeContract))); err != nil {
		t.Errorf("the edge contract does not validate:\n%v", err)
	}
	for _, body := range []string{
		"{ from: client, limits: { rate: 5/2s, burst: 9, max_payload: 8 KiB, max_pending_acks: none } }",
		"{ from: client, limits: { rate: 3/ms, max_payload: 100 } }",
		"{ from: client, limits: { rate: 1/1m30s, max_payload: none } }",
		"{ from: both, limits: { rate: none }, backpressure: queue }",
		"{ from: server, backpressure: { mode: queue } }",
	} {
		if err := sch.Validate(yamlToJSON(t, []byte(ev(body)))); err != nil {
			t.Errorf("%s does not validate:\n%v", body, err)
		}
	}
}

// The golden cases that only break naming or resolution rules are valid
// shapes; a few shape-level ones must be rejected by both.
func TestLanguageSchemaAgreesOnShapes(t *testing.T) {
	t.Parallel()
	sch := compileLanguageSchema(t)
	for _, name := range []string{"unknown-key", "missing-key", "conflicting-keys", "bad-version", "bad-format", "bad-limit", "limit-scope", "bad-backpressure"} {
		data, err := os.ReadFile(filepath.Join(diagDir, name+".siogen.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(yamlToJSON(t, data)); err == nil {
			t.Errorf("%s: accepted by the language schema, rejected by Load", name)
		}
	}
	for _, name := range []string{"unresolved", "name-collision", "union-clash", "int64-precision"} {
		data, err := os.ReadFile(filepath.Join(diagDir, name+".siogen.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(yamlToJSON(t, data)); err != nil {
			t.Errorf("%s: the language schema rejects a well-shaped file:\n%v", name, err)
		}
	}
}
