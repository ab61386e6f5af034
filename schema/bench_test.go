package schema_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/siogen/siogen/schema"
)

// bigSchema generates a schema with n events, each with its own payload
// and ack types, spread over namespaces of 50 events.
func bigSchema(n int) []byte {
	var b strings.Builder
	b.WriteString("siogen: 1\npackage: big\ntypes:\n  Level: { enum: [low, mid, high] }\n")
	for i := range n {
		fmt.Fprintf(&b, "  Payload%d:\n    fields:\n      id: { type: string, format: uuid }\n", i)
		fmt.Fprintf(&b, "      text: { type: string, min_length: 1, max_length: 4000 }\n")
		fmt.Fprintf(&b, "      level: { type: Level, optional: true, default: mid }\n")
		fmt.Fprintf(&b, "      tags: { type: list<string>, max_items: 10 }\n")
		fmt.Fprintf(&b, "  Ack%d: { fields: { ok: boolean, at: timestamp, count: { type: int32, minimum: 0 } } }\n", i)
	}
	b.WriteString("errors:\n  Oops: { code: internal }\nnamespaces:\n")
	for i := range n {
		if i%50 == 0 {
			fmt.Fprintf(&b, "  /ns%d:\n    events:\n", i/50)
		}
		fmt.Fprintf(&b, "      event:%d: { from: client, payload: Payload%d, ack: Ack%d, errors: [Oops], timeout: 5s }\n", i, i, i)
	}
	return []byte(b.String())
}

func TestBigSchemaLoads(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"big.siogen.yaml": {Data: bigSchema(500)}}
	set, diags := schema.Load(fsys, "big.siogen.yaml")
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%s", diags[:min(len(diags), 10)])
	}
	if got := len(set.Namespaces()); got != 10 {
		t.Errorf("namespaces = %d", got)
	}
}

// BenchmarkLoad500Events loads a generated schema of 500 events.
func BenchmarkLoad500Events(b *testing.B) {
	data := bigSchema(500)
	fsys := fstest.MapFS{"big.siogen.yaml": {Data: data}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, diags := schema.Load(fsys, "big.siogen.yaml"); len(diags) > 0 {
			b.Fatal(diags)
		}
	}
}
