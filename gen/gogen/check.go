package gogen

import (
	"fmt"
	"math"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/siogen/siogen/schema"
)

// The outgoing checks. Every object, enum and union type, and every tuple
// of arguments, gets a CheckJSON method that walks a Go value and records
// in a siojson.Reader every way the JSON it encodes to would break the
// contract, with the JSON pointers the receiving side's decoder would
// report. Only constraints a Go value can break are checked: a plain
// string or an int64 without bounds costs nothing. The runtime runs them
// before a payload or an acknowledgement leaves (sio.EmitChecked,
// sio.CallTimeout, sio.WithAckCheck).

// needsCheck reports whether values of the use site t can break a
// constraint; recursion counts as yes.
func (g *generator) needsCheck(t *schema.Type) bool {
	u := t.Underlying()
	if u == nil {
		return false
	}
	if g.checks == nil {
		g.checks = map[*schema.Type]int{}
	}
	c := u.Constraints
	switch u.Kind {
	case schema.KindString:
		return c.MinLength != nil || c.MaxLength != nil || c.Pattern != "" || c.Format != ""
	case schema.KindInt32, schema.KindInt64:
		return c.Minimum != nil || c.Maximum != nil
	case schema.KindNumber, schema.KindTimestamp, schema.KindEnum, schema.KindUnion:
		return true
	case schema.KindBytes:
		return true // a nil slice encodes as null
	case schema.KindList, schema.KindMap:
		return c.MinItems != nil || c.MaxItems != nil || g.needsCheck(u.Elem)
	case schema.KindObject:
		switch g.checks[u] {
		case codecYes, codecVisiting:
			return true
		case codecNo:
			return false
		}
		g.checks[u] = codecVisiting
		need := false
		for _, f := range u.Fields {
			if g.needsCheck(f.Type) {
				need = true
			}
		}
		g.checks[u] = codecNo
		if need {
			g.checks[u] = codecYes
		}
		return need
	}
	return false
}

// valueReceiver reports whether a declaration's CheckJSON has a value
// receiver: enums (passed by value); objects and unions have pointer
// receivers, their payloads being pointers.
func valueReceiver(t *schema.Type) bool { return t.Kind == schema.KindEnum }

// checkDecl declares the CheckJSON method of an object, enum or union.
func (g *generator) checkDecl(t *schema.Type) {
	var body []jen.Code
	recv := jen.Id("v").Op("*").Id(t.GoName)
	switch t.Kind {
	case schema.KindObject:
		body = append(body, jen.If(jen.Id("v").Op("==").Nil()).Block(
			r().Dot("Fail").Call(jen.Lit("got null, want object")), jen.Return()))
		for _, f := range t.Fields {
			body = append(body, g.fieldCheck(f, jen.Id("v").Dot(f.GoName), f.Name)...)
		}
	case schema.KindEnum:
		recv = jen.Id("v").Id(t.GoName)
		var allowed []string
		for _, v := range t.Values {
			allowed = append(allowed, "'"+v.Value+"'")
		}
		body = append(body, jen.If(jen.Op("!").Id("v").Dot("Valid").Call()).Block(
			r().Dot("Enum").Call(jen.Lit(strings.Join(allowed, ", ")))))
	case schema.KindUnion:
		body = append(body,
			jen.If(jen.Id("v").Op("==").Nil()).Block(r().Dot("Fail").Call(jen.Lit("got null, want object")), jen.Return()),
			jen.Id("n").Op(":=").Lit(0))
		for _, v := range t.Variants {
			x := jen.Id("v").Dot(v.GoName)
			body = append(body, jen.If(x.Clone().Op("!=").Nil()).Block(jen.Id("n").Op("++"), x.Clone().Dot("CheckJSON").Call(r())))
		}
		body = append(body, jen.If(jen.Id("n").Op("!=").Lit(1)).Block(
			r().Dot("Fail").Call(jen.Qual("fmt", "Sprintf").Call(jen.Lit(t.GoName+" has %d variants set, want 1"), jen.Id("n")))))
	default:
		return
	}
	g.jf.Commentf("CheckJSON records in r every way the JSON of v breaks the contract, as the receiver's ReadJSON would report it.")
	g.jf.Func().Params(recv).Id("CheckJSON").Params(jen.Id("r").Op("*").Qual(jsonPkg, "Reader")).Block(body...)
	g.jf.Line()
}

