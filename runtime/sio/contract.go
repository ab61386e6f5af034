package sio

import (
	"context"
	"time"

	"github.com/siogen/siogen/runtime/siojson"
)

// Helpers for generated code: each keeps a generated method body to one
// line.

// CallTimeout checks in with check (see [EmitChecked]), emits an event
// with the given arguments (in, or the elements of a tuple) and decodes
// the acknowledgement into Out in the given style with read (see
// [DecodeAck]), applying timeout, the contract's bound for the event,
// when ctx has no deadline. A nil check or read checks nothing.
func CallTimeout[In, Out any](ctx context.Context, to AckEmitter, style AckStyle, timeout time.Duration, read siojson.ReadFunc[Out], chk siojson.CheckFunc[In], in In, event string, args ...any) (Out, error) {
	if !skipChecks(to) {
		if err := check(in, chk); err != nil {
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
	raw := a.elems()
	n := 2
	for _, r := range raw {
		n += len(r) + 1
	}
	out := make([]byte, 0, n)
	out = append(out, '[')
	for i, r := range raw {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, r...)
	}
	return append(out, ']')
}
