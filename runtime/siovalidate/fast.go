package siovalidate

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The fast path answers one question, "is this payload valid?", for the
// subset of JSON Schema that gen/jsonschemagen writes, without building
// the library's instance (map[string]any, json.Number, big.Rat) and
// without allocating in the common case. It is a mirror of the library's
// compiled *jsonschema.Schema tree, so both see the same documents, $refs
// and regular expressions.
//
// It only ever short-cuts a payload to "valid". Whenever the payload is
// invalid, or the fast path cannot be sure (a keyword outside the subset,
// a number that is not a plain int64, duplicate keys, JSON the library
// might read differently), Validate falls back to the library, so
// violations, their paths and messages are exactly the library's.
//
// Keywords outside the subset make a document fall back at compile time
// (fastCompile returns errUnsupported); values the fast path cannot judge
// exactly make one payload fall back at run time (evaluator.unknown).

var errUnsupported = errors.New("siovalidate: schema outside the fast-path subset")

// tmask is a set of JSON types.
type tmask uint8

const (
	tNull tmask = 1 << iota
	tBoolean
	tNumber
	tInteger
	tString
	tArray
	tObject
)

// fconst is a const or enum value the fast path can compare.
type fconst struct {
	kind jkind
	s    string
	i    int64
}

// bound is a minimum or maximum; usable only when it is an int64.
type bound struct {
	set bool
	i   int64
}

// fschema mirrors one *jsonschema.Schema.
type fschema struct {
	boolSchema *bool
	types      tmask // 0: any type
	consts     []fconst
	hasConst   bool // const or enum present: the value must be one of consts
	format     func(any) error

	ref                 *fschema
	allOf, anyOf, oneOf []*fschema
	not                 *fschema
	ifS, thenS, elseS   *fschema

	minProps, maxProps int // -1: none
	required           []string
	props              map[string]*fschema
	// members are the names in properties or required, for one lookup
	// per member; reqAll has the bits of every required entry. Used when
	// required has at most 64 names (members != nil).
	members       []member
	reqAll        uint64
	addl          *fschema // nil: any additional property allowed
	propertyNames *fschema

	minItems, maxItems int // -1: none
	prefix             []*fschema
	items              *fschema

	minLen, maxLen int // -1: none
	pattern        *regexp.Regexp

	min, max, exMin, exMax bound
}

// member is a property name an object schema knows: its schema when it is
// in properties, and its bits in required.
type member struct {
	name    string
	s       *fschema // nil: not in properties
	inProps bool
	req     uint64
}

// compileMembers fills f.members from f.props and f.required.
func (f *fschema) compileMembers() {
	if len(f.required) > 64 || len(f.props)+len(f.required) > 64 || (len(f.props) == 0 && len(f.required) == 0) {
		return
	}
	names := make([]string, 0, len(f.props))
	for k := range f.props {
		names = append(names, k)
	}
	sort.Strings(names)
	f.members = make([]member, 0, len(names)+len(f.required))
	for _, k := range names {
		f.members = append(f.members, member{name: k, s: f.props[k], inProps: true})
	}
	for i, r := range f.required {
		j := slices.IndexFunc(f.members, func(m member) bool { return m.name == r })
		if j < 0 {
			j = len(f.members)
			f.members = append(f.members, member{name: r})
		}
		f.members[j].req |= 1 << i
		f.reqAll |= 1 << i
	}
}

// stringFormats are the library's formats; every one of them accepts any
// value that is not a string.
var stringFormats = map[string]bool{
	"json-pointer": true, "relative-json-pointer": true, "uuid": true, "duration": true,
	"period": true, "ipv4": true, "ipv6": true, "hostname": true, "email": true, "date": true,
	"time": true, "date-time": true, "uri": true, "iri": true, "uri-reference": true,
	"iri-reference": true, "uri-template": true, "semver": true,
}

var falseSchema = func() *fschema { b := false; return &fschema{boolSchema: &b} }()

