package tsgen

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// writer accumulates TypeScript source.
type writer struct {
	b strings.Builder
}

func (w *writer) line(format string, args ...any) {
	if len(args) == 0 {
		w.b.WriteString(format)
	} else {
		fmt.Fprintf(&w.b, format, args...)
	}
	w.b.WriteByte('\n')
}

func (w *writer) blank() { w.b.WriteByte('\n') }

// doc writes a JSDoc comment with the given lines at the given indent;
// empty lines between paragraphs are kept, leading and trailing ones
// dropped. Nothing is written when there is no text.
func (w *writer) doc(indent string, lines ...string) {
	var out []string
	for _, l := range lines {
		for _, s := range strings.Split(strings.TrimRight(l, "\n"), "\n") {
			s = strings.ReplaceAll(strings.TrimRight(s, " \t"), "*/", "*\\/")
			if s == "" && len(out) > 0 && out[len(out)-1] == "" {
				continue // one blank line between paragraphs
			}
			out = append(out, s)
		}
	}
	for len(out) > 0 && out[0] == "" {
		out = out[1:]
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return
	}
	if len(out) == 1 {
		w.line("%s/** %s */", indent, out[0])
		return
	}
	w.line("%s/**", indent)
	for _, l := range out {
		if l == "" {
			w.line("%s *", indent)
		} else {
			w.line("%s * %s", indent, l)
		}
	}
	w.line("%s */", indent)
}

func (w *writer) String() string { return w.b.String() }

var identRE = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// propName returns a property key: the name itself when it is an
// identifier, else a quoted string.
func propName(s string) string {
	if identRE.MatchString(s) {
		return s
	}
	return str(s)
}

// str returns a TypeScript string literal: the JSON string, which
// encoding/json escapes so it is also valid JavaScript.
func str(s string) string {
	b, _ := json.Marshal(s) // a string always encodes
	return string(b)
}
