package gogen

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/siogen/siogen/schema"
)

// The contract test's cases, derived from the schema at generation time:
// for every client event, a valid payload (required members only, each at
// its simplest valid value), valid payloads at the edges of each
// constraint (lengths, bounds, item counts, optional members present,
// nullable ones null, each union variant), and invalid payloads that break
// one constraint each (one below or above an edge, a pattern or format
// mismatch, a missing required member, null where it is not allowed, an
// unknown member, a value of the wrong JSON type, an unknown enum value or
// union tag), with the JSON pointer the server must report.

// Limits on the cases of one event: how deep values nest, how many cases
// there are, and how long one payload may be (edges beyond it, such as a
// 5 MiB image, are left out: they would test the transport's limits).
const (
	caseDepth    = 6
	maxCases     = 300
	maxCaseBytes = 64 << 10
)

// jv is a JSON value under construction: nil, bool, jnum, string, jbytes,
// jarr or jobj.
type jv any

type (
	jnum   string // a JSON number, as written
	jbytes int    // n zero bytes, as base64
	jarr   []jv
	jobj   []jkv // members in order
	jkv    struct {
		k string
		v jv
	}
)

func (o jobj) with(k string, v jv) jobj {
	out := make(jobj, 0, len(o)+1)
	found := false
	for _, m := range o {
		if m.k == k {
			m.v, found = v, true
		}
		out = append(out, m)
	}
	if !found {
		out = append(out, jkv{k, v})
	}
	return out
}

func (o jobj) without(k string) jobj {
	out := make(jobj, 0, len(o))
	for _, m := range o {
		if m.k != k {
			out = append(out, m)
		}
	}
	return out
}

func (o jobj) has(k string) bool {
	for _, m := range o {
		if m.k == k {
			return true
		}
	}
	return false
}

// contractCase is one case: the arguments' root value and, for an invalid
// case, the pointer of the violation.
type contractCase struct {
	name    string
	root    jv
	invalid bool
	path    string
}

// caseGen collects the cases of one event.
type caseGen struct {
	cases []contractCase
	res   map[string]*regexp.Regexp
}

func (cg *caseGen) add(c contractCase) {
	if len(cg.cases) < maxCases && len(encodeJSON(c.root)) <= maxCaseBytes {
		cg.cases = append(cg.cases, c)
	}
}

func (cg *caseGen) valid(name string, root jv) {
	cg.add(contractCase{name: payloadName(name), root: root})
}

func (cg *caseGen) invalid(name, path string, root jv) {
	cg.add(contractCase{name: payloadName(name), root: root, invalid: true, path: path})
}

// payloadName names the root of a case's pointer: " of the wrong type"
// becomes "payload of the wrong type".
func payloadName(name string) string {
	if strings.HasPrefix(name, " ") {
		return "payload" + name
	}
	return name
}

// pointerToken escapes a member name for a JSON pointer.
func pointerToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func (cg *caseGen) re(p string) *regexp.Regexp {
	if cg.res == nil {
		cg.res = map[string]*regexp.Regexp{}
	}
	if r, ok := cg.res[p]; ok {
		return r
	}
	r, err := regexp.Compile(p)
	if err != nil {
		r = nil
	}
	cg.res[p] = r
	return r
}

// stringOf returns a string of n characters (n < 0: any length within the
// bounds) that keeps u's pattern, format and length bounds.
func (cg *caseGen) stringOf(u *schema.Type, n int) (string, bool) {
	c := u.Constraints
	lo, hi := 0, math.MaxInt
	if c.MinLength != nil {
		lo = int(*c.MinLength)
	}
	if c.MaxLength != nil {
		hi = int(*c.MaxLength)
	}
	var cands []string
	if c.Format != "" {
		cands = formatted(c.Format, n)
	} else {
		lengths := []int{n}
		if n < 0 {
			lengths = []int{max(lo, 1), lo, lo + 1, lo + 2, lo + 3, lo + 8}
		}
		for _, l := range lengths {
			if l < 0 {
				continue
			}
			for _, ch := range []string{"a", "0", "A", "x", "a0", "-", "_", "."} {
				cands = append(cands, (strings.Repeat(ch, l) + ch)[:l])
			}
		}
	}
	for _, s := range cands {
		l := len(s)
		if l < lo || l > hi || (n >= 0 && l != n) {
			continue
		}
		if c.Pattern != "" {
			if r := cg.re(c.Pattern); r == nil || !r.MatchString(s) {
				continue
			}
		}
		return s, true
	}
	return "", false
}

