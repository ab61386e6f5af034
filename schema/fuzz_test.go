package schema_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/siogen/siogen/schema"
)

func fsReadFile(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }

// FuzzLoad feeds arbitrary bytes to the loader as a schema file that may
// import a second, valid file, and as a config. No input may panic or
// hang; every diagnostic must have a position in a known file.
//
//	go test -run='^$' -fuzz=FuzzLoad -fuzztime=20s ./schema/
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/diag/*.siogen.yaml")
	more, _ := filepath.Glob("testdata/diag/*/*.siogen.yaml")
	ex, _ := filepath.Glob("../examples/schemas/*.yaml")
	for _, p := range append(append(seeds, more...), ex...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("siogen: 1\npackage: a\nimports: [common.siogen.yaml]\ntypes:\n  A: { fields: { u: common.User } }\n"))
	f.Add([]byte(edgeContract))
	common, err := os.ReadFile("../examples/schemas/common.siogen.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"a.siogen.yaml":      {Data: data},
			"common.siogen.yaml": {Data: common},
			"siogen.yaml":        {Data: data},
		}
		set, diags := schema.Load(fsys, "a.siogen.yaml")
		if set == nil {
			t.Fatal("nil set")
		}
		for _, d := range diags {
			if _, known := fsys[d.Pos.File]; !known { // any file of fsys may be imported
				t.Fatalf("diagnostic in unknown file: %s", d)
			}
			if d.Code == "" || d.Message == "" || strings.ContainsRune(d.Message, '\n') && d.Code != schema.CodeSyntax {
				t.Fatalf("malformed diagnostic: %q", d)
			}
		}
		if !diags.HasErrors() {
			// A clean set must be fully resolved.
			for _, file := range set.Files {
				for _, ty := range file.Types {
					if ty.GoName == "" || ty.TSName == "" {
						t.Fatalf("type %s without names", ty.Name)
					}
				}
			}
		}
		_, _ = schema.LoadConfig(fsys, "siogen.yaml")
	})
}
