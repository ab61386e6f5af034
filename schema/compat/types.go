package compat

import (
	"fmt"
	"reflect"

	"github.com/siogen/siogen/schema"
)

// tolerant reports whether readers of the object type t accept unknown
// properties. Generated readers reject them today (every object is closed,
// "additionalProperties": false). When the schema language gains its
// "unknown: ignore" keyword (Type.IgnoreUnknown), this returns it, and
// optional fields added to such an object become compatible.
func tolerant(t *schema.Type) bool {
	_ = t
	return false
}

// types compares two uses (or declarations) of a type whose values flow
// along f. label names the place in messages when the type has no name of
// its own ("field text of Post").
func (c *comparer) types(f flow, o, n *schema.Type, label string) {
	if o == nil || n == nil {
		return
	}
	od, nd := o.Decl(), n.Decl()
	if od != nil && nd != nil {
		k := visitKey{od, nd, f.writer, f.file}
		if c.visited[k] {
			return
		}
		c.visited[k] = true
		if nd.Deprecated && !od.Deprecated {
			c.warn(nd.Pos, RuleDeprecated, "type %s is deprecated%s", nd.Name, note(nd.Deprecation))
		}
	}
	ou, nu := o.Underlying(), n.Underlying()
	if ou == nil || nu == nil {
		return
	}
	// A chain of aliases may hold constraints at each step; the checker
	// allows constraints only on non-reference types, so the underlying
	// types hold them all.
	name := typeName(nu, n, label)
	if ou.Kind != nu.Kind {
		c.kindChange(f, ou, nu, n, name)
		return
	}
	c.constraints(f, ou, nu, name)
	switch nu.Kind {
	case schema.KindList, schema.KindMap:
		c.types(f, ou.Elem, nu.Elem, "the elements of "+name)
	case schema.KindEnum:
		c.enum(f, ou, nu, name)
	case schema.KindObject:
		c.object(f, ou, nu)
	case schema.KindUnion:
		c.union(f, ou, nu, name)
	}
}

// typeName names a type in messages: its declared name, or the label of
// its place.
func typeName(u, use *schema.Type, label string) string {
	if d := use.Decl(); d != nil && !d.Inline {
		return d.Name
	}
	if u.Name != "" && !u.Inline {
		return u.Name
	}
	if label != "" {
		return label
	}
	if u.Name != "" {
		return u.Name
	}
	return u.Kind.String()
}

// kindChange reports a change of a value's type. Widening a number (int32
// to int64 to number) or a string (an enum or a timestamp to a string)
// keeps old values valid; the reverse keeps new values valid for old
// readers. Any other change breaks both.
func (c *comparer) kindChange(f flow, ou, nu, use *schema.Type, name string) {
	e := narrows | widens
	for _, rank := range []map[schema.Kind]int{
		{schema.KindInt32: 1, schema.KindInt64: 2, schema.KindNumber: 3},
		{schema.KindEnum: 1, schema.KindTimestamp: 1, schema.KindString: 2},
	} {
		ro, rn := rank[ou.Kind], rank[nu.Kind]
		switch {
		case ro == 0 || rn == 0 || ro == rn:
		case rn > ro:
			e = widens
		default:
			e = narrows
		}
	}
	pos := nu.Pos
	if use.Pos.IsValid() {
		pos = use.Pos
	}
	c.value(f, pos, false, RuleTypeChanged, e, "%s changed its type from %s to %s", name, kindName(ou), kindName(nu))
}

func kindName(t *schema.Type) string {
	if t.Name != "" && !t.Inline {
		return fmt.Sprintf("%s %s", t.Kind, t.Name)
	}
	return t.Kind.String()
}

