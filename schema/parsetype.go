package schema

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/siogen/siogen/internal/naming"
)

var (
	shapeKeys      = []string{"type", "enum", "fields", "union"}
	constraintKeys = []string{"min_length", "max_length", "pattern", "format", "minimum", "maximum", "min_items", "max_items"}
	metaKeys       = []string{"description", "deprecated", "go_name", "ts_name"}
	fieldOnlyKeys  = []string{"optional", "nullable", "default"}
	enumValueKeys  = []string{"value", "description", "deprecated", "go_name", "ts_name"}
	unionKeys      = []string{"discriminator", "variants"}
	objectKeys     = []string{"unknown"}

	declKeys  = concat(metaKeys, shapeKeys, objectKeys, constraintKeys)
	fieldKeys = concat([]string{"description", "deprecated", "go_name"}, fieldOnlyKeys, shapeKeys, objectKeys, constraintKeys)
	argKeys   = concat([]string{"name", "description", "deprecated", "go_name", "nullable"}, shapeKeys, constraintKeys)
)

func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// builtinNames lists the built-in type names, reserved as type names.
var builtinNames = []string{"string", "int32", "int64", "number", "boolean", "timestamp", "bytes", "list", "map"}

// declType parses one entry of types:.
func (p *parser) declType(e entry) {
	name := e.key.Value
	t := &Type{Pos: p.pos(e.key), Name: name, File: p.f}
	if p.checkName(e.key, "type name", name, typeNameRE, "use letters, digits and _, starting with a letter") &&
		contains(builtinNames, name) {
		p.errorf(e.key, CodeReservedName, "type name %q is a built-in type", name)
	}
	p.f.Types = append(p.f.Types, t)
	p.typeBody(t, e.val, declKeys, "type "+name, 0)
}

// typeBody fills declaration t from n: a type expression, or a mapping
// with one shape key (type, enum, fields, union), constraints and metadata
// from keys.
func (p *parser) typeBody(t *Type, n *yaml.Node, keys []string, what string, depth int) {
	if n.Kind == yaml.ScalarNode {
		p.exprInto(t, n, depth)
		return
	}
	o, ok := p.object(n, what, keys...)
	if !ok {
		t.Kind = KindInvalid
		return
	}
	if contains(keys, "go_name") {
		t.GoName, t.TSName = p.names(o)
	}
	if v := o.get("description"); v != nil {
		t.Description, _ = p.text(v, "description")
	}
	t.Deprecation = p.deprecation(o.get("deprecated"))
	p.shape(t, o, n, what, depth)
}

// shape reads the shape key of o into t.
func (p *parser) shape(t *Type, o obj, n *yaml.Node, what string, depth int) {
	if depth > maxTypeExprDepth {
		p.errorf(n, CodeLimit, "type definitions nested deeper than %d levels", maxTypeExprDepth)
		t.Kind = KindInvalid
		return
	}
	switch p.exclusive(o, what, shapeKeys...) {
	case "type":
		v := o.get("type")
		if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
			p.wrongKind(v, "type", "a type expression such as string, list<Message> or common.User")
			t.Kind = KindInvalid
		} else {
			p.exprInto(t, v, depth)
		}
	case "enum":
		t.Kind = KindEnum
		p.enum(t, o.get("enum"))
	case "fields":
		t.Kind = KindObject
		p.fields(t, o.get("fields"), depth)
	case "union":
		t.Kind = KindUnion
		p.union(t, o.get("union"), depth)
	default:
		p.errorf(n, CodeMissingKey, "%s needs one of type, enum, fields or union", what)
		t.Kind = KindInvalid
	}
	p.unknownPolicy(t, o)
	p.constraints(t, o)
}

// unknownPolicy reads "unknown: reject | ignore" of an object type.
func (p *parser) unknownPolicy(t *Type, o obj) {
	v := o.get("unknown")
	if v == nil {
		return
	}
	if !o.has("fields") {
		p.errorf(v, CodeConflict, "unknown applies to object types (fields) only")
		return
	}
	s, ok := p.str(v, "unknown")
	if !ok {
		return
	}
	switch s {
	case "reject":
	case "ignore":
		t.IgnoreUnknown = true
	default:
		p.errorf(v, CodeWrongKind, "unknown must be reject or ignore, found %q", s)
	}
}

