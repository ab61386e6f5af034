package gogen

import (
	"fmt"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/siogen/siogen/gen/internal/edgedoc"
	"github.com/siogen/siogen/schema"
)

// valueType is how a payload or ack travels in Go: objects and unions by
// pointer, everything else by value.
func (g *generator) valueType(t *schema.Type) *jen.Statement {
	if u := t.Underlying(); u != nil && (u.Kind == schema.KindObject || u.Kind == schema.KindUnion) {
		return jen.Op("*").Add(g.goType(t))
	}
	return g.goType(t)
}

// tupleName is the Go type of an event's tuple of arguments.
func tupleName(ns *schema.Namespace, e *schema.Event, suffix string) string {
	return ns.GoName + e.GoName + suffix
}

// inType is the Go type a handler receives for a client-sent event.
func (g *generator) inType(ns *schema.Namespace, e *schema.Event) *jen.Statement {
	switch {
	case e.Payload != nil:
		return g.valueType(e.Payload)
	case len(e.Args) > 0:
		return g.local(tupleName(ns, e, "Args"))
	}
	return jen.Struct()
}

// outType is the Go type of an event's acknowledgement.
func (g *generator) outType(ns *schema.Namespace, e *schema.Event) *jen.Statement {
	switch {
	case e.Ack != nil:
		return g.valueType(e.Ack)
	case len(e.AckArgs) > 0:
		return g.local(tupleName(ns, e, "Ack"))
	}
	return jen.Struct()
}

func ackStyle(e *schema.Event) *jen.Statement {
	if e.AckStyle == schema.AckPlain {
		return jen.Qual(sioPkg, "AckPlain")
	}
	return jen.Qual(sioPkg, "AckEnvelope")
}

// tupleDecl declares the struct of a tuple of arguments with its
// DecodeArgs and EncodeArgs methods.
func (g *generator) tupleDecl(name, doc string, fields []*schema.Field) {
	g.jf.Comment(name + " " + doc)
	g.jf.Type().Id(name).Struct(g.structFields(fields)...)
	var ptrs, vals []jen.Code
	for _, f := range fields {
		ptrs = append(ptrs, jen.Op("&").Id("t").Dot(f.GoName))
		vals = append(vals, jen.Id("t").Dot(f.GoName))
	}
	g.tupleReader(name, fields)
	g.tupleCheck(name, fields)
	g.jf.Comment("DecodeArgs implements sio.TupleDecoder.")
	g.jf.Func().Params(jen.Id("t").Op("*").Id(name)).Id("DecodeArgs").Params(jen.Id("a").Qual(sioPkg, "Args")).Error().Block(
		jen.Return(jen.Id("a").Dot("Decode").Call(ptrs...)))
	g.jf.Comment("EncodeArgs implements sio.TupleEncoder.")
	g.jf.Func().Params(jen.Id("t").Id(name)).Id("EncodeArgs").Params().Index().Any().Block(
		jen.Return(jen.Index().Any().Values(vals...)))
	g.jf.Line()
}

// inReadFunc is the ReadFunc of the input of an event, nil when it has
// none or checks are not generated.
func (g *generator) inReadFunc(ns *schema.Namespace, e *schema.Event) jen.Code {
	switch {
	case !g.validating():
		return nil
	case e.Payload != nil:
		return g.readFunc(e.Payload)
	case len(e.Args) > 0:
		return tupleReadFunc(g.local(tupleName(ns, e, "Args")))
	}
	return nil
}

// inCheckFunc is the CheckFunc of the input of an event, nil when values
// cannot break the contract or checks are not generated.
func (g *generator) inCheckFunc(ns *schema.Namespace, e *schema.Event) jen.Code {
	switch {
	case !g.validating():
		return nil
	case e.Payload != nil:
		return g.checkFunc(e.Payload)
	case len(e.Args) > 0:
		return g.local(tupleName(ns, e, "Args")).Dot("CheckJSON")
	}
	return nil
}

