package docgen

import (
	"fmt"
	"strings"

	"github.com/siogen/siogen/gen/internal/genfile"
)

// markdown renders p for repositories that show Markdown: the same
// sections as the page, with tables, links to the same anchors (as HTML
// anchors, since Markdown renderers name headings differently) and
// examples as JSON code blocks.
func markdown(p *page) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("<!-- %s -->\n\n# %s\n\n", genfile.Marker, p.Title)
	if p.Description != "" {
		w("%s\n\n", p.Description)
	}
	w("Package `%s`", p.Package)
	if p.Version != "" {
		w(", version `%s`", p.Version)
	}
	w(". Acks use the envelope `{\"ok\":true,\"data\":…}` or `{\"ok\":false,\"error\":{\"code\",\"name\",\"message\",\"details\"}}` unless marked plain.\n\n")

	w("## Contents\n\n")
	for _, ns := range p.Namespaces {
		w("- [Namespace `%s`](#%s)\n", ns.Path, ns.Anchor)
		for _, g := range ns.Groups {
			for _, ev := range g.Events {
				w("  - [`%s`](#%s) %s%s\n", ev.Name, ev.Anchor, ev.Direction, mdDep(ev.dep))
			}
		}
	}
	if len(p.Types) > 0 {
		w("- [Types](#types)\n")
	}
	for _, iv := range p.Imported {
		w("- [Types from `%s`](#types-%s)\n", iv.Package, iv.Package)
	}
	if len(p.Errors) > 0 {
		w("- [Errors](#errors)\n")
	}
	w("\n")

	for _, ns := range p.Namespaces {
		w("<a id=\"%s\"></a>\n\n## Namespace `%s`%s\n\n", ns.Anchor, ns.Path, mdDep(ns.dep))
		if ns.Description != "" {
			w("%s\n\n", ns.Description)
		}
		if len(ns.Limits) > 0 || ns.Disconnect != "" {
			w("**Limits** of every event a client sends, unless the event says otherwise:")
			if len(ns.Limits) > 0 {
				w(" %s.", strings.Join(ns.Limits, "; "))
			}
			if ns.Disconnect != "" {
				w(" %s", ns.Disconnect)
			}
			w("\n\n")
		}
		if ns.Auth != nil {
			w("### Auth (CONNECT)\n\nSent in the CONNECT packet: `io(\"%s\", { auth })`; the server validates it and answers CONNECT, or CONNECT_ERROR whose `data` is an error object with code `invalid_argument` listing the violations as `details`.\n\n", ns.Path)
			mdShape(&b, ns.Auth)
			mdExample(&b, "Example", ns.AuthExample)
		}
		for _, g := range ns.Groups {
			w("### %s\n\n", g.Title)
			for _, ev := range g.Events {
				w("<a id=\"%s\"></a>\n\n#### `%s`%s\n\n", ev.Anchor, ev.Name, mdDep(ev.dep))
				facts := []string{ev.Direction}
				if ev.Acked {
					facts = append(facts, "acknowledged ("+ev.AckStyle+")")
				}
				if ev.Timeout != "" {
					facts = append(facts, "timeout "+ev.Timeout)
				}
				w("*%s*\n\n", strings.Join(facts, " · "))
				if ev.Deprecated {
					w("> **Deprecated.** %s\n\n", ev.Note)
				}
				if ev.Description != "" {
					w("%s\n\n", ev.Description)
				}
				mdEdge(&b, ev)
				if ev.Payload != nil {
					w("**Payload**\n\n")
					mdShape(&b, ev.Payload)
					mdExample(&b, "Example payload", ev.PayloadExample)
				} else {
					w("No payload.\n\n")
				}
				if ev.Acked {
					w("**Ack**, answered by the %s\n\n", map[bool]string{true: "server", false: "client"}[ev.From == "client"])
					if ev.Ack != nil {
						mdShape(&b, ev.Ack)
					} else {
						w("Acknowledged without data.\n\n")
					}
					mdExample(&b, "Example ack", ev.AckExample)
					if len(ev.Errors) > 0 {
						w("Errors:\n\n")
						for _, e := range ev.Errors {
							w("- [`%s`](#%s) `%s`", e.Name, e.Anchor, e.Code)
							if e.Description != "" {
								w(": %s", e.Description)
							}
							w("%s\n", mdDep(e.dep))
						}
						w("\n")
					}
				}
			}
		}
	}
	mdTypes := func(title, anchor string, types []*typeView) {
		w("<a id=\"%s\"></a>\n\n## %s\n\n", anchor, title)
		for _, t := range types {
			w("<a id=\"%s\"></a>\n\n### %s\n\n*%s*%s\n\n", t.Anchor, t.Name, t.Kind, mdDep(t.dep))
			if t.Description != "" {
				w("%s\n\n", t.Description)
			}
			mdShape(&b, t.Shape)
			mdExample(&b, "Example", t.Example)
		}
	}
	if len(p.Types) > 0 {
		mdTypes("Types", "types", p.Types)
	}
	for _, iv := range p.Imported {
		mdTypes("Types from `"+iv.Package+"`", "types-"+iv.Package, iv.Types)
	}
	if len(p.Errors) > 0 {
		w("<a id=\"errors\"></a>\n\n## Errors\n\nReturned in envelope acks as `{\"ok\":false,\"error\":{\"code\",\"name\",\"message\",\"details\"}}`. The runtime also answers `invalid_argument`, `internal`, `timeout` and `unimplemented` (an event the contract does not declare).\n\n")
		for _, e := range p.Errors {
			w("<a id=\"%s\"></a>\n\n### %s\n\nCode `%s`%s\n\n", e.Anchor, e.Name, e.Code, mdDep(e.dep))
			if e.Description != "" {
				w("%s\n\n", e.Description)
			}
			if e.Details != nil {
				w("Details:\n\n")
				mdShape(&b, e.Details)
			}
			mdExample(&b, "Example", e.Example)
		}
	}
	return []byte(strings.TrimRight(b.String(), "\n") + "\n")
}

