package redisadapter

import (
	"context"

	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siojson"
)

// EmitChecked checks in, the Go value of an event's payload, with chk (a
// generated CheckJSON method), then publishes event with args through e
// ([Emitter.Emit]); a payload that breaks the contract is not published and
// the error is the *sio.Error of [sio.CheckPayload]. Generated typed
// emitters call it.
func EmitChecked[T any](ctx context.Context, e *Emitter, chk siojson.CheckFunc[T], in T, event string, args ...any) error {
	if err := sio.CheckPayload(chk, in); err != nil {
		return err
	}
	return e.Emit(ctx, event, args...)
}

// ValidatorCheck returns a check for [Emitter.EmitJSONChecked] that validates
// an event's payload with v against the JSON Schema id, as a server
// validates what it receives: the only argument, or, with tuple, every
// argument as one JSON array. A payload that breaks the schema is not
// published: the check returns an *sio.Error with code
// [sio.CodeInvalidArgument] whose Details are the []sio.Violation.
func ValidatorCheck(v sio.Validator, id string, tuple bool) func(args [][]byte) error {
	return func(args [][]byte) error {
		payload := []byte("null")
		switch {
		case tuple:
			payload = []byte{'['}
			for i, a := range args {
				if i > 0 {
					payload = append(payload, ',')
				}
				payload = append(payload, a...)
			}
			payload = append(payload, ']')
		case len(args) > 0:
			payload = args[0]
		}
		if vs := v.Validate(id, payload); len(vs) > 0 {
			return &sio.Error{Code: sio.CodeInvalidArgument, Message: "invalid payload", Details: vs}
		}
		return nil
	}
}
