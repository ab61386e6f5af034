package tsgen

import (
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/siogen/siogen/gen/internal/genfile"
	"github.com/siogen/siogen/schema"
)

// ValidateModule is the file name of the shared module of run-time checks
// every P.validate.ts module builds on.
const ValidateModule = "siogen.validate.ts"

//go:embed runtime/siogen.validate.ts
var validateRuntime string

//go:embed runtime/siogen.client.ts
var clientRuntime string

// validateRuntimeModule returns siogen.validate.ts.
func validateRuntimeModule() []byte { return []byte(genfile.Header + validateRuntime) }

// valGen generates the P.validate.ts module of one schema file.
type valGen struct {
	file    *schema.File
	w       *writer
	imports map[string]string // alias → package of the validate modules referenced
	// local prefixes the checks of this file's types ("$v." in a client
	// module); the checks of other files are then prefixed "$v_" + alias.
	local string
}

// validateModule returns P.validate.ts: per declared type X, checkX (the
// check the client wrapper composes), validateX and the type guard isX.
func validateModule(f *schema.File) []byte {
	g := &valGen{file: f, w: &writer{}, imports: map[string]string{}}
	var names []string
	for _, t := range f.Types {
		names = append(names, t.TSName)
		g.w.doc("", fmt.Sprintf("The run-time check of {@link %s}, for composing; see {@link validate%s}.", t.TSName, t.TSName))
		g.w.line("export const check%s: $.Check = %s;", t.TSName, g.declCheck(t))
		g.w.doc("", fmt.Sprintf("The ways value breaks the contract of {@link %s}, sorted by JSON pointer: none when it is one.", t.TSName))
		g.w.line("export const validate%s = (value: unknown): Violation[] => $.validate(check%s, value);", t.TSName, t.TSName)
		g.w.doc("", fmt.Sprintf("Reports whether value is a {@link %s}, exactly as the receiver's decoder would judge it.", t.TSName))
		g.w.line("export const is%s = (value: unknown): value is %s => $.validate(check%s, value).length === 0;", t.TSName, t.TSName, t.TSName)
		g.w.blank()
	}
	h := &writer{}
	header(h, f)
	h.line(`import * as $ from "./%s";`, moduleRef(ValidateModule))
	h.line(`import type { Violation } from "./%s";`, moduleRef(RuntimeModule))
	if len(names) > 0 {
		h.line(`import type { %s } from "./%s.js";`, strings.Join(names, ", "), f.Package)
	}
	aliases := make([]string, 0, len(g.imports))
	for a := range g.imports {
		aliases = append(aliases, a)
	}
	slices.Sort(aliases)
	for _, a := range aliases {
		h.line(`import * as %s from "./%s.validate.js";`, a, g.imports[a])
	}
	h.blank()
	return []byte(strings.TrimRight(h.String()+g.w.String(), "\n") + "\n")
}

// declCheck returns the check of a declaration.
func (g *valGen) declCheck(t *schema.Type) string {
	switch t.Kind {
	case schema.KindEnum:
		values := make([]string, len(t.Values))
		for i, v := range t.Values {
			values[i] = str(v.Value)
		}
		return "$.oneOf([" + strings.Join(values, ", ") + "])"
	case schema.KindObject:
		return g.objCheck(t.Fields, t.IgnoreUnknown)
	case schema.KindUnion:
		vs := make([]string, len(t.Variants))
		for i, v := range t.Variants {
			vs[i] = propName(v.Tag) + ": " + g.check(v.Type)
		}
		return "$.union(" + str(t.Discriminator) + ", { " + strings.Join(vs, ", ") + " })"
	}
	return g.check(t)
}

// objCheck returns the check of an object of the given fields.
func (g *valGen) objCheck(fields []*schema.Field, ignoreUnknown bool) string {
	fs := make([]string, len(fields))
	for i, f := range fields {
		fs[i] = g.field(f, true)
	}
	s := "$.obj([" + strings.Join(fs, ", ") + "]"
	if ignoreUnknown {
		s += ", true"
	}
	return s + ")"
}

// field returns the $.Field of an object field or argument.
func (g *valGen) field(f *schema.Field, withDefault bool) string {
	flags := 0
	if f.Optional {
		flags |= 1
	}
	if f.Nullable {
		flags |= 2
	}
	s := "[" + str(f.Name) + ", " + g.check(f.Type) + ", " + strconv.Itoa(flags)
	if withDefault && f.Default != nil {
		s += ", " + literal(f.Default.Value)
	}
	return s + "]"
}