func (c *comparer) enum(f flow, o, n *schema.Type, name string) {
	has := func(t *schema.Type, v string) *schema.EnumValue {
		for _, ev := range t.Values {
			if ev.Value == v {
				return ev
			}
		}
		return nil
	}
	for _, nv := range n.Values {
		ov := has(o, nv.Value)
		if ov == nil {
			c.value(f, nv.Pos, false, RuleEnumValueAdded, widens, "enum value %q was added to %s", nv.Value, name)
			continue
		}
		if nv.Deprecated && !ov.Deprecated {
			c.warn(nv.Pos, RuleDeprecated, "value %q of enum %s is deprecated%s", nv.Value, name, note(nv.Deprecation))
		}
	}
	for _, ov := range o.Values {
		if has(n, ov.Value) == nil {
			c.value(f, ov.Pos, true, RuleEnumValueRemoved, narrows, "enum value %q was removed from %s", ov.Value, name)
		}
	}
}

func (c *comparer) union(f flow, o, n *schema.Type, name string) {
	if o.Discriminator != n.Discriminator {
		c.value(f, n.Pos, false, RuleTypeChanged, narrows|widens,
			"union %s changed its discriminator from %s to %s", name, o.Discriminator, n.Discriminator)
		return
	}
	find := func(t *schema.Type, tag string) *schema.Variant {
		for _, v := range t.Variants {
			if v.Tag == tag {
				return v
			}
		}
		return nil
	}
	for _, nv := range n.Variants {
		ov := find(o, nv.Tag)
		if ov == nil {
			c.value(f, nv.Pos, false, RuleVariantAdded, widens, "variant %q was added to %s", nv.Tag, name)
			continue
		}
		c.types(f, ov.Type, nv.Type, fmt.Sprintf("variant %s of %s", nv.Tag, name))
	}
	for _, ov := range o.Variants {
		if find(n, ov.Tag) == nil {
			c.value(f, ov.Pos, true, RuleVariantRemoved, narrows, "variant %q was removed from %s", ov.Tag, name)
		}
	}
}

func (c *comparer) object(f flow, o, n *schema.Type) {
	name := n.Name
	for _, nf := range n.Fields {
		of := o.Field(nf.Name)
		if of == nil {
			c.addedField(f, o, n, nf)
			continue
		}
		where := fmt.Sprintf("field %s of %s", nf.Name, name)
		if nf.Deprecated && !of.Deprecated {
			c.warn(nf.Pos, RuleDeprecated, "%s is deprecated%s", where, note(nf.Deprecation))
		}
		switch {
		case of.Optional && !nf.Optional:
			c.value(f, nf.Pos, false, RuleFieldNowRequired, narrows, "%s is now required: old %ss may leave it out", where, f.writer)
		case !of.Optional && nf.Optional:
			c.value(f, nf.Pos, false, RuleFieldNowOptional, widens, "%s is now optional: old %ss rely on it", where, f.reverse("").writer)
		}
		c.nullable(f, of, nf, where)
		if !reflect.DeepEqual(valueOf(of.Default), valueOf(nf.Default)) {
			c.warn(nf.Pos, RuleDefaultChanged, "the default of %s changed from %s to %s", where, showDefault(of.Default), showDefault(nf.Default))
		}
		c.types(f, of.Type, nf.Type, where)
	}
	for _, of := range o.Fields {
		if n.Field(of.Name) != nil {
			continue
		}
		var e effect
		var why []string
		if !tolerant(n) {
			e |= narrows
			why = append(why, fmt.Sprintf("old %ss may still send it and new %ss reject it as unknown", f.writer, f.reverse("").writer))
		}
		if !of.Optional {
			e |= widens
			why = append(why, fmt.Sprintf("old %ss require it", f.reverse("").writer))
		}
		c.value(f, of.Pos, true, RuleFieldRemoved, e, "field %s was removed from %s: %s", of.Name, name, join(why))
	}
}

func (c *comparer) addedField(f flow, o, n *schema.Type, nf *schema.Field) {
	reader := f.reverse("").writer
	if nf.Optional {
		if !tolerant(o) {
			c.value(f, nf.Pos, false, RuleFieldAddedOptional, widens,
				"optional field %s was added to %s: old %ss reject it as an unknown property", nf.Name, n.Name, reader)
		}
		return
	}
	e := narrows
	why := []string{fmt.Sprintf("old %ss do not send it", f.writer)}
	if !tolerant(o) {
		e |= widens
		why = append(why, fmt.Sprintf("old %ss reject it as unknown", reader))
	}
	c.value(f, nf.Pos, false, RuleFieldAddedRequired, e, "required field %s was added to %s: %s", nf.Name, n.Name, join(why))
}

