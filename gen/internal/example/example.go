// Package example makes example values from a contract's types, for the
// generated documentation and the AsyncAPI document: readable values that
// satisfy the type's constraints, so that they validate against the JSON
// Schema gen/jsonschemagen writes for the same type (a test holds them to
// it). Objects are *ojson.Object values, encoded with package ojson.
package example

import (
	"strings"
	"unicode/utf8"

	"github.com/siogen/siogen/gen/internal/ojson"
	"github.com/siogen/siogen/schema"
)

// Placeholder is how a bytes value appears in a payload's JSON: the
// Socket.IO placeholder of its first binary attachment.
func Placeholder() *ojson.Object {
	return ojson.New().Set("_placeholder", true).Set("num", 0)
}

// maxDepth bounds the nesting of examples of recursive types.
const maxDepth = 6

type maker struct {
	stack []*schema.Type // the declarations being expanded, against cycles
}

// Of returns an example value of t (a use or a declaration). hint names
// the place, and becomes the value of unconstrained strings ("nickname").
func Of(t *schema.Type, hint string) any {
	return (&maker{}).value(t, hint, 0)
}

// Payload returns an example of an event's payload: its payload type, or
// the array of its args; nil when it carries none.
func Payload(ev *schema.Event) any {
	switch {
	case ev.Args != nil:
		return Tuple(ev.Args)
	case ev.Payload != nil:
		return Of(ev.Payload, "payload")
	}
	return nil
}

// Tuple returns an example array for an args or ack_args tuple.
func Tuple(args []*schema.Field) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = Of(a.Type, a.Name)
	}
	return out
}

// Ack returns an example of an event's successful ack as it travels: the
// envelope {"ok":true,"data":…} for the envelope style, the ack value or
// ack_args array for the plain style.
func Ack(ev *schema.Event) any {
	if ev.AckStyle == schema.AckPlain {
		if ev.AckArgs != nil {
			return Tuple(ev.AckArgs)
		}
		if ev.Ack != nil {
			return Of(ev.Ack, "ack")
		}
		return nil
	}
	o := ojson.New().Set("ok", true)
	if ev.Ack != nil {
		o.Set("data", Of(ev.Ack, "data"))
	}
	return o
}

// Error returns an example of an envelope ack that fails with e.
func Error(e *schema.ErrorDef) *ojson.Object {
	msg := e.Description
	if msg == "" {
		msg = e.Name
	}
	errObj := ojson.New().Set("code", e.Code).Set("name", e.Name).Set("message", msg)
	if e.Details != nil {
		errObj.Set("details", Of(e.Details, "details"))
	}
	return ojson.New().Set("ok", false).Set("error", errObj)
}

func (m *maker) value(t *schema.Type, hint string, depth int) any {
	if t == nil {
		return nil
	}
	if t.Kind == schema.KindRef {
		if t.Target == nil {
			return nil
		}
		return m.value(t.Target, hint, depth)
	}
	switch t.Kind {
	case schema.KindString:
		return stringValue(t.Constraints, hint)
	case schema.KindInt32, schema.KindInt64:
		return intValue(t.Constraints)
	case schema.KindNumber:
		return numberValue(t.Constraints)
	case schema.KindBoolean:
		return true
	case schema.KindTimestamp:
		return "2024-05-01T12:00:00Z"
	case schema.KindBytes:
		return Placeholder()
	case schema.KindList:
		n := m.count(t)
		out := make([]any, n)
		for i := range out {
			out[i] = m.value(t.Elem, singular(hint), depth+1)
		}
		return out
	case schema.KindMap:
		o := ojson.New()
		for i := range m.count(t) {
			key := "key"
			if i > 0 {
				key += string(rune('0' + i%10))
			}
			o.Set(key, m.value(t.Elem, hint, depth+1))
		}
		return o
	case schema.KindEnum:
		for _, v := range t.Values {
			if !v.Deprecated {
				return v.Value
			}
		}
		return t.Values[0].Value
	case schema.KindObject:
		return m.object(t, "", "", depth)
	case schema.KindUnion:
		if len(t.Variants) == 0 {
			return ojson.New()
		}
		v := t.Variants[0]
		obj := v.Type.Underlying()
		if obj == nil {
			return ojson.New().Set(t.Discriminator, v.Tag)
		}
		return m.object(obj, t.Discriminator, v.Tag, depth)
	}
	return nil
}

