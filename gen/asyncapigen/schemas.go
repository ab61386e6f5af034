package asyncapigen

import (
	"fmt"
	"path"
	"strings"

	"github.com/siogen/siogen/gen/internal/ojson"
	"github.com/siogen/siogen/gen/jsonschemagen"
)

// components collects the payload schemas of one AsyncAPI document under
// components.schemas: gen/jsonschemagen's documents, converted from JSON
// Schema 2020-12 to the AsyncAPI Schema format (a superset of draft 07),
// with their relative references turned into component references.
type components struct {
	docs    map[string]jsonschemagen.Document // by path
	schemas *ojson.Object
	err     error
}

// key returns the component name of the document at p:
// "chat/Chat/MessageSend.payload.json" → "chat.Chat.MessageSend.payload".
func key(p string) string {
	return strings.ReplaceAll(strings.TrimSuffix(p, ".json"), "/", ".")
}

// ref adds the document at p (and the documents it refers to) and returns
// a reference to it.
func (c *components) ref(p string) *ojson.Object {
	k := key(p)
	r := ojson.New().Set("$ref", "#/components/schemas/"+k)
	if _, ok := c.schemas.Get(k); ok {
		return r
	}
	d, ok := c.docs[p]
	if !ok {
		c.fail(fmt.Errorf("no schema document %s", p))
		return r
	}
	c.schemas.Set(k, nil) // reserve the place, against cycles
	raw, err := jsonschemagen.Encode(d.Schema)
	if err != nil {
		c.fail(fmt.Errorf("failed to encode %s: %w", p, err))
		return r
	}
	v, err := ojson.Decode(raw)
	if err != nil {
		c.fail(fmt.Errorf("failed to read %s: %w", p, err))
		return r
	}
	c.schemas.Set(k, c.convert(v, path.Dir(p), true))
	return r
}

func (c *components) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// annotations are keywords that may sit next to a $ref in draft 07,
// which ignores them; any other sibling needs an allOf.
var annotations = map[string]bool{
	"$ref": true, "title": true, "description": true, "default": true, "deprecated": true,
	"examples": true, "$comment": true,
}

// convert rewrites one 2020-12 schema value for a document in dir:
// identity keywords go, "$ref" points into components, "prefixItems"
// becomes draft 07's array "items" (with "additionalItems" for the
// closing "items": false) and "$defs" becomes "definitions".
func (c *components) convert(v any, dir string, top bool) any {
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = c.convert(e, dir, false)
		}
		return out
	case *ojson.Object:
		out := ojson.New()
		_, tuple := v.Get("prefixItems")
		siblings := false
		for _, k := range v.Keys() {
			e, _ := v.Get(k)
			switch {
			case k == "$schema" || k == "$id" || (top && k == "$comment"):
			case k == "$ref":
				s, _ := e.(string)
				file, frag, _ := strings.Cut(s, "#")
				r, _ := c.ref(path.Clean(path.Join(dir, file))).Get("$ref")
				if frag != "" {
					r = r.(string) + frag // a pointer into the document
				}
				out.Set("$ref", r)
			case k == "prefixItems":
				out.Set("items", c.convert(e, dir, false))
			case k == "items" && tuple:
				out.Set("additionalItems", c.convert(e, dir, false))
			case k == "$defs":
				out.Set("definitions", c.convert(e, dir, false))
			default:
				out.Set(k, c.convert(e, dir, false))
			}
			if !annotations[k] {
				siblings = true
			}
		}
		if r, ok := out.Get("$ref"); ok && siblings {
			out.Delete("$ref")
			wrapped := ojson.New().Set("allOf", []any{ojson.New().Set("$ref", r)})
			for _, k := range out.Keys() {
				e, _ := out.Get(k)
				wrapped.Set(k, e)
			}
			return wrapped
		}
		return out
	}
	return v
}
