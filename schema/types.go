package schema

import "math"

// Kind is the kind of a [Type].
type Kind int

// The kinds of types. Scalars first, then containers, then declared shapes.
const (
	KindInvalid   Kind = iota // an unparsable type; only in sets with errors
	KindString                // UTF-8 text
	KindInt32                 // 32-bit signed integer
	KindInt64                 // 64-bit signed integer (see int64-precision)
	KindNumber                // IEEE 754 double
	KindBoolean               // true or false
	KindTimestamp             // RFC 3339 date-time string on the wire
	KindBytes                 // binary attachment on the wire
	KindList                  // list<T>: JSON array
	KindMap                   // map<string, T>: JSON object with string keys
	KindEnum                  // a set of string values
	KindObject                // an object with ordered fields
	KindUnion                 // a discriminated union of object types
	KindRef                   // a reference to a named type
)

var kindNames = [...]string{
	KindInvalid: "invalid", KindString: "string", KindInt32: "int32", KindInt64: "int64",
	KindNumber: "number", KindBoolean: "boolean", KindTimestamp: "timestamp", KindBytes: "bytes",
	KindList: "list", KindMap: "map", KindEnum: "enum", KindObject: "object", KindUnion: "union",
	KindRef: "ref",
}

// String returns the kind's name as written in schemas ("int32", "list").
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// IsScalar reports whether k is one of the built-in scalar kinds.
func (k Kind) IsScalar() bool { return k >= KindString && k <= KindBytes }

// builtinKinds maps the scalar names of the type grammar to their kinds.
var builtinKinds = map[string]Kind{
	"string": KindString, "int32": KindInt32, "int64": KindInt64, "number": KindNumber,
	"boolean": KindBoolean, "timestamp": KindTimestamp, "bytes": KindBytes,
}

// Type is a type: either a declaration or a use.
//
// A declaration (Name != "") is an entry of a file's types (or an inline
// enum, object or union given a synthesized name); its Kind may be any kind,
// including KindRef for an alias of another named type.
//
// A use site (Name == "") is the type of a field, argument, payload, ack,
// auth or error details, or a list element or map value: a scalar (with its
// constraints), a list, a map, or a KindRef pointing at a declaration.
// Use sites never have Kind enum, object or union: an inline definition is
// declared under a synthesized name and used through a KindRef.
type Type struct {
	Pos  Pos
	Kind Kind

	// Name is the declared or synthesized name; empty for use sites.
	Name   string
	GoName string // go_name, or the converted Name; empty for use sites
	TSName string // ts_name, or the converted Name; empty for use sites
	// Inline reports whether the declaration was written inline and named
	// by siogen (e.g. "MessageStatus" for field status of Message).
	Inline bool
	// File is the declaring file (declarations only).
	File        *File
	Description string
	Deprecation

	// Ref is the reference as written, "Message" or "common.User"
	// (KindRef only).
	Ref string
	// Target is the referenced declaration, nil when unresolved (KindRef only).
	Target *Type

	// Elem is the element type of a list or the value type of a map; map
	// keys are always strings.
	Elem *Type

	// Values are the enum's values, in declaration order (KindEnum only).
	Values []*EnumValue

	// Fields are the object's fields, in declaration order (KindObject only).
	Fields []*Field
	// IgnoreUnknown reports whether receivers ignore members the object
	// does not declare ("unknown: ignore"), instead of refusing the payload
	// (KindObject only).
	IgnoreUnknown bool

	// Discriminator is the union's tag field name and Variants its variants,
	// in declaration order (KindUnion only).
	Discriminator string
	Variants      []*Variant

	// Constraints hold the validation keywords given with a scalar, list or
	// map type.
	Constraints
}

// Underlying follows references and aliases and returns the first type
// that is not a KindRef: for a use of an alias of an object it returns the
// object declaration. It returns nil for unresolved references, alias
// cycles, and chains longer than [MaxAliasChain].
func (t *Type) Underlying() *Type {
	for i := 0; t != nil && t.Kind == KindRef; i++ {
		if i > MaxAliasChain {
			return nil
		}
		t = t.Target
	}
	return t
}

// MaxAliasChain is the longest chain of references [Type.Underlying]
// follows: a use, then up to 100 aliases. Longer chains are reported as
// type-cycle errors by [Check].
const MaxAliasChain = 100

