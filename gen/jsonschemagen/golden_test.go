package jsonschemagen_test

import (
	"flag"
	"testing"

	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/gen/jsonschemagen"
)

var update = flag.Bool("update", false, "rewrite the golden trees in testdata")

// TestGolden generates the documents of the example contracts and of
// testdata/edge/in and compares them with testdata/*/out. Run
// "go test ./gen/jsonschemagen -run Golden -update" to rewrite them.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, c := range goldenInputs {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			set := goldentest.Load(t, c.dir, c.inputs...)
			files, err := jsonschemagen.Generate(set, jsonschemagen.Options{BaseID: "https://siogen.dev/schemas/"})
			if err != nil {
				t.Fatal(err)
			}
			goldentest.Check(t, "testdata/"+c.name+"/out", files, *update)
		})
	}
}

// goldenInputs are the schema sets the golden tests generate from.
var goldenInputs = []struct {
	name, dir string
	inputs    []string
}{
	{"examples", "../../examples/schemas", []string{"chat.siogen.yaml", "notifications.siogen.yaml", "dashboard.siogen.yaml"}},
	{"edge", "testdata/edge/in", []string{"edge.siogen.yaml"}},
}
