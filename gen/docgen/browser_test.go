package docgen_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/siogen/siogen/gen/docgen"
	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/internal/nodetest"
)

// chromiumPath is the browser the test drives: Debian's chromium package,
// or $SIOGEN_CHROMIUM.
func chromiumPath() string {
	if p := os.Getenv("SIOGEN_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// TestBrowser opens the chat contract's page in headless Chromium
// (testdata/browse.mjs, playwright-core) at desktop and phone widths and
// checks what a reader needs: payload tables with constraints, examples,
// acks and their errors, auth, deprecations, links between types, the
// search box, no horizontal overflow and no network request. Screenshots
// go to testdata-artifacts/docs at the repository root.
//
// It fails, rather than skips, when Chromium or the npm packages are
// missing.
func TestBrowser(t *testing.T) {
	t.Parallel()
	root := nodetest.Require(t)
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Fatalf("chromium is not installed at %s (CI installs it: apt-get install -y chromium; or set SIOGEN_CHROMIUM): %v", chromiumPath(), err)
	}
	set := goldentest.Load(t, "../../examples/schemas", "chat.siogen.yaml")
	files, err := docgen.Generate(set)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var page string
	for _, f := range files {
		p := filepath.Join(dir, f.Path)
		if err := os.WriteFile(p, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
		if f.Path == "chat.html" {
			page = p
		}
	}
	if page == "" {
		t.Fatal("no chat.html generated")
	}
	artifacts := filepath.Join(root, "testdata-artifacts", "docs")
	p := nodetest.Start(t, "gen/docgen/testdata/browse.mjs", page, artifacts)
	checks, done := 0, false
	for _, line := range p.Wait(120 * time.Second) {
		switch line["event"] {
		case "check":
			checks++
			if line["ok"] != true {
				t.Errorf("%s: %v", line["name"], line["detail"])
			}
		case "screenshot":
			t.Logf("screenshot: %v", line["path"])
		case "done":
			done = true
		}
	}
	if !done || checks < 20 {
		t.Errorf("the browser script ran %d checks and finished=%v; want at least 20 and a finish", checks, done)
	}
}
