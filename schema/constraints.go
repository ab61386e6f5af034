package schema

import (
	"math"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// constraintKinds lists the kinds each constraint applies to.
var constraintKinds = map[string][]Kind{
	"min_length": {KindString, KindBytes},
	"max_length": {KindString, KindBytes},
	"pattern":    {KindString},
	"format":     {KindString},
	"minimum":    {KindInt32, KindInt64, KindNumber},
	"maximum":    {KindInt32, KindInt64, KindNumber},
	"min_items":  {KindList, KindMap},
	"max_items":  {KindList, KindMap},
}

// maxPatternLen bounds regular expressions, which must stay cheap to
// compile and to port to other engines.
const maxPatternLen = 1024

// constraints reads the constraint keys of o into t, reporting keys that do
// not apply to t's kind and values that make no sense.
func (p *parser) constraints(t *Type, o obj) {
	seen := false
	for _, k := range constraintKeys {
		if !o.has(k) {
			continue
		}
		seen = true
		if t.Kind == KindInvalid {
			continue
		}
		if !kindIn(t.Kind, constraintKinds[k]) {
			p.constraintKindError(t, o, k)
			continue
		}
		v := o.get(k)
		switch k {
		case "min_length":
			t.MinLength = p.count(v, k)
		case "max_length":
			t.MaxLength = p.count(v, k)
		case "min_items":
			t.MinItems = p.count(v, k)
		case "max_items":
			t.MaxItems = p.count(v, k)
		case "pattern":
			p.pattern(t, v)
		case "format":
			if s, ok := p.str(v, "format"); ok {
				if !contains(Formats(), s) {
					p.errorf(v, CodeBadFormat, "unknown format %q; formats are %s%s", s, strings.Join(Formats(), ", "), didYouMean(s, Formats()))
				} else {
					t.Format = s
				}
			}
		case "minimum":
			t.Minimum = p.bound(t, v, k)
		case "maximum":
			t.Maximum = p.bound(t, v, k)
		}
	}
	if !seen {
		return
	}
	p.order(o, "min_length", "max_length", t.MinLength, t.MaxLength)
	p.order(o, "min_items", "max_items", t.MinItems, t.MaxItems)
	if t.Minimum != nil && t.Maximum != nil && t.Minimum.Float64 > t.Maximum.Float64 {
		p.errorf(o.get("maximum"), CodeBadConstraint, "maximum %s is less than minimum %s", t.Maximum.Text, t.Minimum.Text)
	}
}

func (p *parser) constraintKindError(t *Type, o obj, k string) {
	kinds := make([]string, 0, 3)
	for _, kd := range constraintKinds[k] {
		kinds = append(kinds, kd.String())
	}
	what := t.Kind.String()
	hint := ""
	if t.Kind == KindRef {
		what = "a reference to " + t.Ref
		hint = "; put constraints on the named type's declaration"
	}
	p.errorf(o.keyNode(k), CodeConstraintType, "%s applies to %s, not to %s%s", k, strings.Join(kinds, " and "), what, hint)
}

func kindIn(k Kind, list []Kind) bool {
	for _, x := range list {
		if x == k {
			return true
		}
	}
	return false
}

// count reads a non-negative integer constraint.
func (p *parser) count(n *yaml.Node, key string) *int64 {
	v, ok := p.integer(n, key)
	if !ok {
		return nil
	}
	if v < 0 {
		p.errorf(n, CodeBadConstraint, "%s must not be negative, found %d", key, v)
		return nil
	}
	return &v
}

func (p *parser) order(o obj, minKey, maxKey string, lo, hi *int64) {
	if lo != nil && hi != nil && *lo > *hi {
		p.errorf(o.get(maxKey), CodeBadConstraint, "%s %d is less than %s %d", maxKey, *hi, minKey, *lo)
	}
}

// bound reads minimum or maximum for a numeric kind.
func (p *parser) bound(t *Type, n *yaml.Node, key string) *Number {
	num, ok := p.number(n, key)
	if !ok {
		return nil
	}
	switch t.Kind {
	case KindInt32, KindInt64:
		if !num.IsInt {
			p.errorf(n, CodeBadConstraint, "%s of an %s must be an integer, found %s", key, t.Kind, num.Text)
			return nil
		}
		if t.Kind == KindInt32 && (num.Int < math.MinInt32 || num.Int > math.MaxInt32) {
			p.errorf(n, CodeBadConstraint, "%s %d is out of the int32 range", key, num.Int)
			return nil
		}
	}
	return num
}

func (p *parser) pattern(t *Type, n *yaml.Node) {
	s, ok := p.str(n, "pattern")
	if !ok {
		return
	}
	if len(s) > maxPatternLen {
		p.errorf(n, CodeBadPattern, "pattern is longer than %d bytes", maxPatternLen)
		return
	}
	if _, err := regexp.Compile(s); err != nil {
		p.errorf(n, CodeBadPattern, "pattern %q is not a valid regular expression: %s", s, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return
	}
	if what := re2Only(s); what != "" {
		p.errorf(n, CodeBadPattern, "pattern %q uses %s; patterns must also work as ECMAScript regular expressions", s, what)
		return
	}
	t.Pattern = s
}

// re2Only describes the first piece of a pattern (one Go's regexp
// compiles) that ECMAScript reads differently or not at all, "" when there
// is none: flags ((?i), (?s:…)), the named group (?P<name>…), and \A, \z
// and \Q. (?:…) and (?<name>…) are in both languages.
func re2Only(s string) string {
	inClass := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			if !inClass && strings.IndexByte("AzQ", s[i]) >= 0 {
				return `\` + s[i:i+1] + ", which only RE2 reads (" + map[byte]string{'A': "use ^", 'z': "use $", 'Q': "escape each character"}[s[i]] + ")"
			}
		case inClass:
			inClass = c != ']'
		case c == '[':
			inClass = true
			// A ] right after [ or [^ is a literal.
			if i+1 < len(s) && s[i+1] == '^' {
				i++
			}
			if i+1 < len(s) && s[i+1] == ']' {
				i++
			}
		case c == '(' && strings.HasPrefix(s[i:], "(?"):
			rest := s[i+2:]
			switch {
			case strings.HasPrefix(rest, ":"), strings.HasPrefix(rest, "<") && !strings.HasPrefix(rest, "<=") && !strings.HasPrefix(rest, "<!"):
			case strings.HasPrefix(rest, "P<"):
				return "the named group (?P<name>…), which only RE2 reads (write (?<name>…), which both read)"
			default:
				end := strings.IndexAny(rest, ":)")
				if end < 0 {
					end = len(rest)
				}
				return "the flags (?" + rest[:end] + "), which only RE2 reads"
			}
		}
	}
	return ""
}