// formatted returns values of a format, of length n when n >= 0 and the
// format can be padded.
func formatted(format string, n int) []string {
	pad := func(prefix, suffix string) []string {
		if n < 0 {
			return []string{prefix + suffix}
		}
		if k := n - len(prefix) - len(suffix); k >= 0 {
			return []string{prefix + strings.Repeat("a", k) + suffix}
		}
		return nil
	}
	switch format {
	case "uuid":
		return []string{"00000000-0000-4000-8000-000000000000"}
	case "uri":
		return pad("https://example.com/", "")
	case "email":
		return pad("a", "@example.com")
	case "hostname":
		if n < 0 || n <= 63 {
			return pad("", "example")
		}
		return nil
	case "ipv4":
		return []string{"192.0.2.1"}
	case "ipv6":
		return []string{"2001:db8::1"}
	case "date":
		return []string{"2024-01-02"}
	}
	return nil
}

// base returns the simplest valid value of t.
func (cg *caseGen) base(t *schema.Type, depth int) (jv, bool) {
	u := t.Underlying()
	if u == nil || depth > caseDepth {
		return nil, false
	}
	c := u.Constraints
	switch u.Kind {
	case schema.KindString:
		s, ok := cg.stringOf(u, -1)
		return s, ok
	case schema.KindInt32, schema.KindInt64, schema.KindNumber:
		switch {
		case c.Minimum != nil && c.Minimum.Float64 > 0:
			return jnum(c.Minimum.Text), true
		case c.Maximum != nil && c.Maximum.Float64 < 0:
			return jnum(c.Maximum.Text), true
		}
		return jnum("0"), true
	case schema.KindBoolean:
		return false, true
	case schema.KindTimestamp:
		return "2024-01-02T03:04:05Z", true
	case schema.KindBytes:
		if c.MinLength != nil {
			return jbytes(*c.MinLength), true
		}
		return jbytes(0), true
	case schema.KindEnum:
		if len(u.Values) == 0 {
			return nil, false
		}
		return u.Values[0].Value, true
	case schema.KindList, schema.KindMap:
		n := 0
		if c.MinItems != nil {
			n = int(*c.MinItems)
		}
		return cg.items(u, n, depth)
	case schema.KindObject:
		o := jobj{}
		for _, f := range u.Fields {
			if f.Optional {
				continue
			}
			v, ok := cg.base(f.Type, depth+1)
			if !ok {
				return nil, false
			}
			o = append(o, jkv{f.Name, v})
		}
		return o, true
	case schema.KindUnion:
		for _, v := range u.Variants {
			if o, ok := cg.variant(u, v, depth); ok {
				return o, true
			}
		}
	}
	return nil, false
}

// variant returns the base value of a union variant, tag first.
func (cg *caseGen) variant(u *schema.Type, v *schema.Variant, depth int) (jobj, bool) {
	b, ok := cg.base(v.Type, depth+1)
	o, isObj := b.(jobj)
	if !ok || !isObj {
		return nil, false
	}
	return append(jobj{{u.Discriminator, v.Tag}}, o.without(u.Discriminator)...), true
}

// items returns a list (or map) of n base elements.
func (cg *caseGen) items(u *schema.Type, n int, depth int) (jv, bool) {
	e, ok := cg.base(u.Elem, depth+1)
	if !ok && n > 0 {
		return nil, false
	}
	if u.Kind == schema.KindMap {
		o := jobj{}
		for i := range n {
			o = append(o, jkv{"k" + strconv.Itoa(i), e})
		}
		return o, true
	}
	a := jarr{}
	for range n {
		a = append(a, e)
	}
	return a, true
}

// wrongType is a value of another JSON type than t's.
func wrongType(u *schema.Type) jv {
	switch u.Kind {
	case schema.KindString, schema.KindTimestamp, schema.KindBytes, schema.KindEnum:
		return jnum("12345")
	}
	return "not the right type"
}

