package gogen

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/siogen/siogen/schema"
)

// The checking decoders. Every object, enum and union type gets a ReadJSON
// method (siojson.ReaderFrom) that decodes its JSON in one pass over the
// text and checks every constraint of the contract on the way, recording
// each violation with its JSON pointer in the reader (see
// runtime/sio/decode.go); tuples of arguments get one that reads their
// array. Payloads and acks of other shapes (lists, maps, scalars) are
// read by a function literal at the place that registers them
// (readFunc).

// r is the reader every generated read statement uses.
func r() *jen.Statement { return jen.Id("r") }

// hasReader reports whether a declaration's Go type has a ReadJSON method.
func hasReader(t *schema.Type) bool {
	return t != nil && (t.Kind == schema.KindObject || t.Kind == schema.KindEnum || t.Kind == schema.KindUnion)
}

// readerDecl declares the ReadJSON method of an object, enum or union.
func (g *generator) readerDecl(t *schema.Type) {
	var body []jen.Code
	switch t.Kind {
	case schema.KindObject:
		body = g.objectReader(t)
	case schema.KindEnum:
		body = g.enumReader(t)
	case schema.KindUnion:
		body = g.unionReader(t)
	default:
		return
	}
	g.jf.Commentf("ReadJSON implements siojson.ReaderFrom: it decodes the %s r is at into v, checking it against the contract.", kindWord(t))
	g.jf.Func().Params(jen.Id("v").Op("*").Id(t.GoName)).Id("ReadJSON").Params(jen.Id("r").Op("*").Qual(jsonPkg, "Reader")).Block(body...)
	g.jf.Line()
}

func kindWord(t *schema.Type) string {
	switch t.Kind {
	case schema.KindEnum:
		return "string"
	case schema.KindUnion:
		return "union variant"
	}
	return "object"
}

func (g *generator) objectReader(t *schema.Type) []jen.Code {
	body := []jen.Code{jen.If(jen.Op("!").Add(r().Dot("BeginObject").Call())).Block(jen.Return())}
	if len(t.Fields) == 0 {
		return append(body,
			jen.For(r().Dot("More").Call()).Block(g.unknown(t, r().Dot("Name").Call())),
			r().Dot("EndObject").Call())
	}
	var cases []jen.Code
	for i, f := range t.Fields {
		seen := jen.Id("seen").Index(jen.Lit(i))
		stmts := []jen.Code{
			jen.If(seen.Clone()).Block(r().Dot("Duplicate").Call(jen.Lit(f.Name)), jen.Continue()),
			seen.Clone().Op("=").True(),
			r().Dot("Enter").Call(jen.Lit(f.Name)),
		}
		stmts = append(stmts, g.fieldRead(f, jen.Id("v").Dot(f.GoName))...)
		stmts = append(stmts, r().Dot("Leave").Call())
		cases = append(cases, jen.Case(jen.Lit(f.Name)).Block(stmts...))
	}
	cases = append(cases, jen.Default().Block(g.unknown(t, jen.Id("name"))))
	body = append(body,
		jen.Var().Id("seen").Index(jen.Lit(len(t.Fields))).Bool(),
		jen.For(r().Dot("More").Call()).Block(
			jen.Id("name").Op(":=").Add(r().Dot("Name").Call()),
			jen.Switch(jen.String().Call(jen.Id("name"))).Block(cases...)),
		r().Dot("EndObject").Call())
	for i, f := range t.Fields {
		seen := jen.Op("!").Id("seen").Index(jen.Lit(i))
		switch {
		case !f.Optional:
			body = append(body, jen.If(seen).Block(r().Dot("Missing").Call(jen.Lit(f.Name))))
		case f.Default != nil:
			if d := g.defaultValue(f); d != nil {
				body = append(body, jen.If(seen).Block(jen.Id("v").Dot(f.GoName).Op("=").Add(d)))
			}
		}
	}
	return body
}

// unknown handles a member the object does not declare.
func (g *generator) unknown(t *schema.Type, name jen.Code) jen.Code {
	if t.IgnoreUnknown {
		return r().Dot("Ignore").Call()
	}
	return r().Dot("Unknown").Call(name)
}

// fieldRead reads a field or tuple element into x, its Go field.
func (g *generator) fieldRead(f *schema.Field, x *jen.Statement) []jen.Code {
	read := g.readValue(f.Type, x, codecPtr(f), 0)
	if f.Nullable {
		return []jen.Code{jen.If(jen.Op("!").Add(r().Dot("Null").Call())).Block(read...)}
	}
	return read
}