// outCheckFunc is the CheckFunc of the acknowledgement of an event, nil
// when it has no data, values cannot break it or checks are not generated.
func (g *generator) outCheckFunc(ns *schema.Namespace, e *schema.Event) jen.Code {
	switch {
	case !g.validating() || !e.Acked:
		return nil
	case e.Ack != nil:
		return g.checkFunc(e.Ack)
	case len(e.AckArgs) > 0:
		return g.local(tupleName(ns, e, "Ack")).Dot("CheckJSON")
	}
	return nil
}

// emitBody is the body of a typed emitter through to: checked when values
// can break the contract.
func (g *generator) emitBody(ns *schema.Namespace, e *schema.Event, to *jen.Statement) jen.Code {
	args := append([]jen.Code{jen.Id(ns.GoName + "Event" + e.GoName)}, g.emitArgs(ns, e)...)
	if check := g.inCheckFunc(ns, e); check != nil {
		return jen.Return(jen.Qual(sioPkg, "EmitChecked").Call(append([]jen.Code{to, check, jen.Id("in")}, args...)...))
	}
	return jen.Return(to.Clone().Dot("Emit").Call(args...))
}

// outReadFunc is the ReadFunc of the acknowledgement of an event, nil when
// it has no data or checks are not generated.
func (g *generator) outReadFunc(ns *schema.Namespace, e *schema.Event) jen.Code {
	switch {
	case !g.validating():
		return jen.Nil()
	case e.Ack != nil:
		return g.readFunc(e.Ack)
	case len(e.AckArgs) > 0:
		return tupleReadFunc(g.local(tupleName(ns, e, "Ack")))
	}
	return jen.Nil()
}

// namespace generates the server API of a namespace.
func (g *generator) namespace(ns *schema.Namespace) error {
	n := ns.GoName
	g.jf.Commentf("%sNamespace is the name of the %s namespace.", n, ns.Path)
	g.jf.Const().Id(n + "Namespace").Op("=").Lit(ns.Path)
	g.jf.Line()
	var names []jen.Code
	for _, e := range ns.Events {
		names = append(names, jen.Comment(fmt.Sprintf("%sEvent%s is the wire name of the %s event.", n, e.GoName, e.Name)),
			jen.Id(n+"Event"+e.GoName).Op("=").Lit(e.Name))
	}
	g.jf.Commentf("Event names of the %s namespace.", ns.Path)
	g.jf.Const().Defs(names...)
	g.jf.Line()
	for _, e := range ns.Events {
		if len(e.Args) > 0 {
			g.tupleDecl(tupleName(ns, e, "Args"), "holds the arguments of the "+e.Name+" event.", e.Args)
		}
		if len(e.AckArgs) > 0 {
			g.tupleDecl(tupleName(ns, e, "Ack"), "holds the acknowledgement arguments of the "+e.Name+" event.", e.AckArgs)
		}
	}
	g.serverInterface(ns)
	g.register(ns)
	g.socketType(ns)
	g.broadcastType(ns)
	g.clientType(ns)
	return g.keyFuncs(ns)
}

// hasIn reports whether a client event carries a payload or arguments.
func hasIn(e *schema.Event) bool { return e.Payload != nil || len(e.Args) > 0 }

// hasOut reports whether an acknowledgement carries data.
func hasOut(e *schema.Event) bool { return e.Ack != nil || len(e.AckArgs) > 0 }

// handlerSignature is the method a server implements for a client event:
// no input parameter for an event without payload, and only an error for an
// acknowledgement without data.
func (g *generator) handlerSignature(ns *schema.Namespace, e *schema.Event) *jen.Statement {
	ps := []jen.Code{jen.Id("ctx").Qual("context", "Context"), jen.Id("s").Id(ns.GoName + "Socket")}
	if hasIn(e) {
		ps = append(ps, jen.Id("in").Add(g.inType(ns, e)))
	}
	sig := jen.Id(e.GoName).Params(ps...)
	switch {
	case e.Acked && hasOut(e):
		return sig.Params(g.outType(ns, e), jen.Error())
	case e.Acked:
		return sig.Error()
	}
	return sig
}

