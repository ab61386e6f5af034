package sio

import "bytes"

// EncodeReflect encodes v as one argument with the reflective encoder,
// bypassing [JSONAppender].
func EncodeReflect(v any) ([]byte, error) {
	data, _, err := encodeArgsReflect("", []any{v})
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(bytes.TrimPrefix(data, []byte("[")), []byte("]")), nil
}

// EncodeArg encodes v as one argument the way emits and acks do.
func EncodeArg(v any) ([]byte, error) {
	data, _, err := encodeArgs("", []any{v})
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(bytes.TrimPrefix(data, []byte("[")), []byte("]")), nil
}

// benchEvent is an acknowledged event whose ack is only encoded.
type benchEvent struct {
	args Args
	out  []byte
}

func (e *benchEvent) arguments() Args { return e.args }
func (e *benchEvent) WantsAck() bool  { return true }
func (e *benchEvent) Ack(args ...any) error {
	var err error
	e.out, _, err = encodeArgs("", args)
	return err
}

// AckPath returns a function that runs what [HandleAck] runs for one
// event with the JSON argument arg: validation, decoding, fn and the
// encoding of the acknowledgement, which it returns.
func AckPath[In, Out any](fn func(In) (Out, error), opts ...HandlerOption) func(arg []byte) []byte {
	c := newHandlerConfig(opts)
	return func(arg []byte) []byte {
		e := &benchEvent{args: Args{raw: [][]byte{arg}}}
		in, ierr := decodeInput[In](c, e)
		if ierr != nil {
			_ = e.Ack(errorEnvelope{Error: ierr})
			return e.out
		}
		out, err := fn(in)
		if err == nil {
			if answer, bad := checkAck(c, out, false); bad != nil {
				err = answer
			}
		}
		var one [1]any
		args, _ := replyArgs(c, out, err, &one)
		_ = e.Ack(args...)
		return e.out
	}
}
