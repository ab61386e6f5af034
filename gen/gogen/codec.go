package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/siogen/siogen/schema"
)

// Reflection-free JSON codecs. An object type whose every field is a
// string, integer, number, boolean, timestamp, enum, generated object with
// a codec, or a list or map of those gets three methods that the runtime prefers to
// its reflective codec: AppendJSON (siojson.Appender), ReadJSON
// (siojson.ReaderFrom) and DecodeJSON (sio.JSONDecoder). Any other type
// (timestamps, bytes, unions, and types that reach themselves) keeps the
// reflective path only.
//
// AppendJSON writes exactly what the reflective encoder writes; ReadJSON
// accepts a subset of what the reflective decoder accepts and produces
// the same value, reporting false for the rest (unknown or repeated
// members, nulls inside lists and maps, ...) so that the runtime starts
// over reflectively.

// Codec states of an object type in generator.codecs.
const (
	codecUnknown = iota
	codecVisiting
	codecYes
	codecNo
)

// hasCodec reports whether the object declaration gets codec methods. The
// answer depends on the schema only, so every package agrees on the types
// of the packages it imports.
func (g *generator) hasCodec(obj *schema.Type) bool {
	if g.codecs == nil {
		g.codecs = map[*schema.Type]int{}
	}
	switch g.codecs[obj] {
	case codecYes:
		return true
	case codecNo, codecVisiting: // visiting: the type reaches itself
		return false
	}
	g.codecs[obj] = codecVisiting
	ok := obj.Kind == schema.KindObject
	for _, f := range obj.Fields {
		if ok && !g.codecSupports(f.Type) {
			ok = false
		}
	}
	if ok {
		g.codecs[obj] = codecYes
	} else {
		g.codecs[obj] = codecNo
	}
	return ok
}

// codecSupports reports whether a use site can be encoded and decoded by
// generated code.
func (g *generator) codecSupports(t *schema.Type) bool {
	u := t.Underlying()
	if u == nil {
		return false
	}
	switch u.Kind {
	case schema.KindString, schema.KindInt32, schema.KindInt64, schema.KindNumber,
		schema.KindBoolean, schema.KindTimestamp, schema.KindEnum:
		return true
	case schema.KindList, schema.KindMap:
		return g.codecSupports(u.Elem)
	case schema.KindObject:
		return g.hasCodec(u)
	}
	return false
}

// codecDecl declares the codec methods of an object type.
func (g *generator) codecDecl(t *schema.Type) {
	if !g.hasCodec(t) {
		return
	}
	name := t.GoName
	g.jf.Comment("AppendJSON implements siojson.Appender: it appends v's JSON to b, byte for byte what the runtime's reflective encoder writes; a nil v is null.")
	g.jf.Func().Params(jen.Id("v").Op("*").Id(name)).Id("AppendJSON").Params(jen.Id("b").Index().Byte()).Params(jen.Index().Byte(), jen.Error()).Block(g.appendBody(t)...)
	g.jf.Line()
}

// codecPtr reports whether a field's Go type is a pointer to its type.
func codecPtr(f *schema.Field) bool { return (f.Optional || f.Nullable) && !nilable(f.Type) }

// raw is a Go raw string literal; field names never hold a backquote.
func raw(s string) *jen.Statement { return jen.Id("`" + s + "`") }

// appendBytes is b = append(b, s...).
func appendBytes(s string) *jen.Statement {
	if len(s) == 1 {
		return jen.Id("b").Op("=").Append(jen.Id("b"), jen.LitRune(rune(s[0])))
	}
	return jen.Id("b").Op("=").Append(jen.Id("b"), raw(s).Op("..."))
}

// encoder generates the statements of one AppendJSON method.
type encoder struct {
	g      *generator
	usesEr bool
}

func (g *generator) appendBody(t *schema.Type) []jen.Code {
	e := &encoder{g: g}
	v := func(f *schema.Field) *jen.Statement { return jen.Id("v").Dot(f.GoName) }
	var body []jen.Code
	// With a required first member the separators are static; otherwise
	// every member starts with a comma and the first one becomes '{'.
	static := len(t.Fields) > 0 && !t.Fields[0].Optional
	for i, f := range t.Fields {
		key := `,"` + f.Name + `":`
		if i == 0 && static {
			key = `{"` + f.Name + `":`
		}
		var value []jen.Code
		ptr := codecPtr(f)
		switch u := f.Type.Underlying(); {
		case ptr && u.Kind == schema.KindObject:
			value = e.object(v(f))
		case ptr && f.Optional:
			value = e.value(f.Type, jen.Op("*").Add(v(f)), 0)
		case ptr:
			value = []jen.Code{jen.If(v(f).Op("==").Nil()).Block(appendBytes("null")).Else().Block(
				e.value(f.Type, jen.Op("*").Add(v(f)), 0)...)}
		default:
			value = e.value(f.Type, v(f), 0)
		}
		stmts := append([]jen.Code{appendBytes(key)}, value...)
		switch {
		case f.Optional && ptr:
			body = append(body, jen.If(v(f).Op("!=").Nil()).Block(stmts...))
		case f.Optional:
			body = append(body, jen.If(jen.Len(v(f)).Op("!=").Lit(0)).Block(stmts...))
		default:
			body = append(body, stmts...)
		}
	}
	head := []jen.Code{jen.If(jen.Id("v").Op("==").Nil()).Block(jen.Return(jen.Append(jen.Id("b"), raw("null").Op("...")), jen.Nil()))}
	if e.usesEr {
		head = append(head, jen.Var().Err().Error())
	}
	switch {
	case len(t.Fields) == 0:
		body = []jen.Code{jen.Return(jen.Append(jen.Id("b"), raw("{}").Op("...")), jen.Nil())}
	case static:
		body = append(body, jen.Return(jen.Append(jen.Id("b"), jen.LitRune('}')), jen.Nil()))
	default:
		head = append(head, jen.Id("start").Op(":=").Len(jen.Id("b")))
		body = append(body,
			jen.If(jen.Len(jen.Id("b")).Op("==").Id("start")).Block(jen.Return(jen.Append(jen.Id("b"), raw("{}").Op("...")), jen.Nil())),
			jen.Id("b").Index(jen.Id("start")).Op("=").LitRune('{'),
			jen.Return(jen.Append(jen.Id("b"), jen.LitRune('}')), jen.Nil()))
	}
	return append(head, body...)
}