// fastCompile mirrors s and everything it reaches, or returns
// errUnsupported.
func fastCompile(s *jsonschema.Schema, memo map[*jsonschema.Schema]*fschema) (*fschema, error) {
	if s == nil {
		return nil, nil
	}
	if f, ok := memo[s]; ok {
		return f, nil
	}
	f := &fschema{minProps: -1, maxProps: -1, minItems: -1, maxItems: -1, minLen: -1, maxLen: -1}
	memo[s] = f // before recursing: $ref cycles
	if s.Bool != nil {
		b := *s.Bool
		f.boolSchema = &b
		return f, nil
	}
	if s.DraftVersion < 2019 || s.RecursiveRef != nil || s.DynamicRef != nil ||
		len(s.PatternProperties) > 0 || s.Dependencies != nil || s.DependentRequired != nil ||
		s.DependentSchemas != nil || s.UnevaluatedProperties != nil || s.UnevaluatedItems != nil ||
		s.UniqueItems || s.Contains != nil || s.MinContains != nil || s.MaxContains != nil ||
		s.Items != nil || s.AdditionalItems != nil || s.ContentEncoding != nil ||
		s.ContentMediaType != nil || s.ContentSchema != nil || s.MultipleOf != nil ||
		len(s.Extensions) > 0 {
		return nil, errUnsupported
	}
	if s.Types != nil {
		for _, t := range s.Types.ToStrings() {
			switch t {
			case "null":
				f.types |= tNull
			case "boolean":
				f.types |= tBoolean
			case "number":
				f.types |= tNumber
			case "integer":
				f.types |= tInteger
			case "string":
				f.types |= tString
			case "array":
				f.types |= tArray
			case "object":
				f.types |= tObject
			default:
				return nil, errUnsupported
			}
		}
	}
	var err error
	if s.Const != nil {
		f.hasConst = true
		if f.consts, err = appendConst(f.consts, *s.Const); err != nil {
			return nil, err
		}
	}
	if s.Enum != nil {
		if f.hasConst {
			return nil, errUnsupported // both: not generated
		}
		f.hasConst = true
		for _, v := range s.Enum.Values {
			if f.consts, err = appendConst(f.consts, v); err != nil {
				return nil, err
			}
		}
	}
	if s.Format != nil {
		if !stringFormats[s.Format.Name] || s.Format.Validate == nil {
			return nil, errUnsupported
		}
		f.format = s.Format.Validate
	}
	compile := func(sub *jsonschema.Schema) *fschema {
		if err != nil {
			return nil
		}
		var fs *fschema
		fs, err = fastCompile(sub, memo)
		return fs
	}
	compileAll := func(subs []*jsonschema.Schema) []*fschema {
		if len(subs) == 0 {
			return nil
		}
		out := make([]*fschema, len(subs))
		for i, sub := range subs {
			out[i] = compile(sub)
		}
		return out
	}
	f.ref = compile(s.Ref)
	f.allOf = compileAll(s.AllOf)
	f.anyOf = compileAll(s.AnyOf)
	f.oneOf = compileAll(s.OneOf)
	f.not = compile(s.Not)
	f.ifS = compile(s.If)
	f.thenS = compile(s.Then)
	f.elseS = compile(s.Else)
	f.propertyNames = compile(s.PropertyNames)
	f.prefix = compileAll(s.PrefixItems)
	f.items = compile(s.Items2020)
	if len(s.Properties) > 0 {
		f.props = make(map[string]*fschema, len(s.Properties))
		for k, sub := range s.Properties {
			f.props[k] = compile(sub)
		}
	}
	switch a := s.AdditionalProperties.(type) {
	case nil:
	case bool:
		if !a {
			f.addl = falseSchema
		}
	case *jsonschema.Schema:
		f.addl = compile(a)
	default:
		return nil, errUnsupported
	}
	if err != nil {
		return nil, err
	}
	f.required = s.Required
	f.compileMembers()
	f.minProps, f.maxProps = intOr(s.MinProperties), intOr(s.MaxProperties)
	f.minItems, f.maxItems = intOr(s.MinItems), intOr(s.MaxItems)
	f.minLen, f.maxLen = intOr(s.MinLength), intOr(s.MaxLength)
	if s.Pattern != nil {
		re, ok := s.Pattern.(*regexp.Regexp)
		if !ok {
			return nil, errUnsupported
		}
		f.pattern = re
	}
	for _, b := range []struct {
		dst *bound
		r   *big.Rat
	}{{&f.min, s.Minimum}, {&f.max, s.Maximum}, {&f.exMin, s.ExclusiveMinimum}, {&f.exMax, s.ExclusiveMaximum}} {
		if b.r == nil {
			continue
		}
		if !b.r.IsInt() || !b.r.Num().IsInt64() {
			return nil, errUnsupported
		}
		*b.dst = bound{set: true, i: b.r.Num().Int64()}
	}
	return f, nil
}