func (c *comparer) nullable(f flow, o, n *schema.Field, where string) {
	switch {
	case o.Nullable && !n.Nullable:
		c.value(f, n.Pos, false, RuleNullableRemoved, narrows, "%s is no longer nullable: old %ss may send null", where, f.writer)
	case !o.Nullable && n.Nullable:
		c.value(f, n.Pos, false, RuleNullableAdded, widens, "%s is now nullable: old %ss reject null", where, f.reverse("").writer)
	}
}

func join(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return parts[0] + ", and " + parts[1]
}

func valueOf(v *schema.Value) any {
	if v == nil {
		return "\x00none"
	}
	return v.Value
}

func showDefault(v *schema.Value) string {
	switch {
	case v == nil:
		return "none"
	case v.Value == nil:
		return "null"
	}
	return fmt.Sprintf("%v", v.Value)
}

// constraints compares the constraints of two types of the same kind.
func (c *comparer) constraints(f flow, o, n *schema.Type, name string) {
	oc, nc := o.Constraints, n.Constraints
	pos := n.Pos
	lower := func(key string, ov, nv *int64) { // a lower bound: up narrows
		c.bound(f, pos, name, key, intBound(ov), intBound(nv), true)
	}
	upper := func(key string, ov, nv *int64) {
		c.bound(f, pos, name, key, intBound(ov), intBound(nv), false)
	}
	lower("min_length", oc.MinLength, nc.MinLength)
	upper("max_length", oc.MaxLength, nc.MaxLength)
	lower("min_items", oc.MinItems, nc.MinItems)
	upper("max_items", oc.MaxItems, nc.MaxItems)
	c.bound(f, pos, name, "minimum", numBound(oc.Minimum), numBound(nc.Minimum), true)
	c.bound(f, pos, name, "maximum", numBound(oc.Maximum), numBound(nc.Maximum), false)
	c.text(f, pos, name, "pattern", oc.Pattern, nc.Pattern)
	c.text(f, pos, name, "format", oc.Format, nc.Format)
}

// bound is an optional numeric bound.
type bound struct {
	set  bool
	v    float64
	text string
}

func intBound(p *int64) bound {
	if p == nil {
		return bound{}
	}
	return bound{true, float64(*p), fmt.Sprint(*p)}
}

func numBound(p *schema.Number) bound {
	if p == nil {
		return bound{}
	}
	return bound{true, p.Float64, p.Text}
}

func (b bound) String() string {
	if !b.set {
		return "none"
	}
	return b.text
}

// bound compares a lower (isMin) or upper bound: raising a lower bound or
// lowering an upper one narrows the values allowed.
func (c *comparer) bound(f flow, pos schema.Pos, name, key string, o, n bound, isMin bool) {
	if o.set == n.set && o.v == n.v {
		return
	}
	var stricter bool
	switch {
	case !o.set:
		stricter = true
	case !n.set:
		stricter = false
	case isMin:
		stricter = n.v > o.v
	default:
		stricter = n.v < o.v
	}
	if stricter {
		c.value(f, pos, false, RuleConstraintNarrowed, narrows, "%s of %s went from %s to %s", key, name, o, n)
	} else {
		c.value(f, pos, false, RuleConstraintWidened, widens, "%s of %s went from %s to %s", key, name, o, n)
	}
}

// text compares a pattern or a format.
func (c *comparer) text(f flow, pos schema.Pos, name, key, o, n string) {
	switch {
	case o == n:
	case o == "":
		c.value(f, pos, false, RuleConstraintNarrowed, narrows, "%s %q was added to %s", key, n, name)
	case n == "":
		c.value(f, pos, false, RuleConstraintWidened, widens, "%s %q was removed from %s", key, o, name)
	default:
		c.value(f, pos, false, RuleConstraintChanged, narrows|widens, "%s of %s changed from %q to %q", key, name, o, n)
	}
}