// tupleCheck returns the check of an args or ack_args tuple.
func (g *valGen) tupleCheck(args []*schema.Field) string {
	fs := make([]string, len(args))
	for i, a := range args {
		fs[i] = g.field(a, false)
	}
	return "$.tuple([" + strings.Join(fs, ", ") + "])"
}

// check returns the check of a use site (or of a scalar, list or map
// declaration, whose constraints it carries).
func (g *valGen) check(t *schema.Type) string {
	c := t.Constraints
	switch t.Kind {
	case schema.KindRef:
		if t.Target == nil {
			return "$.ref(() => () => {})"
		}
		return g.ref(t.Target)
	case schema.KindEnum, schema.KindObject, schema.KindUnion:
		return g.ref(t)
	case schema.KindString:
		args := []string{intArg(c.MinLength), intArg(c.MaxLength), "undefined", "undefined"}
		if c.Pattern != "" {
			args[2] = "$.re(" + str(c.Pattern) + ")"
		}
		if c.Format != "" {
			args[3] = str(c.Format)
		}
		return "$.str(" + trimArgs(args) + ")"
	case schema.KindTimestamp:
		return "$.time"
	case schema.KindBoolean:
		return "$.bool"
	case schema.KindInt32:
		return intCheck(c, math.MinInt32, math.MaxInt32)
	case schema.KindInt64:
		return intCheck(c, math.MinInt64, math.MaxInt64)
	case schema.KindNumber:
		return "$.num(" + trimArgs([]string{floatArg(c.Minimum), floatArg(c.Maximum)}) + ")"
	case schema.KindBytes:
		return "$.bytes(" + trimArgs([]string{intArg(c.MinLength), intArg(c.MaxLength)}) + ")"
	case schema.KindList:
		return "$.list(" + g.check(t.Elem) + trimTail(intArg(c.MinItems), intArg(c.MaxItems)) + ")"
	case schema.KindMap:
		return "$.map(" + g.check(t.Elem) + trimTail(intArg(c.MinItems), intArg(c.MaxItems)) + ")"
	}
	return "() => {}"
}

// ref returns the check of a declaration: in a validate module a lazy
// reference, which may precede the declaration; in a client module the
// check itself, the validate modules being loaded by then.
func (g *valGen) ref(t *schema.Type) string {
	name := g.qualify(t.File, "check"+t.TSName)
	if g.local != "" {
		return name
	}
	return "$.ref(() => " + name + ")"
}

func (g *valGen) qualify(f *schema.File, name string) string {
	if f == nil || f == g.file {
		return g.local + name
	}
	alias := importAlias(g.file, f)
	g.imports[alias] = f.Package
	if g.local != "" {
		return "$v_" + alias + "." + name
	}
	return alias + "." + name
}

// intArg is a length or count bound: the number, or -1 for none.
func intArg(n *int64) string {
	if n == nil {
		return "-1"
	}
	return strconv.FormatInt(*n, 10)
}

// intCheck returns the check of an integer in [lo, hi] narrowed by the
// constraints; a fractional bound rounds inwards, as the Go decoder has
// it. A bound beyond ±(2^53-1) is written as text, which the check
// compares exactly.
func intCheck(c schema.Constraints, lo, hi int64) string {
	lo, hi = c.IntBounds(lo, hi)
	return "$.int(" + intLit(lo) + ", " + intLit(hi) + ")"
}

func intLit(v int64) string {
	s := strconv.FormatInt(v, 10)
	if v > maxSafeInteger || v < -maxSafeInteger {
		return str(s)
	}
	return s
}

func floatArg(n *schema.Number) string {
	if n == nil {
		return "undefined"
	}
	return strconv.FormatFloat(n.Float64, 'g', -1, 64)
}

// trimArgs joins args without the trailing ones that are defaults.
func trimArgs(args []string) string {
	for len(args) > 0 && (args[len(args)-1] == "-1" || args[len(args)-1] == "undefined") {
		args = args[:len(args)-1]
	}
	return strings.Join(args, ", ")
}

// trimTail is ", " + trimArgs(args), or "" when every arg is a default.
func trimTail(args ...string) string {
	if s := trimArgs(args); s != "" {
		return ", " + s
	}
	return ""
}
