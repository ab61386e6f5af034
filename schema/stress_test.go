package schema_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/siogen/siogen/schema"
)

// pathologicalInputs returns large hostile files of n lines each that stay
// within the default limits.
func pathologicalInputs(n int) map[string][]byte {
	gen := func(head string, line func(i int) string) []byte {
		var b strings.Builder
		b.WriteString("siogen: 1\npackage: p\n" + head)
		for i := range n {
			b.WriteString(line(i))
		}
		return []byte(b.String())
	}
	cases := map[string][]byte{
		"unresolved refs":  gen("types:\n", func(i int) string { return fmt.Sprintf("  T%d: U%d\n", i, i) }),
		"alias chain":      gen("types:\n", func(i int) string { return fmt.Sprintf("  T%d: T%d\n", i, i+1) }),
		"alias cycle":      gen("types:\n  T40000: T0\n", func(i int) string { return fmt.Sprintf("  T%d: T%d\n", i, i+1) }),
		"same enum value":  gen("types:\n  E:\n    enum:\n", func(int) string { return "      - a\n" }),
		"colliding values": gen("types:\n  E:\n    enum:\n", func(i int) string { return fmt.Sprintf("      - %s\n", strings.Repeat("_", i%50+1)+"a") }),
		"same import":      gen("imports:\n", func(int) string { return "  - x.siogen.yaml\n" }),
		"many imports":     gen("imports:\n", func(i int) string { return fmt.Sprintf("  - x%d.siogen.yaml\n", i) }),
		"colliding fields": gen("types:\n  O:\n    fields:\n", func(i int) string { return fmt.Sprintf("      %sa%d: string\n", strings.Repeat("_", i%3), i%1000) }),
		"unknown keys":     gen("", func(i int) string { return fmt.Sprintf("k%d: 1\n", i) }),
		"enum defaults":    gen("types:\n  E: { enum: [a] }\n  O:\n    fields:\n", func(i int) string { return fmt.Sprintf("      f%d: { type: E, default: b }\n", i) }),
		"pattern defaults": gen("types:\n  O:\n    fields:\n", func(i int) string {
			return fmt.Sprintf("      f%d: { type: string, pattern: \"^(a|b)*c{1,100}$\", default: x }\n", i)
		}),
		"undeclared errors": gen("namespaces:\n  /a:\n    events:\n      e:\n        from: client\n        ack: true\n        errors:\n", func(i int) string { return fmt.Sprintf("          - E%d\n", i) }),
		"edge policies": gen("types:\n  P: { fields: { a: { fields: { b: string } } } }\nnamespaces:\n  /a:\n    limits: { rate: 5/s }\n    events:\n", func(i int) string {
			if i%2 == 0 {
				return fmt.Sprintf("      e%d: { from: server, payload: P, backpressure: { mode: latest, key: a.c%d } }\n", i, i)
			}
			return fmt.Sprintf("      e%d: { from: client, limits: { rate: %d/%dms, burst: %d } }\n", i, i, i%5000, i)
		}),
		"deep list":      []byte("siogen: 1\npackage: p\ntypes:\n  T: " + strings.Repeat("list<", 1000) + "string" + strings.Repeat(">", 1000) + "\n"),
		"long type expr": []byte("siogen: 1\npackage: p\ntypes:\n  T: " + strings.Repeat("x", 1<<20) + "\n"),
	}
	return cases
}

// loadPathological loads one of [pathologicalInputs].
func loadPathological(data []byte) []schema.Diagnostic {
	fsys := fstest.MapFS{"p.siogen.yaml": {Data: data}, "x.siogen.yaml": {Data: []byte("siogen: 1\npackage: x\n")}}
	_, diags := schema.Load(fsys, "p.siogen.yaml")
	return diags
}

// TestPathologicalInputs loads large hostile files that stay within the
// default limits: each is refused with diagnostics, none panics. How fast
// the loader is on them (close to linear) is [BenchmarkPathologicalInputs]'
// question: a wall-clock bound here failed on a loaded machine.
func TestPathologicalInputs(t *testing.T) {
	t.Parallel()
	for name, data := range pathologicalInputs(40_000) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if diags := loadPathological(data); len(diags) == 0 {
				t.Error("no diagnostics")
			}
		})
	}
}

// BenchmarkPathologicalInputs reports the loader's time per input byte on
// the hostile files at two sizes: a figure that grows with the size means a
// quadratic path.
func BenchmarkPathologicalInputs(b *testing.B) {
	for _, n := range []int{10_000, 40_000} {
		cases := pathologicalInputs(n)
		names := make([]string, 0, len(cases))
		for name := range cases {
			names = append(names, name)
		}
		slices.Sort(names)
		for _, name := range names {
			data := cases[name]
			b.Run(fmt.Sprintf("%s/%d", strings.ReplaceAll(name, " ", "_"), n), func(b *testing.B) {
				b.SetBytes(int64(len(data)))
				for b.Loop() {
					loadPathological(data)
				}
			})
		}
	}
}
