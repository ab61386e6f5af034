package schema_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/siogen/siogen/schema"
)

// monorepo writes a repository that keeps its contracts beside the Go
// module, as teams do, and returns its root:
//
//	contracts/app.siogen.yaml      imports ../shared/common.siogen.yaml
//	contracts/bad.siogen.yaml      (only in bad)
//	shared/common.siogen.yaml
//	backend/siogen.yaml            inputs: ../contracts/app.siogen.yaml
func monorepo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	base := map[string]string{
		"contracts/app.siogen.yaml": "siogen: 1\npackage: app\nimports: [../shared/common.siogen.yaml]\n" +
			"namespaces:\n  /:\n    events:\n      hello: { from: client, payload: common.Who }\n",
		"shared/common.siogen.yaml": "siogen: 1\npackage: common\ntypes:\n  Who: { enum: [me, you] }\n",
		"backend/siogen.yaml": "version: 1\ninputs: [../contracts/app.siogen.yaml]\n" +
			"outputs:\n  ts: { dir: ../frontend/gen }\n  go: { dir: gen, import_path: example.com/backend/gen }\n",
	}
	for name, src := range files {
		base[name] = src
	}
	for name, src := range base {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func filePaths(set *schema.Set) []string {
	var out []string
	for _, f := range set.Files {
		out = append(out, f.Path)
	}
	return out
}

// TestDirFSOutside loads contracts above the directory DirFS is rooted at,
// by a relative and an absolute path, with an import that climbs too.
func TestDirFSOutside(t *testing.T) {
	t.Parallel()
	root := monorepo(t, nil)
	backend := filepath.Join(root, "backend")
	abs := filepath.ToSlash(root)
	tests := []struct {
		name string
		fsys string
		path string
		want []string
	}{
		{"relative", backend, "../contracts/app.siogen.yaml",
			[]string{"../shared/common.siogen.yaml", "../contracts/app.siogen.yaml"}},
		{"dot prefix", backend, "./../contracts/app.siogen.yaml",
			[]string{"../shared/common.siogen.yaml", "../contracts/app.siogen.yaml"}},
		{"absolute", backend, abs + "/contracts/app.siogen.yaml",
			[]string{abs + "/shared/common.siogen.yaml", abs + "/contracts/app.siogen.yaml"}},
		{"inside", root, "contracts/app.siogen.yaml",
			[]string{"shared/common.siogen.yaml", "contracts/app.siogen.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			set, diags := schema.Load(schema.DirFS(tt.fsys), tt.path)
			if len(diags) > 0 {
				t.Fatalf("diagnostics:\n%s", diags)
			}
			if got := filePaths(set); !slices.Equal(got, tt.want) {
				t.Errorf("files = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDirFSSameFile names one file twice, relative and absolute: it is
// loaded once.
func TestDirFSSameFile(t *testing.T) {
	t.Parallel()
	root := monorepo(t, nil)
	set, diags := schema.Load(schema.DirFS(filepath.Join(root, "backend")),
		"../contracts/app.siogen.yaml", filepath.ToSlash(root)+"/contracts/app.siogen.yaml",
		filepath.ToSlash(root)+"/shared/common.siogen.yaml")
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	if len(set.Files) != 2 || len(set.Roots) != 2 {
		t.Errorf("files = %q, %d roots", filePaths(set), len(set.Roots))
	}
}

// TestDirFSDiagnostics checks that diagnostics name files outside the
// root as they were written.
func TestDirFSDiagnostics(t *testing.T) {
	t.Parallel()
	root := monorepo(t, map[string]string{
		"contracts/bad.siogen.yaml": "siogen: 1\npackage: bad\nimports: [../nowhere/x.siogen.yaml]\n" +
			"types:\n  T: { fields: { a: Missing } }\n",
	})
	_, diags := schema.Load(schema.DirFS(filepath.Join(root, "backend")),
		"../contracts/bad.siogen.yaml", "../contracts/nope.siogen.yaml")
	want := "../contracts/bad.siogen.yaml:3:11: error[bad-import]: cannot read imported file ../nowhere/x.siogen.yaml: no such file or directory\n" +
		"../contracts/bad.siogen.yaml:5:21: error[unresolved]: unknown type \"Missing\"\n" +
		"../contracts/nope.siogen.yaml: error[io]: cannot read ../contracts/nope.siogen.yaml: no such file or directory\n"
	if got := diags.String(); got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
}

// TestDirFSConfig reads a config whose inputs and outputs are outside its
// directory, with a glob pattern too.
func TestDirFSConfig(t *testing.T) {
	t.Parallel()
	root := monorepo(t, map[string]string{
		"backend/glob.yaml": "version: 1\ninputs: ['../contracts/*.siogen.yaml']\noutputs: { ts: { dir: ../../up } }\n",
	})
	fsys := schema.DirFS(filepath.Join(root, "backend"))
	for _, name := range []string{"siogen.yaml", "glob.yaml"} {
		cfg, diags := schema.LoadConfig(fsys, name)
		if len(diags) > 0 {
			t.Fatalf("%s: %s", name, diags)
		}
		if !slices.Equal(cfg.Inputs, []string{"../contracts/app.siogen.yaml"}) {
			t.Errorf("%s: inputs = %q", name, cfg.Inputs)
		}
		if _, diags := cfg.Load(fsys); len(diags) > 0 {
			t.Errorf("%s: %s", name, diags)
		}
	}
	cfg, _ := schema.LoadConfig(fsys, "siogen.yaml")
	if cfg.TS.Dir != "../frontend/gen" || cfg.Go.Dir != "gen" {
		t.Errorf("output dirs = %q, %q", cfg.TS.Dir, cfg.Go.Dir)
	}
	// The same config through os.DirFS keeps to its directory.
	_, diags := schema.LoadConfig(os.DirFS(filepath.Join(root, "backend")), "siogen.yaml")
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "leaves the directory tree") {
		t.Errorf("through os.DirFS: %s", diags)
	}
}
