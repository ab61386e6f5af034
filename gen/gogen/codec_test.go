package gogen_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/siogen/siogen/gen/gogen"
	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/schema"
)

// TestCodecKinds generates testdata/codec/kinds.siogen.yaml, a type with
// every kind the generated JSON codecs support, into a scratch package of
// this module and runs testdata/codec/roundtrip_test.go.txt there: the
// generated codecs must agree with runtime/sio's reflective codec.
func TestCodecKinds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a scratch package")
	}
	t.Parallel()
	set, diags := schema.Load(os.DirFS("testdata/codec"), "kinds.siogen.yaml")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	root := nodetest.Root(t)
	dir, err := os.MkdirTemp(filepath.Join(root, "gen", "gogen", "testdata"), "codec-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	rel, _ := filepath.Rel(root, dir)
	files, err := gogen.Generate(set, gogen.Options{ImportPath: "github.com/siogen/siogen/" + filepath.ToSlash(rel)})
	if err != nil {
		t.Fatal(err)
	}
	test, err := os.ReadFile("testdata/codec/roundtrip_test.go.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		p := filepath.Join(dir, f.Path)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(filepath.Dir(p), "roundtrip_test.go"), test, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command("go", "test", "-count=1", "-v", "./"+filepath.ToSlash(rel)+"/...")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("generated codecs disagree with the reflective ones: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("--- PASS: TestKinds")) {
		t.Fatalf("the round trip test did not run:\n%s", out)
	}
}