// defaultValue is the Go value of a field's declared default, or nil when
// it has none Go can hold as a literal.
func (g *generator) defaultValue(f *schema.Field) jen.Code {
	u := f.Type.Underlying()
	if u == nil || f.Default == nil || f.Default.Value == nil {
		return nil
	}
	var lit jen.Code
	switch v := f.Default.Value.(type) {
	case string:
		switch u.Kind {
		case schema.KindString:
			lit = jen.Lit(v)
		case schema.KindEnum:
			lit = g.qual(u).Call(jen.Lit(v))
		}
	case int64:
		switch u.Kind {
		case schema.KindInt32:
			lit = jen.Int32().Call(jen.Lit(v))
		case schema.KindInt64:
			lit = jen.Int64().Call(jen.Lit(v))
		case schema.KindNumber:
			lit = jen.Float64().Call(jen.Lit(float64(v)))
		}
	case float64:
		if u.Kind == schema.KindNumber {
			lit = jen.Float64().Call(jen.Lit(v))
		}
	case bool:
		if u.Kind == schema.KindBoolean {
			lit = jen.Lit(v)
		}
	}
	if lit == nil {
		return nil
	}
	if codecPtr(f) {
		return jen.New(lit)
	}
	return lit
}

// readValue reads the value r is at, of use site t, into x: an
// addressable expression of t's Go type, or with ptr of a pointer to it,
// which is set to a new value.
func (g *generator) readValue(t *schema.Type, x *jen.Statement, ptr bool, depth int) []jen.Code {
	u := t.Underlying()
	if u == nil {
		return nil
	}
	if hasReader(u) {
		if ptr {
			return []jen.Code{x.Clone().Op("=").New(g.goType(t)), x.Clone().Dot("ReadJSON").Call(r())}
		}
		return []jen.Code{x.Clone().Dot("ReadJSON").Call(r())}
	}
	c := u.Constraints
	name := func(s string) *jen.Statement { return jen.Id(fmt.Sprintf("%s%d", s, depth)) }
	store := func(val *jen.Statement) jen.Code {
		if ptr {
			return x.Clone().Op("=").New(val)
		}
		return x.Clone().Op("=").Add(val)
	}
	scalar := func(v *jen.Statement, call *jen.Statement, checks []jen.Code, val *jen.Statement) []jen.Code {
		block := append(checks, store(val))
		return []jen.Code{jen.If(jen.List(v.Clone(), jen.Id("ok")).Op(":=").Add(call), jen.Id("ok")).Block(block...)}
	}
	switch u.Kind {
	case schema.KindString:
		s := name("s")
		var checks []jen.Code
		if c.MinLength != nil || c.MaxLength != nil {
			checks = append(checks, r().Dot("CheckLength").Call(s.Clone(), bound(c.MinLength), bound(c.MaxLength)))
		}
		if c.Pattern != "" {
			checks = append(checks, r().Dot("CheckPattern").Call(s.Clone(), g.pattern(c.Pattern)))
		}
		if c.Format != "" {
			checks = append(checks, r().Dot("CheckFormat").Call(s.Clone(), jen.Lit(c.Format)))
		}
		return scalar(s, r().Dot("String").Call(), checks, s.Clone())
	case schema.KindInt32, schema.KindInt64:
		n := name("n")
		lo, hi := int64(math.MinInt32), int64(math.MaxInt32)
		conv := jen.Int32()
		if u.Kind == schema.KindInt64 {
			lo, hi, conv = math.MinInt64, math.MaxInt64, jen.Int64()
		}
		lo, hi = c.IntBounds(lo, hi)
		return scalar(n, r().Dot("Int").Call(intLit(lo), intLit(hi)), nil, conv.Call(n.Clone()))
	case schema.KindNumber:
		f := name("f")
		var checks []jen.Code
		if c.Minimum != nil || c.Maximum != nil {
			lo, hi := jen.Qual("math", "Inf").Call(jen.Lit(-1)), jen.Qual("math", "Inf").Call(jen.Lit(1))
			if c.Minimum != nil {
				lo = jen.Lit(c.Minimum.Float64)
			}
			if c.Maximum != nil {
				hi = jen.Lit(c.Maximum.Float64)
			}
			checks = append(checks, r().Dot("CheckFloat").Call(f.Clone(), lo, hi))
		}
		return scalar(f, r().Dot("Float64").Call(), checks, f.Clone())
	case schema.KindBoolean:
		b := name("b")
		return scalar(b, r().Dot("Bool").Call(), nil, b.Clone())
	case schema.KindTimestamp:
		tm := name("t")
		return scalar(tm, r().Dot("Time").Call(), nil, tm.Clone())
	case schema.KindBytes:
		b := name("b")
		var checks []jen.Code
		if c.MinLength != nil || c.MaxLength != nil {
			checks = append(checks, r().Dot("CheckBytes").Call(b.Clone(), bound(c.MinLength), bound(c.MaxLength)))
		}
		return scalar(b, r().Dot("Bytes").Call(), checks, b.Clone())
	case schema.KindList:
		l, i, e := name("l"), name("i"), name("e")
		loop := []jen.Code{r().Dot("EnterIndex").Call(i.Clone()), jen.Var().Add(e.Clone()).Add(g.goType(u.Elem))}
		loop = append(loop, g.readValue(u.Elem, e.Clone(), false, depth+1)...)
		loop = append(loop, l.Clone().Op("=").Append(l.Clone(), e.Clone()), r().Dot("Leave").Call())
		block := []jen.Code{
			l.Clone().Op(":=").Add(g.goType(u)).Values(),
			jen.For(i.Clone().Op(":=").Lit(0), r().Dot("More").Call(), i.Clone().Op("++")).Block(loop...),
			r().Dot("EndArray").Call(),
		}
		if c.MinItems != nil || c.MaxItems != nil {
			block = append(block, r().Dot("CheckItems").Call(jen.Len(l.Clone()), bound(c.MinItems), bound(c.MaxItems)))
		}
		block = append(block, x.Clone().Op("=").Add(l.Clone()))
		return []jen.Code{jen.If(r().Dot("BeginArray").Call()).Block(block...)}
	case schema.KindMap:
		m, k, e := name("m"), name("k"), name("e")
		loop := []jen.Code{
			k.Clone().Op(":=").Add(r().Dot("MapKey").Call()),
			jen.If(jen.List(jen.Id("_"), jen.Id("dup")).Op(":=").Add(m.Clone()).Index(k.Clone()), jen.Id("dup")).Block(
				r().Dot("Duplicate").Call(k.Clone()), jen.Continue()),
			r().Dot("Enter").Call(k.Clone()),
			jen.Var().Add(e.Clone()).Add(g.goType(u.Elem)),
		}
		loop = append(loop, g.readValue(u.Elem, e.Clone(), false, depth+1)...)
		loop = append(loop, m.Clone().Index(k.Clone()).Op("=").Add(e.Clone()), r().Dot("Leave").Call())
		block := []jen.Code{
			m.Clone().Op(":=").Add(g.goType(u)).Values(),
			jen.For(r().Dot("More").Call()).Block(loop...),
			r().Dot("EndObject").Call(),
		}
		if c.MinItems != nil || c.MaxItems != nil {
			block = append(block, r().Dot("CheckItems").Call(jen.Len(m.Clone()), bound(c.MinItems), bound(c.MaxItems)))
		}
		block = append(block, x.Clone().Op("=").Add(m.Clone()))
		return []jen.Code{jen.If(r().Dot("BeginObject").Call()).Block(block...)}
	}
	return nil
}

