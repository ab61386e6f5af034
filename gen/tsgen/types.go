package tsgen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/siogen/siogen/schema"
)

// maxSafeInteger is Number.MAX_SAFE_INTEGER, 2^53-1.
const maxSafeInteger = 1<<53 - 1

// typeExpr returns the TypeScript type of a use site.
func (g *fileGen) typeExpr(t *schema.Type) string {
	switch t.Kind {
	case schema.KindRef:
		return g.declName(t.Target)
	case schema.KindString, schema.KindTimestamp:
		return "string"
	case schema.KindInt32, schema.KindInt64, schema.KindNumber:
		return "number"
	case schema.KindBoolean:
		return "boolean"
	case schema.KindBytes:
		return g.rt("Bytes")
	case schema.KindList:
		return g.typeExpr(t.Elem) + "[]"
	case schema.KindMap:
		return "Record<string, " + g.typeExpr(t.Elem) + ">"
	case schema.KindEnum, schema.KindObject, schema.KindUnion:
		return g.declName(t)
	}
	return "unknown"
}

// declName returns the name of a declaration as this file sees it,
// qualified with the import alias when it lives in another file.
func (g *fileGen) declName(t *schema.Type) string {
	if t == nil {
		return "unknown"
	}
	return g.qualify(t.File, t.TSName)
}

func (g *fileGen) qualify(f *schema.File, name string) string {
	if f == nil || f == g.file {
		if g.locals != nil {
			g.locals[name] = true
		}
		return name
	}
	alias := importAlias(g.file, f)
	g.imports[alias] = f.Package
	return alias + "." + name
}

// importAlias returns the name under which file imports f: the alias of its
// import, or f's package name.
func importAlias(file, f *schema.File) string {
	for _, im := range file.Imports {
		if im.File == f {
			return im.Alias
		}
	}
	return f.Package
}

// rt returns a name from the shared siogen.types module.
func (g *fileGen) rt(name string) string {
	g.usesRuntime = true
	return "$siogen." + name
}

// decl writes the declaration of a named type.
func (g *fileGen) decl(t *schema.Type) {
	w := g.w
	docs := []string{t.Description}
	docs = append(docs, constraintDoc(t)...)
	docs = append(docs, deprecatedDoc(t.Deprecation)...)
	switch t.Kind {
	case schema.KindEnum:
		values := make([]string, len(t.Values))
		for i, v := range t.Values {
			values[i] = str(v.Value)
		}
		w.doc("", docs...)
		w.line("export type %s = %s;", t.TSName, strings.Join(values, " | "))
		w.doc("", fmt.Sprintf("The values of {@link %s} by name.", t.TSName))
		w.line("export const %s = {", t.TSName)
		for _, v := range t.Values {
			w.doc("  ", append([]string{v.Description}, deprecatedDoc(v.Deprecation)...)...)
			w.line("  %s: %s,", propName(v.TSName), str(v.Value))
		}
		w.line("} as const;")
	case schema.KindObject:
		w.doc("", docs...)
		if len(t.Fields) == 0 {
			w.line("export type %s = Record<string, never>;", t.TSName)
			break
		}
		w.line("export interface %s {", t.TSName)
		g.fields(t.Fields)
		w.line("}")
	case schema.KindUnion:
		w.doc("", append(docs, fmt.Sprintf("Told apart by %s.", str(t.Discriminator)))...)
		w.line("export type %s =", t.TSName)
		for i, v := range t.Variants {
			end := ""
			if i == len(t.Variants)-1 {
				end = ";"
			}
			w.line("  | ({ %s: %s } & %s)%s", propName(t.Discriminator), str(v.Tag), g.typeExpr(v.Type), end)
		}
	default:
		w.doc("", append(docs, int64Doc(t)...)...)
		w.line("export type %s = %s;", t.TSName, g.typeExpr(t))
	}
	w.blank()
}

// fields writes the members of an interface.
func (g *fileGen) fields(fields []*schema.Field) {
	for _, f := range fields {
		docs := []string{f.Description}
		docs = append(docs, constraintDoc(f.Type)...)
		docs = append(docs, int64Doc(f.Type)...)
		if f.Default != nil {
			docs = append(docs, "@defaultValue "+literal(f.Default.Value))
		}
		docs = append(docs, deprecatedDoc(f.Deprecation)...)
		g.w.doc("  ", docs...)
		opt := ""
		if f.Optional {
			opt = "?"
		}
		g.w.line("  %s%s: %s;", propName(f.Name), opt, g.fieldType(f))
	}
}

// fieldType is a field's or argument's type, with "| null" when nullable.
func (g *fileGen) fieldType(f *schema.Field) string {
	t := g.typeExpr(f.Type)
	if f.Nullable {
		t += " | null"
	}
	return t
}

func literal(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return str(v)
	}
	return fmt.Sprint(v)
}

// constraintDoc describes the constraints of a scalar, list or map type.
func constraintDoc(t *schema.Type) []string {
	if t == nil || t.Constraints.IsZero() {
		if t != nil && t.Kind == schema.KindTimestamp {
			return []string{"An RFC 3339 date-time, such as 2024-05-01T12:00:00Z."}
		}
		return nil
	}
	c := t.Constraints
	var parts []string
	if c.Format != "" {
		parts = append(parts, "format "+c.Format)
	}
	switch t.Kind {
	case schema.KindBytes:
		parts = appendRange(parts, "size", intText(c.MinLength), intText(c.MaxLength), " bytes")
	case schema.KindList:
		parts = appendRange(parts, "items", intText(c.MinItems), intText(c.MaxItems), "")
	case schema.KindMap:
		parts = appendRange(parts, "entries", intText(c.MinItems), intText(c.MaxItems), "")
	default:
		parts = appendRange(parts, "length", intText(c.MinLength), intText(c.MaxLength), "")
	}
	if c.Pattern != "" {
		parts = append(parts, "matches `"+c.Pattern+"`")
	}
	parts = appendRange(parts, "value", numText(c.Minimum), numText(c.Maximum), "")
	return []string{"Constraints: " + strings.Join(parts, ", ") + "."}
}

// int64Doc warns about int64 values TypeScript numbers cannot hold.
func int64Doc(t *schema.Type) []string {
	if t == nil || t.Kind != schema.KindInt64 {
		return nil
	}
	c := t.Constraints
	if c.Minimum != nil && c.Maximum != nil && c.Minimum.Float64 >= -maxSafeInteger && c.Maximum.Float64 <= maxSafeInteger {
		return []string{"An int64 on the wire, bounded within Number.MAX_SAFE_INTEGER: a number holds it exactly."}
	}
	return []string{"An int64 on the wire: values beyond ±Number.MAX_SAFE_INTEGER (2^53-1) lose precision as a number."}
}

func deprecatedDoc(d schema.Deprecation) []string {
	if !d.Deprecated {
		return nil
	}
	return []string{"@deprecated " + d.DeprecationNote}
}

// appendRange appends "what lo–hi", "what ≥ lo" or "what ≤ hi" to parts.
func appendRange(parts []string, what, lo, hi, unit string) []string {
	switch {
	case lo != "" && hi != "":
		return append(parts, what+" "+lo+"–"+hi+unit)
	case lo != "":
		return append(parts, what+" ≥ "+lo+unit)
	case hi != "":
		return append(parts, what+" ≤ "+hi+unit)
	}
	return parts
}

func intText(n *int64) string {
	if n == nil {
		return ""
	}
	return strconv.FormatInt(*n, 10)
}

func numText(n *schema.Number) string {
	if n == nil {
		return ""
	}
	return n.Text
}