// object returns an example object: every field that is not deprecated,
// with its default when it has one. Fields that would recurse into a type
// being expanded, or go deeper than maxDepth, are left out when optional
// and null when nullable.
func (m *maker) object(t *schema.Type, discr, tag string, depth int) *ojson.Object {
	o := ojson.New()
	if discr != "" {
		o.Set(discr, tag)
	}
	for _, s := range m.stack {
		if s == t {
			return o
		}
	}
	m.stack = append(m.stack, t)
	defer func() { m.stack = m.stack[:len(m.stack)-1] }()
	for _, f := range t.Fields {
		deep := depth >= maxDepth || m.recurses(f.Type)
		switch {
		case f.Optional && (f.Deprecated || deep):
			continue
		case f.Nullable && deep:
			o.Set(f.Name, nil)
			continue
		}
		if f.Default != nil {
			o.Set(f.Name, f.Default.Value)
			continue
		}
		o.Set(f.Name, m.value(f.Type, f.Name, depth+1))
	}
	return o
}

// recurses reports whether t leads to a declaration being expanded.
func (m *maker) recurses(t *schema.Type) bool {
	for i := 0; t != nil && i < 4; i++ {
		for _, s := range m.stack {
			if t.Underlying() == s {
				return true
			}
		}
		if u := t.Underlying(); u != nil && (u.Kind == schema.KindList || u.Kind == schema.KindMap) {
			t = u.Elem
			continue
		}
		break
	}
	return false
}

// count returns how many items or entries an example of the list or map
// t holds: one, within its bounds, or none when the elements would recurse
// into a type being expanded and none are required.
func (m *maker) count(t *schema.Type) int {
	c := t.Constraints
	n := int64(1)
	if (c.MinItems == nil || *c.MinItems == 0) && m.recurses(t.Elem) {
		return 0
	}
	if c.MinItems != nil && *c.MinItems > n {
		n = *c.MinItems
	}
	if c.MaxItems != nil && *c.MaxItems < n {
		n = *c.MaxItems
	}
	return int(min(n, 10))
}

func singular(hint string) string {
	if s, ok := strings.CutSuffix(hint, "ies"); ok && s != "" {
		return s + "y"
	}
	if s, ok := strings.CutSuffix(hint, "s"); ok && s != "" {
		return s
	}
	return hint
}

var formatExamples = map[string]string{
	"uuid":     "7f3c2a9e-5b1d-4e8a-9c6f-2d4b8e1a3f5c",
	"email":    "ada@example.com",
	"uri":      "https://example.com/a",
	"hostname": "example.com",
	"ipv4":     "192.0.2.10",
	"ipv6":     "2001:db8::10",
	"date":     "2024-05-01",
}

func stringValue(c schema.Constraints, hint string) string {
	if s, ok := formatExamples[c.Format]; ok {
		return s
	}
	s := hint
	if s == "" || s == "payload" || s == "data" || s == "details" || s == "ack" {
		s = "example"
	}
	if c.Pattern != "" {
		if !matches(c.Pattern, s) {
			s = fromPattern(c.Pattern, s)
		}
	}
	n := int64(utf8.RuneCountInString(s))
	if c.MaxLength != nil && n > *c.MaxLength {
		s = string([]rune(s)[:*c.MaxLength])
	}
	if c.MinLength != nil && n < *c.MinLength {
		s += strings.Repeat("x", int(*c.MinLength-n))
	}
	return s
}

func intValue(c schema.Constraints) int64 {
	v := int64(1)
	if c.Minimum != nil && float64(v) < c.Minimum.Float64 {
		v = c.Minimum.Int
		if !c.Minimum.IsInt {
			v = int64(c.Minimum.Float64) + 1
		}
	}
	if c.Maximum != nil && float64(v) > c.Maximum.Float64 {
		v = int64(c.Maximum.Float64)
	}
	return v
}

func numberValue(c schema.Constraints) float64 {
	v := 1.5
	if c.Minimum != nil && v < c.Minimum.Float64 {
		v = c.Minimum.Float64
	}
	if c.Maximum != nil && v > c.Maximum.Float64 {
		v = c.Maximum.Float64
	}
	return v
}
