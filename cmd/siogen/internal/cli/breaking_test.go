package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/siogen/siogen/cmd/siogen/internal/cli"
)

const (
	oldApp = "testdata/breaking/old/app.siogen.yaml"
	newApp = "testdata/breaking/new/app.siogen.yaml"
)

// TestBreakingFile compares two files and checks the output against
// testdata/breaking.golden.
func TestBreakingFile(t *testing.T) {
	t.Parallel()
	r := run("breaking", "-against", oldApp, newApp)
	if r.code != cli.ExitFail || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; want exit 1 and no stderr", r.code, r.stderr)
	}
	checkGolden(t, "testdata/breaking.golden", r.stdout)
}

func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("missing golden (run with -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update)\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

func TestBreakingUsage(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		in   string
	}{
		{[]string{"breaking", newApp}, "-against OLD is required"},
		{[]string{"breaking", "-against", oldApp, "-order", "sideways", newApp}, `unknown deploy order "sideways"`},
		{[]string{"breaking", "-against", oldApp, "-format", "xml", newApp}, `unknown -format "xml"`},
		{[]string{"breaking", "-against", oldApp, newApp, newApp}, "give exactly one new schema file"},
		{[]string{"breaking", "-against", "no/such/rev~9", newApp}, "neither a file, a directory nor a git revision"},
		{[]string{"breaking", "-against", oldApp, "-config", "x.yaml", newApp}, "not both"},
	}
	for _, c := range cases {
		r := run(c.args...)
		if r.code != cli.ExitUsage || !strings.Contains(r.stderr, c.in) {
			t.Errorf("siogen %q: exit %d, stderr %q; want exit 2 and %q", c.args, r.code, r.stderr, c.in)
		}
	}
	if r := run("breaking", "-h"); r.code != cli.ExitOK || !strings.Contains(r.stdout, "a git revision") {
		t.Errorf("breaking -h: exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestBreakingOrderAndJSON checks one deploy order in JSON: the widened
// constraint and enum break both orders, the removed client event only
// server-first deploys.
func TestBreakingOrderAndJSON(t *testing.T) {
	t.Parallel()
	r := run("breaking", "-against", oldApp, "-order", "client-first", "-format", "json", newApp)
	if r.code != cli.ExitFail {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	var out struct {
		Breaking bool `json:"breaking"`
		Changes  []struct {
			File, Rule, Severity string
			Line                 int
			Breaks               []string
			InOld                bool `json:"in_old"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	var rules []string
	for _, c := range out.Changes {
		rules = append(rules, c.Rule+"/"+c.Severity+"/"+strings.Join(c.Breaks, ","))
		if c.File != newApp || c.InOld || c.Line == 0 {
			t.Errorf("change %+v: want a position in %s", c, newApp)
		}
	}
	want := "version-not-bumped/error/client-first constraint-widened/error/client-first enum-value-added/error/client-first deprecated/warning/"
	if got := strings.Join(rules, " "); !out.Breaking || got != want {
		t.Errorf("breaking=%v changes %s\nwant %s", out.Breaking, got, want)
	}
}

// TestBreakingNone exits 0 when nothing breaks, also for a file that did
// not exist in the old version.
func TestBreakingNone(t *testing.T) {
	t.Parallel()
	if r := run("breaking", "-against", newApp, newApp); r.code != cli.ExitOK || r.stdout != "" {
		t.Errorf("same file: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestBreakingGitAndDir compares the working tree with a git revision and
// with a directory holding the old files at the same paths, using the
// config's inputs.
func TestBreakingGitAndDir(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is required")
	}
	dir := t.TempDir()
	schemas := filepath.Join(dir, "schemas")
	copyFile(t, oldApp, filepath.Join(schemas, "app.siogen.yaml"))
	writeFile(t, filepath.Join(schemas, "siogen.yaml"), "version: 1\ninputs: [\"*.siogen.yaml\"]\noutputs: { ts: { dir: ts } }\n")
	gitRun(t, dir, "init", "-q")
	gitRun(t, dir, "add", ".")
	gitRun(t, dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "v1")
	copyFile(t, newApp, filepath.Join(schemas, "app.siogen.yaml"))
	writeFile(t, filepath.Join(schemas, "extra.siogen.yaml"), "siogen: 1\npackage: extra\n")
	old := filepath.Join(t.TempDir(), "v1")
	copyFile(t, oldApp, filepath.Join(old, "schemas", "app.siogen.yaml"))
	t.Chdir(dir)

	r := run("breaking", "-against", "HEAD", "-config", "schemas/siogen.yaml")
	if r.code != cli.ExitFail {
		t.Fatalf("git: exit %d, stderr %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "HEAD:schemas/app.siogen.yaml:15:7: error[event-removed]") ||
		!strings.Contains(r.stdout, "schemas/app.siogen.yaml:8:21: error[constraint-widened]") {
		t.Errorf("git: unexpected output:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "schemas/extra.siogen.yaml is not in HEAD") {
		t.Errorf("git: no note about the new file: %s", r.stderr)
	}

	// From a subdirectory, old paths are still shown from the repository's top.
	t.Chdir(schemas)
	r = run("breaking", "-against", "HEAD", "app.siogen.yaml")
	if r.code != cli.ExitFail || !strings.Contains(r.stdout, "HEAD:schemas/app.siogen.yaml:15:7: error[event-removed]") {
		t.Errorf("git from a subdirectory: exit %d, output:\n%s%s", r.code, r.stdout, r.stderr)
	}
	t.Chdir(dir)

	r = run("breaking", "-against", old, "schemas/app.siogen.yaml", "schemas/extra.siogen.yaml")
	if r.code != cli.ExitFail {
		t.Fatalf("dir: exit %d, stderr %s", r.code, r.stderr)
	}
	if want := filepath.ToSlash(filepath.Join(old, "schemas/app.siogen.yaml")) + ":15:7: error[event-removed]"; !strings.Contains(r.stdout, want) {
		t.Errorf("dir: output lacks %q:\n%s", want, r.stdout)
	}
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, to, string(b))
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