// useType parses a type use: a type expression, or a mapping whose inline
// enum, fields or union is declared under the name synth. For fields and
// args, o is the already-read mapping; otherwise n is read with declKeys.
func (p *parser) useType(n *yaml.Node, o obj, synth, what string, depth int) *Type {
	if n.Kind == yaml.ScalarNode {
		t := &Type{}
		p.exprInto(t, n, depth)
		return t
	}
	shape := ""
	for _, k := range shapeKeys {
		if o.has(k) {
			shape = k
			break
		}
	}
	if shape == "" || shape == "type" {
		t := &Type{Pos: p.pos(n)}
		p.shape(t, o, n, what, depth)
		return t
	}
	decl := &Type{Pos: p.pos(n), Name: synth, Inline: true, File: p.f}
	p.f.Types = append(p.f.Types, decl)
	p.shape(decl, o, n, what, depth)
	return &Type{Pos: p.pos(n), Kind: KindRef, Ref: synth, Target: decl}
}

// payloadType parses the type of a payload, ack, auth or error details:
// a type use whose mapping may carry description and names for an inline
// definition.
func (p *parser) payloadType(n *yaml.Node, synth, what string) *Type {
	if n.Kind == yaml.ScalarNode {
		return p.useType(n, obj{}, synth, what, 0)
	}
	o, ok := p.object(n, what, declKeys...)
	if !ok {
		return &Type{Pos: p.pos(n)}
	}
	t := p.useType(n, o, synth, what, 0)
	goName, tsName := p.names(o)
	desc := ""
	if v := o.get("description"); v != nil {
		desc, _ = p.text(v, "description")
	}
	dep := p.deprecation(o.get("deprecated"))
	if t.Kind == KindRef && t.Target != nil && t.Target.Inline {
		t.Target.GoName, t.Target.TSName = goName, tsName
		t.Target.Description, t.Target.Deprecation = desc, dep
		return t
	}
	for _, k := range []string{"go_name", "ts_name"} {
		if o.has(k) {
			p.errorf(o.keyNode(k), CodeConflict, "%s names an inline enum, fields or union; a type: use has no name of its own", k)
		}
	}
	t.Description, t.Deprecation = desc, dep
	return t
}

// fields parses the fields: mapping of object t.
func (p *parser) fields(t *Type, n *yaml.Node, depth int) {
	es, ok := p.entries(n, "fields")
	if !ok {
		return
	}
	owner := naming.TSType(t.Name)
	for _, e := range es {
		name := e.key.Value
		f := &Field{Pos: p.pos(e.key), Name: name, TSName: name}
		p.checkName(e.key, "field name", name, fieldNameRE, "use letters, digits, _ and -, starting with a letter or _")
		t.Fields = append(t.Fields, f)
		p.field(f, e.val, fieldKeys, owner+naming.TSType(name), "field "+name, depth+1)
	}
}

// field parses a field or tuple element body.
func (p *parser) field(f *Field, n *yaml.Node, keys []string, synth, what string, depth int) {
	if n.Kind == yaml.ScalarNode {
		f.Type = p.useType(n, obj{}, synth, what, depth)
		return
	}
	o, ok := p.object(n, what, keys...)
	if !ok {
		f.Type = &Type{Pos: p.pos(n)}
		return
	}
	if v := o.get("go_name"); v != nil {
		f.GoName, _ = p.str(v, "go_name")
	}
	if v := o.get("description"); v != nil {
		f.Description, _ = p.text(v, "description")
	}
	f.Deprecation = p.deprecation(o.get("deprecated"))
	if v := o.get("optional"); v != nil {
		f.Optional, _ = p.boolean(v, "optional")
	}
	if v := o.get("nullable"); v != nil {
		f.Nullable, _ = p.boolean(v, "nullable")
	}
	if v := o.get("default"); v != nil {
		if val, ok := scalarValue(v); ok {
			f.Default = &Value{Pos: p.pos(v), Value: val}
			p.f.state.defs = append(p.f.state.defs, f)
		} else {
			p.errorf(v, CodeBadDefault, "default must be a string, number, boolean or null, found %s", kindName(v))
		}
	}
	f.Type = p.useType(n, o, synth, what, depth)
}

// tuple parses args or ack_args: a list of type expressions or
// {name, type...} mappings.
func (p *parser) tuple(n *yaml.Node, synth, what string) []*Field {
	if n.Kind != yaml.SequenceNode {
		p.wrongKind(n, what, "a list")
		return nil
	}
	out := make([]*Field, 0, len(n.Content))
	for i, item := range n.Content {
		f := &Field{Pos: p.pos(item), Name: fmt.Sprintf("arg%d", i)}
		if v := mappingValue(item, "name"); v != nil {
			if s, ok := p.str(v, "argument name"); ok &&
				p.checkName(v, "argument name", s, fieldNameRE, "use letters, digits, _ and -, starting with a letter or _") {
				f.Name = s
			}
		}
		f.TSName = f.Name
		out = append(out, f)
		p.field(f, item, argKeys, synth+naming.TSType(f.Name), what, 1)
	}
	return out
}

