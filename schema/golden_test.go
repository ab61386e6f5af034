package schema_test

import (
	"flag"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/siogen/siogen/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const diagDir = "testdata/diag"

// diagCase is one golden diagnostics case: a schema file
// testdata/diag/NAME.siogen.yaml, or a directory testdata/diag/NAME/ whose
// main.siogen.yaml is loaded; the expected diagnostics are in NAME.golden.
type diagCase struct {
	name  string
	input string // path inside diagDir
}

func diagCases(t *testing.T) []diagCase {
	t.Helper()
	entries, err := os.ReadDir(diagDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []diagCase
	for _, e := range entries {
		switch {
		case e.IsDir():
			cases = append(cases, diagCase{name: e.Name(), input: path.Join(e.Name(), "main.siogen.yaml")})
		case strings.HasSuffix(e.Name(), ".siogen.yaml"):
			cases = append(cases, diagCase{name: strings.TrimSuffix(e.Name(), ".siogen.yaml"), input: e.Name()})
		}
	}
	return cases
}

// TestDiagnosticsGolden loads each bad schema under testdata/diag and
// compares its diagnostics with the golden file next to it. Run
// "go test ./schema -run Golden -update" to rewrite the goldens.
func TestDiagnosticsGolden(t *testing.T) {
	t.Parallel()
	fsys := os.DirFS(diagDir)
	for _, c := range diagCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, diags := schema.Load(fsys, c.input)
			got := diags.String()
			golden := filepath.Join(diagDir, c.name+".golden")
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
				t.Errorf("diagnostics differ from %s (run with -update to accept)\n--- got\n%s--- want\n%s", golden, got, want)
			}
			if len(diags) == 0 {
				t.Errorf("case %s reports nothing; every diag case must show a problem", c.name)
			}
		})
	}
}

// TestEveryCodeHasGolden makes sure each diagnostic code is shown by at
// least one golden case named after it, and that each golden shows its own
// code.
func TestEveryCodeHasGolden(t *testing.T) {
	t.Parallel()
	cases := diagCases(t)
	seen := make(map[string]bool)
	for _, c := range cases {
		data, err := os.ReadFile(filepath.Join(diagDir, c.name+".golden"))
		if err != nil {
			continue // reported by TestDiagnosticsGolden
		}
		code, _, _ := strings.Cut(c.name, ".")
		if !strings.Contains(string(data), "["+code+"]") {
			t.Errorf("golden %s does not show code %s", c.name, code)
		}
		seen[code] = true
	}
	for _, code := range schema.Codes() {
		if code == schema.CodeIO {
			continue // covered by TestLoadMissingFile: no file under testdata can be missing
		}
		if !seen[string(code)] {
			t.Errorf("no golden case testdata/diag/%s[.NAME].siogen.yaml for code %s", code, code)
		}
	}
	// Cases must be named after a code.
	for _, c := range cases {
		code, _, _ := strings.Cut(c.name, ".")
		if !slices.Contains(schema.Codes(), schema.Code(code)) {
			t.Errorf("case %s is not named CODE or CODE.VARIANT", c.name)
		}
	}
}
