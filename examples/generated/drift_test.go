package generated_test

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"testing"

	"github.com/siogen/siogen/gen"
	"github.com/siogen/siogen/schema"
)

// TestNoDrift generates the example outputs in process and compares them
// with the files in this directory: every generated file must be on disk
// with the same bytes, and no file carrying siogen's marker may be left
// over. Fix a failure with "go generate ./..." at the repository root.
func TestNoDrift(t *testing.T) {
	t.Parallel()
	const dir = "../schemas"
	fsys := os.DirFS(dir)
	cfg, diags := schema.LoadConfig(fsys, "siogen.yaml")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	set, diags := cfg.Load(fsys)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	files, err := gen.Generate(set, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%s: missing; run go generate ./...", f.Path)
			continue
		}
		if !bytes.Equal(got, f.Content) {
			t.Errorf("%s: out of date; run go generate ./...", f.Path)
		}
	}
	for _, out := range gen.OutputDirs(cfg) {
		root := filepath.Join(dir, filepath.FromSlash(out))
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			rel = path.Clean(filepath.ToSlash(rel))
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if !want[rel] && gen.IsGenerated(b) {
				t.Errorf("%s: no longer generated; run go generate ./...", rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