// bound is a length or count bound, -1 for none.
func bound(n *int64) jen.Code {
	if n == nil {
		return jen.Lit(-1)
	}
	return jen.Lit(int(*n))
}

func intLit(n int64) jen.Code {
	switch n {
	case math.MinInt64:
		return jen.Qual("math", "MinInt64")
	case math.MaxInt64:
		return jen.Qual("math", "MaxInt64")
	case math.MinInt32:
		return jen.Qual("math", "MinInt32")
	case math.MaxInt32:
		return jen.Qual("math", "MaxInt32")
	}
	return jen.Lit(n)
}

// pattern returns the package variable holding the compiled pattern,
// declaring it on first use.
func (g *generator) pattern(p string) jen.Code {
	for i, q := range g.patterns {
		if q == p {
			return jen.Id("pattern" + strconv.Itoa(i))
		}
	}
	g.patterns = append(g.patterns, p)
	return jen.Id("pattern" + strconv.Itoa(len(g.patterns)-1))
}

// patternDecls declares the patterns the readers use.
func (g *generator) patternDecls() {
	if len(g.patterns) == 0 {
		return
	}
	var defs []jen.Code
	for i, p := range g.patterns {
		defs = append(defs, jen.Id("pattern"+strconv.Itoa(i)).Op("=").Qual("regexp", "MustCompile").Call(jen.Lit(p)))
	}
	g.jf.Comment("The patterns of the contract's strings.")
	g.jf.Var().Defs(defs...)
	g.jf.Line()
}