func mdDep(d dep) string {
	if !d.Deprecated {
		return ""
	}
	if d.Note != "" {
		return " **(deprecated: " + d.Note + ")**"
	}
	return " **(deprecated)**"
}

func mdRef(r *typeRef) string {
	var b strings.Builder
	for _, p := range r.Parts {
		text := strings.NewReplacer("<", "\\<", ">", "\\>").Replace(p.Text)
		if p.Href != "" {
			fmt.Fprintf(&b, "[%s](%s)", text, p.Href)
		} else {
			b.WriteString(text)
		}
	}
	return b.String()
}

// mdCell escapes a table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", "\\|", "\n", " ").Replace(s)
}

func mdShape(b *strings.Builder, s *shapeView) {
	if s.Type != nil {
		fmt.Fprintf(b, "Type %s\n\n", mdRef(s.Type))
	}
	switch s.Kind {
	case "object", "args":
		if len(s.Fields) == 0 {
			b.WriteString("An empty object.\n\n")
			return
		}
		head := "Field"
		if s.Kind == "args" {
			head = "Argument"
		}
		fmt.Fprintf(b, "| %s | Type | Constraints | Presence | Description |\n| --- | --- | --- | --- | --- |\n", head)
		for _, f := range s.Fields {
			presence := "required"
			if f.Optional {
				presence = "optional"
			}
			if f.Nullable {
				presence += ", nullable"
			}
			if f.Default != "" {
				presence += ", default `" + f.Default + "`"
			}
			cons := make([]string, len(f.Constraints))
			for i, c := range f.Constraints {
				cons[i] = "`" + c + "`"
			}
			name := "`" + f.Name + "`"
			if f.Deprecated {
				name = "~~" + name + "~~" + mdDep(f.dep)
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", name, mdCell(mdRef(f.Type)), mdCell(strings.Join(cons, " ")), presence, mdCell(f.Description))
		}
		b.WriteString("\n")
	case "enum":
		for _, v := range s.Values {
			fmt.Fprintf(b, "- `%q`", v.Value)
			if v.Description != "" {
				fmt.Fprintf(b, ": %s", v.Description)
			}
			fmt.Fprintf(b, "%s\n", mdDep(v.dep))
		}
		b.WriteString("\n")
	case "union":
		fmt.Fprintf(b, "One of these objects, told apart by `%s`:\n\n", s.Discr)
		for _, v := range s.Variants {
			fmt.Fprintf(b, "- `%s: %q` → %s\n", s.Discr, v.Tag, mdRef(v.Type))
		}
		b.WriteString("\n")
	default:
		if s.Value != nil {
			fmt.Fprintf(b, "%s", mdRef(s.Value.Type))
			for _, c := range s.Value.Constraints {
				fmt.Fprintf(b, " `%s`", c)
			}
			b.WriteString("\n\n")
		}
	}
}

func mdExample(b *strings.Builder, label, ex string) {
	if ex == "" {
		return
	}
	fmt.Fprintf(b, "%s:\n\n```json\n%s\n```\n\n", label, ex)
}

// mdEdge writes an event's limits and back-pressure.
func mdEdge(b *strings.Builder, ev *eventView) {
	if len(ev.Limits) > 0 {
		fmt.Fprintf(b, "**Limits:** %s. %s", strings.Join(ev.Limits, "; "), ev.Refusal)
		if strings.Contains(ev.Refusal, "resource_exhausted") {
			b.WriteString(" Its details: `limit` (`rate`, `payload` or `pending_acks`), `max`, and for a rate `retry_after_ms`.")
		}
		b.WriteString("\n\n")
	}
	if ev.Policy != "" {
		fmt.Fprintf(b, "**Back-pressure:** %s.\n\n", ev.Policy)
	}
}
