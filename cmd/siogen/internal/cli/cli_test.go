package cli_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/siogen/siogen/cmd/siogen/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

type result struct {
	code           int
	stdout, stderr string
}

func run(args ...string) result {
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// project copies testdata/project to a temporary directory and returns
// the path of its config.
func project(t *testing.T) (dir, cfg string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.CopyFS(dir, os.DirFS("testdata/project")); err != nil {
		t.Fatal(err)
	}
	return dir, filepath.Join(dir, "schemas", "siogen.yaml")
}

func TestUsage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		code int
		in   string // expected in stdout+stderr
	}{
		{nil, cli.ExitUsage, "Usage:"},
		{[]string{"frobnicate"}, cli.ExitUsage, `unknown command "frobnicate"`},
		{[]string{"generate", "-nope"}, cli.ExitUsage, "flag provided but not defined: -nope"},
		{[]string{"generate", "extra"}, cli.ExitUsage, `unexpected argument "extra"`},
		{[]string{"check", "extra"}, cli.ExitUsage, `unexpected argument "extra"`},
		{[]string{"validate", "-config", "x.yaml", "a.siogen.yaml"}, cli.ExitUsage, "not both"},
		{[]string{"version", "x"}, cli.ExitUsage, "no arguments"},
		{[]string{"version"}, cli.ExitOK, "siogen (devel)"},
		{[]string{"--version"}, cli.ExitOK, "siogen (devel)"},
		{[]string{"-version"}, cli.ExitOK, "siogen (devel)"},
		{[]string{"help"}, cli.ExitOK, "siogen generate"},
		{[]string{"--help"}, cli.ExitOK, "siogen init"},
		{[]string{"help", "nope"}, cli.ExitUsage, `unknown command "nope"`},
		{[]string{"help", "init", "generate"}, cli.ExitUsage, "at most one command"},
		{[]string{"generate", "-h"}, cli.ExitOK, "-config file"},
		{[]string{"help", "generate"}, cli.ExitOK, "-config file"},
		{[]string{"help", "init"}, cli.ExitOK, "Usage: siogen init [-package name] [DIR]"},
		{[]string{"init", "a", "b"}, cli.ExitUsage, `unexpected argument "b"`},
		{[]string{"init", "-package", "Bad", "x"}, cli.ExitUsage, "lower-case letters"},
	}
	for _, c := range cases {
		r := run(c.args...)
		if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.in) {
			t.Errorf("siogen %q: exit %d, output\n%s%s\nwant exit %d and %q", c.args, r.code, r.stdout, r.stderr, c.code, c.in)
		}
	}
}

// TestHelpEveryCommand checks that each command in the help has a usage
// line, a description, and a description for each of its flags.
func TestHelpEveryCommand(t *testing.T) {
	t.Parallel()
	var names []string
	for _, line := range strings.Split(run("help").stdout, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "siogen" && strings.HasPrefix(line, "  ") {
			names = append(names, f[1])
		}
	}
	for _, want := range []string{"init", "generate", "check", "validate", "version", "help"} {
		if !slices.Contains(names, want) {
			t.Errorf("commands in the help: %q, want %q among them", names, want)
		}
	}
	for _, name := range names {
		for _, args := range [][]string{{"help", name}, {name, "-h"}} {
			r := run(args...)
			lines := strings.Split(r.stdout, "\n")
			if r.code != cli.ExitOK || !strings.HasPrefix(r.stdout, "Usage: siogen "+name) || len(lines) < 3 || lines[2] == "" {
				t.Errorf("siogen %q: exit %d, output\n%s%s", args, r.code, r.stdout, r.stderr)
				continue
			}
			for i, line := range lines {
				if !strings.HasPrefix(line, "  -") {
					continue
				}
				// PrintDefaults puts a bool flag's description on its line,
				// others on the next, after a tab.
				desc := ""
				if _, d, ok := strings.Cut(line, "\t"); ok {
					desc = d
				} else if i+1 < len(lines) {
					desc = strings.TrimSpace(lines[i+1])
				}
				if len(desc) < 10 {
					t.Errorf("siogen %q: flag %q has no description", args, line)
				}
			}
		}
	}
}

