package gogen

import (
	"github.com/dave/jennifer/jen"

	"github.com/siogen/siogen/schema"
)

// errorAsDecl declares AsX beside IsX for an error with details: the
// details of an X error in a chain, typed, whichever side made the error.
func (g *generator) errorAsDecl(e *schema.ErrorDef) {
	if e.Details == nil {
		return
	}
	details := g.goType(e.Details)
	g.jf.Commentf("As%s returns the details of the %s error in err's chain and whether there was one: the value given to New%s on the side that made it, decoded from the wire on the other.", e.GoName, e.GoName, e.GoName)
	g.jf.Func().Id("As"+e.GoName).Params(jen.Err().Error()).Params(jen.Op("*").Add(details), jen.Bool()).Block(
		jen.Return(jen.Qual(sioPkg, "DetailsAs").Types(details).Call(jen.Err(), jen.Id(e.GoName+"Name"))),
	)
	g.jf.Line()
}

// plainAckNote is what the doc of a handler or call of a plain-style
// acknowledged event adds: the ack carries only the declared result.
func plainAckNote(e *schema.Event, side string) string {
	if !e.Acked || e.AckStyle != schema.AckPlain {
		return ""
	}
	if side == "handler" {
		return " Its plain-style ack carries only the result: an error returned here is logged, not sent, and an invalid payload is not answered either (see sio.AckPlain)."
	}
	return " Its plain-style ack carries only the result: an invalid payload or a failed handler gets no answer, so the call ends with ctx or the contract's timeout (see sio.AckPlain)."
}

// errorDetailsOpt is the sio.WithErrorDetails option of an acknowledged
// event whose declared errors have details, so that a handler's error of
// one of their names is checked before it leaves even when its details
// are not of the generated type (a map, say); nil when there is nothing
// to declare.
func (g *generator) errorDetailsOpt(e *schema.Event) jen.Code {
	if !e.Acked || e.AckStyle == schema.AckPlain || !g.validating() {
		return nil
	}
	d := jen.Dict{}
	for _, ref := range e.Errors {
		if ref.Target == nil || ref.Target.Details == nil {
			continue
		}
		d[jen.Lit(ref.Target.Name)] = jen.Qual(sioPkg, "DetailsReader").Call(g.readFunc(ref.Target.Details))
	}
	if len(d) == 0 {
		return nil
	}
	return jen.Qual(sioPkg, "WithErrorDetails").Call(jen.Map(jen.String()).Qual(sioPkg, "DetailsCheck").Values(d))
}
