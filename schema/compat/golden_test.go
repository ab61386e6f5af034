package compat_test

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/siogen/siogen/schema"
	"github.com/siogen/siogen/schema/compat"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// goldenCase is one directory of testdata: old.siogen.yaml, its new
// version new.siogen.yaml, optionally an "order" file naming the deploy
// order to check (both by default), and want.golden, the changes Compare
// reports. Cases are named RULE or RULE.VARIANT after the rule they show;
// "compatible" shows changes that break nothing.
func goldenCases(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

func compare(t *testing.T, dir string) []compat.Change {
	t.Helper()
	fsys := os.DirFS(dir)
	old, diags := schema.Load(fsys, "old.siogen.yaml")
	if diags.HasErrors() {
		t.Fatalf("old: %s", diags)
	}
	new, diags := schema.Load(fsys, "new.siogen.yaml")
	if diags.HasErrors() {
		t.Fatalf("new: %s", diags)
	}
	opts := &compat.Options{}
	if b, err := os.ReadFile(filepath.Join(dir, "order")); err == nil {
		o, err := compat.ParseOrder(strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatal(err)
		}
		opts.Orders = o
	}
	return compat.Compare(old, new, opts)
}

// TestGolden compares each case's changes with its want.golden. Run
// "go test ./schema/compat -update" to rewrite the goldens.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, name := range goldenCases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", name)
			var b strings.Builder
			for _, c := range compare(t, dir) {
				b.WriteString(c.String())
				b.WriteByte('\n')
			}
			got := b.String()
			golden := filepath.Join(dir, "want.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing golden file (run with -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("changes differ from %s (run with -update to accept)\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
}

// TestEveryRuleHasGolden makes sure each rule is shown by a case named
// after it, that the case reports it, and that each rule is documented.
func TestEveryRuleHasGolden(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, name := range goldenCases(t) {
		rule, _, _ := strings.Cut(name, ".")
		if rule == "compatible" {
			if changes := compare(t, filepath.Join("testdata", name)); len(changes) > 0 {
				t.Errorf("case %s reports %v, want nothing", name, changes)
			}
			continue
		}
		seen[rule] = true
		data, err := os.ReadFile(filepath.Join("testdata", name, "want.golden"))
		if err != nil {
			continue // reported by TestGolden
		}
		if !strings.Contains(string(data), "["+rule+"]") {
			t.Errorf("case %s does not show rule %s", name, rule)
		}
	}
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	var rules []string
	for _, r := range compat.Rules() {
		if !strings.Contains(string(doc), "//   - "+string(r.Rule)+": ") {
			t.Errorf("rule %s is not listed in doc.go", r.Rule)
		}
		rules = append(rules, string(r.Rule))
		if !seen[string(r.Rule)] {
			t.Errorf("no case testdata/%s[.VARIANT] for rule %s", r.Rule, r.Rule)
		}
		if r.Doc == "" {
			t.Errorf("rule %s has no documentation", r.Rule)
		}
	}
	for rule := range seen {
		if !slices.Contains(rules, rule) {
			t.Errorf("case %s is not named after a rule", rule)
		}
	}
}
