package siojson

import (
	"bytes"
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// v1opts are runtime/sio's reflective encoding options: encoding/json's
// semantics, except that HTML characters are not escaped and that nil
// slices and maps encode as [] and {}.
var v1opts = json.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false),
	json.FormatNilSliceAsNull(false), json.FormatNilMapAsNull(false))

// MarshalUnion encodes v, the object of one variant of a discriminated
// union, with the discriminator member first: {"kind":"image",...}.
func MarshalUnion(discriminator, tag string, v any) ([]byte, error) {
	body, err := json.Marshal(v, v1opts)
	if err != nil {
		return nil, err
	}
	if len(body) < 2 || body[0] != '{' {
		return nil, fmt.Errorf("siojson: union variant %q is not an object", tag)
	}
	head, _ := json.Marshal(map[string]string{discriminator: tag}, v1opts)
	if string(body) == "{}" {
		return head, nil
	}
	out := make([]byte, 0, len(head)+len(body))
	out = append(out, head[:len(head)-1]...)
	out = append(out, ',')
	return append(out, body[1:]...), nil
}

// MarshalUnionTo writes v, the object of one variant of a discriminated
// union, with the discriminator member first, through enc and with its
// options: []byte values inside travel as binary attachments, as anywhere
// else in a payload. Generated MarshalJSONTo methods call it.
func MarshalUnionTo(enc *jsontext.Encoder, discriminator, tag string, v any) error {
	body, err := json.Marshal(v, enc.Options())
	if err != nil {
		return err
	}
	if len(body) < 2 || body[0] != '{' {
		return fmt.Errorf("siojson: union variant %q is not an object", tag)
	}
	head, _ := json.Marshal(map[string]string{discriminator: tag}, v1opts)
	if string(body) == "{}" {
		return enc.WriteValue(head)
	}
	out := make([]byte, 0, len(head)+len(body))
	out = append(out, head[:len(head)-1]...)
	out = append(out, ',')
	return enc.WriteValue(append(out, body[1:]...))
}

// UnionTag returns the value of the discriminator member of a JSON object.
func UnionTag(data []byte, discriminator string) (string, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return "", fmt.Errorf("siojson: union value is not an object")
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return "", err
		}
		if name.String() != discriminator {
			if err := dec.SkipValue(); err != nil {
				return "", err
			}
			continue
		}
		v, err := dec.ReadToken()
		if err != nil || v.Kind() != '"' {
			return "", fmt.Errorf("siojson: union discriminator %q is not a string", discriminator)
		}
		return v.String(), nil
	}
	return "", fmt.Errorf("siojson: union value has no %q member", discriminator)
}
