package jsonschemagen

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/invopop/jsonschema"

	"github.com/siogen/siogen/schema"
)

// builder builds the schemas of one document. dir is the document's
// directory under the output root; references are relative to it.
type builder struct {
	dir string
}

// ref returns {"$ref": …} pointing at the document of declaration t.
func (b *builder) ref(t *schema.Type) *jsonschema.Schema {
	return &jsonschema.Schema{Ref: relRef(b.dir, TypePath(t))}
}

// decl returns the schema of a named type's document body (without $id and
// the other document keywords).
func (b *builder) decl(t *schema.Type) *jsonschema.Schema {
	var s *jsonschema.Schema
	switch t.Kind {
	case schema.KindEnum:
		s = &jsonschema.Schema{Type: "string", Enum: enumValues(t)}
	case schema.KindObject:
		s = b.object(t.Fields)
		if t.IgnoreUnknown {
			s.AdditionalProperties = nil
		}
	case schema.KindUnion:
		s = b.union(t)
	default: // an alias, a constrained scalar, a list or a map
		s = b.use(t)
	}
	s.Title = t.Name
	describe(s, t.Description, t.Deprecation)
	return s
}

// use returns the schema of a use site: a scalar with its constraints, a
// list, a map, or a reference to a named type.
func (b *builder) use(t *schema.Type) *jsonschema.Schema {
	c := t.Constraints
	switch t.Kind {
	case schema.KindRef:
		return b.ref(t.Target)
	case schema.KindString:
		s := &jsonschema.Schema{
			Type: "string", Format: c.Format, Pattern: c.Pattern,
			MinLength: uptr(c.MinLength), MaxLength: uptr(c.MaxLength),
		}
		if c.Format == "uri" {
			// RFC 3986 URIs are printable ASCII; validators that take
			// "uri" loosely would let IRIs through.
			ascii := &jsonschema.Schema{Pattern: uriPattern}
			if s.Pattern == "" {
				s.Pattern = uriPattern
			} else {
				s.AllOf = []*jsonschema.Schema{ascii}
			}
		}
		return s
	case schema.KindInt32:
		return integer(c, math.MinInt32, math.MaxInt32)
	case schema.KindInt64:
		return integer(c, math.MinInt64, math.MaxInt64)
	case schema.KindNumber:
		// A number is a float64: the bounds default to its range.
		s := &jsonschema.Schema{Type: "number", Minimum: number(c.Minimum), Maximum: number(c.Maximum)}
		if s.Minimum == "" {
			s.Minimum = json.Number(strconv.FormatFloat(-math.MaxFloat64, 'g', -1, 64))
		}
		if s.Maximum == "" {
			s.Maximum = json.Number(strconv.FormatFloat(math.MaxFloat64, 'g', -1, 64))
		}
		return s
	case schema.KindBoolean:
		return &jsonschema.Schema{Type: "boolean"}
	case schema.KindTimestamp:
		return &jsonschema.Schema{Type: "string", Format: "date-time"}
	case schema.KindBytes:
		return bytesSchema(c)
	case schema.KindList:
		return &jsonschema.Schema{
			Type: "array", Items: b.use(t.Elem),
			MinItems: uptr(c.MinItems), MaxItems: uptr(c.MaxItems),
		}
	case schema.KindMap:
		return &jsonschema.Schema{
			Type: "object", AdditionalProperties: b.use(t.Elem),
			MinProperties: uptr(c.MinItems), MaxProperties: uptr(c.MaxItems),
		}
	case schema.KindEnum, schema.KindObject, schema.KindUnion:
		// Use sites refer to these through KindRef; a declaration passed
		// here by mistake is referenced, never inlined.
		return b.ref(t)
	}
	return &jsonschema.Schema{}
}

// field returns the schema of an object field or tuple element: its type,
// null when nullable, and its description, default and deprecation.
func (b *builder) field(f *schema.Field) *jsonschema.Schema {
	s := b.use(f.Type)
	if f.Nullable {
		s = &jsonschema.Schema{AnyOf: []*jsonschema.Schema{s, {Type: "null"}}}
	}
	describe(s, f.Description, f.Deprecation)
	if f.Default != nil {
		if f.Default.Value == nil {
			s.Extras = map[string]any{"default": nil}
		} else {
			s.Default = f.Default.Value
		}
	}
	return s
}

// prop is a required property written before an object's fields.
type prop struct {
	name   string
	schema *jsonschema.Schema
}

// object returns a closed object schema with the fields in declaration
// order, after the required properties first (a union's discriminator).
func (b *builder) object(fields []*schema.Field, first ...prop) *jsonschema.Schema {
	s := &jsonschema.Schema{Type: "object", AdditionalProperties: jsonschema.FalseSchema}
	props := jsonschema.NewProperties()
	for _, p := range first {
		props.Set(p.name, p.schema)
		s.Required = append(s.Required, p.name)
	}
	for _, f := range fields {
		props.Set(f.Name, b.field(f))
		if !f.Optional {
			s.Required = append(s.Required, f.Name)
		}
	}
	if props.Len() > 0 {
		s.Properties = props
	}
	return s
}

