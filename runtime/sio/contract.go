package sio

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Helpers for generated code: each keeps a generated method body to one
// line.

// MarshalUnion encodes v, the object of one variant of a discriminated
// union, with the discriminator member first: {"kind":"image",...}.
func MarshalUnion(discriminator, tag string, v any) ([]byte, error) {
	body, err := json.Marshal(v, v1opts)
	if err != nil {
		return nil, err
	}
	if len(body) < 2 || body[0] != '{' {
		return nil, fmt.Errorf("sio: union variant %q is not an object", tag)
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
		return fmt.Errorf("sio: union variant %q is not an object", tag)
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
		return "", fmt.Errorf("sio: union value is not an object")
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
			return "", fmt.Errorf("sio: union discriminator %q is not a string", discriminator)
		}
		return v.String(), nil
	}
	return "", fmt.Errorf("sio: union value has no %q member", discriminator)
}

// CallTimeout checks in with check (see [EmitChecked]), emits an event
// with the given arguments (in, or the elements of a tuple) and decodes
// the acknowledgement into Out in the given style with read (see
// [DecodeAck]), applying timeout, the contract's bound for the event,
// when ctx has no deadline. A nil check or read checks nothing.
func CallTimeout[In, Out any](ctx context.Context, to AckEmitter, style AckStyle, timeout time.Duration, read ReadFunc[Out], check CheckFunc[In], in In, event string, args ...any) (Out, error) {
	if !skipChecks(to) {
		if err := Check(in, check); err != nil {
			var out Out
			return out, err
		}
	}
	if _, ok := ctx.Deadline(); !ok && timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	a, err := to.EmitWithAck(ctx, event, args...)
	if err != nil {
		var out Out
		return out, err
	}
	return DecodeAck(a, style, read)
}

// TupleDecoder is implemented by generated types that stand for an event's
// tuple of arguments (args: [...] in the schema): a handler whose input
// implements it gets every argument, validated as one JSON array.
type TupleDecoder interface {
	DecodeArgs(a Args) error
}

// TupleEncoder is implemented by generated tuple types to emit their
// elements as separate arguments.
type TupleEncoder interface {
	EncodeArgs() []any
}

// arrayJSON returns the event's arguments as one JSON array.
func (a Args) arrayJSON() []byte {
	n := 2
	for _, r := range a.raw {
		n += len(r) + 1
	}
	out := make([]byte, 0, n)
	out = append(out, '[')
	for i, r := range a.raw {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, r...)
	}
	return append(out, ']')
}
