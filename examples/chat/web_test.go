package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/siogen/siogen/internal/nodetest"
)

// TestFrontendUnit type-checks the front end's unit tests (web/test/*.test.ts,
// through the generated TypeScript mock: no server, no network), bundles
// them with esbuild and runs them with node --test.
func TestFrontendUnit(t *testing.T) {
	t.Parallel()
	root := nodetest.Require(t)
	out := t.TempDir()
	tests, err := filepath.Glob(filepath.Join(root, "examples", "chat", "web", "test", "*.test.ts"))
	if err != nil || len(tests) == 0 {
		t.Fatalf("no front-end tests found: %v", err)
	}
	tsc := exec.Command(filepath.Join(root, "node_modules", ".bin", "tsc"), "--strict", "--noEmit", "-p", filepath.Join(root, "examples", "chat", "web", "test", "tsconfig.json"))
	if b, err := tsc.CombinedOutput(); err != nil {
		t.Fatalf("tsc: %v\n%s", err, b)
	}
	args := append([]string{"--bundle", "--platform=node", "--format=esm", "--outdir=" + out, "--out-extension:.js=.mjs", "--log-level=warning"}, tests...)
	build := exec.Command(filepath.Join(root, "node_modules", ".bin", "esbuild"), args...)
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, b)
	}
	bundles, _ := filepath.Glob(filepath.Join(out, "*.mjs"))
	run := exec.Command("node", append([]string{"--test", "--test-reporter=spec"}, bundles...)...)
	run.Env = append(os.Environ(), "SIOGEN_SCHEMAS="+filepath.Join(root, "examples", "generated", "jsonschema"))
	b, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("node --test: %v\n%s", err, b)
	}
	t.Logf("%s", b)
}