// Decl returns the named declaration a use site refers to (following a
// single reference), or t itself when t is a declaration; nil for
// anonymous scalars, lists and maps and for unresolved references.
func (t *Type) Decl() *Type {
	if t == nil {
		return nil
	}
	if t.Name != "" {
		return t
	}
	if t.Kind == KindRef {
		return t.Target
	}
	return nil
}

// Field returns the object field with the given wire name, or nil.
func (t *Type) Field(name string) *Field {
	for _, f := range t.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Field is a field of an object, or an element of an args tuple.
type Field struct {
	Pos    Pos
	Name   string // wire (JSON) name; also the TypeScript property name
	GoName string // go_name, or the converted Name ("user_id" → "UserID")
	// TSName is the TypeScript property name: the wire name, since
	// generated TypeScript types describe the JSON as it is.
	TSName      string
	Description string
	Deprecation
	Type *Type // a use site, never nil in a set without errors
	// Optional reports whether the field may be absent.
	Optional bool
	// Nullable reports whether the field may be null.
	Nullable bool
	// Default is the value a receiver assumes for an absent field; nil
	// when none.
	Default *Value
}

// EnumValue is one value of an enum.
type EnumValue struct {
	Pos   Pos
	Value string // wire value
	// GoName is the full Go constant name: go_name, or the enum's GoName
	// followed by the converted value ("Presence" + "away" → "PresenceAway").
	GoName string
	// TSName is the member name in generated TypeScript const objects:
	// ts_name, or the value converted with naming.TSType ("Away").
	TSName      string
	Description string
	Deprecation
}

// Variant is one variant of a discriminated union.
type Variant struct {
	Pos Pos
	Tag string // discriminator value on the wire
	// GoName and TSName are the converted tag ("file_ref" → "FileRef"), for
	// generators that name variant constants or constructors.
	GoName string
	TSName string
	// Type is a use site referring to an object type; the object does not
	// declare the discriminator, generators add it.
	Type *Type
}

// Constraints are the validation keywords of a scalar, list or map type.
// A nil pointer means "not given".
type Constraints struct {
	// MinLength and MaxLength bound a string's length in Unicode code
	// points, or a bytes value's length in bytes.
	MinLength *int64
	MaxLength *int64
	// Pattern is a regular expression a string must match somewhere
	// (unanchored, in the common subset of RE2 and ECMAScript).
	Pattern string
	// Format is a string format: one of [Formats].
	Format string
	// Minimum and Maximum bound a number or integer, inclusive.
	Minimum *Number
	Maximum *Number
	// MinItems and MaxItems bound the number of list items or map entries.
	MinItems *int64
	MaxItems *int64
}

// IsZero reports whether no constraint is set.
func (c Constraints) IsZero() bool {
	return c.MinLength == nil && c.MaxLength == nil && c.Pattern == "" && c.Format == "" &&
		c.Minimum == nil && c.Maximum == nil && c.MinItems == nil && c.MaxItems == nil
}

// IntBounds narrows [lo, hi], the range of an integer type, to the
// constraints. A fractional bound rounds inwards, as JSON Schema compares
// it with integers: minimum 1.5 admits 2 and up. Every generator enforces
// integer bounds through it, so that they agree.
func (c Constraints) IntBounds(lo, hi int64) (int64, int64) {
	if m := c.Minimum; m != nil {
		if m.IsInt {
			lo = max(lo, m.Int)
		} else if f := math.Ceil(m.Float64); f > float64(lo) {
			lo = int64(f)
		}
	}
	if m := c.Maximum; m != nil {
		if m.IsInt {
			hi = min(hi, m.Int)
		} else if f := math.Floor(m.Float64); f < float64(hi) {
			hi = int64(f)
		}
	}
	return lo, hi
}

// Formats returns the string formats siogen knows, as used in
// [Constraints.Format]; they have the meaning of the same JSON Schema
// formats.
func Formats() []string {
	return []string{"uuid", "email", "uri", "hostname", "ipv4", "ipv6", "date"}
}

// Number is a numeric literal from a schema: a bound or a default.
type Number struct {
	Text    string  // as written
	IsInt   bool    // written as an integer
	Int     int64   // the value when IsInt
	Float64 float64 // the value as a float64 (also set when IsInt)
}

// Value is a literal value from a schema: a field default.
type Value struct {
	Pos Pos
	// Value is a string, int64, float64, bool, or nil for null. Timestamp
	// defaults are RFC 3339 strings; integer literals given to a number field
	// are converted to float64.
	Value any
}
