package gogen

import (
	"fmt"

	"github.com/dave/jennifer/jen"

	"github.com/siogen/siogen/schema"
)

// goType returns the Go type of a use site.
func (g *generator) goType(t *schema.Type) *jen.Statement {
	switch t.Kind {
	case schema.KindRef:
		return g.qual(t.Target)
	case schema.KindString:
		return jen.String()
	case schema.KindInt32:
		return jen.Int32()
	case schema.KindInt64:
		return jen.Int64()
	case schema.KindNumber:
		return jen.Float64()
	case schema.KindBoolean:
		return jen.Bool()
	case schema.KindTimestamp:
		return jen.Qual("time", "Time")
	case schema.KindBytes:
		return jen.Index().Byte()
	case schema.KindList:
		return jen.Index().Add(g.goType(t.Elem))
	case schema.KindMap:
		return jen.Map(jen.String()).Add(g.goType(t.Elem))
	}
	if t.Name != "" {
		return g.qual(t)
	}
	panic(fmt.Sprintf("gogen: unexpected use-site kind %s", t.Kind))
}

// nilable reports whether a use site's Go type already has a nil value.
func nilable(t *schema.Type) bool {
	switch u := t.Underlying(); {
	case u == nil:
		return false
	case u.Kind == schema.KindBytes, u.Kind == schema.KindList, u.Kind == schema.KindMap:
		return true
	}
	return false
}

// fieldType is the Go type of a field: optional and nullable scalars and
// objects become pointers; slices and maps stay as they are.
func (g *generator) fieldType(f *schema.Field) *jen.Statement {
	t := g.goType(f.Type)
	if (f.Optional || f.Nullable) && !nilable(f.Type) {
		return jen.Op("*").Add(t)
	}
	return t
}

func fieldTag(f *schema.Field) map[string]string {
	tag := f.Name
	if f.Optional {
		tag += ",omitempty"
	}
	return map[string]string{"json": tag}
}

func (g *generator) structFields(fields []*schema.Field) []jen.Code {
	var out []jen.Code
	for _, f := range fields {
		desc := f.Description
		if f.Optional {
			desc += " Optional."
		}
		if f.Nullable {
			desc += " May be null."
		}
		c := comment(f.GoName, desc, f.Deprecation)
		out = append(out, jen.Comment(c), jen.Id(f.GoName).Add(g.fieldType(f)).Tag(fieldTag(f)))
	}
	return out
}

// typeDecl declares a named type.
func (g *generator) typeDecl(t *schema.Type) {
	g.jf.Comment(comment(t.GoName, t.Description, t.Deprecation))
	switch t.Kind {
	case schema.KindObject:
		g.jf.Type().Id(t.GoName).Struct(g.structFields(t.Fields)...)
		g.codecDecl(t)
	case schema.KindEnum:
		g.enumDecl(t)
	case schema.KindUnion:
		g.unionDecl(t)
	default:
		// A named scalar, list, map or alias: a Go alias keeps it assignable.
		g.jf.Type().Id(t.GoName).Op("=").Add(g.goType(t))
	}
	g.jf.Line()
}

func (g *generator) enumDecl(t *schema.Type) {
	g.jf.Type().Id(t.GoName).String()
	var consts []jen.Code
	for _, v := range t.Values {
		consts = append(consts, jen.Comment(comment(v.GoName, v.Description, v.Deprecation)),
			jen.Id(v.GoName).Id(t.GoName).Op("=").Lit(v.Value))
	}
	g.jf.Const().Defs(consts...)
	var cases []jen.Code
	for _, v := range t.Values {
		cases = append(cases, jen.Id(v.GoName))
	}
	g.jf.Comment("Valid reports whether v is one of the declared values.")
	g.jf.Func().Params(jen.Id("v").Id(t.GoName)).Id("Valid").Params().Bool().Block(
		jen.Switch(jen.Id("v")).Block(jen.Case(cases...).Block(jen.Return(jen.True()))),
		jen.Return(jen.False()),
	)
}

