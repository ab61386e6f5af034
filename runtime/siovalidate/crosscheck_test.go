package siovalidate_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
)

// TestCrossCheckAjv validates testdata/samples.json with ajv (the 2020-12
// build, formats asserted by ajv-formats, strict mode) against the same
// generated documents, and requires ajv and this package to give the same
// verdict on every sample, and the verdict the sample expects. ajv must
// also compile every document without a strict-mode warning.
func TestCrossCheckAjv(t *testing.T) {
	nodetest.Require(t)
	dir := t.TempDir()
	writeDocs(t, dir)
	samplesPath, err := filepath.Abs("testdata/samples.json")
	if err != nil {
		t.Fatal(err)
	}
	p := nodetest.Start(t, "runtime/siovalidate/testdata/ajv-check.js", dir, baseID, samplesPath)
	compiled := p.Expect("compiled", 60*time.Second)
	if n, _ := compiled["documents"].(float64); int(n) != len(docs(t)) {
		t.Errorf("ajv loaded %v documents, want %d", compiled["documents"], len(docs(t)))
	}
	if w, _ := compiled["warnings"].([]any); len(w) > 0 {
		t.Errorf("ajv strict-mode warnings: %v", w)
	}
	v := newValidator(t)
	byName := map[string]sample{}
	for _, s := range samples(t) {
		byName[s.Name] = s
	}
	seen := 0
	for {
		m := p.Next(30 * time.Second)
		if m["event"] == "done" {
			break
		}
		if m["event"] != "result" {
			continue
		}
		seen++
		name, _ := m["name"].(string)
		s, ok := byName[name]
		if !ok {
			t.Errorf("ajv reported unknown sample %q", name)
			continue
		}
		if e, ok := m["error"]; ok {
			t.Errorf("%s: ajv: %v", name, e)
			continue
		}
		ajvValid, _ := m["valid"].(bool)
		ours := v.Validate(baseID+s.Doc, s.Data)
		if ajvValid != (len(ours) == 0) || ajvValid != s.Valid {
			t.Errorf("%s: ajv valid=%v (%v), siovalidate valid=%v (%v), sample says valid=%v",
				name, ajvValid, m["errors"], len(ours) == 0, ours, s.Valid)
		}
	}
	if seen != len(byName) {
		t.Errorf("ajv checked %d samples, want %d", seen, len(byName))
	}
}
