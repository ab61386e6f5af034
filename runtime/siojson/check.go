package siojson

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CheckFunc records in r every way v breaks the contract; generated code
// passes one per payload and ack (a CheckJSON method expression), and the
// generated CheckJSON methods walk a Go value with the Check methods of
// [Reader], reporting what the receiver's ReadJSON would.
type CheckFunc[T any] func(v T, r *Reader)

// Check runs check on v and returns the violations, sorted by path; nil
// when v keeps the contract or check is nil.
func Check[T any](v T, check CheckFunc[T]) []Violation {
	if check == nil {
		return nil
	}
	r := readerPool.Get().(*Reader)
	r.reset(nil, nil)
	check(v, r)
	var out []Violation
	if len(r.viols) > 0 {
		out = slices.Clone(r.viols)
		slices.SortStableFunc(out, func(a, b Violation) int { return strings.Compare(a.Path, b.Path) })
	}
	r.reset(nil, nil)
	readerPool.Put(r)
	return out
}

// CheckInt records a violation when n is outside [lo, hi].
func (r *Reader) CheckInt(n, lo, hi int64) {
	switch {
	case n < lo:
		r.Fail("must be at least " + strconv.FormatInt(lo, 10) + ", got " + strconv.FormatInt(n, 10))
	case n > hi:
		r.Fail("must be at most " + strconv.FormatInt(hi, 10) + ", got " + strconv.FormatInt(n, 10))
	}
}

// CheckTime records a violation when t cannot be written as an RFC 3339
// timestamp: a year outside [0, 9999].
func (r *Reader) CheckTime(t time.Time) {
	if y := t.Year(); y < 0 || y > 9999 {
		r.Fail("year " + strconv.Itoa(y) + " is outside [0, 9999]")
	}
}

// checkFinite records a violation for NaN and infinities, which JSON
// cannot carry.
func (r *Reader) checkFinite(f float64) bool {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		r.Fail("got " + strconv.FormatFloat(f, 'g', -1, 64) + ", want a finite number")
		return false
	}
	return true
}