// fieldCheck checks field f, held in x, under the member name.
func (g *generator) fieldCheck(f *schema.Field, x *jen.Statement, member any) []jen.Code {
	enter := r().Dot("Enter").Call(jen.Lit(member))
	if i, ok := member.(int); ok {
		enter = r().Dot("EnterIndex").Call(jen.Lit(i))
	}
	u := f.Type.Underlying()
	if u == nil {
		return nil
	}
	switch {
	case codecPtr(f):
		// nil is absent (optional) or null (nullable): both allowed.
		if !g.needsCheck(f.Type) {
			return nil
		}
		inner := g.checkValue(f.Type, jen.Op("*").Add(x.Clone()), 0)
		if hasReader(u) { // methods of T are methods of *T
			inner = []jen.Code{x.Clone().Dot("CheckJSON").Call(r())}
		}
		return []jen.Code{jen.If(x.Clone().Op("!=").Nil()).Block(append(append([]jen.Code{enter}, inner...), r().Dot("Leave").Call())...)}
	case u.Kind == schema.KindBytes:
		checks := g.checkValue(f.Type, x, 0)
		stmts := []jen.Code{enter}
		switch {
		case f.Optional:
			// An empty slice is omitted.
			return []jen.Code{jen.If(jen.Len(x.Clone()).Op(">").Lit(0)).Block(append(append(stmts, checks...), r().Dot("Leave").Call())...)}
		case f.Nullable:
			return []jen.Code{jen.If(x.Clone().Op("!=").Nil()).Block(append(append(stmts, checks...), r().Dot("Leave").Call())...)}
		}
		stmts = append(stmts, jen.If(x.Clone().Op("==").Nil()).Block(r().Dot("Fail").Call(jen.Lit("got null, want bytes"))).Else().Block(checks...))
		return append(stmts, r().Dot("Leave").Call())
	}
	if !g.needsCheck(f.Type) {
		return nil
	}
	checks := append(append([]jen.Code{enter}, g.checkValue(f.Type, x, 0)...), r().Dot("Leave").Call())
	if f.Optional && (u.Kind == schema.KindList || u.Kind == schema.KindMap) {
		// An empty list or map is omitted.
		return []jen.Code{jen.If(jen.Len(x.Clone()).Op(">").Lit(0)).Block(checks...)}
	}
	if f.Nullable && (u.Kind == schema.KindList || u.Kind == schema.KindMap) {
		return []jen.Code{jen.If(x.Clone().Op("!=").Nil()).Block(checks...)}
	}
	return checks
}