func TestGenerateThenCheck(t *testing.T) {
	t.Parallel()
	dir, cfg := project(t)
	if r := run("check", "-config", cfg); r.code != cli.ExitFail || !strings.Contains(r.stdout, "out/ts/app.ts: missing") {
		t.Fatalf("check before generate: %+v", r)
	}
	r := run("generate", "-v", "-config", cfg)
	if r.code != cli.ExitOK || r.stderr != "" {
		t.Fatalf("generate: %+v", r)
	}
	for _, p := range []string{"out/ts/app.ts", "out/ts/app.client.ts", "out/ts/common.ts", "out/ts/siogen.types.ts",
		"out/jsonschema/app/Hello.json", "out/jsonschema/app/Main/Hello.ack.json", "out/jsonschema/common/Who.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("generate did not write %s", p)
		}
		if !strings.Contains(r.stdout, "wrote ") {
			t.Errorf("-v lists nothing: %q", r.stdout)
		}
	}
	if r := run("check", "-config", cfg); r.code != cli.ExitOK || r.stdout != "" {
		t.Fatalf("check after generate: %+v", r)
	}
	// A second generate writes nothing.
	if r := run("generate", "-v", "-config", cfg); r.code != cli.ExitOK || r.stdout != "" {
		t.Fatalf("second generate: %+v", r)
	}
}

