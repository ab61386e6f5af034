package gen_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/siogen/siogen/gen"
	"github.com/siogen/siogen/schema"
)

// bigSchema returns a schema with n events in one namespace, each with an
// inline payload and, every other one, an acked reply type.
func bigSchema(n int) string {
	var b strings.Builder
	b.WriteString("siogen: 1\npackage: big\ntypes:\n")
	b.WriteString("  Item:\n    fields:\n      id: { type: string, format: uuid }\n      n: { type: int32, minimum: 0 }\n      tags: { type: list<string>, optional: true }\n")
	b.WriteString("errors:\n  Nope: { code: not_found, details: { fields: { id: string } } }\n")
	b.WriteString("namespaces:\n  /big:\n    events:\n")
	for i := range n {
		from := "client"
		if i%3 == 1 {
			from = "server"
		}
		fmt.Fprintf(&b, "      event%d:\n        from: %s\n        payload:\n          fields:\n", i, from)
		fmt.Fprintf(&b, "            id: { type: string, min_length: 1 }\n            items: { type: list<Item>, max_items: 100 }\n            note: { type: string, optional: true, nullable: true }\n")
		if i%2 == 0 && from == "client" {
			b.WriteString("        ack: Item\n        errors: [Nope]\n")
		}
	}
	return b.String()
}

// BenchmarkGenerate500 measures Generate (JSON Schema and TypeScript) for
// a 500-event schema; loading is outside the timed loop.
func BenchmarkGenerate500(b *testing.B) {
	fsys := fstest.MapFS{"big.siogen.yaml": {Data: []byte(bigSchema(500))}}
	set, diags := schema.Load(fsys, "big.siogen.yaml")
	if diags.HasErrors() {
		b.Fatal(diags)
	}
	cfg := &schema.Config{TS: &schema.TSOutput{Dir: "ts"}, JSONSchema: &schema.JSONSchemaOutput{Dir: "js"}}
	var files int
	b.ReportAllocs()
	for b.Loop() {
		out, err := gen.Generate(set, cfg)
		if err != nil {
			b.Fatal(err)
		}
		files = len(out)
	}
	b.ReportMetric(float64(files), "files")
}

// BenchmarkLoadAndGenerate500 adds loading and checking the schema text.
func BenchmarkLoadAndGenerate500(b *testing.B) {
	fsys := fstest.MapFS{"big.siogen.yaml": {Data: []byte(bigSchema(500))}}
	cfg := &schema.Config{TS: &schema.TSOutput{Dir: "ts"}, JSONSchema: &schema.JSONSchemaOutput{Dir: "js"}}
	b.ReportAllocs()
	for b.Loop() {
		set, diags := schema.Load(fsys, "big.siogen.yaml")
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if _, err := gen.Generate(set, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