// vary adds the cases that replace the value at path, of type t and base
// value b, in the root that put returns.
func (cg *caseGen) vary(t *schema.Type, path string, b jv, put func(jv) jv, depth int) {
	u := t.Underlying()
	if u == nil || depth > caseDepth {
		return
	}
	c := u.Constraints
	cg.invalid(path+" of the wrong type", path, put(wrongType(u)))
	switch u.Kind {
	case schema.KindString:
		if c.MinLength != nil && *c.MinLength > 0 {
			m := int(*c.MinLength)
			if s, ok := cg.stringOf(u, m); ok {
				cg.valid(fmt.Sprintf("%s at min_length %d", path, m), put(s))
			}
			cg.invalid(fmt.Sprintf("%s below min_length %d", path, m), path, put(strings.Repeat("a", m-1)))
		}
		if c.MaxLength != nil {
			m := int(*c.MaxLength)
			if s, ok := cg.stringOf(u, m); ok {
				cg.valid(fmt.Sprintf("%s at max_length %d", path, m), put(s))
				if c.Pattern == "" && c.Format == "" {
					cg.invalid(fmt.Sprintf("%s above max_length %d", path, m), path, put(s+"a"))
				} else if long, ok := cg.longer(u, s); ok {
					cg.invalid(fmt.Sprintf("%s above max_length %d", path, m), path, put(long))
				}
			}
		}
		if c.Pattern != "" {
			if s, ok := cg.breaking(u, b); ok {
				cg.invalid(path+" not matching "+c.Pattern, path, put(s))
			}
		}
		if c.Format != "" {
			cg.invalid(path+" not a valid "+c.Format, path, put("%"))
		}
	case schema.KindInt32, schema.KindInt64, schema.KindNumber:
		cg.bounds(u, path, put)
		if u.Kind != schema.KindNumber {
			cg.invalid(path+" not an integer", path, put(jnum("1.5")))
		}
	case schema.KindTimestamp:
		cg.invalid(path+" not a timestamp", path, put("yesterday"))
	case schema.KindBytes:
		if c.MinLength != nil && *c.MinLength > 0 {
			cg.invalid(fmt.Sprintf("%s below min_length %d", path, *c.MinLength), path, put(jbytes(*c.MinLength-1)))
		}
		if c.MaxLength != nil {
			cg.valid(fmt.Sprintf("%s at max_length %d", path, *c.MaxLength), put(jbytes(*c.MaxLength)))
			cg.invalid(fmt.Sprintf("%s above max_length %d", path, *c.MaxLength), path, put(jbytes(*c.MaxLength+1)))
		}
		cg.invalid(path+" not base64", path, put("!!"))
	case schema.KindEnum:
		if n := len(u.Values); n > 1 {
			cg.valid(path+" = "+u.Values[n-1].Value, put(u.Values[n-1].Value))
		}
		cg.invalid(path+" not one of the values", path, put("zz-not-a-value"))
	case schema.KindList, schema.KindMap:
		cg.counts(u, path, put, depth)
	case schema.KindObject:
		o, _ := b.(jobj)
		cg.object(u, path, o, func(v jobj) jv { return put(v) }, depth)
	case schema.KindUnion:
		cg.invalid(path+" with an unknown "+u.Discriminator, path+"/"+pointerToken(u.Discriminator),
			put(jobj{{u.Discriminator, "zz-not-a-tag"}}))
		for _, v := range u.Variants {
			o, ok := cg.variant(u, v, depth)
			if !ok {
				continue
			}
			cg.valid(path+" as "+v.Tag, put(o))
			if vu := v.Type.Underlying(); vu != nil && vu.Kind == schema.KindObject {
				cg.object(vu, path, o, func(x jobj) jv { return put(x) }, depth, u.Discriminator)
			}
		}
	}
}

// object adds the cases of an object's members; skip names members that
// are not the object's own (a union's discriminator).
func (cg *caseGen) object(u *schema.Type, path string, o jobj, put func(jobj) jv, depth int, skip ...string) {
	if !u.IgnoreUnknown {
		cg.invalid(path+" with an unknown member", path+"/zz_unknown", put(o.with("zz_unknown", true)))
	}
	for _, f := range u.Fields {
		fp := path + "/" + pointerToken(f.Name)
		fb, ok := cg.base(f.Type, depth+1)
		if !ok {
			continue
		}
		full := o.with(f.Name, fb)
		if f.Optional {
			if !o.has(f.Name) {
				cg.valid(fp+" present", put(full))
			}
		} else {
			cg.invalid(fp+" missing", fp, put(o.without(f.Name)))
		}
		if f.Nullable {
			cg.valid(fp+" null", put(o.with(f.Name, nil)))
		} else if !f.Optional {
			cg.invalid(fp+" null", fp, put(o.with(f.Name, nil)))
		}
		cg.vary(f.Type, fp, fb, func(v jv) jv { return put(full.with(f.Name, v)) }, depth+1)
	}
}

// counts adds the cases of a list's or map's item bounds and of its first
// element.
func (cg *caseGen) counts(u *schema.Type, path string, put func(jv) jv, depth int) {
	c := u.Constraints
	if c.MinItems != nil && *c.MinItems > 0 {
		if v, ok := cg.items(u, int(*c.MinItems)-1, depth); ok {
			cg.invalid(fmt.Sprintf("%s below min_items %d", path, *c.MinItems), path, put(v))
		}
	}
	if c.MaxItems != nil && *c.MaxItems <= 100 {
		if v, ok := cg.items(u, int(*c.MaxItems), depth); ok {
			cg.valid(fmt.Sprintf("%s at max_items %d", path, *c.MaxItems), put(v))
		}
		if v, ok := cg.items(u, int(*c.MaxItems)+1, depth); ok {
			cg.invalid(fmt.Sprintf("%s above max_items %d", path, *c.MaxItems), path, put(v))
		}
	}
	n := 1
	if c.MinItems != nil {
		n = max(1, int(*c.MinItems))
	}
	if c.MaxItems != nil && *c.MaxItems == 0 {
		return
	}
	whole, ok := cg.items(u, n, depth)
	if !ok {
		return
	}
	e, _ := cg.base(u.Elem, depth+1)
	switch w := whole.(type) {
	case jarr:
		cg.vary(u.Elem, path+"/0", e, func(v jv) jv {
			a := append(jarr{v}, w[1:]...)
			return put(a)
		}, depth+1)
	case jobj:
		cg.vary(u.Elem, path+"/k0", e, func(v jv) jv { return put(w.with("k0", v)) }, depth+1)
	}
}