// checkValue checks x, a value of the use site t (not a pointer).
func (g *generator) checkValue(t *schema.Type, x *jen.Statement, depth int) []jen.Code {
	u := t.Underlying()
	if u == nil || !g.needsCheck(t) {
		return nil
	}
	c := u.Constraints
	switch u.Kind {
	case schema.KindObject, schema.KindEnum, schema.KindUnion:
		return []jen.Code{x.Clone().Dot("CheckJSON").Call(r())}
	case schema.KindString:
		var out []jen.Code
		if c.MinLength != nil || c.MaxLength != nil {
			out = append(out, r().Dot("CheckLength").Call(x.Clone(), bound(c.MinLength), bound(c.MaxLength)))
		}
		if c.Pattern != "" {
			out = append(out, r().Dot("CheckPattern").Call(x.Clone(), g.pattern(c.Pattern)))
		}
		if c.Format != "" {
			out = append(out, r().Dot("CheckFormat").Call(x.Clone(), jen.Lit(c.Format)))
		}
		return out
	case schema.KindInt32, schema.KindInt64:
		lo, hi := int64(math.MinInt32), int64(math.MaxInt32)
		if u.Kind == schema.KindInt64 {
			lo, hi = math.MinInt64, math.MaxInt64
		}
		lo, hi = c.IntBounds(lo, hi)
		return []jen.Code{r().Dot("CheckInt").Call(jen.Int64().Call(x.Clone()), intLit(lo), intLit(hi))}
	case schema.KindNumber:
		lo, hi := jen.Op("-").Qual("math", "MaxFloat64"), jen.Qual("math", "MaxFloat64")
		if c.Minimum != nil {
			lo = jen.Lit(c.Minimum.Float64)
		}
		if c.Maximum != nil {
			hi = jen.Lit(c.Maximum.Float64)
		}
		return []jen.Code{r().Dot("CheckFloat").Call(x.Clone(), lo, hi)}
	case schema.KindTimestamp:
		return []jen.Code{r().Dot("CheckTime").Call(x.Clone())}
	case schema.KindBytes:
		if c.MinLength == nil && c.MaxLength == nil {
			return nil
		}
		return []jen.Code{r().Dot("CheckBytes").Call(x.Clone(), bound(c.MinLength), bound(c.MaxLength))}
	case schema.KindList:
		i := jen.Id(fmt.Sprintf("i%d", depth))
		var out []jen.Code
		if c.MinItems != nil || c.MaxItems != nil {
			out = append(out, r().Dot("CheckItems").Call(jen.Len(x.Clone()), bound(c.MinItems), bound(c.MaxItems)))
		}
		if g.needsCheck(u.Elem) {
			loop := []jen.Code{r().Dot("EnterIndex").Call(i.Clone())}
			loop = append(loop, g.elemCheck(u.Elem, x.Clone().Index(i.Clone()), depth+1)...)
			loop = append(loop, r().Dot("Leave").Call())
			out = append(out, jen.For(i.Clone().Op(":=").Range().Add(x.Clone())).Block(loop...))
		}
		return out
	case schema.KindMap:
		k, e := jen.Id(fmt.Sprintf("k%d", depth)), jen.Id(fmt.Sprintf("e%d", depth))
		var out []jen.Code
		if c.MinItems != nil || c.MaxItems != nil {
			out = append(out, r().Dot("CheckItems").Call(jen.Len(x.Clone()), bound(c.MinItems), bound(c.MaxItems)))
		}
		if g.needsCheck(u.Elem) {
			loop := []jen.Code{r().Dot("Enter").Call(k.Clone())}
			loop = append(loop, g.elemCheck(u.Elem, e.Clone(), depth+1)...)
			loop = append(loop, r().Dot("Leave").Call())
			out = append(out, jen.For(jen.List(k.Clone(), e.Clone()).Op(":=").Range().Add(x.Clone())).Block(loop...))
		}
		return out
	}
	return nil
}

// elemCheck checks a list element or map value: bytes and nested lists
// and maps that are nil encode as null there... except lists and maps,
// which the encoder writes as [] and {}.
func (g *generator) elemCheck(t *schema.Type, x *jen.Statement, depth int) []jen.Code {
	if u := t.Underlying(); u != nil && u.Kind == schema.KindBytes {
		return []jen.Code{jen.If(x.Clone().Op("==").Nil()).Block(r().Dot("Fail").Call(jen.Lit("got null, want bytes"))).Else().Block(g.checkValue(t, x, depth)...)}
	}
	return g.checkValue(t, x, depth)
}

// tupleCheck declares the CheckJSON method of a tuple of arguments.
func (g *generator) tupleCheck(name string, fields []*schema.Field) {
	var body []jen.Code
	for i, f := range fields {
		body = append(body, g.fieldCheck(f, jen.Id("v").Dot(f.GoName), i)...)
	}
	g.jf.Commentf("CheckJSON records in r every way the arguments v break the contract.")
	g.jf.Func().Params(jen.Id("v").Id(name)).Id("CheckJSON").Params(jen.Id("r").Op("*").Qual(jsonPkg, "Reader")).Block(body...)
	g.jf.Line()
}

// checkFunc returns the sio.CheckFunc of a payload or ack of use site t,
// whose Go type is valueType(t), or nil when values cannot break it.
func (g *generator) checkFunc(t *schema.Type) jen.Code {
	u := t.Underlying()
	switch {
	case u == nil:
		return nil
	case u.Kind == schema.KindObject || u.Kind == schema.KindUnion:
		return jen.Parens(jen.Op("*").Add(g.goType(t))).Dot("CheckJSON")
	case u.Kind == schema.KindEnum:
		return g.goType(t).Dot("CheckJSON")
	case !g.needsCheck(t):
		return nil
	}
	body := g.elemCheck(t, jen.Id("v"), 0)
	return jen.Func().Params(jen.Id("v").Add(g.goType(t)), jen.Id("r").Op("*").Qual(jsonPkg, "Reader")).Block(body...)
}
