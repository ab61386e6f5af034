package siovalidate_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestFastPathCoversGenerated requires every generated document to have a
// fast path, and the fast path to vouch for every valid sample: a new
// generator keyword must be taught to fast.go, not silently fall back.
func TestFastPathCoversGenerated(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	for p := range docs(t) {
		if _, covered := v.FastValid(baseID+p, []byte(`null`)); !covered {
			t.Errorf("%s has no fast path", p)
		}
	}
	for _, s := range samples(t) {
		if !s.Valid {
			continue
		}
		if ok, _ := v.FastValid(baseID+s.Doc, s.Data); !ok {
			t.Errorf("%s: the fast path did not vouch for a valid sample", s.Name)
		}
	}
}

// TestFastPathAgrees validates every sample and many variations of it
// against every document, and requires the fast path to vouch for a
// payload exactly when the library finds it valid (or to step aside).
func TestFastPathAgrees(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	ids := v.IDs()
	checked, vouched := 0, 0
	for _, s := range samples(t) {
		// Each sample against every document; its variations against its
		// own document.
		for _, id := range ids {
			checked++
			if agree(t, v, id, s.Data) {
				vouched++
			}
		}
		for _, data := range variations(s.Data) {
			checked++
			if agree(t, v, baseID+s.Doc, data) {
				vouched++
			}
		}
	}
	t.Logf("%d checks, fast path vouched for %d", checked, vouched)
}

// agree reports whether the fast path vouched for data, failing t when it
// vouched for a payload the library rejects, or stepped aside on a valid
// one without a reason the fast path documents.
func agree(t testing.TB, v interface {
	FastValid(string, []byte) (bool, bool)
	SlowValidate(string, []byte) int
}, id string, data []byte) bool {
	t.Helper()
	fast, _ := v.FastValid(id, data)
	slow := v.SlowValidate(id, data)
	if fast && slow != 0 {
		t.Errorf("%s: fast path says valid, library finds %d violations: %s", id, slow, data)
	}
	return fast
}

// FuzzFastPathAgrees: the fast path never vouches for a payload the
// library rejects.
func FuzzFastPathAgrees(f *testing.F) {
	v := newValidator(f)
	ids := v.IDs()
	for _, s := range samples(f) {
		which := uint8(slices.Index(ids, baseID+s.Doc))
		f.Add([]byte(s.Data), which)
		f.Add(escapeAll(s.Data), which)
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		agree(t, v, ids[int(which)%len(ids)], data)
	})
}

// variations returns data and payloads derived from it: every value
// replaced by values of other types and shapes the fast path treats
// carefully, every member dropped, duplicated keys, escapes, whitespace.
func variations(data []byte) [][]byte {
	out := [][]byte{data, []byte(" \n" + string(data) + "\t"), []byte(string(data) + "x")}
	var root any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if dec.Decode(&root) != nil {
		return out
	}
	repl := []any{nil, true, false, "", "x", "A", "é", "\u00e9\u0301", "a\nb", strings.Repeat("x", 300),
		json.Number("0"), json.Number("-0"), json.Number("1"), json.Number("-1"), json.Number("1.0"),
		json.Number("1.5"), json.Number("1e2"), json.Number("16384"), json.Number("16385"),
		json.Number("9223372036854775807"), json.Number("9223372036854775808"), json.Number("1e400"),
		json.Number("1073741824"), json.Number("1073741825"),
		"6f1c2a7e-3b1d-4b8e-9a51-2f3c4d5e6f70", "2024-05-01T12:00:00Z", "https://x.test", "aGVsbG8=",
		[]any{}, []any{"x"}, map[string]any{}, map[string]any{"_placeholder": true, "num": json.Number("0")}}
	var walk func(v any, set func(any))
	add := func() {
		b, err := json.Marshal(root)
		if err == nil {
			out = append(out, b)
			out = append(out, escapeAll(b))
		}
	}
	walk = func(v any, set func(any)) {
		for _, r := range repl {
			set(r)
			add()
		}
		set(v)
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				delete(v, k)
				add()
				v[k] = c
				walk(c, func(n any) { v[k] = n })
			}
			for _, k := range []string{"extra", "ok", "kind", "name"} {
				if _, ok := v[k]; !ok {
					v[k] = "x"
					add()
					delete(v, k)
				}
			}
		case []any:
			for i, c := range v {
				walk(c, func(n any) { v[i] = n })
			}
		}
	}
	walk(root, func(n any) { root = n })
	// Duplicate keys: the library keeps the last one.
	if s := string(data); strings.HasPrefix(s, "{") && len(s) > 2 {
		out = append(out, []byte(`{"room":1,`+s[1:]), []byte(s[:len(s)-1]+`,"room":1}`))
	}
	return out
}

// escapeAll writes every ASCII letter of string values as \u escapes.
func escapeAll(b []byte) []byte {
	var out []byte
	in := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '\\' && in:
			out = append(out, c, b[i+1])
			i++
		case c == '"':
			in = !in
			out = append(out, c)
		case in && (c >= 'a' && c <= 'z'):
			out = append(out, []byte(`\u00`)...)
			out = append(out, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			out = append(out, c)
		}
	}
	return out
}
