package tsgen_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/gen/tsgen"
	"github.com/siogen/siogen/internal/nodetest"
)

// TestTypeScript type-checks the generated modules of the example
// contracts, with testdata/tsc/usage.ts, with tsc --strict against the
// real socket.io-client and socket.io typings, under the two module
// resolution modes applications use. usage.ts holds negative tests
// (// @ts-expect-error) that fail the check if they compile.
func TestTypeScript(t *testing.T) {
	root := nodetest.Require(t)
	tsc := filepath.Join(root, "node_modules", ".bin", "tsc")
	if _, err := os.Stat(tsc); err != nil {
		t.Fatal("typescript is missing; run `make deps` or `npm ci` at the repository root")
	}
	set := goldentest.Load(t, "../../examples/schemas", "chat.siogen.yaml", "notifications.siogen.yaml", "dashboard.siogen.yaml")
	files, err := tsgen.Generate(set)
	if err != nil {
		t.Fatal(err)
	}
	// The modules must sit under the repository so that "socket.io-client"
	// resolves to its node_modules.
	if err := os.MkdirAll(filepath.Join(root, ".cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(filepath.Join(root, ".cache"), "tsgen-tsc-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	args := []string{"usage.ts"}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Path), f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, f.Path)
	}
	// The edge-case schemas are checked too, in a directory of their own.
	edge := goldentest.Load(t, "../jsonschemagen/testdata/edge/in", "edge.siogen.yaml")
	edgeFiles, err := tsgen.Generate(edge)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "edge"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range edgeFiles {
		if err := os.WriteFile(filepath.Join(dir, "edge", f.Path), f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "edge/"+f.Path)
	}
	usage, err := os.ReadFile("testdata/tsc/usage.ts")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "usage.ts"), usage, 0o644); err != nil {
		t.Fatal(err)
	}
	modes := map[string][]string{
		"nodenext": {"--module", "nodenext", "--moduleResolution", "nodenext"},
		"bundler":  {"--module", "esnext", "--moduleResolution", "bundler"},
	}
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			cmdArgs := append([]string{"--strict", "--noEmit", "--target", "es2022", "--pretty", "false"}, mode...)
			cmd := exec.Command(tsc, append(cmdArgs, args...)...)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("tsc %v: %v\n%s", mode, err, out)
			}
		})
	}
}
