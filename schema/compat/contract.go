package compat

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/siogen/siogen/schema"
)

// sets compares the namespaces of two sets, matched by path.
func (c *comparer) sets(old, new *schema.Set) {
	newNS := map[string]*schema.Namespace{}
	for _, ns := range new.Namespaces() {
		newNS[ns.Path] = ns
	}
	oldNS := map[string]*schema.Namespace{}
	for _, ns := range old.Namespaces() {
		oldNS[ns.Path] = ns
	}
	for _, o := range old.Namespaces() {
		if n := newNS[o.Path]; n != nil {
			c.namespace(o, n)
			continue
		}
		if n := movedNamespace(o, new.Namespaces(), oldNS); n != nil {
			c.report(n.Pos, false, RuleNamespacePathChanged, BothOrders, n.File.Package,
				"namespace %s moved to %s: each side connects to a path the other does not serve", o.Path, n.Path)
			c.namespace(o, n)
			continue
		}
		c.report(o.Pos, true, RuleNamespaceRemoved, ServerFirst, o.File.Package,
			"namespace %s was removed: old clients still connect to it", o.Path)
	}
}

// movedNamespace returns the namespace of the new set, at a path the old
// set does not have, that o became: one with o's Go name (kept with
// go_name), or else one with the same events. It returns nil when there is
// none.
func movedNamespace(o *schema.Namespace, news []*schema.Namespace, oldNS map[string]*schema.Namespace) *schema.Namespace {
	for _, n := range news {
		if oldNS[n.Path] == nil && n.File.Package == o.File.Package && n.GoName == o.GoName {
			return n
		}
	}
	for _, n := range news {
		if oldNS[n.Path] == nil && sameEvents(o, n) {
			return n
		}
	}
	return nil
}

// sameEvents reports whether two namespaces declare events of the same
// names, at least one.
func sameEvents(a, b *schema.Namespace) bool {
	if len(a.Events) == 0 || len(a.Events) != len(b.Events) {
		return false
	}
	for _, e := range a.Events {
		if b.Event(e.Name) == nil {
			return false
		}
	}
	return true
}

func (c *comparer) namespace(o, n *schema.Namespace) {
	pkg := n.File.Package
	if n.Deprecated && !o.Deprecated {
		c.warn(n.Pos, RuleDeprecated, "namespace %s is deprecated%s", n.Path, note(n.Deprecation))
	}
	c.auth(o, n)
	for _, oe := range o.Events {
		ne := n.Event(oe.Name)
		if ne == nil {
			c.removedEvent(oe, n)
			continue
		}
		c.event(oe, ne, pkg)
	}
}

// auth compares the CONNECT auth payloads, written by clients.
func (c *comparer) auth(o, n *schema.Namespace) {
	f := flow{writer: client, where: "auth of " + n.Path, file: n.File.Package}
	switch {
	case o.Auth == nil && n.Auth != nil:
		if hasRequired(n.Auth) {
			c.report(n.Auth.Pos, false, RuleAuthAdded, ServerFirst, f.file,
				"namespace %s now requires auth: old clients connect without it", n.Path)
		}
	case o.Auth != nil && n.Auth == nil:
		if hasRequired(o.Auth) {
			c.report(o.Auth.Pos, true, RuleAuthRemoved, ClientFirst, f.file,
				"namespace %s no longer takes auth: the old server requires it from new clients", o.Path)
		}
	case o.Auth != nil:
		c.types(f, o.Auth, n.Auth, "the auth of "+n.Path)
	}
}

// hasRequired reports whether the object type t uses has a required field.
func hasRequired(t *schema.Type) bool {
	u := t.Underlying()
	if u == nil {
		return false
	}
	for _, f := range u.Fields {
		if !f.Optional {
			return true
		}
	}
	return false
}

func (c *comparer) removedEvent(oe *schema.Event, n *schema.Namespace) {
	pkg := n.File.Package
	for _, ne := range n.Events {
		if ne.From == oe.From && oe.Namespace.Event(ne.Name) == nil && samePayload(oe, ne) {
			c.report(ne.Pos, false, RuleEventRenamed, BothOrders, pkg,
				"event %s %s was renamed %s: each side emits a name the other does not handle", n.Path, oe.Name, ne.Name)
			return
		}
	}
	o := ServerFirst
	why := "old clients still emit it"
	if oe.From == schema.FromServer {
		why = "old clients still wait for it"
		if oe.Acked {
			o |= ClientFirst
			why += ", and the old server waits for its ack"
		}
	}
	c.report(oe.Pos, true, RuleEventRemoved, o, pkg, "event %s %s was removed: %s", oe.Namespace.Path, oe.Name, why)
}

