package jsonschemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/invopop/jsonschema"
)

// Encode returns s as JSON indented by two spaces with a final newline.
// Keywords are written in a reading order (identity, annotations, type,
// then the keywords of the type and the applicators) rather than the
// field order of jsonschema.Schema; property order is kept, and "<", ">"
// and "&" are not escaped.
func Encode(s *jsonschema.Schema) ([]byte, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, fmt.Errorf("failed to re-read the encoded schema: %w", err)
	}
	var buf bytes.Buffer
	w := writer{buf: &buf}
	w.value(v, true, 0)
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// object is a JSON object that keeps its key order.
type object struct {
	keys []string
	vals map[string]any
}

func readValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := &object{vals: map[string]any{}}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return nil, err
			}
			k, _ := kt.(string)
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			o.keys = append(o.keys, k)
			o.vals[k] = v
		}
		_, err := dec.Token()
		return o, err
	case json.Delim('['):
		var a []any
		for dec.More() {
			v, err := readValue(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, err
		}
		if a == nil {
			a = []any{}
		}
		return a, nil
	case json.Delim('}'), json.Delim(']'):
		return nil, io.ErrUnexpectedEOF
	}
	return tok, nil
}

// keywordOrder is the order keywords of a schema object are written in;
// keywords not listed follow in their original order.
var keywordOrder = []string{
	"$schema", "$id", "$comment", "title", "description", "deprecated", "default",
	"$ref", "type", "const", "enum", "format", "pattern", "minLength", "maxLength",
	"contentEncoding", "minimum", "maximum", "prefixItems", "items", "minItems", "maxItems",
	"properties", "required", "additionalProperties", "minProperties", "maxProperties",
	"allOf", "anyOf", "oneOf", "if", "then", "else",
}

// Keywords whose value is a schema, an array of schemas, or an object of
// schemas: only these are reordered, never data (const, enum, default).
var (
	schemaKeys      = []string{"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames", "contentSchema", "unevaluatedProperties", "unevaluatedItems"}
	schemaListKeys  = []string{"allOf", "anyOf", "oneOf", "prefixItems"}
	schemaMapKeys   = []string{"properties", "$defs", "patternProperties", "dependentSchemas"}
	orderedKeywords = func() map[string]int {
		m := make(map[string]int, len(keywordOrder))
		for i, k := range keywordOrder {
			m[k] = i
		}
		return m
	}()
)

func sortKeywords(keys []string) []string {
	out := slices.Clone(keys)
	slices.SortStableFunc(out, func(a, b string) int {
		ia, oka := orderedKeywords[a]
		ib, okb := orderedKeywords[b]
		switch {
		case oka && okb:
			return ia - ib
		case oka:
			return -1
		case okb:
			return 1
		}
		return 0
	})
	return out
}

type writer struct {
	buf *bytes.Buffer
}

// value writes v; isSchema tells whether v is a schema (reordered).
func (w writer) value(v any, isSchema bool, depth int) {
	switch v := v.(type) {
	case *object:
		keys := v.keys
		if isSchema {
			keys = sortKeywords(keys)
		}
		if len(keys) == 0 {
			w.buf.WriteString("{}")
			return
		}
		w.buf.WriteString("{")
		for i, k := range keys {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.newline(depth + 1)
			w.scalar(k)
			w.buf.WriteString(": ")
			switch {
			case !isSchema:
				w.value(v.vals[k], false, depth+1)
			case slices.Contains(schemaKeys, k):
				w.value(v.vals[k], true, depth+1)
			case slices.Contains(schemaListKeys, k):
				w.list(v.vals[k], true, depth+1)
			case slices.Contains(schemaMapKeys, k):
				w.schemaMap(v.vals[k], depth+1)
			default:
				w.value(v.vals[k], false, depth+1)
			}
		}
		w.newline(depth)
		w.buf.WriteString("}")
	case []any:
		w.list(v, false, depth)
	default:
		w.scalar(v)
	}
}

func (w writer) list(v any, isSchema bool, depth int) {
	a, ok := v.([]any)
	if !ok {
		w.value(v, isSchema, depth)
		return
	}
	if len(a) == 0 {
		w.buf.WriteString("[]")
		return
	}
	w.buf.WriteString("[")
	for i, x := range a {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.newline(depth + 1)
		w.value(x, isSchema, depth+1)
	}
	w.newline(depth)
	w.buf.WriteString("]")
}

// schemaMap writes an object whose values are schemas, keeping its keys'
// order.
func (w writer) schemaMap(v any, depth int) {
	o, ok := v.(*object)
	if !ok || len(o.keys) == 0 {
		w.value(v, false, depth)
		return
	}
	w.buf.WriteString("{")
	for i, k := range o.keys {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.newline(depth + 1)
		w.scalar(k)
		w.buf.WriteString(": ")
		w.value(o.vals[k], true, depth+1)
	}
	w.newline(depth)
	w.buf.WriteString("}")
}

func (w writer) newline(depth int) {
	w.buf.WriteByte('\n')
	w.buf.WriteString(strings.Repeat("  ", depth))
}

func (w writer) scalar(v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // strings, json.Number, bool and nil always encode
	w.buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
