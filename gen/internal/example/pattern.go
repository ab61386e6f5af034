package example

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

// matches reports whether s matches the unanchored pattern.
func matches(pattern, s string) bool {
	re, err := regexp.Compile(pattern)
	return err == nil && re.MatchString(s)
}

// fromPattern returns a short string that matches pattern, preferring the
// letters of hint where the pattern lets a class repeat. It returns hint
// when the pattern cannot be parsed.
func fromPattern(pattern, hint string) string {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return hint
	}
	var b strings.Builder
	g := patternGen{hint: []rune(strings.ToLower(hint))}
	g.write(&b, re.Simplify())
	if s := b.String(); matches(pattern, s) {
		return s
	}
	return hint
}

type patternGen struct {
	hint []rune
	pos  int // the next rune of hint to use
}

// next returns the next rune of the hint when the class accepts it.
func (g *patternGen) next(class []rune) (rune, bool) {
	if g.pos < len(g.hint) && inClass(class, g.hint[g.pos]) {
		g.pos++
		return g.hint[g.pos-1], true
	}
	return 0, false
}

// write appends a string matching re: repeats as few times as allowed,
// but classes take the hint's runes while they accept them.
func (g *patternGen) write(b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			b.WriteRune(r)
		}
	case syntax.OpCharClass:
		if r, ok := g.next(re.Rune); ok {
			b.WriteRune(r)
		} else {
			b.WriteRune(pick(re.Rune))
		}
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteRune('a')
	case syntax.OpCapture:
		for _, s := range re.Sub {
			g.write(b, s)
		}
	case syntax.OpConcat:
		for _, s := range re.Sub {
			g.write(b, s)
		}
	case syntax.OpAlternate:
		g.write(b, re.Sub[0])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		sub := re.Sub[0]
		n := 0
		if sub.Op == syntax.OpCharClass && re.Op != syntax.OpQuest {
			for r, ok := g.next(sub.Rune); ok; r, ok = g.next(sub.Rune) {
				b.WriteRune(r)
				n++
			}
		}
		if re.Op == syntax.OpPlus && n == 0 {
			g.write(b, sub)
		}
	case syntax.OpRepeat:
		for range re.Min {
			g.write(b, re.Sub[0])
		}
	}
}

func inClass(ranges []rune, r rune) bool {
	for i := 0; i+1 < len(ranges); i += 2 {
		if r >= ranges[i] && r <= ranges[i+1] {
			return true
		}
	}
	return false
}

// pick returns a readable rune of a class: a lower-case letter, a digit or
// an upper-case letter when the class has one, else its first rune.
func pick(ranges []rune) rune {
	for _, want := range []rune{'a', 'x', '0', '1', 'A', '_', '-'} {
		if inClass(ranges, want) {
			return want
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			if unicode.IsPrint(r) {
				return r
			}
		}
	}
	if len(ranges) > 0 {
		return ranges[0]
	}
	return 'a'
}
