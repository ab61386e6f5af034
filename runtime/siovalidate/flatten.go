package siovalidate

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/siogen/siogen/runtime/sio"
)

var printer = message.NewPrinter(language.English)

// leaf is one violation before formatting, with the kind of error that
// caused it (nil for messages this package makes up).
type leaf struct {
	loc  []string
	kind jsonschema.ErrorKind
	msg  string
}

// flatten turns the library's error tree into one violation per leaf,
// sorted by path, then message.
//
// Alternatives (anyOf, oneOf) are pruned so a client sees what is wrong
// rather than every way the value failed every branch:
//   - when the schema that holds the alternatives reports other problems
//     (the union's discriminator is missing or unknown, the value is not an
//     object), those problems are reported and the branches are not;
//   - a branch that fails on a const of a direct property (another union
//     variant, the other side of an ack envelope) or only on its type (the
//     null of a nullable value) is set aside; the remaining branches are
//     reported;
//   - when every branch was set aside, one violation sums them up ("got
//     number, want string or null").
func flatten(root *jsonschema.ValidationError) []sio.Violation {
	var leaves []leaf
	collect(root, &leaves)
	out := make([]sio.Violation, 0, len(leaves))
	for _, l := range leaves {
		out = append(out, sio.Violation{Path: pointer(l.loc), Message: l.msg})
	}
	slices.SortFunc(out, func(a, b sio.Violation) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Message, b.Message))
	})
	return slices.Compact(out)
}

func isAlternative(e *jsonschema.ValidationError) bool {
	switch k := e.ErrorKind.(type) {
	case *kind.AnyOf:
		return true
	case *kind.OneOf:
		return k.Subschemas == nil // no branch matched
	}
	return false
}

func collect(e *jsonschema.ValidationError, out *[]leaf) {
	if len(e.Causes) == 0 {
		leafOf(e, out)
		return
	}
	if isAlternative(e) {
		alternatives(e, out)
		return
	}
	others := slices.ContainsFunc(e.Causes, func(c *jsonschema.ValidationError) bool { return !isAlternative(c) })
	for _, c := range e.Causes {
		if others && isAlternative(c) {
			continue
		}
		collect(c, out)
	}
}

// alternatives reports an anyOf or oneOf that no branch matched.
func alternatives(e *jsonschema.ValidationError, out *[]leaf) {
	var kept, setAside [][]leaf
	for _, branch := range e.Causes {
		var ls []leaf
		collect(branch, &ls)
		if setAsideBranch(ls, e.InstanceLocation) {
			setAside = append(setAside, ls)
		} else {
			kept = append(kept, ls)
		}
	}
	for _, ls := range kept {
		*out = append(*out, ls...)
	}
	if len(kept) > 0 {
		return
	}
	*out = append(*out, summary(e.InstanceLocation, setAside))
}

// setAsideBranch reports whether a failed branch is one the value was
// evidently not meant for: it fails a const on a direct property, or
// fails only on its type.
func setAsideBranch(ls []leaf, loc []string) bool {
	onlyType := len(ls) > 0
	for _, l := range ls {
		if _, ok := l.kind.(*kind.Const); ok && len(l.loc) == len(loc)+1 {
			return true
		}
		if _, ok := l.kind.(*kind.Type); !ok || len(l.loc) != len(loc) {
			onlyType = false
		}
	}
	return onlyType
}

// summary is the single violation for alternatives whose branches were
// all set aside: the allowed values of the discriminator when every branch
// failed on one, else the allowed types.
func summary(loc []string, branches [][]leaf) leaf {
	var types, consts []string
	var got string
	var constLoc []string
	allConst := true
	for _, ls := range branches {
		hasConst := false
		for _, l := range ls {
			switch k := l.kind.(type) {
			case *kind.Type:
				if len(l.loc) == len(loc) {
					types = appendNew(types, k.Want...)
					got = k.Got
				}
			case *kind.Const:
				if len(l.loc) == len(loc)+1 {
					consts = appendNew(consts, display(k.Want))
					constLoc, hasConst = l.loc, true
				}
			}
		}
		allConst = allConst && hasConst
	}
	switch {
	case allConst && len(consts) > 0:
		return leaf{loc: constLoc, msg: "value must be one of " + strings.Join(consts, ", ")}
	case len(types) > 0:
		return leaf{loc: loc, msg: fmt.Sprintf("got %s, want %s", got, strings.Join(types, " or "))}
	}
	return leaf{loc: loc, msg: "value matches none of the allowed shapes"}
}

func appendNew(list []string, items ...string) []string {
	for _, s := range items {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}

func display(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprint(v)
}

// leafOf formats an error without causes: one violation, or one per
// property for required and additionalProperties.
func leafOf(e *jsonschema.ValidationError, out *[]leaf) {
	loc := e.InstanceLocation
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		for _, p := range k.Missing {
			*out = append(*out, leaf{loc: child(loc, p), kind: k, msg: fmt.Sprintf("missing required property %q", p)})
		}
		return
	case *kind.AdditionalProperties:
		for _, p := range k.Properties {
			*out = append(*out, leaf{loc: child(loc, p), kind: k, msg: fmt.Sprintf("unknown property %q", p)})
		}
		return
	case *kind.FalseSchema:
		*out = append(*out, leaf{loc: loc, kind: k, msg: "no value is allowed here"})
		return
	case *kind.OneOf:
		*out = append(*out, leaf{loc: loc, kind: k, msg: "value matches more than one of the allowed shapes"})
		return
	}
	*out = append(*out, leaf{loc: loc, kind: e.ErrorKind, msg: messageOf(e.ErrorKind)})
}

// messageOf words the bounds checks plainly, with exact numbers (the
// library prints big numbers as rounded floats); other kinds keep the
// library's message.
func messageOf(k jsonschema.ErrorKind) string {
	switch k := k.(type) {
	case *kind.MinLength:
		return fmt.Sprintf("must be at least %d characters long, got %d", k.Want, k.Got)
	case *kind.MaxLength:
		return fmt.Sprintf("must be at most %d characters long, got %d", k.Want, k.Got)
	case *kind.Minimum:
		return fmt.Sprintf("must be at least %s, got %s", ratString(k.Want), ratString(k.Got))
	case *kind.Maximum:
		return fmt.Sprintf("must be at most %s, got %s", ratString(k.Want), ratString(k.Got))
	case *kind.MinItems:
		return fmt.Sprintf("must have at least %d items, got %d", k.Want, k.Got)
	case *kind.MaxItems:
		return fmt.Sprintf("must have at most %d items, got %d", k.Want, k.Got)
	case *kind.MinProperties:
		return fmt.Sprintf("must have at least %d entries, got %d", k.Want, k.Got)
	case *kind.MaxProperties:
		return fmt.Sprintf("must have at most %d entries, got %d", k.Want, k.Got)
	}
	return k.LocalizedString(printer)
}

// ratString formats a number exactly: an integer in full, else a decimal.
func ratString(r *big.Rat) string {
	if r == nil {
		return "?"
	}
	if r.IsInt() {
		return r.Num().String()
	}
	f, _ := r.Float64() // decimals from JSON print back as written
	return strconv.FormatFloat(f, 'g', -1, 64)
}

func child(loc []string, tok string) []string {
	return append(slices.Clip(loc), tok)
}

// pointer formats an instance location as a JSON pointer (RFC 6901).
func pointer(loc []string) string {
	var b strings.Builder
	for _, tok := range loc {
		b.WriteByte('/')
		tok = strings.ReplaceAll(tok, "~", "~0")
		b.WriteString(strings.ReplaceAll(tok, "/", "~1"))
	}
	return b.String()
}