// unionDecl declares a discriminated union as a struct holding exactly one
// non-nil variant pointer, encoded with the discriminator member first.
func (g *generator) unionDecl(t *schema.Type) {
	var fields []jen.Code
	for _, v := range t.Variants {
		fields = append(fields, jen.Comment(fmt.Sprintf("%s is set when %s is %q.", v.GoName, t.Discriminator, v.Tag)),
			jen.Id(v.GoName).Op("*").Add(g.goType(v.Type)))
	}
	g.jf.Type().Id(t.GoName).Struct(fields...)
	recv := jen.Id("u").Id(t.GoName)
	var marshal []jen.Code
	for _, v := range t.Variants {
		marshal = append(marshal, jen.If(jen.Id("u").Dot(v.GoName).Op("!=").Nil()).Block(
			jen.Return(jen.Qual(sioPkg, "MarshalUnion").Call(jen.Lit(t.Discriminator), jen.Lit(v.Tag), jen.Id("u").Dot(v.GoName)))))
	}
	marshal = append(marshal, jen.Return(jen.Nil(), jen.Qual("fmt", "Errorf").Call(jen.Lit(t.GoName+": no variant is set"))))
	g.jf.Comment("MarshalJSON implements json.Marshaler.")
	g.jf.Func().Params(recv).Id("MarshalJSON").Params().Params(jen.Index().Byte(), jen.Error()).Block(marshal...)

	var cases []jen.Code
	for _, v := range t.Variants {
		cases = append(cases, jen.Case(jen.Lit(v.Tag)).Block(
			jen.Id("u").Dot(v.GoName).Op("=").New(g.goType(v.Type)),
			jen.Return(jen.Qual("encoding/json", "Unmarshal").Call(jen.Id("data"), jen.Id("u").Dot(v.GoName)))))
	}
	cases = append(cases, jen.Default().Block(jen.Return(jen.Qual("fmt", "Errorf").Call(
		jen.Lit(t.GoName+": unknown "+t.Discriminator+" %q"), jen.Id("tag")))))
	g.jf.Comment("UnmarshalJSON implements json.Unmarshaler.")
	g.jf.Func().Params(jen.Id("u").Op("*").Id(t.GoName)).Id("UnmarshalJSON").Params(jen.Id("data").Index().Byte()).Error().Block(
		jen.List(jen.Id("tag"), jen.Err()).Op(":=").Qual(sioPkg, "UnionTag").Call(jen.Id("data"), jen.Lit(t.Discriminator)),
		jen.If(jen.Err().Op("!=").Nil()).Block(jen.Return(jen.Err())),
		jen.Op("*").Id("u").Op("=").Id(t.GoName).Values(),
		jen.Switch(jen.Id("tag")).Block(cases...),
	)
}

// errorDecl declares a contract error: its details type, a constructor
// returning *sio.Error, and a matcher.
func (g *generator) errorDecl(e *schema.ErrorDef) {
	detailsType := jen.Any()
	hasDetails := e.Details != nil
	if hasDetails {
		detailsType = jen.Op("*").Add(g.goType(e.Details))
	}
	g.jf.Commentf("%sName is the name of the %s error on the wire; its code is %q.", e.GoName, e.GoName, e.Code)
	g.jf.Const().Id(e.GoName + "Name").Op("=").Lit(e.Name)
	g.jf.Line()
	g.jf.Comment(comment("New"+e.GoName, fmt.Sprintf("returns the %s error (code %q) with a message and details. %s", e.GoName, e.Code, e.Description), e.Deprecation))
	params := []jen.Code{jen.Id("message").String()}
	details := jen.Nil()
	if hasDetails {
		params = append(params, jen.Id("details").Add(detailsType))
		details = jen.Id("details")
	}
	g.jf.Func().Id("New"+e.GoName).Params(params...).Op("*").Qual(sioPkg, "Error").Block(
		jen.Return(jen.Op("&").Qual(sioPkg, "Error").Values(jen.Dict{
			jen.Id("Code"):    jen.Lit(e.Code),
			jen.Id("Name"):    jen.Lit(e.Name),
			jen.Id("Message"): jen.Id("message"),
			jen.Id("Details"): details,
		})))
	g.jf.Line()
	g.jf.Commentf("Is%s reports whether err is the %s error.", e.GoName, e.GoName)
	g.jf.Func().Id("Is"+e.GoName).Params(jen.Err().Error()).Bool().Block(
		jen.Var().Id("e").Op("*").Qual(sioPkg, "Error"),
		jen.Return(jen.Qual("errors", "As").Call(jen.Err(), jen.Op("&").Id("e")).Op("&&").Id("e").Dot("Name").Op("==").Lit(e.Name)),
	)
	g.jf.Line()
	g.errorAsDecl(e)
}