// union returns a discriminated union: the discriminator is required and
// must name a variant, and exactly one variant (oneOf) must match. Each
// variant is written out in place as a closed object whose discriminator
// is a const, because "additionalProperties": false cannot see properties
// added next to a $ref.
func (b *builder) union(t *schema.Type) *jsonschema.Schema {
	tags := make([]any, 0, len(t.Variants))
	variants := make([]*jsonschema.Schema, 0, len(t.Variants))
	for _, v := range t.Variants {
		tags = append(tags, v.Tag)
		obj := v.Type.Underlying()
		var fields []*schema.Field
		if obj != nil {
			fields = obj.Fields
		}
		vs := b.object(fields, prop{t.Discriminator, &jsonschema.Schema{Const: v.Tag}})
		if obj != nil && obj.IgnoreUnknown {
			vs.AdditionalProperties = nil
		}
		if d := v.Type.Decl(); d != nil {
			vs.Title = d.Name
		}
		variants = append(variants, vs)
	}
	props := jsonschema.NewProperties()
	props.Set(t.Discriminator, &jsonschema.Schema{Enum: tags})
	return &jsonschema.Schema{
		Type: "object", Properties: props, Required: []string{t.Discriminator}, OneOf: variants,
	}
}

// tuple returns the schema of an argument tuple: an array of exactly
// len(args) items.
func (b *builder) tuple(args []*schema.Field) *jsonschema.Schema {
	items := make([]*jsonschema.Schema, len(args))
	for i, a := range args {
		items[i] = b.field(a)
		if items[i].Title == "" {
			items[i].Title = a.Name
		}
	}
	n := uint64(len(args))
	return &jsonschema.Schema{
		Type: "array", PrefixItems: items, Items: jsonschema.FalseSchema, MinItems: &n, MaxItems: &n,
	}
}

// uriPattern restricts format "uri" to printable ASCII without spaces.
const uriPattern = "^[!-~]*$"

// base64Pattern is standard, padded base64 (RFC 4648 section 4).
const base64Pattern = `^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`

// bytesSchema accepts what a bytes value looks like in a payload's JSON:
// the Socket.IO placeholder of a binary attachment, or a padded base64
// string (the form encoding/json gives []byte when a value is not sent as
// an attachment). Length constraints on the base64 form bound the decoded
// length exactly: a length that is not a multiple of 3 is told by the
// padding. The attachment's own size is the runtime's to check.
func bytesSchema(c schema.Constraints) *jsonschema.Schema {
	props := jsonschema.NewProperties()
	props.Set("_placeholder", &jsonschema.Schema{Const: true})
	props.Set("num", &jsonschema.Schema{Type: "integer", Minimum: "0"})
	placeholder := &jsonschema.Schema{
		Title: "attachment placeholder", Type: "object", Properties: props,
		Required: []string{"_placeholder", "num"}, AdditionalProperties: jsonschema.FalseSchema,
	}
	b64 := &jsonschema.Schema{
		Title: "base64", Type: "string", ContentEncoding: "base64",
		Pattern: base64Pattern,
	}
	if c.MinLength != nil && *c.MinLength > 0 {
		// n bytes need 4*ceil(n/3) characters; with n = 3k+2, the last
		// group must not be "xx==" (1 byte) unless there is one more.
		n := *c.MinLength
		chars := uint64((n + 2) / 3 * 4)
		b64.MinLength = &chars
		if n%3 == 2 {
			more := chars + 4
			b64.AllOf = append(b64.AllOf, &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
				{MinLength: &more}, {Not: &jsonschema.Schema{Pattern: "==$"}}}})
		}
	}
	if c.MaxLength != nil {
		// With n = 3k+1, a last group of 4 characters may hold 1 byte
		// ("xx=="); with n = 3k+2, 2 bytes at most ("xxx=" or "xx==").
		n := *c.MaxLength
		chars := uint64((n + 2) / 3 * 4)
		b64.MaxLength = &chars
		if r := n % 3; r != 0 {
			less := uint64(n / 3 * 4)
			pad := "==$"
			if r == 2 {
				pad = "=$"
			}
			b64.AllOf = append(b64.AllOf, &jsonschema.Schema{AnyOf: []*jsonschema.Schema{
				{MaxLength: &less}, {Pattern: pad}}})
		}
	}
	return &jsonschema.Schema{AnyOf: []*jsonschema.Schema{placeholder, b64}}
}

// integer returns {"type":"integer"} bounded by the constraints, or by the
// type's range when a bound is not given.
func integer(c schema.Constraints, lo, hi int64) *jsonschema.Schema {
	s := &jsonschema.Schema{Type: "integer", Minimum: number(c.Minimum), Maximum: number(c.Maximum)}
	if s.Minimum == "" {
		s.Minimum = json.Number(strconv.FormatInt(lo, 10))
	}
	if s.Maximum == "" {
		s.Maximum = json.Number(strconv.FormatInt(hi, 10))
	}
	return s
}

func number(n *schema.Number) json.Number {
	if n == nil {
		return ""
	}
	if n.IsInt {
		return json.Number(strconv.FormatInt(n.Int, 10))
	}
	return json.Number(strconv.FormatFloat(n.Float64, 'g', -1, 64))
}

func uptr(n *int64) *uint64 {
	if n == nil || *n < 0 {
		return nil
	}
	u := uint64(*n)
	return &u
}

func enumValues(t *schema.Type) []any {
	out := make([]any, len(t.Values))
	for i, v := range t.Values {
		out[i] = v.Value
	}
	return out
}

// describe sets the description and deprecation annotations of s. A
// deprecation note is appended to the description.
func describe(s *jsonschema.Schema, desc string, dep schema.Deprecation) {
	if dep.Deprecated {
		s.Deprecated = true
		if dep.DeprecationNote != "" {
			if desc != "" {
				desc += "\n\n"
			}
			desc += "Deprecated: " + dep.DeprecationNote
		}
	}
	if desc != "" {
		s.Description = desc
	}
}
