package gogen_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/siogen/siogen/gen/gogen"
	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func generate(t *testing.T, importPath string) []gogen.File {
	t.Helper()
	set, diags := schema.Load(os.DirFS("../../examples/schemas"), "chat.siogen.yaml")
	if diags.HasErrors() {
		t.Fatalf("chat schema: %s", diags)
	}
	files, err := gogen.Generate(set, gogen.Options{ImportPath: importPath, RedisEmitter: true, TestKit: true})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGolden compares the generated Go of the chat contract with the files
// in testdata/golden (go test -update rewrites them).
func TestGolden(t *testing.T) {
	t.Parallel()
	files := generate(t, "example.com/gen")
	again := generate(t, "example.com/gen")
	for i, f := range files {
		if !bytes.Equal(f.Content, again[i].Content) {
			t.Errorf("%s: output is not deterministic", f.Path)
		}
		golden := filepath.Join("testdata", "golden", f.Path+".golden")
		if *update {
			_ = os.MkdirAll(filepath.Dir(golden), 0o755)
			if err := os.WriteFile(golden, f.Content, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test -update)", err)
		}
		if !bytes.Equal(f.Content, want) {
			t.Errorf("%s differs from %s (run go test -update and review the diff)", f.Path, golden)
		}
	}
}

// TestCompiles writes the generated packages into a scratch directory of
// this module and builds and vets them.
func TestCompiles(t *testing.T) {
	t.Parallel()
	root := nodetest.Root(t)
	dir, err := os.MkdirTemp(filepath.Join(root, "gen", "gogen", "testdata"), "compile-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	rel, _ := filepath.Rel(root, dir)
	for _, f := range generate(t, "github.com/siogen/siogen/"+filepath.ToSlash(rel)) {
		p := filepath.Join(dir, f.Path)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "vet", "./"+filepath.ToSlash(rel)+"/...")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generated code does not vet: %v\n%s", err, out)
	}
}