func intOr(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

func appendConst(list []fconst, v any) ([]fconst, error) {
	switch v := v.(type) {
	case nil:
		return append(list, fconst{kind: jNull}), nil
	case bool:
		if v {
			return append(list, fconst{kind: jTrue}), nil
		}
		return append(list, fconst{kind: jFalse}), nil
	case string:
		return append(list, fconst{kind: jString, s: v}), nil
	case json.Number:
		r, ok := new(big.Rat).SetString(string(v))
		if !ok || !r.IsInt() || !r.Num().IsInt64() {
			return nil, errUnsupported
		}
		return append(list, fconst{kind: jNumber, i: r.Num().Int64()}), nil
	}
	return nil, errUnsupported
}

// jkind is the kind of a parsed JSON value.
type jkind uint8

const (
	jNull jkind = iota
	jFalse
	jTrue
	jNumber
	jString
	jArray
	jObject
)

// node is one parsed JSON value. The children of an array follow it; the
// members of an object follow it as key, value, key, value…
type node struct {
	kind  jkind
	esc   bool  // string: has escapes or non-ASCII to check; read with str
	isInt bool  // number: an integer without fraction or exponent that fits int64
	n     int32 // array items or object members
	start int32 // string: first byte after the quote; number: first byte
	end   int32 // string: the closing quote; number: one past the last byte
	next  int32 // index of the node after this value and its children
	i     int64 // number, when isInt
}

const (
	maxDepth     = 512
	maxDedupKeys = 64
)

type evaluator struct {
	data    []byte
	nodes   []node
	pos     int
	unknown bool // the answer cannot be trusted: fall back
	depth   int
	scratch []byte
}

var evalPool = sync.Pool{New: func() any { return &evaluator{nodes: make([]node, 0, 64)} }}

// fastValid reports whether data is valid against f: valid is true only
// when the fast path is certain of it.
func fastValid(f *fschema, data []byte) (valid bool) {
	if len(data) > math.MaxInt32/2 {
		return false
	}
	e := evalPool.Get().(*evaluator)
	e.data, e.nodes, e.pos, e.unknown, e.depth = data, e.nodes[:0], 0, false, 0
	ok := e.parseDocument()
	if ok && !e.unknown {
		valid = e.valid(f, 0) && !e.unknown
	}
	e.data = nil
	if cap(e.nodes) <= 4096 {
		evalPool.Put(e)
	}
	return valid
}

// --- parsing: strict RFC 8259, as encoding/json reads it ---

func (e *evaluator) ws() {
	for e.pos < len(e.data) {
		switch e.data[e.pos] {
		case ' ', '\t', '\n', '\r':
			e.pos++
		default:
			return
		}
	}
}

func (e *evaluator) parseDocument() bool {
	e.ws()
	if !e.parseValue() {
		return false
	}
	e.ws()
	return e.pos == len(e.data)
}

func (e *evaluator) parseValue() bool {
	if e.pos >= len(e.data) {
		return false
	}
	idx := len(e.nodes)
	e.nodes = append(e.nodes, node{})
	var ok bool
	switch c := e.data[e.pos]; {
	case c == '{':
		ok = e.parseObject(idx)
	case c == '[':
		ok = e.parseArray(idx)
	case c == '"':
		ok = e.parseString(idx)
	case c == '-' || (c >= '0' && c <= '9'):
		ok = e.parseNumber(idx)
	case c == 't':
		ok = e.literal("true")
		e.nodes[idx].kind = jTrue
	case c == 'f':
		ok = e.literal("false")
		e.nodes[idx].kind = jFalse
	case c == 'n':
		ok = e.literal("null")
		e.nodes[idx].kind = jNull
	}
	e.nodes[idx].next = int32(len(e.nodes))
	return ok
}

func (e *evaluator) literal(lit string) bool {
	if len(e.data)-e.pos < len(lit) || string(e.data[e.pos:e.pos+len(lit)]) != lit {
		return false
	}
	e.pos += len(lit)
	return true
}

func (e *evaluator) parseObject(idx int) bool {
	e.depth++
	if e.depth > maxDepth {
		e.unknown = true
		return false
	}
	e.pos++ // {
	e.ws()
	var n int32
	if e.pos < len(e.data) && e.data[e.pos] == '}' {
		e.pos++
	} else {
		for {
			e.ws()
			if e.pos >= len(e.data) || e.data[e.pos] != '"' {
				return false
			}
			k := len(e.nodes)
			e.nodes = append(e.nodes, node{})
			if !e.parseString(k) {
				return false
			}
			e.nodes[k].next = int32(len(e.nodes))
			e.ws()
			if e.pos >= len(e.data) || e.data[e.pos] != ':' {
				return false
			}
			e.pos++
			e.ws()
			if !e.parseValue() {
				return false
			}
			n++
			e.ws()
			if e.pos >= len(e.data) {
				return false
			}
			if e.data[e.pos] == ',' {
				e.pos++
				continue
			}
			if e.data[e.pos] != '}' {
				return false
			}
			e.pos++
			break
		}
	}
	e.depth--
	e.nodes[idx].kind, e.nodes[idx].n = jObject, n
	// Duplicate keys (the library keeps the last) are looked for by
	// objectOK, the only check they can change.
	return true
}

// dupKeys reports whether the object at idx has a name twice; when it is
// too big to tell cheaply, it sets e.unknown. With only, it compares only
// the names only returns true for.
func (e *evaluator) dupKeys(idx int32, only func(k int32) bool) bool {
	n := int(e.nodes[idx].n)
	if n > maxDedupKeys {
		e.unknown = true
		return true
	}
	for a, i := idx+1, 0; i < n; a, i = e.nodes[a+1].next, i+1 {
		if only != nil && !only(a) {
			continue
		}
		ka := e.str(a)
		for b, j := e.nodes[a+1].next, i+1; j < n; b, j = e.nodes[b+1].next, j+1 {
			if (only == nil || only(b)) && string(ka) == string(e.str(b)) {
				e.unknown = true
				return true
			}
		}
	}
	return false
}

func (e *evaluator) parseArray(idx int) bool {
	e.depth++
	if e.depth > maxDepth {
		e.unknown = true
		return false
	}
	e.pos++ // [
	e.ws()
	var n int32
	if e.pos < len(e.data) && e.data[e.pos] == ']' {
		e.pos++
	} else {
		for {
			e.ws()
			if !e.parseValue() {
				return false
			}
			n++
			e.ws()
			if e.pos >= len(e.data) {
				return false
			}
			if e.data[e.pos] == ',' {
				e.pos++
				continue
			}
			if e.data[e.pos] != ']' {
				return false
			}
			e.pos++
			break
		}
	}
	e.depth--
	e.nodes[idx].kind, e.nodes[idx].n = jArray, n
	return true
}

func (e *evaluator) parseString(idx int) bool {
	e.pos++ // "
	start := e.pos
	esc := false
	for e.pos < len(e.data) {
		c := e.data[e.pos]
		switch {
		case c == '"':
			nd := &e.nodes[idx]
			nd.kind, nd.start, nd.end, nd.esc = jString, int32(start), int32(e.pos), esc
			e.pos++
			return true
		case c == '\\':
			esc = true
			e.pos++
			if e.pos >= len(e.data) {
				return false
			}
			switch e.data[e.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				e.pos++
			case 'u':
				if len(e.data)-e.pos < 5 {
					return false
				}
				for _, h := range e.data[e.pos+1 : e.pos+5] {
					if !(h >= '0' && h <= '9' || h >= 'a' && h <= 'f' || h >= 'A' && h <= 'F') {
						return false
					}
				}
				e.pos += 5
			default:
				return false
			}
		case c < 0x20:
			return false
		case c >= utf8.RuneSelf:
			esc = true // let encoding/json read (and repair) non-ASCII
			e.pos++
		default:
			e.pos++
		}
	}
	return false
}

func (e *evaluator) parseNumber(idx int) bool {
	start := e.pos
	neg := false
	if e.data[e.pos] == '-' {
		neg = true
		e.pos++
	}
	digits := func() int {
		n := 0
		for e.pos < len(e.data) && e.data[e.pos] >= '0' && e.data[e.pos] <= '9' {
			e.pos++
			n++
		}
		return n
	}
	intStart := e.pos
	nd := digits()
	if nd == 0 || (nd > 1 && e.data[intStart] == '0') {
		return false
	}
	plain := true
	if e.pos < len(e.data) && e.data[e.pos] == '.' {
		plain = false
		e.pos++
		if digits() == 0 {
			return false
		}
	}
	if e.pos < len(e.data) && (e.data[e.pos] == 'e' || e.data[e.pos] == 'E') {
		plain = false
		e.pos++
		if e.pos < len(e.data) && (e.data[e.pos] == '+' || e.data[e.pos] == '-') {
			e.pos++
		}
		if digits() == 0 {
			return false
		}
	}
	n := &e.nodes[idx]
	n.kind, n.start, n.end = jNumber, int32(start), int32(e.pos)
	if plain && nd <= 18 { // fits int64 without overflow checks
		var v int64
		for _, c := range e.data[intStart:e.pos] {
			v = v*10 + int64(c-'0')
		}
		if neg {
			v = -v
		}
		n.isInt, n.i = true, v
	}
	return true
}

// str returns the value of a string node. Strings with escapes or
// non-ASCII bytes are decoded by encoding/json, exactly as the library
// reads them.
func (e *evaluator) str(idx int32) []byte {
	n := &e.nodes[idx]
	raw := e.data[n.start:n.end]
	if !n.esc {
		return raw
	}
	if !hasEscapeOrInvalid(raw) {
		return raw
	}
	var s string
	if err := json.Unmarshal(e.data[n.start-1:n.end+1], &s); err != nil {
		e.unknown = true
		return nil
	}
	return []byte(s)
}

func hasEscapeOrInvalid(b []byte) bool {
	for _, c := range b {
		if c == '\\' {
			return true
		}
	}
	return !utf8.Valid(b)
}

// --- evaluation ---

func (e *evaluator) valid(f *fschema, idx int32) bool {
	if e.unknown {
		return false
	}
	if f.boolSchema != nil {
		return *f.boolSchema
	}
	e.depth++
	ok := e.depth <= maxDepth && e.validAt(f, idx)
	if e.depth > maxDepth { // a $ref cycle that does not descend
		e.unknown = true
	}
	e.depth--
	return ok
}

// validAt is valid without the depth bookkeeping.
func (e *evaluator) validAt(f *fschema, idx int32) bool {
	n := &e.nodes[idx]
	if f.types != 0 && !e.typeOK(f.types, n) {
		return false
	}
	if f.hasConst && !e.constOK(f.consts, idx) {
		return false
	}
	switch n.kind {
	case jString:
		if !e.stringOK(f, idx) {
			return false
		}
	case jNumber:
		if !e.numberOK(f, n) {
			return false
		}
	case jArray:
		if !e.arrayOK(f, idx) {
			return false
		}
	case jObject:
		if !e.objectOK(f, idx) {
			return false
		}
	}
	if f.ref != nil && !e.valid(f.ref, idx) {
		return false
	}
	for _, s := range f.allOf {
		if !e.valid(s, idx) {
			return false
		}
	}
	if f.anyOf != nil {
		ok := false
		for _, s := range f.anyOf {
			if e.valid(s, idx) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if f.oneOf != nil {
		matched := 0
		for _, s := range f.oneOf {
			if e.valid(s, idx) {
				matched++
			}
		}
		if matched != 1 {
			return false
		}
	}
	if f.not != nil && e.valid(f.not, idx) {
		return false
	}
	if f.ifS != nil {
		if e.valid(f.ifS, idx) {
			if f.thenS != nil && !e.valid(f.thenS, idx) {
				return false
			}
		} else if f.elseS != nil && !e.valid(f.elseS, idx) {
			return false
		}
	}
	return !e.unknown
}

func (e *evaluator) typeOK(t tmask, n *node) bool {
	switch n.kind {
	case jNull:
		return t&tNull != 0
	case jTrue, jFalse:
		return t&tBoolean != 0
	case jString:
		return t&tString != 0
	case jArray:
		return t&tArray != 0
	case jObject:
		return t&tObject != 0
	}
	if t&tNumber != 0 {
		return true
	}
	if t&tInteger != 0 {
		if n.isInt {
			return true
		}
		e.unknown = true // 1.0, 1e3, big integers: the library decides
	}
	return false
}

func (e *evaluator) constOK(cs []fconst, idx int32) bool {
	n := &e.nodes[idx]
	for i := range cs {
		c := &cs[i]
		switch n.kind {
		case jNull, jTrue, jFalse:
			if c.kind == n.kind {
				return true
			}
		case jString:
			if c.kind == jString && string(e.str(idx)) == c.s {
				return true
			}
		case jNumber:
			if c.kind == jNumber {
				if !n.isInt {
					e.unknown = true
					return false
				}
				if c.i == n.i {
					return true
				}
			}
		default: // arrays and objects never equal the consts we keep
		}
	}
	return false
}

func (e *evaluator) stringOK(f *fschema, idx int32) bool {
	if f.minLen < 0 && f.maxLen < 0 && f.pattern == nil && f.format == nil {
		return true
	}
	s := e.str(idx)
	if e.unknown {
		return false
	}
	if f.minLen >= 0 || f.maxLen >= 0 {
		l := utf8.RuneCount(s)
		if f.minLen >= 0 && l < f.minLen || f.maxLen >= 0 && l > f.maxLen {
			return false
		}
	}
	if f.pattern != nil && !f.pattern.Match(s) {
		return false
	}
	if f.format != nil && f.format(string(s)) != nil {
		return false
	}
	return true
}

func (e *evaluator) numberOK(f *fschema, n *node) bool {
	if !f.min.set && !f.max.set && !f.exMin.set && !f.exMax.set {
		return true
	}
	if !n.isInt {
		e.unknown = true
		return false
	}
	v := n.i
	return !(f.min.set && v < f.min.i || f.max.set && v > f.max.i ||
		f.exMin.set && v <= f.exMin.i || f.exMax.set && v >= f.exMax.i)
}

func (e *evaluator) arrayOK(f *fschema, idx int32) bool {
	n := int(e.nodes[idx].n)
	if f.minItems >= 0 && n < f.minItems || f.maxItems >= 0 && n > f.maxItems {
		return false
	}
	if f.prefix == nil && f.items == nil {
		return true
	}
	i := 0
	for c := idx + 1; i < n; c = e.nodes[c].next {
		s := f.items
		if i < len(f.prefix) {
			s = f.prefix[i]
		}
		if s != nil && !e.valid(s, c) {
			return false
		}
		i++
	}
	return true
}

func (e *evaluator) objectOK(f *fschema, idx int32) bool {
	n := int(e.nodes[idx].n)
	if f.members != nil {
		// Duplicates first: the counts assume none.
		if !e.membersOK(f, idx, n) {
			return false
		}
		return !(f.minProps >= 0 && n < f.minProps || f.maxProps >= 0 && n > f.maxProps)
	}
	if n > 1 && e.dupKeys(idx, nil) {
		return false
	}
	if f.minProps >= 0 && n < f.minProps || f.maxProps >= 0 && n > f.maxProps {
		return false
	}
	for _, r := range f.required {
		found := false
		for k, i := idx+1, 0; i < n; k, i = e.nodes[k+1].next, i+1 {
			if string(e.str(k)) == r {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if f.props == nil && f.addl == nil && f.propertyNames == nil {
		return true
	}
	for k, i := idx+1, 0; i < n; k, i = e.nodes[k+1].next, i+1 {
		if f.propertyNames != nil && !e.valid(f.propertyNames, k) {
			return false
		}
		if s, ok := f.props[string(e.str(k))]; ok {
			if !e.valid(s, k+1) {
				return false
			}
		} else if f.addl != nil && !e.valid(f.addl, k+1) {
			return false
		}
	}
	return !e.unknown
}

// membersOK is objectOK after the counts, for schemas with members: one
// pass over the object, looking each name up once.
func (e *evaluator) membersOK(f *fschema, idx int32, n int) bool {
	var found, seen uint64
	others := 0 // members with names not in f.members
	for k, i := idx+1, 0; i < n; k, i = e.nodes[k+1].next, i+1 {
		if f.propertyNames != nil && !e.valid(f.propertyNames, k) {
			return false
		}
		name := e.str(k)
		if e.unknown {
			return false
		}
		var m *member
		for j := range f.members {
			if f.members[j].name == string(name) {
				if seen&(1<<j) != 0 {
					e.unknown = true // a duplicate: the library keeps the last
					return false
				}
				seen |= 1 << j
				m = &f.members[j]
				break
			}
		}
		if m == nil {
			others++
		}
		switch {
		case m != nil && m.inProps:
			found |= m.req
			if !e.valid(m.s, k+1) {
				return false
			}
		case m != nil:
			found |= m.req
			fallthrough
		default:
			if f.addl != nil && !e.valid(f.addl, k+1) {
				return false
			}
		}
	}
	if others > 1 && e.dupKeys(idx, func(k int32) bool { return f.member(e.str(k)) < 0 }) {
		return false
	}
	return found == f.reqAll && !e.unknown
}

// member returns the index of name in f.members, or -1.
func (f *fschema) member(name []byte) int {
	for j := range f.members {
		if f.members[j].name == string(name) {
			return j
		}
	}
	return -1
}