func TestCheckFindsDrift(t *testing.T) {
	t.Parallel()
	dir, cfg := project(t)
	if r := run("generate", "-config", cfg); r.code != cli.ExitOK {
		t.Fatalf("generate: %+v", r)
	}
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("out/ts/app.ts", "// Code generated by siogen. DO NOT EDIT.\nedited\n")
	write("out/ts/old.ts", "// Code generated by siogen. DO NOT EDIT.\n")
	write("out/ts/mine.ts", "// hand-written: not siogen's\n")
	if err := os.Remove(filepath.Join(dir, "out/jsonschema/common/Who.json")); err != nil {
		t.Fatal(err)
	}
	r := run("check", "-config", cfg)
	wantOut := strings.Join([]string{
		filepath.ToSlash(dir) + "/out/jsonschema/common/Who.json: missing",
		filepath.ToSlash(dir) + "/out/ts/app.ts: out of date",
		filepath.ToSlash(dir) + "/out/ts/old.ts: stale",
	}, "\n") + "\n"
	if r.code != cli.ExitFail || r.stdout != wantOut || !strings.Contains(r.stderr, "3 generated file(s) out of date") {
		t.Fatalf("check: exit %d\nstdout:\n%s\nwant:\n%s\nstderr:\n%s", r.code, r.stdout, wantOut, r.stderr)
	}
	if r := run("generate", "-config", cfg); r.code != cli.ExitOK {
		t.Fatalf("generate: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "out/ts/old.ts")); !os.IsNotExist(err) {
		t.Error("generate kept the stale out/ts/old.ts")
	}
	if _, err := os.Stat(filepath.Join(dir, "out/ts/mine.ts")); err != nil {
		t.Error("generate removed a file siogen did not write")
	}
	if r := run("check", "-config", cfg); r.code != cli.ExitOK {
		t.Fatalf("check after regenerate: %+v", r)
	}
}

// TestDiagnostics checks the diagnostics of a broken project against
// testdata/bad.golden, through validate, generate and check alike; run
// with -update to rewrite the golden file.
func TestDiagnostics(t *testing.T) {
	t.Parallel()
	const cfg = "testdata/bad/siogen.yaml"
	r := run("validate", "-config", cfg)
	if r.code != cli.ExitFail || r.stdout != "" {
		t.Fatalf("validate: %+v", r)
	}
	golden := "testdata/bad.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(r.stderr), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if r.stderr != string(want) {
		t.Errorf("validate diagnostics:\n%s\nwant:\n%s", r.stderr, want)
	}
	for _, cmd := range []string{"generate", "check"} {
		r := run(cmd, "-config", cfg)
		if r.code != cli.ExitFail || r.stderr != string(want) {
			t.Errorf("%s: exit %d, stderr:\n%s", cmd, r.code, r.stderr)
		}
	}
	if _, err := os.Stat("testdata/bad/out"); !os.IsNotExist(err) {
		t.Error("generate wrote output despite errors")
	}
	// The same schema named directly, relative to the working directory.
	if r := run("validate", "testdata/bad/bad.siogen.yaml"); r.code != cli.ExitFail || r.stderr != string(want) {
		t.Errorf("validate FILE: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestValidateOK(t *testing.T) {
	t.Parallel()
	_, cfg := project(t)
	if r := run("validate", "-config", cfg); r.code != cli.ExitOK || r.stdout+r.stderr != "" {
		t.Errorf("validate: %+v", r)
	}
	if r := run("validate", "testdata/project/schemas/app.siogen.yaml"); r.code != cli.ExitOK {
		t.Errorf("validate FILE: %+v", r)
	}
}

func TestMissingConfig(t *testing.T) {
	t.Parallel()
	r := run("generate", "-config", filepath.Join(t.TempDir(), "nope.yaml"))
	if r.code != cli.ExitFail || !strings.Contains(r.stderr, "nope.yaml: error[io]: cannot read nope.yaml") {
		t.Errorf("generate: %+v", r)
	}
}

// TestExamplesUpToDate runs check on the repository's example config, as
// CI would.
func TestExamplesUpToDate(t *testing.T) {
	t.Parallel()
	r := run("check", "-config", "../../../../examples/schemas/siogen.yaml")
	if r.code != cli.ExitOK {
		t.Errorf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r.stderr != "" {
		t.Errorf("check printed to stderr: %q", r.stderr)
	}
}

// writeFiles writes files (slash-separated names) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestInit runs init in a module, then validates and generates the
// starter as the printed commands would.
func TestInit(t *testing.T) {
	t.Parallel()
	mod := t.TempDir()
	writeFiles(t, mod, map[string]string{
		"go.mod":         "module example.com/shop\n\ngo 1.26\n",
		"api/handler.go": "package shopapi\n",
	})
	dir := filepath.Join(mod, "api")
	r := run("init", "-package", "shop", dir)
	if r.code != cli.ExitOK || r.stderr != "" {
		t.Fatalf("init: %+v", r)
	}
	for _, want := range []string{"wrote " + filepath.ToSlash(dir) + "/shop.siogen.yaml", "go get -tool github.com/siogen/siogen/cmd/siogen", "go generate ./...", "go mod tidy"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("init printed\n%s\nwant %q in it", r.stdout, want)
		}
	}
	gen, err := os.ReadFile(filepath.Join(dir, "generate.go"))
	if err != nil || string(gen) != "package shopapi\n\n//go:generate go tool siogen generate\n" {
		t.Errorf("generate.go: %q, %v", gen, err)
	}
	cfgData, _ := os.ReadFile(filepath.Join(dir, "siogen.yaml"))
	if !strings.Contains(string(cfgData), "import_path: example.com/shop/api/gen\n") {
		t.Errorf("siogen.yaml:\n%s", cfgData)
	}
	cfg := filepath.Join(dir, "siogen.yaml")
	if r := run("validate", "-config", cfg); r.code != cli.ExitOK || r.stdout+r.stderr != "" {
		t.Fatalf("validate the starter: %+v", r)
	}
	if r := run("generate", "-config", cfg); r.code != cli.ExitOK || r.stderr != "" {
		t.Fatalf("generate the starter: %+v", r)
	}
	for _, p := range []string{"gen/shop/shop.siogen.go", "gen/ts/shop.ts", "gen/ts/shop.client.ts"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("generate did not write %s", p)
		}
	}

	// A second init overwrites nothing, and writes nothing new either.
	if err := os.Remove(filepath.Join(dir, "generate.go")); err != nil {
		t.Fatal(err)
	}
	r = run("init", "-package", "shop", dir)
	if r.code != cli.ExitFail || !strings.Contains(r.stderr, "shop.siogen.yaml exists") {
		t.Errorf("second init: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "generate.go")); !os.IsNotExist(err) {
		t.Error("a refused init wrote generate.go")
	}
}

func TestInitNeedsModule(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := run("init", dir)
	if r.code != cli.ExitFail || !strings.Contains(r.stderr, "no go.mod") {
		t.Errorf("init outside a module: %+v", r)
	}
	// A module that declares the tool already skips go get -tool.
	writeFiles(t, dir, map[string]string{"go.mod": "module x\n\ngo 1.26\n\ntool github.com/siogen/siogen/cmd/siogen\n"})
	r = run("init", filepath.Join(dir, "new", "dir"))
	if r.code != cli.ExitOK || strings.Contains(r.stdout, "go get") || !strings.Contains(r.stdout, "go build ./...") {
		t.Errorf("init: %+v", r)
	}
	if gen, _ := os.ReadFile(filepath.Join(dir, "new", "dir", "generate.go")); !strings.HasPrefix(string(gen), "package dir\n") {
		t.Errorf("generate.go in a new directory: %q", gen)
	}
}

// TestContractsOutside keeps contracts beside the Go module, as a
// monorepo does (contracts/, backend/, frontend/), and runs siogen from
// backend/: files given with .. and absolute paths, and a config whose
// inputs, imports and outputs leave its directory. Diagnostics name files
// as they were written.
func TestContractsOutside(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"contracts/app.siogen.yaml":    "siogen: 1\npackage: app\nimports: [../shared/common.siogen.yaml]\nnamespaces:\n  /:\n    events:\n      hello: { from: client, payload: common.Who }\n",
		"contracts/bad.siogen.yaml":    "siogen: 1\npackage: bad\ntypes:\n  T: { fields: { a: Missing } }\n",
		"shared/common.siogen.yaml":    "siogen: 1\npackage: common\ntypes:\n  Who: { enum: [me, you] }\n",
		"backend/siogen.yaml":          "version: 1\ninputs: ['../contracts/app*.siogen.yaml']\noutputs:\n  ts: { dir: ../frontend/gen }\n",
		"backend/sub/siogen.yaml":      "version: 1\ninputs: [../../contracts/bad.siogen.yaml]\noutputs:\n  ts: { dir: out }\n",
		"frontend/gen/old.ts":          "// Code generated by siogen. DO NOT EDIT.\n",
		"frontend/gen/handwritten.ts":  "// mine\n",
		"backend/go.mod":               "module example.com/backend\n",
		"backend/internal/x/x.go":      "package x\n",
		"contracts/README.md":          "contracts\n",
		"contracts/shared/README.md":   "",
		"frontend/package.json":        "{}\n",
		"backend/internal/x/x_test.go": "package x\n",
	})
	t.Chdir(filepath.Join(root, "backend"))
	abs := filepath.ToSlash(root)

	if r := run("validate", "../contracts/app.siogen.yaml", abs+"/shared/common.siogen.yaml"); r.code != cli.ExitOK || r.stdout+r.stderr != "" {
		t.Errorf("validate outside: %+v", r)
	}
	wantBad := "../contracts/bad.siogen.yaml:4:21: error[unresolved]: unknown type \"Missing\"\n"
	if r := run("validate", "../contracts/bad.siogen.yaml"); r.code != cli.ExitFail || r.stderr != wantBad {
		t.Errorf("validate ../: %+v\nwant stderr %q", r, wantBad)
	}
	if r := run("validate", abs+"/contracts/bad.siogen.yaml"); r.code != cli.ExitFail || r.stderr != abs+"/contracts/bad.siogen.yaml:4:21: error[unresolved]: unknown type \"Missing\"\n" {
		t.Errorf("validate absolute: %+v", r)
	}
	// The config in a subdirectory, its input two levels up.
	if r := run("validate", "-config", "sub/siogen.yaml"); r.code != cli.ExitFail || r.stderr != wantBad {
		t.Errorf("validate -config sub/siogen.yaml: %+v\nwant stderr %q", r, wantBad)
	}
	if r := run("check"); r.code != cli.ExitFail || !strings.Contains(r.stdout, "../frontend/gen/app.ts: missing\n") || !strings.Contains(r.stdout, "../frontend/gen/old.ts: stale\n") {
		t.Errorf("check: %+v", r)
	}
	if r := run("generate", "-v"); r.code != cli.ExitOK || !strings.Contains(r.stdout, "wrote ../frontend/gen/app.ts\n") || !strings.Contains(r.stdout, "removed ../frontend/gen/old.ts\n") {
		t.Errorf("generate: %+v", r)
	}
	src, err := os.ReadFile(filepath.Join(root, "frontend", "gen", "app.ts"))
	if err != nil || !strings.Contains(string(src), "// Source: ../contracts/app.siogen.yaml") {
		t.Errorf("app.ts: %v\n%.300s", err, src)
	}
	if _, err := os.Stat(filepath.Join(root, "frontend", "gen", "handwritten.ts")); err != nil {
		t.Error("generate removed a file siogen did not write")
	}
	if r := run("check"); r.code != cli.ExitOK {
		t.Errorf("check after generate: %+v", r)
	}
}
