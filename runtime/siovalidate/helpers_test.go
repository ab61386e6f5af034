package siovalidate_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/siogen/siogen/gen/jsonschemagen"
	"github.com/siogen/siogen/runtime/siovalidate"
	"github.com/siogen/siogen/schema"
)

const baseID = "https://siogen.dev/test/"

// exampleFiles generates the JSON Schema documents of the example
// contracts in process, so these tests follow the generator.
var exampleFiles = sync.OnceValues(func() (map[string][]byte, error) {
	set, diags := schema.Load(os.DirFS("../../examples/schemas"),
		"chat.siogen.yaml", "notifications.siogen.yaml", "dashboard.siogen.yaml")
	if err := diags.Err(); err != nil {
		return nil, err
	}
	files, err := jsonschemagen.Generate(set, jsonschemagen.Options{BaseID: baseID})
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(files))
	for _, f := range files {
		out[f.Path] = f.Content
	}
	return out, nil
})

func docs(t testing.TB) map[string][]byte {
	t.Helper()
	m, err := exampleFiles()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newValidator(t testing.TB) *siovalidate.Validator {
	t.Helper()
	var all [][]byte
	for _, b := range docs(t) {
		all = append(all, b)
	}
	v, err := siovalidate.New(all...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// writeDocs writes the documents under dir, as siogen generate would.
func writeDocs(t testing.TB, dir string) {
	t.Helper()
	for p, b := range docs(t) {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sample is one payload of testdata/samples.json, shared with the ajv
// cross-check.
type sample struct {
	Name  string          `json:"name"`
	Doc   string          `json:"doc"`
	Data  json.RawMessage `json:"data"`
	Valid bool            `json:"valid"`
	Want  []violation     `json:"want"`
}

type violation struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

func samples(t testing.TB) []sample {
	t.Helper()
	b, err := os.ReadFile("testdata/samples.json")
	if err != nil {
		t.Fatal(err)
	}
	var s []sample
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return s
}