func (g *generator) enumReader(t *schema.Type) []jen.Code {
	var cases, allowed []string
	var consts []jen.Code
	for _, v := range t.Values {
		cases = append(cases, v.GoName)
		consts = append(consts, jen.Id(v.GoName))
		allowed = append(allowed, "'"+v.Value+"'")
	}
	_ = cases
	return []jen.Code{
		jen.List(jen.Id("s"), jen.Id("ok")).Op(":=").Add(r().Dot("String").Call()),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
		jen.Switch(jen.Id(t.GoName).Call(jen.Id("s"))).Block(
			jen.Case(consts...).Block(jen.Op("*").Id("v").Op("=").Id(t.GoName).Call(jen.Id("s"))),
			jen.Default().Block(r().Dot("Enum").Call(jen.Lit(strings.Join(allowed, ", "))))),
	}
}

func (g *generator) unionReader(t *schema.Type) []jen.Code {
	var cases []jen.Code
	var allowed []string
	for _, v := range t.Variants {
		allowed = append(allowed, "'"+v.Tag+"'")
		x := jen.Id("v").Dot(v.GoName)
		cases = append(cases, jen.Case(jen.Lit(v.Tag)).Block(
			x.Clone().Op("=").New(g.goType(v.Type)),
			jen.Id("d").Op(":=").Add(r().Dot("Variant").Call(jen.Lit(t.Discriminator))),
			x.Clone().Dot("ReadJSON").Call(r()),
			r().Dot("EndVariant").Call(jen.Id("d"))))
	}
	cases = append(cases, jen.Default().Block(r().Dot("BadTag").Call(jen.Lit(t.Discriminator), jen.Lit(strings.Join(allowed, ", ")))))
	return []jen.Code{
		jen.List(jen.Id("tag"), jen.Id("ok")).Op(":=").Add(r().Dot("UnionTag").Call(jen.Lit(t.Discriminator))),
		jen.If(jen.Op("!").Id("ok")).Block(jen.Return()),
		jen.Switch(jen.Id("tag")).Block(cases...),
	}
}

// tupleReader declares the ReadJSON method of a tuple of arguments: an
// array of exactly len(fields) elements.
func (g *generator) tupleReader(name string, fields []*schema.Field) {
	var cases []jen.Code
	for i, f := range fields {
		cases = append(cases, jen.Case(jen.Lit(i)).Block(g.fieldRead(f, jen.Id("v").Dot(f.GoName))...))
	}
	cases = append(cases, jen.Default().Block(r().Dot("Fail").Call(jen.Lit("no value is allowed here")), r().Dot("Skip").Call()))
	n := len(fields)
	g.jf.Commentf("ReadJSON implements siojson.ReaderFrom: it decodes the array of arguments r is at into v, checking it against the contract.")
	g.jf.Func().Params(jen.Id("v").Op("*").Id(name)).Id("ReadJSON").Params(jen.Id("r").Op("*").Qual(jsonPkg, "Reader")).Block(
		jen.If(jen.Op("!").Add(r().Dot("BeginArray").Call())).Block(jen.Return()),
		jen.Id("n").Op(":=").Lit(0),
		jen.For(jen.Op(";").Add(r().Dot("More").Call()).Op(";").Id("n").Op("++")).Block(
			r().Dot("EnterIndex").Call(jen.Id("n")),
			jen.Switch(jen.Id("n")).Block(cases...),
			r().Dot("Leave").Call()),
		r().Dot("EndArray").Call(),
		r().Dot("CheckItems").Call(jen.Id("n"), jen.Lit(n), jen.Lit(n)),
	)
	g.jf.Line()
}

// readFunc returns the sio.ReadFunc of a payload or ack of use site t,
// whose Go type is valueType(t).
func (g *generator) readFunc(t *schema.Type) jen.Code {
	u := t.Underlying()
	switch {
	case u == nil:
		return jen.Nil()
	case u.Kind == schema.KindObject || u.Kind == schema.KindUnion:
		return jen.Qual(jsonPkg, "ReadPointer").Types(g.goType(t))
	case u.Kind == schema.KindEnum:
		return jen.Qual(jsonPkg, "ReadValue").Types(g.goType(t))
	}
	body := []jen.Code{jen.Var().Id("v").Add(g.goType(t))}
	body = append(body, g.readValue(t, jen.Id("v"), false, 0)...)
	body = append(body, jen.Return(jen.Id("v")))
	return jen.Func().Params(jen.Id("r").Op("*").Qual(jsonPkg, "Reader")).Add(g.goType(t)).Block(body...)
}

// tupleReadFunc returns the sio.ReadFunc of a tuple type.
func tupleReadFunc(name jen.Code) jen.Code {
	return jen.Qual(jsonPkg, "ReadValue").Types(name)
}
