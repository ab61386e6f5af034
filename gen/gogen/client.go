package gogen

import (
	"fmt"
	"strings"
	"time"

	"github.com/dave/jennifer/jen"

	"github.com/siogen/siogen/schema"
)

// callSignature is the signature of a method that emits e and waits for its
// acknowledgement: (ctx, in) (Out, error), without in for an event that has
// no payload and without Out for an acknowledgement without data.
func (g *generator) callSignature(ns *schema.Namespace, e *schema.Event) *jen.Statement {
	ps := []jen.Code{jen.Id("ctx").Qual("context", "Context")}
	if hasIn(e) {
		ps = append(ps, jen.Id("in").Add(g.inType(ns, e)))
	}
	if hasOut(e) {
		return jen.Params(ps...).Params(g.outType(ns, e), jen.Error())
	}
	return jen.Params(ps...).Error()
}

// callBody emits e through to and decodes the acknowledgement.
func (g *generator) callBody(ns *schema.Namespace, e *schema.Event, to jen.Code) []jen.Code {
	out := g.outType(ns, e)
	if !hasOut(e) {
		out = jen.Struct()
	}
	check, in := g.inCheckFunc(ns, e), jen.Code(jen.Id("in"))
	inType := g.inType(ns, e)
	if check == nil {
		check = jen.Nil()
	}
	if !hasIn(e) {
		in = jen.Struct().Values()
	}
	args := append([]jen.Code{jen.Id("ctx"), to, ackStyle(e),
		durationExpr(e.Timeout), g.outReadFunc(ns, e), check, in, jen.Id(ns.GoName + "Event" + e.GoName)}, g.emitArgs(ns, e)...)
	call := jen.Qual(sioPkg, "CallTimeout").Types(inType, out).Call(args...)
	if hasOut(e) {
		return []jen.Code{jen.Return(call)}
	}
	return []jen.Code{jen.List(jen.Id("_"), jen.Err()).Op(":=").Add(call), jen.Return(jen.Err())}
}

// clientType generates XClient: the typed Go client of a namespace.
func (g *generator) clientType(ns *schema.Namespace) {
	n := ns.GoName
	c := n + "Client"
	g.jf.Commentf("%s is the typed client of %s: a method per event the client sends and an On method per event the server sends. It embeds the *sio.ClientSocket for connecting, disconnect handlers and the untyped API; it is safe for concurrent use.", c, ns.Path)
	g.jf.Type().Id(c).Struct(jen.Op("*").Qual(sioPkg, "ClientSocket"))
	g.jf.Line()
	params := []jen.Code{jen.Id("m").Op("*").Qual(sioPkg, "Manager")}
	opts := jen.Nil()
	doc := fmt.Sprintf("New%s returns the %s socket of m; call Connect to connect it.", c, ns.Path)
	if ns.Auth != nil {
		params = append(params, jen.Id("auth").Add(g.valueType(ns.Auth)))
		opts = jen.Op("&").Qual(sioPkg, "SocketOptions").Values(jen.Dict{jen.Id("Auth"): jen.Id("auth")})
		doc += " auth is sent in every CONNECT."
	}
	g.jf.Comment(doc)
	g.jf.Func().Id("New" + c).Params(params...).Id(c).Block(
		jen.Return(jen.Id(c).Values(jen.Id("m").Dot("Socket").Call(jen.Id(n+"Namespace"), opts))))
	for _, e := range ns.Events {
		if !e.From.ClientEmits() {
			continue
		}
		if e.Acked {
			g.jf.Comment(comment(e.GoName, strings.TrimSpace(fmt.Sprintf("sends %s and waits for the server's answer. %s", e.Name, e.Description))+plainAckNote(e, "call")+clientLimitsNote(e), e.Deprecation))
			g.jf.Func().Params(jen.Id("c").Id(c)).Id(e.GoName).Add(g.callSignature(ns, e)).Block(g.callBody(ns, e, jen.Id("c").Dot("ClientSocket"))...)
			continue
		}
		ps := []jen.Code{}
		if hasIn(e) {
			ps = append(ps, jen.Id("in").Add(g.inType(ns, e)))
		}
		g.jf.Comment(comment("Emit"+e.GoName, strings.TrimSpace("sends the "+e.Name+" event to the server. "+e.Description)+clientLimitsNote(e), e.Deprecation))
		g.jf.Func().Params(jen.Id("c").Id(c)).Id("Emit" + e.GoName).Params(ps...).Error().Block(
			g.emitBody(ns, e, jen.Id("c").Dot("ClientSocket")))
	}
	for _, e := range ns.Events {
		if !e.From.ServerEmits() {
			continue
		}
		var extra []jen.Code
		if read := g.inReadFunc(ns, e); read != nil {
			extra = append(extra, jen.Qual(sioPkg, "WithReader").Call(read))
		}
		if e.Acked && e.AckStyle == schema.AckPlain {
			extra = append(extra, jen.Qual(sioPkg, "WithAckStyle").Call(ackStyle(e)))
		}
		if check := g.outCheckFunc(ns, e); check != nil {
			extra = append(extra, jen.Qual(sioPkg, "WithAckCheck").Call(check))
		}
		if d := g.errorDetailsOpt(e); d != nil {
			extra = append(extra, d)
		}
		in := g.inType(ns, e)
		if e.Acked {
			out := g.outType(ns, e)
			g.jf.Comment(comment("On"+e.GoName, strings.TrimSpace(fmt.Sprintf("sets the handler of %s, whose result answers the server. %s", e.Name, e.Description))+plainAckNote(e, "handler"), e.Deprecation))
			g.jf.Func().Params(jen.Id("c").Id(c)).Id("On" + e.GoName).Params(
				jen.Id("fn").Func().Params(jen.Qual("context", "Context"), in).Params(out, jen.Error())).Block(
				jen.Qual(sioPkg, "OnClientAck").Call(append([]jen.Code{jen.Id("c").Dot("ClientSocket"), jen.Id(n + "Event" + e.GoName), jen.Id("fn")}, extra...)...))
			continue
		}
		g.jf.Comment(comment("On"+e.GoName, fmt.Sprintf("adds a handler of %s. %s", e.Name, e.Description), e.Deprecation))
		g.jf.Func().Params(jen.Id("c").Id(c)).Id("On" + e.GoName).Params(
			jen.Id("fn").Func().Params(jen.Qual("context", "Context"), in)).Block(
			jen.Qual(sioPkg, "OnClient").Call(append([]jen.Code{jen.Id("c").Dot("ClientSocket"), jen.Id(n + "Event" + e.GoName), jen.Id("fn")}, extra...)...))
	}
	g.jf.Line()
}

// durationExpr writes d as Go source: 0, 30 * time.Second, 1500 *
// time.Millisecond.
func durationExpr(d time.Duration) *jen.Statement {
	switch {
	case d == 0:
		return jen.Lit(0)
	case d%time.Second == 0:
		return jen.Lit(int(d/time.Second)).Op("*").Qual("time", "Second")
	case d%time.Millisecond == 0:
		return jen.Lit(int(d/time.Millisecond)).Op("*").Qual("time", "Millisecond")
	}
	return jen.Qual("time", "Duration").Call(jen.Lit(int64(d)))
}