// samePayload reports whether two events carry the same declared payload
// type, or the same number of args: the mark of a renamed event.
func samePayload(a, b *schema.Event) bool {
	switch {
	case a.Payload != nil && b.Payload != nil:
		da, db := a.Payload.Decl(), b.Payload.Decl()
		if da == nil || db == nil {
			return false
		}
		return da.Name == db.Name || (da.Inline && db.Inline)
	case a.Args != nil && b.Args != nil:
		return len(a.Args) == len(b.Args)
	}
	return a.Payload == nil && b.Payload == nil && a.Args == nil && b.Args == nil
}

func (c *comparer) event(o, n *schema.Event, pkg string) {
	name := n.Namespace.Path + " " + n.Name
	if n.Deprecated && !o.Deprecated {
		c.warn(n.Pos, RuleDeprecated, "event %s is deprecated%s", name, note(n.Deprecation))
	}
	if o.From != n.From {
		c.report(n.Pos, false, RuleFromChanged, BothOrders, pkg,
			"event %s changed from: %s to from: %s", name, o.From, n.From)
		return
	}
	// The writer of a from: both event is either side: check both.
	writers := []side{client}
	switch n.From {
	case schema.FromServer:
		writers = []side{server}
	case schema.FromBoth:
		writers = []side{client, server}
	}
	for _, w := range writers {
		f := flow{writer: w, where: "payload of " + name, file: pkg}
		c.payload(f, o, n, name)
		c.ack(f, o, n, name)
	}
	c.limits(o, n, name, pkg)
	c.backpressure(o, n, name, pkg)
}

func (c *comparer) payload(f flow, o, n *schema.Event, name string) {
	switch {
	case (o.Payload != nil) != (n.Payload != nil) || (o.Args != nil) != (n.Args != nil):
		c.report(n.Pos, false, RulePayloadChanged, BothOrders, f.file,
			"event %s changed its payload from %s to %s", name, payloadKind(o), payloadKind(n))
	case o.Payload != nil:
		c.types(f, o.Payload, n.Payload, "the payload of "+name)
	case o.Args != nil:
		c.tuple(f, o.Args, n.Args, n.Pos, "args")
	}
}

func payloadKind(ev *schema.Event) string {
	switch {
	case ev.Payload != nil:
		return "a payload"
	case ev.Args != nil:
		return fmt.Sprintf("%d args", len(ev.Args))
	}
	return "nothing"
}

// tuple compares args or ack_args tuples, read with their exact length.
func (c *comparer) tuple(f flow, o, n []*schema.Field, pos schema.Pos, what string) {
	if len(o) != len(n) {
		c.value(f, pos, false, RuleArgsChanged, narrows|widens, "%s changed from %d to %d elements", what, len(o), len(n))
		return
	}
	for i := range o {
		c.nullable(f, o[i], n[i], fmt.Sprintf("%s[%d]", what, i))
		c.types(f, o[i].Type, n[i].Type, fmt.Sprintf("%s[%d]", what, i))
	}
}

// ack compares the acks of an event whose payload flows along f; the ack
// flows the other way.
func (c *comparer) ack(f flow, o, n *schema.Event, name string) {
	switch {
	case !o.Acked && n.Acked:
		c.value(flow{writer: f.writer, file: f.file}, n.Pos, false, RuleAckAdded, widens,
			"event %s is now acknowledged: a new %s waits for an ack the old %s never sends", name, f.writer, f.reverse("").writer)
		return
	case o.Acked && !n.Acked:
		c.value(flow{writer: f.writer, file: f.file}, n.Pos, false, RuleAckRemoved, narrows,
			"event %s is no longer acknowledged: an old %s waits for an ack the new %s never sends", name, f.writer, f.reverse("").writer)
		return
	case !o.Acked:
		return
	}
	af := f.reverse("ack of " + name)
	if o.AckStyle != n.AckStyle {
		c.report(n.Pos, false, RuleAckStyleChanged, BothOrders, f.file,
			"event %s changed its ack_style from %s to %s", name, o.AckStyle, n.AckStyle)
		return
	}
	if n.AckStyle == schema.AckPlain {
		switch {
		case (o.Ack != nil) != (n.Ack != nil) || (o.AckArgs != nil) != (n.AckArgs != nil):
			c.value(af, n.Pos, false, RuleTypeChanged, narrows|widens, "the ack changed its shape")
		case o.Ack != nil:
			c.types(af, o.Ack, n.Ack, "the ack of "+name)
		case o.AckArgs != nil:
			c.tuple(af, o.AckArgs, n.AckArgs, n.Pos, "ack_args")
		}
		return
	}
	switch {
	case o.Ack == nil && n.Ack != nil:
		c.value(af, n.Ack.Pos, false, RuleTypeChanged, narrows|widens, "the ack now carries data where it carried none")
	case o.Ack != nil && n.Ack == nil:
		c.value(af, n.Pos, false, RuleTypeChanged, narrows|widens, "the ack no longer carries data")
	case o.Ack != nil:
		c.types(af, o.Ack, n.Ack, "the ack of "+name)
	}
	c.errors(af, o, n, name)
}

