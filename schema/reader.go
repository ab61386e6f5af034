package schema

import (
	"math"

	"gopkg.in/yaml.v3"
)

// reader interprets YAML nodes of one file, reporting problems to d.
// It is shared by the schema parser and the config loader.
type reader struct {
	d    *diags
	file string
}

func (r *reader) pos(n *yaml.Node) Pos {
	if n == nil {
		return Pos{File: r.file, Line: 1, Col: 1}
	}
	return Pos{File: r.file, Line: n.Line, Col: n.Column}
}

func (r *reader) errorf(n *yaml.Node, code Code, format string, args ...any) {
	r.d.errorf(r.pos(n), code, format, args...)
}

func (r *reader) warnf(n *yaml.Node, code Code, format string, args ...any) {
	r.d.warnf(r.pos(n), code, format, args...)
}

func (r *reader) wrongKind(n *yaml.Node, what, want string) {
	r.errorf(n, CodeWrongKind, "%s must be %s, found %s", what, want, kindName(n))
}

// entries returns the pairs of a mapping in order (null counts as an empty
// mapping), reporting a node that is not a mapping, keys that are not scalars, and duplicate keys (the
// later occurrence is dropped).
func (r *reader) entries(n *yaml.Node, what string) ([]entry, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, true // "events:" with nothing under it: an empty mapping
	}
	if n.Kind != yaml.MappingNode {
		r.wrongKind(n, what, "a mapping")
		return nil, false
	}
	out := make([]entry, 0, len(n.Content)/2)
	seen := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!null" {
			r.errorf(k, CodeWrongKind, "keys in %s must be strings, found %s", what, kindName(k))
			continue
		}
		if prev, dup := seen[k.Value]; dup {
			r.errorf(k, CodeDuplicateKey, "duplicate key %q in %s (first at %s)", k.Value, what, r.pos(prev))
			continue
		}
		seen[k.Value] = k
		out = append(out, entry{key: k, val: v})
	}
	return out, true
}

// object reads a mapping whose keys must be among known, reporting the
// others as unknown.
func (r *reader) object(n *yaml.Node, what string, known ...string) (obj, bool) {
	es, ok := r.entries(n, what)
	if !ok {
		return obj{}, false
	}
	o := obj{m: make(map[string]entry, len(es))}
	for _, e := range es {
		if !contains(known, e.key.Value) {
			r.errorf(e.key, CodeUnknownKey, "unknown key %q in %s%s", e.key.Value, what, didYouMean(e.key.Value, known))
			continue
		}
		o.m[e.key.Value] = e
	}
	return o, true
}

// require reports a missing required key of o, read from node n.
func (r *reader) require(o obj, n *yaml.Node, what string, keys ...string) bool {
	ok := true
	for _, k := range keys {
		if !o.has(k) {
			r.errorf(n, CodeMissingKey, "%s needs key %q", what, k)
			ok = false
		}
	}
	return ok
}

// exclusive reports when more than one of keys is present in o and
// returns the first present key ("" when none).
func (r *reader) exclusive(o obj, what string, keys ...string) string {
	first := ""
	for _, k := range keys {
		if !o.has(k) {
			continue
		}
		if first == "" {
			first = k
			continue
		}
		r.errorf(o.keyNode(k), CodeConflict, "%s cannot have both %q and %q", what, first, k)
	}
	return first
}

// str reads a scalar that must be a YAML string.
func (r *reader) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		hint := ""
		if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
			hint = " (quote it to make it a string)"
		}
		r.errorf(n, CodeWrongKind, "%s must be a string, found %s%s", what, kindName(n), hint)
		return "", false
	}
	return n.Value, true
}

// text reads free text: any non-null scalar, taken as written.
func (r *reader) text(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.wrongKind(n, what, "a string")
		return "", false
	}
	return n.Value, true
}

// boolean reads a YAML boolean.
func (r *reader) boolean(n *yaml.Node, what string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		r.wrongKind(n, what, "true or false")
		return false, false
	}
	var v bool
	if err := n.Decode(&v); err != nil {
		r.wrongKind(n, what, "true or false")
		return false, false
	}
	return v, true
}

// integer reads a YAML integer that fits in an int64.
func (r *reader) integer(n *yaml.Node, what string) (int64, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		r.wrongKind(n, what, "an integer")
		return 0, false
	}
	var v int64
	if err := n.Decode(&v); err != nil {
		r.errorf(n, CodeBadConstraint, "%s: %s does not fit in a 64-bit integer", what, n.Value)
		return 0, false
	}
	return v, true
}

// number reads a finite YAML integer or float.
func (r *reader) number(n *yaml.Node, what string) (*Number, bool) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		r.wrongKind(n, what, "a number")
		return nil, false
	}
	num := &Number{Text: n.Value}
	if n.Tag == "!!int" {
		v, ok := r.integer(n, what)
		if !ok {
			return nil, false
		}
		num.IsInt, num.Int, num.Float64 = true, v, float64(v)
		return num, true
	}
	var f float64
	if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		r.errorf(n, CodeBadConstraint, "%s must be a finite number, found %s", what, n.Value)
		return nil, false
	}
	num.Float64 = f
	return num, true
}

// deprecation reads "deprecated: true|false|<text>".
func (r *reader) deprecation(n *yaml.Node) Deprecation {
	if n == nil {
		return Deprecation{}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		v, _ := r.boolean(n, "deprecated")
		return Deprecation{Deprecated: v}
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		return Deprecation{Deprecated: true, DeprecationNote: n.Value}
	}
	r.wrongKind(n, "deprecated", "true, false or a note")
	return Deprecation{}
}

// scalarValue converts a scalar node to a Go value for defaults.
func scalarValue(n *yaml.Node) (any, bool) {
	if n.Kind != yaml.ScalarNode {
		return nil, false
	}
	switch n.Tag {
	case "!!str", "!!timestamp":
		return n.Value, true
	case "!!null":
		return nil, true
	case "!!bool":
		var v bool
		if err := n.Decode(&v); err != nil {
			return nil, false
		}
		return v, true
	case "!!int":
		var v int64
		if err := n.Decode(&v); err != nil {
			return nil, false
		}
		return v, true
	case "!!float":
		var v float64
		if err := n.Decode(&v); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false
		}
		return v, true
	}
	return nil, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
