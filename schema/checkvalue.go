package schema

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// maxSafeInt is the largest integer a TypeScript number holds exactly.
const maxSafeInt = 1<<53 - 1

// int64Precision warns about int64 values that TypeScript reads as
// numbers, unless their bounds keep them within ±(2^53-1).
func (c *checker) int64Precision(t *Type) {
	if t.Kind != KindInt64 {
		return
	}
	if t.Minimum != nil && t.Maximum != nil && t.Minimum.IsInt && t.Maximum.IsInt &&
		t.Minimum.Int >= -maxSafeInt && t.Maximum.Int <= maxSafeInt {
		return
	}
	c.d.warnf(t.Pos, CodeInt64, "int64 values beyond ±%d lose precision as TypeScript numbers; bound them with minimum and maximum, or use a string", maxSafeInt)
}

// checkDefault checks a field's default against its type.
func (c *checker) checkDefault(f *Field) {
	if f.Default == nil || f.Type == nil {
		return
	}
	u := f.Type.Underlying()
	if u == nil || u.Kind == KindInvalid {
		return
	}
	v := f.Default
	bad := func(format string, args ...any) {
		c.d.errorf(v.Pos, CodeBadDefault, "default of field %s: %s", f.Name, fmt.Sprintf(format, args...))
	}
	if v.Value == nil {
		if !f.Nullable {
			bad("null is not allowed; the field is not nullable")
		}
		return
	}
	switch u.Kind {
	case KindString:
		s, ok := v.Value.(string)
		if !ok {
			bad("want a string, found %s", goKind(v.Value))
			return
		}
		n := int64(utf8.RuneCountInString(s))
		if u.MinLength != nil && n < *u.MinLength || u.MaxLength != nil && n > *u.MaxLength {
			bad("%q has %d characters, outside the length bounds", s, n)
		}
		if u.Pattern != "" {
			if re := c.regexp(u.Pattern); re != nil && !re.MatchString(s) {
				bad("%q does not match pattern %q", s, u.Pattern)
			}
		}
	case KindInt32, KindInt64:
		i, ok := v.Value.(int64)
		if !ok {
			bad("want an integer, found %s", goKind(v.Value))
			return
		}
		if u.Kind == KindInt32 && (i < math.MinInt32 || i > math.MaxInt32) {
			bad("%d is out of the int32 range", i)
			return
		}
		c.inRange(u, float64(i), v, f)
	case KindNumber:
		switch x := v.Value.(type) {
		case int64:
			v.Value = float64(x)
		case float64:
		default:
			bad("want a number, found %s", goKind(v.Value))
			return
		}
		c.inRange(u, v.Value.(float64), v, f)
	case KindBoolean:
		if _, ok := v.Value.(bool); !ok {
			bad("want true or false, found %s", goKind(v.Value))
		}
	case KindTimestamp:
		s, ok := v.Value.(string)
		if !ok {
			bad("want an RFC 3339 timestamp string, found %s", goKind(v.Value))
			return
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			bad("%q is not an RFC 3339 timestamp such as 2024-01-02T15:04:05Z", s)
		}
	case KindEnum:
		s, ok := v.Value.(string)
		if !ok {
			bad("want one of the values of %s, found %s", u.Name, goKind(v.Value))
			return
		}
		if c.enumValues(u)[s] {
			return
		}
		values := make([]string, 0, min(len(u.Values), 21))
		for _, ev := range u.Values {
			values = append(values, ev.Value)
			if len(values) == 21 {
				values[20] = "…"
				break
			}
		}
		bad("%q is not a value of %s (%s)%s", s, u.Name, strings.Join(values, ", "), didYouMean(s, values))
	default:
		bad("defaults are supported for scalars and enums, not for %s", describe(f.Type))
	}
}

// regexp returns the compiled pattern, compiled once; nil when invalid.
func (c *checker) regexp(pattern string) *regexp.Regexp {
	if re, ok := c.patterns[pattern]; ok {
		return re
	}
	re, _ := regexp.Compile(pattern)
	if c.patterns == nil {
		c.patterns = make(map[string]*regexp.Regexp)
	}
	c.patterns[pattern] = re
	return re
}

// enumValues returns the set of values of enum t, computed once.
func (c *checker) enumValues(t *Type) map[string]bool {
	if m, ok := c.enums[t]; ok {
		return m
	}
	m := make(map[string]bool, len(t.Values))
	for _, v := range t.Values {
		m[v.Value] = true
	}
	if c.enums == nil {
		c.enums = make(map[*Type]map[string]bool)
	}
	c.enums[t] = m
	return m
}

func (c *checker) inRange(u *Type, x float64, v *Value, f *Field) {
	if u.Minimum != nil && x < u.Minimum.Float64 || u.Maximum != nil && x > u.Maximum.Float64 {
		c.d.errorf(v.Pos, CodeBadDefault, "default of field %s: %v is outside the bounds [%s, %s]", f.Name, v.Value, boundText(u.Minimum), boundText(u.Maximum))
	}
}

func boundText(n *Number) string {
	if n == nil {
		return "…"
	}
	return n.Text
}

func goKind(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("string %q", x)
	case int64:
		return fmt.Sprintf("integer %d", x)
	case float64:
		return fmt.Sprintf("number %v", x)
	case bool:
		return fmt.Sprintf("boolean %v", x)
	}
	return "null"
}

// requiredCycles reports object types that contain themselves through
// fields that are neither optional nor nullable: no finite value exists,
// and generated Go structs would not compile.
func (c *checker) requiredCycles() {
	const (
		white = iota
		grey
		black
	)
	color := make(map[*Type]int)
	reported := make(map[*Type]bool)
	var path []*Field
	var owners []*Type
	var visit func(t *Type)
	visit = func(t *Type) {
		color[t] = grey
		owners = append(owners, t)
		for _, f := range t.Fields {
			if f.Optional || f.Nullable || f.Type == nil {
				continue
			}
			u := f.Type.Underlying()
			if u == nil || u.Kind != KindObject || u.Name == "" {
				continue
			}
			path = append(path, f)
			switch color[u] {
			case white:
				visit(u)
			case grey:
				c.reportRequiredCycle(u, owners, path, reported)
			}
			path = path[:len(path)-1]
		}
		owners = owners[:len(owners)-1]
		color[t] = black
	}
	for _, f := range c.set.Files {
		for _, t := range f.Types {
			if t.Kind == KindObject && color[t] == white {
				visit(t)
			}
		}
	}
}

func (c *checker) reportRequiredCycle(start *Type, owners []*Type, path []*Field, reported map[*Type]bool) {
	i := containsAt(owners, start)
	if i < 0 || reported[start] {
		return
	}
	var steps []string
	for j := i; j < len(owners); j++ {
		reported[owners[j]] = true
		steps = append(steps, owners[j].Name+"."+path[j].Name)
	}
	c.d.errorf(start.Pos, CodeTypeCycle, "type %s contains itself through required fields (%s → %s); make one of them optional or nullable",
		start.Name, strings.Join(steps, " → "), start.Name)
}

func containsAt(list []*Type, t *Type) int {
	for i, x := range list {
		if x == t {
			return i
		}
	}
	return -1
}