// enum parses the values of enum t.
func (p *parser) enum(t *Type, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.wrongKind(n, "enum", "a list of values")
		return
	}
	if len(n.Content) == 0 {
		p.errorf(n, CodeBadEnum, "enum %s has no values", t.Name)
		return
	}
	for _, item := range n.Content {
		ev := &EnumValue{Pos: p.pos(item)}
		val := item
		if item.Kind == yaml.MappingNode {
			o, ok := p.object(item, "an enum value", enumValueKeys...)
			if !ok || !p.require(o, item, "an enum value", "value") {
				continue
			}
			val = o.get("value")
			ev.GoName, ev.TSName = p.names(o)
			if v := o.get("description"); v != nil {
				ev.Description, _ = p.text(v, "description")
			}
			ev.Deprecation = p.deprecation(o.get("deprecated"))
		}
		s, ok := p.str(val, "an enum value")
		if !ok {
			continue
		}
		if s == "" || len(s) > 256 {
			p.errorf(val, CodeBadEnum, "enum values must be 1 to 256 characters long")
			continue
		}
		ev.Value = s
		t.Values = append(t.Values, ev)
	}
}

// union parses union: {discriminator, variants}.
func (p *parser) union(t *Type, n *yaml.Node, depth int) {
	o, ok := p.object(n, "union", unionKeys...)
	if !ok {
		return
	}
	if v := o.get("discriminator"); v == nil {
		p.errorf(n, CodeUnionDiscr, "union %s needs a discriminator: the name of the field that tells variants apart", t.Name)
	} else if s, ok := p.str(v, "discriminator"); ok {
		if p.checkName(v, "discriminator", s, fieldNameRE, "it is a field name") {
			t.Discriminator = s
		}
	}
	v := o.get("variants")
	if v == nil {
		p.errorf(n, CodeUnionVariant, "union %s needs variants: a mapping from tag to object type", t.Name)
		return
	}
	es, ok := p.entries(v, "variants")
	if !ok {
		return
	}
	if len(es) == 0 {
		p.errorf(v, CodeUnionVariant, "union %s has no variants", t.Name)
	}
	owner := naming.TSType(t.Name)
	for _, e := range es {
		tag := e.key.Value
		vr := &Variant{Pos: p.pos(e.key), Tag: tag}
		if tag == "" || len(tag) > 256 {
			p.errorf(e.key, CodeInvalidName, "variant tags must be 1 to 256 characters long")
		}
		t.Variants = append(t.Variants, vr)
		vr.Type = p.payloadType(e.val, owner+naming.TSType(tag), "variant "+tag)
	}
}

// exprInto parses the type expression in scalar n into t.
func (p *parser) exprInto(t *Type, n *yaml.Node, depth int) {
	t.Pos = p.pos(n)
	if n.Tag != "!!str" {
		p.wrongKind(n, "a type", "a type expression such as string, list<Message> or common.User")
		t.Kind = KindInvalid
		return
	}
	ep := exprParser{s: n.Value}
	e, err := ep.parse(depth)
	if err == nil && strings.TrimSpace(ep.s[ep.i:]) != "" {
		err = &exprError{off: ep.i, msg: fmt.Sprintf("unexpected %q after the type", strings.TrimSpace(ep.s[ep.i:]))}
	}
	if err != nil {
		pos := p.pos(n)
		if n.Style == 0 && !strings.Contains(n.Value, "\n") {
			pos.Col += err.off
		} else if n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle {
			pos.Col += err.off + 1
		}
		p.d.errorf(pos, CodeBadType, "bad type %q: %s", n.Value, err.msg)
		t.Kind = KindInvalid
		return
	}
	p.build(t, e, p.pos(n))
}

// build converts a parsed expression into t, registering references.
func (p *parser) build(t *Type, e *expr, pos Pos) {
	t.Pos = pos
	switch {
	case e.name == "list":
		t.Kind = KindList
		t.Elem = &Type{}
		p.build(t.Elem, e.args[0], pos)
	case e.name == "map":
		t.Kind = KindMap
		t.Elem = &Type{}
		p.build(t.Elem, e.args[1], pos)
	case builtinKinds[e.name] != KindInvalid:
		t.Kind = builtinKinds[e.name]
	default:
		t.Kind = KindRef
		t.Ref = e.name
		p.f.state.refs = append(p.f.state.refs, t)
	}
}

// mappingValue returns the value of key in mapping n without reporting
// anything, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