// errors compares the declared errors of an envelope ack: the codes a
// receiver may answer with, a closed set for the emitter.
func (c *comparer) errors(af flow, o, n *schema.Event, name string) {
	byName := func(ev *schema.Event) map[string]*schema.ErrorRef {
		m := map[string]*schema.ErrorRef{}
		for _, r := range ev.Errors {
			if r.Target != nil {
				m[r.Target.Name] = r
			}
		}
		return m
	}
	olds, news := byName(o), byName(n)
	for _, nr := range n.Errors {
		ne := nr.Target
		if ne == nil {
			continue
		}
		or := olds[ne.Name]
		if or == nil {
			if !hasCode(o, ne.Code) {
				c.value(af, nr.Pos, false, RuleErrorAdded, widens,
					"event %s may now fail with error %s (code %s), which old emitters do not accept", name, ne.Name, ne.Code)
			}
			continue
		}
		oe := or.Target
		if oe.Code != ne.Code {
			c.value(af, ne.Pos, false, RuleErrorCodeChanged, narrows|widens, "error %s changed its code from %s to %s", ne.Name, oe.Code, ne.Code)
		}
		if ne.Deprecated && !oe.Deprecated {
			c.warn(ne.Pos, RuleDeprecated, "error %s is deprecated%s", ne.Name, note(ne.Deprecation))
		}
		ef := af
		ef.where = "details of error " + ne.Name + " of " + name
		switch {
		case oe.Details == nil && ne.Details != nil:
			c.value(ef, ne.Details.Pos, false, RuleTypeChanged, narrows|widens, "error %s now has details", ne.Name)
		case oe.Details != nil && ne.Details == nil:
			c.value(ef, ne.Pos, false, RuleTypeChanged, narrows|widens, "error %s no longer has details", ne.Name)
		case oe.Details != nil:
			c.types(ef, oe.Details, ne.Details, "the details of error "+ne.Name)
		}
	}
	for _, or := range o.Errors {
		if or.Target == nil || news[or.Target.Name] != nil || hasCode(n, or.Target.Code) {
			continue
		}
		c.value(af, or.Pos, true, RuleErrorRemoved, narrows,
			"event %s no longer declares error %s (code %s), which old receivers may still answer with", name, or.Target.Name, or.Target.Code)
	}
}

// hasCode reports whether ev declares an error with the given wire code.
func hasCode(ev *schema.Event, code string) bool {
	for _, r := range ev.Errors {
		if r.Target != nil && r.Target.Code == code {
			return true
		}
	}
	return false
}

func note(d schema.Deprecation) string {
	if d.DeprecationNote == "" {
		return ""
	}
	return ": " + d.DeprecationNote
}

// versions checks info.version of every new root file whose contract has
// breaking changes among changes: its major number must have grown.
func (c *comparer) versions(old, new *schema.Set, changes []Change) []Change {
	broken := map[string]Order{}
	for _, ch := range c.changes {
		if ch.Severity != schema.SeverityError || ch.Breaks&c.orders == 0 {
			continue
		}
		for f := range ch.files {
			broken[f] |= ch.Breaks & c.orders
		}
	}
	var out []Change
	for _, nf := range new.Files {
		o, ok := broken[nf.Package]
		if !ok {
			continue
		}
		var of *schema.File
		for _, f := range old.Files {
			if f.Package == nf.Package {
				of = f
			}
		}
		if of == nil {
			continue
		}
		pos := nf.Info.Pos
		if !pos.IsValid() {
			pos = nf.Pos
		}
		ov, nv := of.Info.Version, nf.Info.Version
		if bumped(ov, nv) {
			continue
		}
		msg := fmt.Sprintf("package %s has breaking changes but info.version %s", nf.Package, describeVersion(ov, nv))
		out = append(out, Change{Pos: pos, Severity: schema.SeverityError, Rule: RuleVersionNotBumped, Message: msg, Breaks: o})
	}
	return out
}

func describeVersion(ov, nv string) string {
	switch {
	case nv == "":
		return "is not set; set it and bump its major number"
	case ov == nv:
		return fmt.Sprintf("stays %s; bump its major number", nv)
	}
	return fmt.Sprintf("went from %s to %s without a major bump", orNone(ov), nv)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// bumped reports whether version nv is a major step up from ov (a minor
// step for 0.x versions, as semantic versioning allows). A missing or
// unparsable old version accepts any parsable new one.
func bumped(ov, nv string) bool {
	nm, nmin, ok := majorMinor(nv)
	if !ok {
		return false
	}
	om, omin, ok := majorMinor(ov)
	if !ok {
		return true
	}
	if om == 0 && nm == 0 {
		return nmin > omin
	}
	return nm > om
}

func majorMinor(v string) (major, minor int, ok bool) {
	v = strings.TrimPrefix(v, "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(parts[1])
	return major, minor, err1 == nil && err2 == nil && major >= 0 && minor >= 0
}