// bounds adds the cases of a number's minimum and maximum, and of its Go
// type's range when the contract sets none.
func (cg *caseGen) bounds(u *schema.Type, path string, put func(jv) jv) {
	c := u.Constraints
	lo, hi := c.Minimum, c.Maximum
	if u.Kind == schema.KindInt32 {
		if lo == nil {
			lo = &schema.Number{Text: "-2147483648", IsInt: true, Int: math.MinInt32, Float64: math.MinInt32}
		}
		if hi == nil {
			hi = &schema.Number{Text: "2147483647", IsInt: true, Int: math.MaxInt32, Float64: math.MaxInt32}
		}
	}
	step := func(n *schema.Number, d int64) jnum {
		if n.IsInt {
			return jnum(strconv.FormatInt(n.Int+d, 10))
		}
		return jnum(strconv.FormatFloat(n.Float64+float64(d), 'g', -1, 64))
	}
	if lo != nil {
		cg.valid(path+" at minimum "+lo.Text, put(jnum(lo.Text)))
		cg.invalid(path+" below minimum "+lo.Text, path, put(step(lo, -1)))
	}
	if hi != nil {
		cg.valid(path+" at maximum "+hi.Text, put(jnum(hi.Text)))
		cg.invalid(path+" above maximum "+hi.Text, path, put(step(hi, 1)))
	}
}

// longer returns a string one character longer than s that keeps the
// pattern, for the max_length case of a constrained string.
func (cg *caseGen) longer(u *schema.Type, s string) (string, bool) {
	open := *u
	open.MaxLength = nil
	return cg.stringOf(&open, len(s)+1)
}

// breaking returns a string within the length bounds that does not match
// u's pattern.
func (cg *caseGen) breaking(u *schema.Type, b jv) (string, bool) {
	r := cg.re(u.Constraints.Pattern)
	if r == nil {
		return "", false
	}
	n := 1
	if s, ok := b.(string); ok && len(s) > 0 {
		n = len(s)
	}
	for _, ch := range []string{"!", " ", "#", "A", "a", "0", "é"} {
		s := strings.Repeat(ch, n)
		if ch == "é" {
			s = strings.Repeat("e", n-1) + ch
		}
		if !r.MatchString(s) {
			return s, true
		}
	}
	return "", false
}

// eventCases returns the cases of a client event.
func eventCases(ns *schema.Namespace, e *schema.Event) []contractCase {
	cg := &caseGen{}
	switch {
	case e.Payload != nil:
		b, ok := cg.base(e.Payload, 0)
		if !ok {
			return nil
		}
		cg.valid("valid", b)
		cg.vary(e.Payload, "", b, func(v jv) jv { return v }, 0)
	case len(e.Args) > 0:
		// The tuple reads as one array: member i is at pointer /i.
		tuple := &schema.Type{Kind: schema.KindObject}
		for i, f := range e.Args {
			ff := *f
			ff.Name = strconv.Itoa(i)
			tuple.Fields = append(tuple.Fields, &ff)
		}
		tuple.IgnoreUnknown = true
		b, ok := cg.base(tuple, 0)
		if !ok {
			return nil
		}
		cg.valid("valid", b)
		cg.object(tuple, "", b.(jobj), func(o jobj) jv { return o }, 0)
		for i := range cg.cases {
			c := &cg.cases[i]
			c.root = tupleArgs(c.root.(jobj), len(e.Args))
			if c.invalid && strings.HasSuffix(c.name, " missing") {
				c.path = "" // too few arguments: the array is too short
			}
		}
	default:
		cg.valid("valid", jarr{})
	}
	return cg.cases
}

// tupleArgs turns the object of a tuple into its array of arguments (a
// missing member is left out, and those after it move up: the server then
// sees too few arguments, reported at the missing index).
func tupleArgs(o jobj, n int) jarr {
	a := jarr{}
	for i := range n {
		for _, m := range o {
			if m.k == strconv.Itoa(i) {
				a = append(a, m.v)
			}
		}
	}
	return a
}
