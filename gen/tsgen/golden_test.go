package tsgen_test

import (
	"flag"
	"testing"

	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/gen/tsgen"
)

var update = flag.Bool("update", false, "rewrite the golden trees in testdata")

// TestGolden generates the modules of the example contracts and of the
// edge-case schemas shared with jsonschemagen, and compares them with
// testdata/*/out. Run "go test ./gen/tsgen -run Golden -update" to
// rewrite them.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			set := goldentest.Load(t, c.dir, c.inputs...)
			files, err := tsgen.Generate(set)
			if err != nil {
				t.Fatal(err)
			}
			goldentest.Check(t, "testdata/"+c.name+"/out", files, *update)
		})
	}
}

var goldenCases = []struct {
	name, dir string
	inputs    []string
}{
	{"examples", "../../examples/schemas", []string{"chat.siogen.yaml", "notifications.siogen.yaml", "dashboard.siogen.yaml"}},
	{"edge", "../jsonschemagen/testdata/edge/in", []string{"edge.siogen.yaml"}},
}
