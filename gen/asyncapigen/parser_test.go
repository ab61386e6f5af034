package asyncapigen_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/siogen/siogen/gen/asyncapigen"
	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/internal/nodetest"
)

// inputs are the contracts exported in the tests: every example contract
// and jsonschemagen's edge cases (tuples, plain acks, nullable, unions).
var inputs = []struct {
	name, dir string
	files     []string
}{
	{"examples", "../../examples/schemas", []string{"chat.siogen.yaml", "notifications.siogen.yaml", "dashboard.siogen.yaml", "bench.siogen.yaml"}},
	{"edge", "../jsonschemagen/testdata/edge/in", []string{"edge.siogen.yaml"}},
}

// TestParser runs the official @asyncapi/parser on every exported
// document (testdata/parse.mjs): it must report no error and no warning,
// and every message example must validate against its payload schema as
// converted for AsyncAPI (ajv, draft 07).
func TestParser(t *testing.T) {
	t.Parallel()
	root := nodetest.Require(t)
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@asyncapi", "parser")); err != nil {
		t.Fatal("@asyncapi/parser is missing; run `npm ci` at the repository root")
	}
	dir := t.TempDir()
	var paths []string
	for _, in := range inputs {
		set := goldentest.Load(t, in.dir, in.files...)
		files, err := asyncapigen.Generate(set, asyncapigen.Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			p := filepath.Join(dir, in.name+"-"+f.Path)
			if err := os.WriteFile(p, f.Content, 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
	}
	p := nodetest.Start(t, "gen/asyncapigen/testdata/parse.mjs", paths...)
	docs := map[string]map[string]any{}
	for _, line := range p.Wait(120 * time.Second) {
		if line["event"] == "doc" {
			docs[filepath.Base(line["file"].(string))] = line
		}
	}
	if len(docs) != len(paths) {
		t.Fatalf("the parser reported %d of %d documents", len(docs), len(paths))
	}
	for name, d := range docs {
		if d["parsed"] != true {
			t.Errorf("%s: not parsed: %v", name, d["diagnostics"])
		}
		for _, diag := range d["diagnostics"].([]any) {
			dm := diag.(map[string]any)
			if s := dm["severity"]; s == "error" || s == "warning" {
				t.Errorf("%s: %s %s at %s: %s", name, s, dm["code"], dm["path"], dm["message"])
			}
		}
		if bad := d["badExamples"].([]any); len(bad) > 0 {
			t.Errorf("%s: examples that do not validate: %v", name, bad)
		}
		if d["examples"].(float64) == 0 {
			t.Errorf("%s: no examples were checked", name)
		}
	}
	chat := docs["examples-chat.asyncapi.json"]
	if chat == nil {
		t.Fatal("no chat document")
	}
	var actions []string
	for _, a := range chat["actions"].([]any) {
		actions = append(actions, a.(string))
	}
	for _, want := range []string{
		"Chat.connect=receive", "Chat.MessageSend=receive", "Chat.MessageNew=send",
		"Chat.Typing.receive=receive", "Chat.Typing.send=send", "Chat.Poll=send",
	} {
		if !slices.Contains(actions, want) {
			t.Errorf("chat: no operation %s in %v", want, actions)
		}
	}
	if got := chat["replies"].(float64); got != 6 {
		t.Errorf("chat: %v operations with a reply, want 6 (one per acknowledged event)", got)
	}
}
