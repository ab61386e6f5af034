package docgen_test

import (
	"flag"
	"testing"

	"github.com/siogen/siogen/gen/docgen"
	"github.com/siogen/siogen/gen/internal/goldentest"
)

var update = flag.Bool("update", false, "rewrite the golden trees in testdata")

// TestGolden compares the pages of jsonschemagen's edge cases (tuples,
// plain acks, unions, nullable and deprecated fields) with testdata/edge;
// the examples' pages are in examples/generated/docs, under the drift
// test. Run "go test ./gen/docgen -run Golden -update" to rewrite them.
func TestGolden(t *testing.T) {
	t.Parallel()
	set := goldentest.Load(t, "../jsonschemagen/testdata/edge/in", "edge.siogen.yaml")
	files, err := docgen.Generate(set)
	if err != nil {
		t.Fatal(err)
	}
	goldentest.Check(t, "testdata/edge", files, *update)
}
