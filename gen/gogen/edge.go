package gogen

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dave/jennifer/jen"

	"github.com/siogen/siogen/gen/internal/edgedoc"
	"github.com/siogen/siogen/schema"
)

// The edge policies of the contract in generated Go: RegisterXServer sets
// the limits of each client event (sio.Namespace.Limit) and the
// namespace's DisconnectAfter; the typed emitters of a server event with
// back-pressure send through s.Socket.Backpressure / op.Backpressure, the
// key of a "latest" policy read from the payload by an unexported
// function per event.

// limitCalls are the statements of RegisterXServer that set the edge
// limits of ns's events, before any handler is registered.
func (g *generator) limitCalls(ns *schema.Namespace) []jen.Code {
	var out []jen.Code
	if l := ns.Limits; l != nil && l.DisconnectAfter != nil && l.DisconnectAfter.Count > 0 {
		out = append(out, jen.Id("ns").Dot("DisconnectAfter").Call(jen.Lit(l.DisconnectAfter.Count), durationExpr(l.DisconnectAfter.Per)))
	}
	for _, e := range ns.Events {
		if !e.From.ClientEmits() || len(edgedoc.Terms(e.Limits)) == 0 {
			continue
		}
		out = append(out, jen.Id("ns").Dot("Limit").Call(jen.Id(ns.GoName+"Event"+e.GoName), limitsLit(e.Limits)))
	}
	return out
}

// limitsLit is the sio.Limits of l, zero fields left out.
func limitsLit(l *schema.Limits) jen.Code {
	d := jen.Dict{}
	if l.Rate != nil && l.Rate.Count > 0 && l.Rate.Per > 0 {
		d[jen.Id("Rate")] = rateExpr(l.Rate)
		if l.Burst > 0 {
			d[jen.Id("Burst")] = jen.Lit(l.Burst)
		}
	}
	if l.MaxPayload > 0 {
		d[jen.Id("MaxPayload")] = jen.Lit(int(l.MaxPayload))
	}
	if l.MaxPendingAcks > 0 {
		d[jen.Id("MaxPendingAcks")] = jen.Lit(l.MaxPendingAcks)
	}
	return jen.Qual(sioPkg, "Limits").Values(d)
}

// rateExpr writes a rate in events per second: a short literal when there
// is one (20, 2.5), else the division (100 / 60.0), exact either way.
func rateExpr(r *schema.Rate) jen.Code {
	perSec := r.PerSecond()
	s := strconv.FormatFloat(perSec, 'f', -1, 64)
	if len(s) <= 8 {
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return jen.Op(s)
	}
	return jen.Lit(r.Count).Op("/").Op(strconv.FormatFloat(r.Per.Seconds(), 'f', -1, 64) + ".0")
}

// limitsNote is the sentence a doc comment of a client event adds about
// its limits, "" when it has none.
func limitsNote(e *schema.Event) string {
	if s := edgedoc.Limits(e); s != "" {
		return " " + s
	}
	return ""
}

// clientLimitsNote is the sentence the generated client's method of a
// limited event adds: how to read the refusal.
func clientLimitsNote(e *schema.Event) string {
	s := limitsNote(e)
	if s == "" || !edgedoc.Answered(e) {
		return s
	}
	return s + " The error is then an *sio.Error with code resource_exhausted; sio.AsResourceExhausted reads its details (the limit, and for a rate the milliseconds to wait)."
}

// backpressureNote is the sentence a typed emitter's doc comment adds
// about the event's back-pressure, "" when it has none.
func backpressureNote(e *schema.Event) string {
	if e.Backpressure == nil {
		return ""
	}
	return " Follows the contract's back-pressure: " + edgedoc.Mode(e.Backpressure) + "."
}

// hasBackpressure reports whether the typed emitters of e follow a
// declared back-pressure: a server event (the schema allows none on an
// event with an ack).
func hasBackpressure(e *schema.Event) bool {
	return e.Backpressure != nil && e.From.ServerEmits()
}

// withBackpressure wraps to, a *sio.Socket or *sio.BroadcastOperator
// expression, so that it follows e's back-pressure.
func (g *generator) withBackpressure(ns *schema.Namespace, e *schema.Event, to *jen.Statement) *jen.Statement {
	if !hasBackpressure(e) {
		return to
	}
	return to.Clone().Dot("Backpressure").Call(g.backpressureLit(ns, e))
}

