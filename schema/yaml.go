package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Default limits of a zero [Loader].
const (
	// DefaultMaxFileSize is the default largest file, in bytes (4 MiB).
	DefaultMaxFileSize = 4 << 20
	// DefaultMaxNodes is the default largest number of YAML nodes per file.
	DefaultMaxNodes = 200_000
	// DefaultMaxDepth is the default deepest YAML nesting per file.
	DefaultMaxDepth = 64
	// DefaultMaxFiles is the default largest number of files per set.
	DefaultMaxFiles = 256
)

// maxSuggestCandidates bounds the "did you mean" search, which costs an
// edit distance per candidate.
const maxSuggestCandidates = 1000

// maxTypeExprDepth bounds nesting inside one type expression
// (list<list<...>>) and of inline definitions.
const maxTypeExprDepth = 32

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML decodes data into its root node, enforcing the limits. It
// reports problems to d and returns nil when the file cannot be used.
func parseYAML(d *diags, file string, data []byte, lim limits) (root *yaml.Node) {
	filePos := Pos{File: file, Line: 1, Col: 1}
	if int64(len(data)) > lim.maxFileSize {
		d.errorf(filePos, CodeLimit, "file is %d bytes, larger than the limit of %d bytes", len(data), lim.maxFileSize)
		return nil
	}
	defer func() {
		// yaml.v3 has panicked on malformed input in the past; a schema
		// file must never crash siogen.
		if r := recover(); r != nil {
			d.errorf(filePos, CodeSyntax, "YAML parser failed: %v", r)
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			d.errorf(filePos, CodeWrongKind, "file is empty: expected a mapping starting with %q", firstKeyHint(file))
			return nil
		}
		reportYAMLError(d, file, err)
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		pos := filePos
		if err == nil {
			pos = Pos{File: file, Line: extra.Line, Col: extra.Column}
		}
		d.errorf(pos, CodeSyntax, "file holds more than one YAML document; a schema file is a single document")
		return nil
	}
	if len(doc.Content) == 0 {
		d.errorf(filePos, CodeWrongKind, "file is empty: expected a mapping starting with %q", firstKeyHint(file))
		return nil
	}
	w := walker{d: d, file: file, lim: lim}
	w.walk(doc.Content[0], 1)
	if w.failed {
		return nil
	}
	return doc.Content[0]
}

func firstKeyHint(file string) string {
	if strings.HasSuffix(file, "siogen.yaml") && !strings.HasSuffix(file, ".siogen.yaml") {
		return "version: 1"
	}
	return "siogen: 1"
}

func reportYAMLError(d *diags, file string, err error) {
	msg := err.Error()
	line := 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		if n, convErr := strconv.Atoi(m[1]); convErr == nil {
			line = n
		}
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	code := CodeSyntax
	if strings.Contains(msg, "exceeded max depth") {
		code = CodeLimit
	}
	d.errorf(Pos{File: file, Line: line, Col: 1}, code, "%s", msg)
}

type limits struct {
	maxFileSize int64
	maxNodes    int
	maxDepth    int
	maxFiles    int
}

// walker checks a decoded tree before it is interpreted: node count,
// depth, and the YAML features siogen rejects (anchors, aliases, merge
// keys).
type walker struct {
	d      *diags
	file   string
	lim    limits
	nodes  int
	failed bool
}

func (w *walker) walk(n *yaml.Node, depth int) {
	if w.failed {
		return
	}
	w.nodes++
	pos := Pos{File: w.file, Line: n.Line, Col: n.Column}
	if w.nodes > w.lim.maxNodes {
		w.d.errorf(pos, CodeLimit, "file has more than %d YAML nodes", w.lim.maxNodes)
		w.failed = true
		return
	}
	if depth > w.lim.maxDepth {
		w.d.errorf(pos, CodeLimit, "nesting deeper than %d levels", w.lim.maxDepth)
		w.failed = true
		return
	}
	switch {
	case n.Kind == yaml.AliasNode:
		w.d.errorf(pos, CodeYAMLAlias, "YAML aliases (*%s) are not supported; repeat the content or declare a named type", n.Value)
		w.failed = true
		return
	case n.Anchor != "":
		w.d.errorf(pos, CodeYAMLAlias, "YAML anchors (&%s) are not supported; declare a named type and reference it", n.Anchor)
		w.failed = true
		return
	case n.Kind == yaml.ScalarNode && n.Tag == "!!merge":
		w.d.errorf(pos, CodeYAMLAlias, "YAML merge keys (<<) are not supported")
		w.failed = true
		return
	}
	for _, c := range n.Content {
		w.walk(c, depth+1)
	}
}

// kindName describes a node for messages: "a mapping", "an integer"...
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!str":
			return "a string"
		case "!!int":
			return "an integer"
		case "!!float":
			return "a number"
		case "!!bool":
			return "a boolean"
		case "!!null":
			return "null"
		case "!!timestamp":
			return "a timestamp"
		}
		return fmt.Sprintf("a value tagged %s", n.Tag)
	}
	return "nothing"
}

// entry is one key/value pair of a mapping.
type entry struct {
	key, val *yaml.Node
}

// obj is a mapping read by [nodeReader.object]: its known keys.
type obj struct {
	m map[string]entry
}

func (o obj) has(key string) bool { _, ok := o.m[key]; return ok }

// get returns the value node of key, or nil.
func (o obj) get(key string) *yaml.Node { return o.m[key].val }

// keyNode returns the key node of key, or nil.
func (o obj) keyNode(key string) *yaml.Node { return o.m[key].key }

// suggest returns the candidate closest to s, or "" when none is close.
func suggest(s string, candidates []string) string {
	best, bestDist := "", len(s)/3+2
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(s), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean formats a suggestion as "; did you mean X?", or "".
func didYouMean(s string, candidates []string) string {
	if len(s) > 64 || len(candidates) > maxSuggestCandidates {
		return ""
	}
	if c := suggest(s, candidates); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