func (g *generator) serverInterface(ns *schema.Namespace) {
	n := ns.GoName
	var methods []jen.Code
	for _, e := range ns.Events {
		if !e.From.ClientEmits() {
			continue
		}
		methods = append(methods, jen.Comment(comment(e.GoName, eventDoc(e)+plainAckNote(e, "handler")+limitsNote(e), e.Deprecation)), g.handlerSignature(ns, e))
	}
	doc := fmt.Sprintf("%sServer handles the events clients send to %s; embed Unimplemented%sServer to stay compatible with later versions of the contract.", n, ns.Path, n)
	if ns.Description != "" {
		doc += "\n\n" + ns.Description
	}
	g.jf.Comment(doc)
	g.jf.Type().Id(n + "Server").Interface(methods...)
	g.jf.Line()

	g.jf.Commentf("Unimplemented%sServer answers every event with an \"unimplemented\" error.", n)
	g.jf.Type().Id("Unimplemented" + n + "Server").Struct()
	for _, e := range ns.Events {
		if !e.From.ClientEmits() {
			continue
		}
		g.jf.Commentf("%s implements %sServer.", e.GoName, n)
		var body []jen.Code
		unimpl := jen.Qual(sioPkg, "NewError").Call(jen.Qual(sioPkg, "CodeUnimplemented"), jen.Lit(e.Name+" is not implemented"))
		switch {
		case e.Acked && hasOut(e):
			body = append(body, jen.Var().Id("out").Add(g.outType(ns, e)), jen.Return(jen.Id("out"), unimpl))
		case e.Acked:
			body = append(body, jen.Return(unimpl))
		}
		g.jf.Func().Params(jen.Id("Unimplemented" + n + "Server")).Add(g.handlerSignature(ns, e)).Block(body...)
	}
	g.jf.Line()
}

func eventDoc(e *schema.Event) string {
	return sentence("handles the "+e.Name+" event.", e.Description)
}

