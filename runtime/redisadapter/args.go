package redisadapter

import (
	"bytes"
	"strconv"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/siogen/siogen/runtime/sio"
)

// makeArgs returns Args holding the JSON elements elems, whose placeholders
// refer to att.
func makeArgs(elems [][]byte, att [][]byte) sio.Args { return sio.NewArgs(elems, att) }

// argsParts returns the JSON elements of a and the attachments they refer
// to.
func argsParts(a sio.Args) (elems [][]byte, att [][]byte) {
	elems = make([][]byte, a.Len())
	for i := range elems {
		elems[i] = a.At(i).JSON()
	}
	return elems, a.Attachments()
}

// argsOfValues converts values (Node arguments, Buffers inline) to Args.
func argsOfValues(vals []any) sio.Args {
	var att [][]byte
	elems := make([][]byte, len(vals))
	for i, v := range vals {
		elems[i] = toJSON(v, &att)
	}
	return makeArgs(elems, att)
}

// argValues converts Args to Node values, Buffers inline.
func argValues(a sio.Args) ([]any, error) {
	elems, att := argsParts(a)
	out := make([]any, len(elems))
	for i, e := range elems {
		v, err := fromJSON(e, att)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// valueOptions are encoding/json's semantics without HTML escaping, nil
// slices and maps as [] and {}, and every non-nil []byte a placeholder for
// an attachment, as the sio package encodes event arguments.
func valueOptions(att *[][]byte) json.Options {
	return json.JoinOptions(jsonv1.DefaultOptionsV1(), jsontext.EscapeForHTML(false),
		json.FormatNilSliceAsNull(false), json.FormatNilMapAsNull(false),
		json.WithMarshalers(json.MarshalToFunc(func(enc *jsontext.Encoder, b []byte) error {
			if b == nil {
				return enc.WriteToken(jsontext.Null)
			}
			*att = append(*att, b)
			return enc.WriteValue(jsontext.Value(`{"_placeholder":true,"num":` + strconv.Itoa(len(*att)-1) + `}`))
		})))
}

// valuesOf converts Go values to Node values: JSON, with []byte as
// Buffers.
func valuesOf(args []any) ([]any, error) {
	vals, _, err := encodeValues(args, false)
	return vals, err
}

// encodeValues is valuesOf that also returns, with keepJSON, the JSON of
// each argument as a server decodes it: []byte values as placeholders,
// numbered from 0 in each argument.
func encodeValues(args []any, keepJSON bool) (vals []any, jsons [][]byte, err error) {
	vals = make([]any, len(args))
	if keepJSON {
		jsons = make([][]byte, len(args))
	}
	var buf bytes.Buffer
	for i, v := range args {
		var att [][]byte
		buf.Reset()
		if err := json.MarshalWrite(&buf, v, valueOptions(&att)); err != nil {
			return nil, nil, err
		}
		val, err := fromJSON(buf.Bytes(), att)
		if err != nil {
			return nil, nil, err
		}
		vals[i] = val
		if keepJSON {
			jsons[i] = bytes.Clone(buf.Bytes())
		}
	}
	return vals, jsons, nil
}

// toJSONValue converts one Go value, null when it cannot be encoded.
func toJSONValue(v any) any {
	vals, err := valuesOf([]any{v})
	if err != nil {
		return nil
	}
	return vals[0]
}
