package docgen

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/siogen/siogen/gen/internal/genfile"
	"github.com/siogen/siogen/schema"
)

var (
	//go:embed page.html.tmpl
	pageTemplate string
	//go:embed style.css
	styleCSS string
	//go:embed script.js
	scriptJS string
)

var htmlTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"css": func() template.CSS { return template.CSS(styleCSS) },
	"js":  func() template.JS { return template.JS(scriptJS) },
	"arrow": func(class string) string {
		switch class {
		case "c2s":
			return "→"
		case "s2c":
			return "←"
		}
		return "↔"
	},
	"searchShape": searchShape,
	"isPattern":   func(c string) bool { return strings.HasPrefix(c, "pattern:") },
	"join":        strings.Join,
}).Parse(pageTemplate))

// searchShape returns the words a search should find a payload by: its
// type and field names.
func searchShape(s *shapeView) string {
	if s == nil {
		return ""
	}
	var words []string
	if s.Type != nil {
		words = append(words, s.Type.String())
	}
	for _, f := range s.Fields {
		words = append(words, f.Name, f.Type.String())
	}
	for _, v := range s.Values {
		words = append(words, v.Value)
	}
	for _, v := range s.Variants {
		words = append(words, v.Tag, v.Type.String())
	}
	return strings.Join(words, " ")
}

// Generate returns the reference pages of every schema file of set that
// declares namespaces: P.html, one self-contained page, and P.md, for
// package P, sorted by path. set must have been loaded without error
// diagnostics.
func Generate(set *schema.Set) ([]genfile.File, error) {
	var files []genfile.File
	for _, f := range set.Files {
		if len(f.Namespaces) == 0 {
			continue
		}
		p := build(f)
		var buf bytes.Buffer
		// html/template drops comments, so the marker goes in here.
		buf.WriteString("<!DOCTYPE html>\n<!-- " + genfile.Marker + " -->\n")
		if err := htmlTemplate.Execute(&buf, p); err != nil {
			return nil, fmt.Errorf("failed to render the page of %s: %w", f.Path, err)
		}
		files = append(files,
			genfile.File{Path: f.Package + ".html", Content: tidy(buf.Bytes())},
			genfile.File{Path: f.Package + ".md", Content: markdown(p)},
		)
	}
	genfile.Sort(files)
	return files, nil
}

// tidy drops the blank lines the template's actions leave and ends the
// page with one newline.
func tidy(b []byte) []byte {
	lines := strings.Split(string(b), "\n")
	out := lines[:0]
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimRight(l, " \t"))
		}
	}
	return []byte(strings.Join(out, "\n") + "\n")
}
