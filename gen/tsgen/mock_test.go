package tsgen_test

import (
	"testing"

	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/gen/tsgen"
)

// TestMockGolden compares the mocks of the example contracts with
// testdata/mock/out (go test ./gen/tsgen -run MockGolden -update rewrites
// them). examples/chat's TestFrontendUnit runs a front end's tests through
// them.
func TestMockGolden(t *testing.T) {
	t.Parallel()
	set := goldentest.Load(t, "../../examples/schemas", "chat.siogen.yaml", "notifications.siogen.yaml")
	goldentest.Check(t, "testdata/mock/out", tsgen.GenerateMocks(set), *update)
}