// register generates RegisterXServer.
func (g *generator) register(ns *schema.Namespace) {
	n := ns.GoName
	body := []jen.Code{jen.Id("ns").Op(":=").Id("srv").Dot("Of").Call(jen.Id(n + "Namespace"))}
	if ns.Auth != nil && g.validating() {
		body = append(body, jen.Id("ns").Dot("Use").Call(jen.Qual(sioPkg, "CheckAuth").Call(g.readFunc(ns.Auth))))
	}
	body = append(body, g.limitCalls(ns)...)
	for _, e := range ns.Events {
		if !e.From.ClientEmits() {
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
		opts := jen.Id("opts").Op("...")
		if len(extra) > 0 {
			opts = jen.Append(jen.Index().Qual(sioPkg, "HandlerOption").Values(extra...), jen.Id("opts").Op("...")).Op("...")
		}
		inName := "in"
		if !hasIn(e) {
			inName = "_"
		}
		params := jen.Params(jen.Id("ctx").Qual("context", "Context"), jen.Id("s").Op("*").Qual(sioPkg, "Socket"), jen.Id(inName).Add(g.inType(ns, e)))
		args := []jen.Code{jen.Id("ctx"), jen.Id(n + "Socket").Values(jen.Id("s"))}
		if hasIn(e) {
			args = append(args, jen.Id("in"))
		}
		call := jen.Id("impl").Dot(e.GoName).Call(args...)
		var fn *jen.Statement
		switch {
		case e.Acked && hasOut(e):
			fn = jen.Func().Add(params).Params(g.outType(ns, e), jen.Error()).Block(jen.Return(call))
		case e.Acked:
			fn = jen.Func().Add(params).Params(jen.Struct(), jen.Error()).Block(jen.Return(jen.Struct().Values(), call))
		default:
			fn = jen.Func().Add(params).Block(call)
		}
		handle := "Handle"
		if e.Acked {
			handle = "HandleAck"
		}
		body = append(body, jen.Qual(sioPkg, handle).Call(jen.Id("ns"), jen.Id(n+"Event"+e.GoName), fn, opts))
	}
	body = append(body, jen.Return(jen.Id("ns")))
	doc := fmt.Sprintf("Register%sServer registers impl's handlers on the %s namespace of srv and returns the namespace (for middlewares and connection handlers). Payloads are validated before impl sees them when the contract was generated with validation.", n, ns.Path)
	if calls := g.limitCalls(ns); len(calls) > 0 {
		doc += " It first sets the contract's edge limits (sio.Namespace.Limit, DisconnectAfter): an event over them is refused before it is decoded, with a resource_exhausted error when it has an ack, else dropped and counted."
	}
	if s := edgedoc.Disconnect(ns.Limits); s != "" {
		doc += " " + s
	}
	g.jf.Comment(doc)
	g.jf.Func().Id("Register"+n+"Server").Params(
		jen.Id("srv").Op("*").Qual(sioPkg, "Server"), jen.Id("impl").Id(n+"Server"), jen.Id("opts").Op("...").Qual(sioPkg, "HandlerOption"),
	).Op("*").Qual(sioPkg, "Namespace").Block(body...)
	g.jf.Line()
}

// authBody decodes the auth payload: with the generated reader (defaults
// filled in) when checks are generated.
func (g *generator) authBody(ns *schema.Namespace) jen.Code {
	if g.validating() {
		return jen.Return(jen.Qual(sioPkg, "AuthWith").Call(jen.Id("s").Dot("Socket"), g.readFunc(ns.Auth)))
	}
	return jen.Return(jen.Qual(sioPkg, "AuthAs").Types(g.valueType(ns.Auth)).Call(jen.Id("s").Dot("Socket")))
}

// socketType generates XSocket: typed emitters for server events.
func (g *generator) socketType(ns *schema.Namespace) {
	n := ns.GoName
	sock := n + "Socket"
	g.jf.Commentf("%s is a client's connection to %s, with typed emitters for the events the server sends. It embeds the *sio.Socket for rooms, data and the untyped API; it is safe for concurrent use.", sock, ns.Path)
	g.jf.Type().Id(sock).Struct(jen.Op("*").Qual(sioPkg, "Socket"))
	g.jf.Line()
	if ns.Auth != nil {
		g.jf.Commentf("Auth decodes the auth payload the client connected with.")
		g.jf.Func().Params(jen.Id("s").Id(sock)).Id("Auth").Params().Params(g.valueType(ns.Auth), jen.Error()).Block(
			g.authBody(ns))
	}
	for _, e := range ns.Events {
		if !e.From.ServerEmits() {
			continue
		}
		if e.Acked {
			g.jf.Comment(comment(e.GoName, strings.TrimSpace(fmt.Sprintf("sends %s and waits for the client's answer (at most %s unless ctx says otherwise). %s", e.Name, e.Timeout, e.Description))+plainAckNote(e, "call"), e.Deprecation))
			g.jf.Func().Params(jen.Id("s").Id(sock)).Id(e.GoName).Add(g.callSignature(ns, e)).Block(
				g.callBody(ns, e, jen.Id("s").Dot("Socket"))...)
			continue
		}
		g.jf.Comment(comment("Emit"+e.GoName, strings.TrimSpace("sends the "+e.Name+" event to the client. "+e.Description)+backpressureNote(e), e.Deprecation))
		g.jf.Func().Params(jen.Id("s").Id(sock)).Id("Emit" + e.GoName).Params(jen.Id("in").Add(g.emitInType(ns, e))).Error().Block(
			g.emitBody(ns, e, g.withBackpressure(ns, e, jen.Id("s").Dot("Socket"))))
	}
	g.jf.Commentf("To returns a typed broadcast to the rooms, without this socket.")
	g.jf.Func().Params(jen.Id("s").Id(sock)).Id("To").Params(jen.Id("rooms").Op("...").String()).Id(n + "Broadcast").Block(
		jen.Return(jen.Id(n + "Broadcast").Values(jen.Id("s").Dot("Socket").Dot("To").Call(jen.Id("rooms").Op("...")))))
	g.jf.Commentf("Broadcast returns a typed broadcast to every other socket of the namespace.")
	g.jf.Func().Params(jen.Id("s").Id(sock)).Id("Broadcast").Params().Id(n + "Broadcast").Block(
		jen.Return(jen.Id(n + "Broadcast").Values(jen.Id("s").Dot("Socket").Dot("Broadcast").Call())))
	g.jf.Line()
}

// emitInType is what an emitter takes: the payload, or the tuple struct.
func (g *generator) emitInType(ns *schema.Namespace, e *schema.Event) *jen.Statement {
	return g.inType(ns, e)
}

// emitArgs are the arguments an emitter passes to Emit after the name.
func (g *generator) emitArgs(ns *schema.Namespace, e *schema.Event) []jen.Code {
	switch {
	case e.Payload != nil:
		return []jen.Code{jen.Id("in")}
	case len(e.Args) > 0:
		return []jen.Code{jen.Id("in").Dot("EncodeArgs").Call().Op("...")}
	}
	return nil
}

// broadcastType generates XBroadcast: typed emitters to many sockets.
func (g *generator) broadcastType(ns *schema.Namespace) {
	n := ns.GoName
	b := n + "Broadcast"
	g.jf.Commentf("%s sends server events to many sockets of %s: narrow it with To, Except, Volatile and Local. It is immutable and safe for concurrent use.", b, ns.Path)
	g.jf.Type().Id(b).Struct(jen.Id("op").Op("*").Qual(sioPkg, "BroadcastOperator"))
	g.jf.Line()
	g.jf.Commentf("New%s returns a broadcast to every socket of %s on srv.", b, ns.Path)
	g.jf.Func().Id("New" + b).Params(jen.Id("srv").Op("*").Qual(sioPkg, "Server")).Id(b).Block(
		jen.Return(jen.Id(b).Values(jen.Id("srv").Dot("Of").Call(jen.Id(n + "Namespace")).Dot("Except").Call())))
	for _, m := range []struct{ name, doc string }{
		{"To", "adds rooms: sockets in any of them receive the events."},
		{"Except", "excludes the sockets in any of the rooms."},
	} {
		g.jf.Comment(m.name + " " + m.doc)
		g.jf.Func().Params(jen.Id("b").Id(b)).Id(m.name).Params(jen.Id("rooms").Op("...").String()).Id(b).Block(
			jen.Return(jen.Id(b).Values(jen.Id("b").Dot("op").Dot(m.name).Call(jen.Id("rooms").Op("...")))))
	}
	for _, m := range []struct{ name, doc string }{
		{"Volatile", "lets the events be dropped for sockets that are not ready."},
		{"Local", "restricts the broadcast to this node."},
	} {
		g.jf.Comment(m.name + " " + m.doc)
		g.jf.Func().Params(jen.Id("b").Id(b)).Id(m.name).Params().Id(b).Block(
			jen.Return(jen.Id(b).Values(jen.Id("b").Dot("op").Dot(m.name).Call())))
	}
	g.jf.Commentf("Operator returns the untyped broadcast.")
	g.jf.Func().Params(jen.Id("b").Id(b)).Id("Operator").Params().Op("*").Qual(sioPkg, "BroadcastOperator").Block(jen.Return(jen.Id("b").Dot("op")))
	for _, e := range ns.Events {
		if !e.From.ServerEmits() || e.Acked {
			continue
		}
		g.jf.Comment(comment("Emit"+e.GoName, "sends the "+e.Name+" event to the selected sockets."+backpressureNote(e), e.Deprecation))
		g.jf.Func().Params(jen.Id("b").Id(b)).Id("Emit" + e.GoName).Params(jen.Id("in").Add(g.emitInType(ns, e))).Error().Block(
			g.emitBody(ns, e, g.withBackpressure(ns, e, jen.Id("b").Dot("op"))))
	}
	g.jf.Line()
}

// validating reports whether payload checks are generated.
func (g *generator) validating() bool { return g.opts.Validate }
