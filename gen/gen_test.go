package gen_test

import (
	"bytes"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/siogen/siogen/gen"
	"github.com/siogen/siogen/schema"
)

func loadExamples(t testing.TB) (*schema.Set, *schema.Config) {
	t.Helper()
	fsys := os.DirFS("../examples/schemas")
	cfg, diags := schema.LoadConfig(fsys, "siogen.yaml")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	set, diags := cfg.Load(fsys)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return set, cfg
}

func TestGenerateExamples(t *testing.T) {
	t.Parallel()
	set, cfg := loadExamples(t)
	files, err := gen.Generate(set, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.IsSortedFunc(files, func(a, b gen.File) int { return strings.Compare(a.Path, b.Path) }) {
		t.Error("files are not sorted by path")
	}
	var ts, js, gofiles, asyncapi, docs int
	for _, f := range files {
		switch {
		case strings.HasPrefix(f.Path, "../generated/go/") && strings.HasSuffix(f.Path, ".siogen.go"):
			gofiles++
		case strings.HasPrefix(f.Path, "../generated/ts/") && strings.HasSuffix(f.Path, ".ts"):
			ts++
		case strings.HasPrefix(f.Path, "../generated/jsonschema/") && strings.HasSuffix(f.Path, ".json"):
			js++
		case strings.HasPrefix(f.Path, "../generated/asyncapi/") && strings.HasSuffix(f.Path, ".asyncapi.json"):
			asyncapi++
		case strings.HasPrefix(f.Path, "../generated/docs/") && (strings.HasSuffix(f.Path, ".html") || strings.HasSuffix(f.Path, ".md")):
			docs++
		default:
			t.Errorf("unexpected path %s", f.Path)
		}
		if !gen.IsGenerated(f.Content) {
			t.Errorf("%s does not carry the generated marker", f.Path)
		}
		if bytes.Contains(f.Content, []byte("siogen v")) {
			t.Errorf("%s mentions a version", f.Path)
		}
	}
	// 6 Go packages, 5 with an API file, 5 with a Redis emitter, 5 test kits;
	// options.testkit also adds 5 mocks and siogen.mock.ts.
	if ts != 31 || js < 50 || gofiles != 21 || asyncapi != 5 || docs != 10 {
		t.Errorf("got %d ts, %d json, %d go, %d asyncapi and %d docs files", ts, js, gofiles, asyncapi, docs)
	}
	if got := gen.OutputDirs(cfg); !slices.Equal(got, []string{"../generated/asyncapi", "../generated/docs", "../generated/go", "../generated/jsonschema", "../generated/ts"}) {
		t.Errorf("OutputDirs = %v", got)
	}
}

// TestDeterministic generates twice, from two loads, and compares.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	set1, cfg1 := loadExamples(t)
	set2, cfg2 := loadExamples(t)
	a, err := gen.Generate(set1, cfg1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := gen.Generate(set2, cfg2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(a, b, func(x, y gen.File) bool { return x.Path == y.Path && bytes.Equal(x.Content, y.Content) }) {
		t.Error("two runs differ")
	}
}

func TestGenerateRefusesBrokenSet(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.siogen.yaml": {Data: []byte("siogen: 1\npackage: a\ntypes:\n  A: { fields: { b: Missing } }\n")}}
	set, diags := schema.Load(fsys, "a.siogen.yaml")
	if !diags.HasErrors() {
		t.Fatal("expected diagnostics")
	}
	_, err := gen.Generate(set, &schema.Config{TS: &schema.TSOutput{Dir: "ts"}})
	var e *gen.Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), "Missing") {
		t.Fatalf("err = %v, want a *gen.Error naming the unresolved type", err)
	}
	if _, err := gen.Generate(nil, nil); !errors.As(err, &e) {
		t.Fatalf("nil inputs: err = %v", err)
	}
}

func TestGenerateNothingConfigured(t *testing.T) {
	t.Parallel()
	set, _ := loadExamples(t)
	files, err := gen.Generate(set, &schema.Config{})
	if err != nil || len(files) != 0 {
		t.Fatalf("got %d files, %v", len(files), err)
	}
}