// backpressureLit is the sio.Backpressure of e, the key of a latest
// policy computed from the payload in.
func (g *generator) backpressureLit(ns *schema.Namespace, e *schema.Event) jen.Code {
	bp := e.Backpressure
	d := jen.Dict{}
	switch bp.Mode {
	case schema.BackpressureVolatile:
		d[jen.Id("Mode")] = jen.Qual(sioPkg, "BackpressureVolatile")
	case schema.BackpressureLatest:
		d[jen.Id("Mode")] = jen.Qual(sioPkg, "BackpressureLatest")
		d[jen.Id("Key")] = jen.Id(keyFuncName(ns, e)).Call(jen.Id("in"))
	default:
		d[jen.Id("Mode")] = jen.Qual(sioPkg, "BackpressureQueue")
	}
	if bp.Max > 0 {
		d[jen.Id("Max")] = jen.Lit(bp.Max)
	}
	return jen.Qual(sioPkg, "Backpressure").Values(d)
}

// keyFuncName is the unexported function that reads the back-pressure key
// of e from its payload.
func keyFuncName(ns *schema.Namespace, e *schema.Event) string {
	return lowerFirst(ns.GoName) + e.GoName + "Key"
}

// keyFields resolves the key path of a latest policy to the payload's
// fields: bp.KeyFields when the schema resolved them, else by wire name.
func keyFields(e *schema.Event) ([]*schema.Field, error) {
	bp := e.Backpressure
	if len(bp.KeyFields) == len(bp.Key) && len(bp.Key) > 0 {
		return bp.KeyFields, nil
	}
	if e.Payload == nil || len(bp.Key) == 0 {
		return nil, fmt.Errorf("event %s: a latest back-pressure needs an object payload and a key", e.Name)
	}
	t := e.Payload
	var out []*schema.Field
	for _, name := range bp.Key {
		u := t.Underlying()
		if u == nil || u.Kind != schema.KindObject {
			return nil, fmt.Errorf("event %s: back-pressure key %s: %q is not in an object", e.Name, strings.Join(bp.Key, "."), name)
		}
		var found *schema.Field
		for _, f := range u.Fields {
			if f.Name == name {
				found = f
			}
		}
		if found == nil {
			return nil, fmt.Errorf("event %s: back-pressure key %s: no field %q", e.Name, strings.Join(bp.Key, "."), name)
		}
		out = append(out, found)
		t = found.Type
	}
	return out, nil
}

// keyFuncs declares the key function of every server event of ns with a
// latest back-pressure.
func (g *generator) keyFuncs(ns *schema.Namespace) error {
	for _, e := range ns.Events {
		if !hasBackpressure(e) || e.Backpressure.Mode != schema.BackpressureLatest {
			continue
		}
		if err := g.keyFunc(ns, e); err != nil {
			return err
		}
	}
	return nil
}

// keyFunc declares the function that renders the key of e's payload as a
// string: the field itself for strings and enums, its decimal form for
// integers. A nil payload, or a nil pointer on the way, has the key "":
// the emitter's contract check reports the payload itself.
func (g *generator) keyFunc(ns *schema.Namespace, e *schema.Event) error {
	fields, err := keyFields(e)
	if err != nil {
		return err
	}
	name := keyFuncName(ns, e)
	var body []jen.Code
	cur := jen.Id("in")
	if u := e.Payload.Underlying(); u != nil && (u.Kind == schema.KindObject || u.Kind == schema.KindUnion) {
		body = append(body, jen.If(jen.Id("in").Op("==").Nil()).Block(jen.Return(jen.Lit(""))))
	}
	for i, f := range fields {
		cur = cur.Clone().Dot(f.GoName)
		if (f.Optional || f.Nullable) && !nilable(f.Type) {
			body = append(body, jen.If(cur.Clone().Op("==").Nil()).Block(jen.Return(jen.Lit(""))))
			if i == len(fields)-1 {
				cur = jen.Op("*").Add(cur)
			}
		}
	}
	last := fields[len(fields)-1].Type.Underlying()
	var val jen.Code
	switch {
	case last == nil:
		return fmt.Errorf("event %s: back-pressure key %s has no type", e.Name, edgedoc.Key(e.Backpressure))
	case last.Kind == schema.KindInt32 || last.Kind == schema.KindInt64:
		val = jen.Qual("strconv", "FormatInt").Call(jen.Int64().Call(cur), jen.Lit(10))
	case last.Kind == schema.KindString || last.Kind == schema.KindEnum:
		val = jen.String().Call(cur)
	default:
		return fmt.Errorf("event %s: back-pressure key %s must be a string, integer or enum, not %s", e.Name, edgedoc.Key(e.Backpressure), last.Kind)
	}
	body = append(body, jen.Return(val))
	g.jf.Commentf("%s is the back-pressure key of a %s event: its %s (latest per key).", name, e.Name, edgedoc.Key(e.Backpressure))
	g.jf.Func().Id(name).Params(jen.Id("in").Add(g.emitInType(ns, e))).String().Block(body...)
	g.jf.Line()
	return nil
}
