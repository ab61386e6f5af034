package asyncapigen_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/siogen/siogen/gen/asyncapigen"
	"github.com/siogen/siogen/gen/internal/goldentest"
)

// TestEdgeExtensions checks the edge policies of the contract contract in
// its document: the namespace's default limits on the channel, each
// client event's limits on its receive operation, each server event's
// back-pressure on its send operation, and nothing on the other side.
func TestEdgeExtensions(t *testing.T) {
	t.Parallel()
	set := goldentest.Load(t, "../../examples/schemas", "contract.siogen.yaml")
	files, err := asyncapigen.Generate(set, asyncapigen.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Channels   map[string]map[string]any `json:"channels"`
		Operations map[string]map[string]any `json:"operations"`
	}
	for _, f := range files {
		if f.Path == "contract.asyncapi.json" {
			if err := json.Unmarshal(f.Content, &doc); err != nil {
				t.Fatal(err)
			}
		}
	}
	if doc.Channels == nil {
		t.Fatalf("no contract.asyncapi.json among %d files", len(files))
	}
	wantChannel := map[string]any{
		"rate": "1000/s", "rate_per_second": 1000.0, "burst": 2000.0, "max_payload": 1048576.0,
		"max_pending_acks": 64.0, "disconnect_after": "1000/m",
	}
	if got := doc.Channels["Contract"]["x-siogen-limits"]; !reflect.DeepEqual(got, wantChannel) {
		t.Errorf("channel x-siogen-limits = %v, want %v", got, wantChannel)
	}
	for op, want := range map[string]map[string]any{
		"Contract.Settle":       {"rate": "500/2s", "rate_per_second": 250.0, "burst": 500.0, "max_payload": 65536.0, "refused_with": "resource_exhausted"},
		"Contract.Tree.receive": {"max_payload": 1048576.0, "refused_with": "drop"},
	} {
		if got := doc.Operations[op]["x-siogen-limits"]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s x-siogen-limits = %v, want %v", op, got, want)
		}
	}
	for op, want := range map[string]map[string]any{
		"Contract.Push":      {"mode": "latest", "key": "i64"},
		"Contract.Moved":     {"mode": "latest", "key": "entity.id"},
		"Contract.Tree.send": {"mode": "volatile"},
		"Contract.Log":       {"mode": "queue", "max": 1000.0},
	} {
		got, _ := doc.Operations[op]["x-siogen-backpressure"].(map[string]any)
		delete(got, "description")
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s x-siogen-backpressure = %v, want %v", op, got, want)
		}
	}
	for _, op := range []string{"Contract.Tree.receive", "Contract.Check"} {
		if _, ok := doc.Operations[op]["x-siogen-backpressure"]; ok {
			t.Errorf("%s, which the server receives, has a back-pressure", op)
		}
	}
	if _, ok := doc.Operations["Contract.Tree.send"]["x-siogen-limits"]; ok {
		t.Errorf("Contract.Tree.send, which the server sends, has limits")
	}
}