// object appends an object with its AppendJSON method; x is addressable
// or a pointer.
func (e *encoder) object(x *jen.Statement) []jen.Code {
	e.usesEr = true
	return []jen.Code{jen.If(
		jen.List(jen.Id("b"), jen.Err()).Op("=").Add(x).Dot("AppendJSON").Call(jen.Id("b")),
		jen.Err().Op("!=").Nil(),
	).Block(jen.Return(jen.Nil(), jen.Err()))}
}

// value appends x, a value of the use site t, to b.
func (e *encoder) value(t *schema.Type, x *jen.Statement, depth int) []jen.Code {
	b := jen.Id("b")
	u := t.Underlying()
	switch u.Kind {
	case schema.KindString:
		return []jen.Code{b.Clone().Op("=").Qual(jsonPkg, "AppendString").Call(jen.Id("b"), x)}
	case schema.KindEnum:
		return []jen.Code{b.Clone().Op("=").Qual(jsonPkg, "AppendString").Call(jen.Id("b"), jen.String().Call(x))}
	case schema.KindInt32:
		return []jen.Code{b.Clone().Op("=").Qual("strconv", "AppendInt").Call(jen.Id("b"), jen.Int64().Call(x), jen.Lit(10))}
	case schema.KindInt64:
		return []jen.Code{b.Clone().Op("=").Qual("strconv", "AppendInt").Call(jen.Id("b"), x, jen.Lit(10))}
	case schema.KindBoolean:
		return []jen.Code{b.Clone().Op("=").Qual("strconv", "AppendBool").Call(jen.Id("b"), x)}
	case schema.KindNumber:
		e.usesEr = true
		return []jen.Code{jen.If(
			jen.List(jen.Id("b"), jen.Err()).Op("=").Qual(jsonPkg, "AppendFloat").Call(jen.Id("b"), x),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Nil(), jen.Err()))}
	case schema.KindTimestamp:
		e.usesEr = true
		return []jen.Code{jen.If(
			jen.List(jen.Id("b"), jen.Err()).Op("=").Qual(jsonPkg, "AppendTime").Call(jen.Id("b"), x),
			jen.Err().Op("!=").Nil(),
		).Block(jen.Return(jen.Nil(), jen.Err()))}
	case schema.KindObject:
		return e.object(x)
	case schema.KindList:
		i := jen.Id(fmt.Sprintf("i%d", depth))
		loop := []jen.Code{jen.If(i.Clone().Op(">").Lit(0)).Block(appendBytes(","))}
		loop = append(loop, e.value(u.Elem, x.Clone().Index(i.Clone()), depth+1)...)
		return []jen.Code{
			appendBytes("["),
			jen.For(i.Clone().Op(":=").Range().Add(x)).Block(loop...),
			appendBytes("]"),
		}
	case schema.KindMap:
		i, k, el := jen.Id(fmt.Sprintf("i%d", depth)), jen.Id(fmt.Sprintf("k%d", depth)), jen.Id(fmt.Sprintf("e%d", depth))
		loop := []jen.Code{
			jen.If(i.Clone().Op(">").Lit(0)).Block(appendBytes(",")),
			jen.Id("b").Op("=").Qual(jsonPkg, "AppendString").Call(jen.Id("b"), k.Clone()),
			appendBytes(":"),
			el.Clone().Op(":=").Add(x.Clone()).Index(k.Clone()),
		}
		loop = append(loop, e.value(u.Elem, el.Clone(), depth+1)...)
		return []jen.Code{
			appendBytes("{"),
			jen.For(jen.List(i.Clone(), k.Clone()).Op(":=").Range().Qual("slices", "Sorted").Call(jen.Qual("maps", "Keys").Call(x))).Block(loop...),
			appendBytes("}"),
		}
	}
	panic(fmt.Sprintf("gogen: no codec for kind %s", u.Kind))
}
