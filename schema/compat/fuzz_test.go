package compat_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/siogen/siogen/schema"
	"github.com/siogen/siogen/schema/compat"
)

// FuzzCompare compares any two contracts that load without errors: it
// must not panic, every change must point into a file, and two runs must
// agree. The seeds are the golden cases.
func FuzzCompare(f *testing.F) {
	dirs, _ := filepath.Glob("testdata/*")
	for _, d := range dirs {
		o, err1 := os.ReadFile(filepath.Join(d, "old.siogen.yaml"))
		n, err2 := os.ReadFile(filepath.Join(d, "new.siogen.yaml"))
		if err1 == nil && err2 == nil {
			f.Add(o, n)
		}
	}
	f.Fuzz(func(t *testing.T, o, n []byte) {
		load := func(data []byte) *schema.Set {
			set, diags := schema.Load(fstest.MapFS{"c.siogen.yaml": {Data: data}}, "c.siogen.yaml")
			if diags.HasErrors() {
				return nil
			}
			return set
		}
		old, new := load(o), load(n)
		if old == nil || new == nil {
			return
		}
		a := compat.Compare(old, new, nil)
		b := compat.Compare(old, new, nil)
		if !slices.Equal(a, b) {
			t.Fatalf("two runs differ:\n%v\n%v", a, b)
		}
		for _, c := range a {
			if !c.Pos.IsValid() || c.Rule == "" || c.Message == "" {
				t.Errorf("change without a place, rule or message: %+v", c)
			}
		}
		if same := compat.Compare(new, new, nil); len(same) > 0 {
			t.Errorf("a contract compared with itself reports %v", same)
		}
	})
}
