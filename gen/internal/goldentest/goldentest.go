// Package goldentest compares a generator's output tree with a golden
// directory in testdata, and rewrites the directory when the test runs with
// -update.
package goldentest

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/siogen/siogen/gen/internal/genfile"
	"github.com/siogen/siogen/schema"
)

// Load loads the schema files paths from dir and fails the test on error
// diagnostics.
func Load(t testing.TB, dir string, paths ...string) *schema.Set {
	t.Helper()
	set, diags := schema.Load(os.DirFS(dir), paths...)
	if diags.HasErrors() {
		t.Fatalf("loading %s: %s", dir, diags)
	}
	return set
}

// Check compares files with the tree under dir: the same paths and the same
// contents, no file missing and none extra. With update it rewrites dir
// instead.
func Check(t *testing.T, dir string, files []genfile.File, update bool) {
	t.Helper()
	if update {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			p := filepath.Join(dir, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	onDisk := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		onDisk[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil {
		t.Fatalf("reading golden tree (run with -update to create it): %v", err)
	}
	for _, f := range files {
		want, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		delete(onDisk, f.Path)
		if err != nil {
			t.Errorf("%s: generated but not in %s (run with -update)", f.Path, dir)
			continue
		}
		if !bytes.Equal(f.Content, want) {
			t.Errorf("%s differs from the golden file (run with -update):\n%s", f.Path, firstDiff(string(want), string(f.Content)))
		}
	}
	extra := make([]string, 0, len(onDisk))
	for p := range onDisk {
		extra = append(extra, p)
	}
	slices.Sort(extra)
	for _, p := range extra {
		t.Errorf("%s: in %s but no longer generated (run with -update)", p, dir)
	}
}

// firstDiff shows the first differing line of two texts.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(trailing difference)"
}
