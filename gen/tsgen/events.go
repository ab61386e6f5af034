package tsgen

import (
	"fmt"
	"strings"

	"github.com/siogen/siogen/gen/internal/edgedoc"
	"github.com/siogen/siogen/internal/naming"
	"github.com/siogen/siogen/schema"
)

// namespace writes the constants and event maps of one namespace.
func (g *fileGen) namespace(ns *schema.Namespace) {
	w, n := g.w, ns.TSName
	w.line("// Namespace %s", ns.Path)
	w.blank()
	w.doc("", append([]string{fmt.Sprintf("The path of namespace %s.", ns.Path), "", ns.Description}, deprecatedDoc(ns.Deprecation)...)...)
	w.line("export const %sNamespace = %s;", n, str(ns.Path))
	w.blank()
	w.doc("", fmt.Sprintf("The wire names of the events of %s, by name.", ns.Path))
	w.line("export const %sEvents = {", n)
	for _, ev := range ns.Events {
		w.line("  %s: %s,", propName(ev.TSName), str(ev.Name))
	}
	w.line("} as const;")
	w.blank()
	w.doc("", fmt.Sprintf("The wire name of an event of %s.", ns.Path))
	w.line("export type %sEventName = (typeof %sEvents)[keyof typeof %sEvents];", n, n, n)
	w.blank()
	g.eventMap(ns, n+"ClientToServerEvents", "The events a client emits and the server handles", schema.Direction.ClientEmits)
	g.eventMap(ns, n+"ServerToClientEvents", "The events the server emits and a client handles", schema.Direction.ServerEmits)
}

// eventMap writes an events interface in the form socket.io and
// socket.io-client 4.x expect: one method signature per event, the ack
// callback last.
func (g *fileGen) eventMap(ns *schema.Namespace, name, what string, emits func(schema.Direction) bool) {
	w := g.w
	w.doc("", fmt.Sprintf("%s in %s.", what, ns.Path))
	var events []*schema.Event
	for _, ev := range ns.Events {
		if emits(ev.From) {
			events = append(events, ev)
		}
	}
	if len(events) == 0 {
		w.line("export type %s = Record<string, never>;", name)
		w.blank()
		return
	}
	w.line("export interface %s {", name)
	for _, ev := range events {
		w.doc("  ", g.eventDoc(ev)...)
		w.line("  %s: (%s) => void;", propName(ev.Name), strings.Join(g.params(ev), ", "))
	}
	w.line("}")
	w.blank()
}

func (g *fileGen) eventDoc(ev *schema.Event) []string {
	docs := []string{ev.Description}
	var notes []string
	if ev.Timeout > 0 {
		notes = append(notes, fmt.Sprintf("The emitter waits %s for the ack.", ev.Timeout))
	}
	if ev.Acked && ev.AckStyle == schema.AckPlain {
		notes = append(notes, "The plain-style ack carries only these arguments: an invalid payload or a failed handler gets no answer, so bound the wait (socket.timeout(ms)).")
	}
	if l := edgedoc.Limits(ev); l != "" && ev.From.ClientEmits() {
		notes = append(notes, l)
	}
	if bp := edgedoc.Backpressure(ev.Backpressure); bp != "" && ev.From.ServerEmits() {
		notes = append(notes, bp)
	}
	if len(ev.Errors) > 0 {
		names := make([]string, len(ev.Errors))
		for i, r := range ev.Errors {
			names[i] = r.Name
		}
		notes = append(notes, "Errors: "+strings.Join(names, ", ")+".")
	}
	if len(notes) > 0 {
		docs = append(docs, "", strings.Join(notes, " "))
	}
	return append(docs, deprecatedDoc(ev.Deprecation)...)
}

// params returns the parameters of an event's signature.
func (g *fileGen) params(ev *schema.Event) []string {
	var ps []string
	used := map[string]bool{"ack": true}
	switch {
	case ev.Args != nil:
		ps = g.tuple(ev.Args, used)
	case ev.Payload != nil:
		ps = append(ps, "payload: "+g.typeExpr(ev.Payload))
	}
	if ev.Acked {
		ps = append(ps, "ack: "+g.ackCallback(ev))
	}
	return ps
}

// tuple returns named parameters for an args or ack_args tuple.
func (g *fileGen) tuple(args []*schema.Field, used map[string]bool) []string {
	ps := make([]string, len(args))
	for i, a := range args {
		name := naming.TSProperty(a.Name)
		for used[name] {
			name += "_"
		}
		used[name] = true
		ps[i] = name + ": " + g.fieldType(a)
	}
	return ps
}

// ackCallback returns the type of an event's ack callback.
func (g *fileGen) ackCallback(ev *schema.Event) string {
	if ev.AckStyle == schema.AckPlain {
		switch {
		case ev.AckArgs != nil:
			return "(" + strings.Join(g.tuple(ev.AckArgs, map[string]bool{}), ", ") + ") => void"
		case ev.Ack != nil:
			return "(res: " + g.typeExpr(ev.Ack) + ") => void"
		}
		return "() => void"
	}
	return "(res: " + g.ackResult(ev) + ") => void"
}

// ackResult returns the AckResult type of an envelope-style ack.
func (g *fileGen) ackResult(ev *schema.Event) string {
	data := "null"
	if ev.Ack != nil {
		data = g.typeExpr(ev.Ack)
	}
	errs := g.ackErrors(ev)
	if len(errs) == 0 {
		return g.rt("AckResult") + "<" + data + ">"
	}
	return g.rt("AckResult") + "<" + data + ", " + strings.Join(errs, " | ") + ">"
}

// ackErrors are the error types of an envelope-style ack besides the
// runtime's own: the declared errors, and ResourceExhaustedError for an
// event with limits.
func (g *fileGen) ackErrors(ev *schema.Event) []string {
	errs := make([]string, 0, len(ev.Errors)+1)
	for _, r := range ev.Errors {
		if r.Target != nil {
			errs = append(errs, g.qualify(r.Target.File, r.Target.TSName))
		}
	}
	if edgedoc.Answered(ev) {
		errs = append(errs, g.rt("ResourceExhaustedError"))
	}
	return errs
}

// errorDecl writes the interface of a declared error.
func (g *fileGen) errorDecl(e *schema.ErrorDef) {
	w := g.w
	w.doc("", append([]string{e.Description, "", fmt.Sprintf("An envelope ack error with code %s.", str(e.Code))}, deprecatedDoc(e.Deprecation)...)...)
	w.line("export interface %s {", e.TSName)
	w.line("  code: %s;", str(e.Code))
	w.line("  name: %s;", str(e.Name))
	w.line("  message: string;")
	if e.Details != nil {
		w.line("  details?: %s;", g.typeExpr(e.Details))
	}
	w.line("}")
	w.blank()
}
