package sio

import (
	"errors"
	"reflect"

	"github.com/go-json-experiment/json"

	"github.com/siogen/siogen/runtime/siojson"
)

// Outgoing checks: generated code checks what a side sends (emits,
// broadcasts, calls, acknowledgements) against the contract before it
// leaves, with CheckJSON methods that walk the Go value and report what
// the receiver's decoder would (see gen/gogen). A payload that breaks the
// contract is not sent: the caller gets a [CodeInvalidArgument] *[Error]
// listing the violations. [ServerOptions.SkipOutgoingChecks] and
// [ClientOptions.SkipOutgoingChecks] turn the checks off. The details of
// an *[Error] of a generated type (a contract's error, made with its
// generated constructor) are checked too, before a handler's error, a
// client's ack answer or a middleware's CONNECT_ERROR carries them: an
// error whose details break the contract is logged and sent as
// [CodeInternal].

// check runs check on v and returns the violations as a
// [CodeInvalidArgument] error; nil when v keeps the contract or check is
// nil.
func check[T any](v T, chk siojson.CheckFunc[T]) *Error {
	if vs := siojson.Check(v, chk); vs != nil {
		return &Error{Code: CodeInvalidArgument, Message: "payload breaks the contract", Details: vs}
	}
	return nil
}

// Emitter is what sends an event: a [*Socket], a [*BroadcastOperator]
// or a [*ClientSocket].
type Emitter interface {
	Emit(event string, args ...any) error
}

// checksSkipped is implemented by the emitters of this package: it
// reports whether their server or manager skips outgoing checks.
type checksSkipped interface{ skipChecks() bool }

func (s *Socket) skipChecks() bool            { return s.nsp.srv.opts.SkipOutgoingChecks }
func (b *BroadcastOperator) skipChecks() bool { return b.ns.srv.opts.SkipOutgoingChecks }
func (s *ClientSocket) skipChecks() bool      { return s.m.opts.SkipOutgoingChecks }

func skipChecks(to any) bool {
	s, ok := to.(checksSkipped)
	return ok && s.skipChecks()
}

// EmitChecked checks in with check, then emits event with args (in, or
// the elements of a tuple) through to. A payload that breaks the contract
// is not sent: the error lists its violations.
func EmitChecked[T any](to Emitter, chk siojson.CheckFunc[T], in T, event string, args ...any) error {
	if !skipChecks(to) {
		if err := check(in, chk); err != nil {
			return err
		}
	}
	return to.Emit(event, args...)
}

// CheckPayload checks in with chk, as [EmitChecked] does before it sends:
// a payload that breaks the contract is a [CodeInvalidArgument] *[Error]
// listing the violations; nil when it keeps it. Generated typed Redis
// emitters call it (through redisadapter.EmitChecked) before they publish.
func CheckPayload[T any](chk siojson.CheckFunc[T], in T) error {
	if err := check(in, chk); err != nil {
		return err
	}
	return nil
}

// WithAckCheck checks a [HandleAck] (or [OnClientAck]) handler's result
// with check before it is sent: a result that breaks the contract is
// logged with its violations and answered with [CodeInternal], since the
// fault is the handler's. check must be a CheckFunc of the handler's
// result type.
func WithAckCheck[T any](check siojson.CheckFunc[T]) HandlerOption {
	return optionFunc(func(c *handlerConfig) { c.check = check })
}

// checkAck checks a handler's result; it returns the error to answer
// instead, and the violations to log.
func checkAck[Out any](c *handlerConfig, out Out, skip bool) (*Error, *Error) {
	chk, ok := c.check.(siojson.CheckFunc[Out])
	if !ok || skip {
		return nil, nil
	}
	if err := check(out, chk); err != nil {
		return &Error{Code: CodeInternal, Message: "internal error"}, err
	}
	return nil, nil
}

// detailsChecker is implemented by pointers to generated types, such as
// the details a generated NewX constructor puts in a contract's error.
type detailsChecker interface {
	CheckJSON(r *siojson.Reader)
}

// DetailsCheck checks the JSON of a contract error's details as its
// receiver decodes them: gogen makes one per declared error with details
// ([DetailsReader]) and gives them to [WithErrorDetails].
type DetailsCheck func(raw []byte) []Violation

// DetailsReader returns the [DetailsCheck] of details read with read, the
// generated ReadFunc of their type.
func DetailsReader[T any](read siojson.ReadFunc[T]) DetailsCheck {
	return func(raw []byte) []Violation {
		_, vs := siojson.Decode(raw, nil, read)
		return vs
	}
}

// WithErrorDetails declares, by name, the details of the contract errors a
// typed handler may answer with ([HandleAck], [OnClientAck]): an *[Error]
// of one of these names whose details are not of the generated type (a
// map, say) is checked through its JSON before it leaves, as generated
// details are, and goes as [CodeInternal] when it breaks the contract.
// Generated Register functions and clients pass it.
func WithErrorDetails(checks map[string]DetailsCheck) HandlerOption {
	return optionFunc(func(c *handlerConfig) { c.details = checks })
}

// checkDetails checks the details of err, when it is an *[Error] whose
// details are of a generated type, or of a name declared by
// [WithErrorDetails] (declared, nil when none), before the error is sent:
// it returns the error to send instead ([CodeInternal], since the fault is
// the sender's) and the violations to log, under "/details"; nil, nil when
// the details keep the contract, are absent, or are of no generated type
// and no declared name.
func checkDetails(err error, declared map[string]DetailsCheck) (*Error, *Error) {
	var e *Error
	if !errors.As(err, &e) || e.Details == nil {
		return nil, nil
	}
	var vs []Violation
	if d, ok := e.Details.(detailsChecker); ok {
		if v := reflect.ValueOf(d); v.Kind() == reflect.Pointer && v.IsNil() {
			return nil, nil // a nil *T is sent as no details
		}
		vs = siojson.Check(d, func(d detailsChecker, r *siojson.Reader) {
			r.Enter("details")
			d.CheckJSON(r)
			r.Leave()
		})
	} else if check := declared[e.Name]; check != nil {
		raw, merr := json.Marshal(e.Details, v1opts)
		if merr != nil {
			return nil, nil // not encodable: the sender reports it
		}
		vs = check(raw)
		for i := range vs {
			vs[i].Path = "/details" + vs[i].Path
		}
	}
	if vs == nil {
		return nil, nil
	}
	return &Error{Code: CodeInternal, Message: "internal error"},
		&Error{Code: CodeInvalidArgument, Message: "error details break the contract", Details: vs}
}
