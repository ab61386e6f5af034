package sio

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Outgoing checks: generated code checks what a side sends (emits,
// broadcasts, calls, acknowledgements) against the contract before it
// leaves, with CheckJSON methods that walk the Go value and report what
// the receiver's decoder would (see gen/gogen). A payload that breaks the
// contract is not sent: the caller gets a [CodeInvalidArgument] *[Error]
// listing the violations. [ServerOptions.SkipOutgoingChecks] and
// [ClientOptions.SkipOutgoingChecks] turn the checks off.

// CheckFunc records in r every way v breaks the contract; generated code
// passes one per payload and ack (a CheckJSON method expression).
type CheckFunc[T any] func(v T, r *JSONReader)

// Check runs check on v and returns the violations, sorted by path, as a
// [CodeInvalidArgument] error; nil when v keeps the contract or check is
// nil.
func Check[T any](v T, check CheckFunc[T]) *Error {
	if check == nil {
		return nil
	}
	r := readerPool.Get().(*JSONReader)
	r.reset(nil, nil)
	check(v, r)
	var err *Error
	if len(r.viols) > 0 {
		vs := slices.Clone(r.viols)
		slices.SortStableFunc(vs, func(a, b Violation) int { return strings.Compare(a.Path, b.Path) })
		err = &Error{Code: CodeInvalidArgument, Message: "payload breaks the contract", Details: vs}
	}
	r.reset(nil, nil)
	readerPool.Put(r)
	return err
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
func EmitChecked[T any](to Emitter, check CheckFunc[T], in T, event string, args ...any) error {
	if !skipChecks(to) {
		if err := Check(in, check); err != nil {
			return err
		}
	}
	return to.Emit(event, args...)
}

// WithAckCheck checks a [HandleAck] (or [OnClientAck]) handler's result
// with check before it is sent: a result that breaks the contract is
// logged with its violations and answered with [CodeInternal], since the
// fault is the handler's. check must be a CheckFunc of the handler's
// result type.
func WithAckCheck[T any](check CheckFunc[T]) HandlerOption {
	return optionFunc(func(c *handlerConfig) { c.check = check })
}

// checkAck checks a handler's result; it returns the error to answer
// instead, and the violations to log.
func checkAck[Out any](c *handlerConfig, out Out, skip bool) (*Error, *Error) {
	chk, ok := c.check.(CheckFunc[Out])
	if !ok || skip {
		return nil, nil
	}
	if err := Check(out, chk); err != nil {
		return &Error{Code: CodeInternal, Message: "internal error"}, err
	}
	return nil, nil
}

// CheckInt records a violation when n is outside [lo, hi].
func (r *JSONReader) CheckInt(n, lo, hi int64) {
	switch {
	case n < lo:
		r.Fail("must be at least " + strconv.FormatInt(lo, 10) + ", got " + strconv.FormatInt(n, 10))
	case n > hi:
		r.Fail("must be at most " + strconv.FormatInt(hi, 10) + ", got " + strconv.FormatInt(n, 10))
	}
}

// CheckTime records a violation when t cannot be written as an RFC 3339
// timestamp: a year outside [0, 9999].
func (r *JSONReader) CheckTime(t time.Time) {
	if y := t.Year(); y < 0 || y > 9999 {
		r.Fail("year " + strconv.Itoa(y) + " is outside [0, 9999]")
	}
}

// checkFinite records a violation for NaN and infinities, which JSON
// cannot carry.
func (r *JSONReader) checkFinite(f float64) bool {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		r.Fail("got " + strconv.FormatFloat(f, 'g', -1, 64) + ", want a finite number")
		return false
	}
	return true
}
