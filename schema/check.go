package schema

import (
	"fmt"
	"regexp"
	"strings"
)

// Check runs the checks that need a whole, resolved [Set]: name collisions
// after Go and TypeScript conversion, enum and union rules, defaults,
// required-field and alias cycles, auth and details types, duplicate
// namespaces and packages, unused imports and int64 precision. It also
// fills every GoName, TSName and error Code that no override set.
//
// [Load] calls Check; call it yourself only for a Set built in code, and
// only once. Syntax-level checks (unknown keys, wrong kinds, constraints,
// durations, ack settings) happen while parsing and are not repeated.
func Check(set *Set) Diagnostics {
	c := &checker{set: set}
	assignNames(set)
	for _, f := range set.Files {
		c.checkFileNames(f)
		for _, t := range f.Types {
			c.checkDecl(t)
		}
		for _, e := range f.Errors {
			c.objectUse(e.Details, "details of error "+e.Name)
		}
		for _, ns := range f.Namespaces {
			c.checkNamespace(ns)
		}
		for _, im := range f.Imports {
			if !im.Used && im.File != nil {
				c.d.warnf(im.Pos, CodeUnusedImport, "import %s (as %s) is not used", im.Path, im.Alias)
			}
		}
		if f.state != nil {
			for _, fd := range f.state.defs {
				c.checkDefault(fd)
			}
		}
		eachType(f, c.int64Precision)
	}
	c.checkSet()
	c.aliasCycles()
	c.requiredCycles()
	return c.d.list.sorted()
}

type checker struct {
	set      *Set
	d        diags
	enums    map[*Type]map[string]bool // enum value sets for default checks
	patterns map[string]*regexp.Regexp // compiled patterns for default checks
}

// checkDecl checks the rules of one declaration's kind.
func (c *checker) checkDecl(t *Type) {
	switch t.Kind {
	case KindEnum:
		c.checkEnum(t)
	case KindObject:
		c.checkFields(t.Fields, "type "+t.Name)
	case KindUnion:
		c.checkUnion(t)
	}
}

func (c *checker) checkEnum(t *Type) {
	values := make(map[string]*EnumValue)
	goNames := make(map[string]*EnumValue)
	tsNames := make(map[string]*EnumValue)
	for _, v := range t.Values {
		if prev := values[v.Value]; prev != nil {
			c.d.errorf(v.Pos, CodeEnumCollision, "enum %s has value %q twice (first at %s)", t.Name, v.Value, prev.Pos)
			continue
		}
		values[v.Value] = v
		if v.GoName == "" || v.TSName == "" {
			c.d.errorf(v.Pos, CodeInvalidName, "enum value %q of %s has no letter or digit to build a constant name from; set go_name and ts_name", v.Value, t.Name)
			continue
		}
		if prev := goNames[v.GoName]; prev != nil {
			c.d.errorf(v.Pos, CodeEnumCollision, "enum values %q and %q (%s) of %s both become Go constant %s; set go_name on one of them",
				v.Value, prev.Value, prev.Pos, t.Name, v.GoName)
		} else {
			goNames[v.GoName] = v
		}
		if prev := tsNames[v.TSName]; prev != nil {
			c.d.errorf(v.Pos, CodeEnumCollision, "enum values %q and %q (%s) of %s both become TypeScript member %s; set ts_name on one of them",
				v.Value, prev.Value, prev.Pos, t.Name, v.TSName)
		} else {
			tsNames[v.TSName] = v
			c.tsName(v.TSName, fmt.Sprintf("enum value %q of %s", v.Value, t.Name), v.Pos, false)
		}
	}
}

// checkFields checks the fields of an object or the elements of a tuple.
func (c *checker) checkFields(fields []*Field, owner string) {
	goNames := c.table("Go", CodeNameCollision)
	seen := make(map[string]*Field)
	for _, f := range fields {
		what := fmt.Sprintf("field %s of %s", f.Name, owner)
		if prev := seen[f.Name]; prev != nil {
			c.d.errorf(f.Pos, CodeDuplicateName, "%s is declared twice (first at %s)", what, prev.Pos)
			continue
		}
		seen[f.Name] = f
		c.goName(f.GoName, what, f.Pos)
		goNames.add(f.GoName, what, f.Pos)
	}
}

func (c *checker) checkUnion(t *Type) {
	tags := c.table("Go", CodeNameCollision)
	for _, v := range t.Variants {
		what := fmt.Sprintf("variant %q of union %s", v.Tag, t.Name)
		tags.add(v.GoName, what, v.Pos)
		u := v.Type.Underlying()
		if u == nil || u.Kind == KindInvalid {
			continue // unresolved or broken: reported already
		}
		if u.Kind != KindObject {
			c.d.errorf(v.Pos, CodeUnionVariant, "%s is %s, not an object type; variants must be objects", what, describe(v.Type))
			continue
		}
		if t.Discriminator == "" {
			continue
		}
		if fd := u.Field(t.Discriminator); fd != nil {
			c.d.errorf(v.Pos, CodeUnionClash, "%s: type %s has a field %q (%s), the union's discriminator; remove it, generated code sets it from the tag",
				what, u.Name, t.Discriminator, fd.Pos)
		}
	}
}

// describe names a type for messages: "type Foo (enum)" or "int32".
func describe(t *Type) string {
	if d := t.Decl(); d != nil {
		u := t.Underlying()
		if u != nil && u != d {
			return fmt.Sprintf("type %s (%s)", d.Name, u.Kind)
		}
		return fmt.Sprintf("type %s (%s)", d.Name, d.Kind)
	}
	return "a " + t.Kind.String()
}

// objectUse reports t when it is set and not an object type.
func (c *checker) objectUse(t *Type, what string) {
	if t == nil {
		return
	}
	u := t.Underlying()
	if u == nil || u.Kind == KindInvalid || u.Kind == KindObject {
		return
	}
	c.d.errorf(t.Pos, CodeNotObject, "%s must be an object type, found %s", what, describe(t))
}

func (c *checker) checkNamespace(ns *Namespace) {
	what := "namespace " + ns.Path
	c.goName(ns.GoName, what, ns.Pos)
	c.tsName(ns.TSName, what, ns.Pos, false)
	c.objectUse(ns.Auth, "auth of "+what)
	goNames := c.table("Go", CodeNameCollision)
	tsNames := c.table("TypeScript", CodeNameCollision)
	for _, ev := range ns.Events {
		what := fmt.Sprintf("event %q", ev.Name)
		c.goName(ev.GoName, what, ev.Pos)
		c.tsName(ev.TSName, what, ev.Pos, false)
		goNames.add(ev.GoName, what, ev.Pos)
		tsNames.add(ev.TSName, what, ev.Pos)
		c.checkFields(ev.Args, "args of "+what)
		c.checkFields(ev.AckArgs, "ack_args of "+what)
		c.backpressureKey(ev)
	}
}

// checkSet checks names shared by all files: packages and namespaces.
func (c *checker) checkSet() {
	packages := make(map[string]*File)
	paths := make(map[string]*Namespace)
	goNames := c.table("Go", CodeNameCollision)
	tsNames := c.table("TypeScript", CodeNameCollision)
	for _, f := range c.set.Files {
		if prev := packages[f.Package]; prev != nil && f.Package != "" {
			c.d.errorf(Pos{File: f.Path, Line: 1, Col: 1}, CodeDuplicateName, "package %q is also the package of %s; generated code needs one package per file", f.Package, prev.Path)
		} else {
			packages[f.Package] = f
		}
		for _, ns := range f.Namespaces {
			what := "namespace " + ns.Path
			if prev := paths[ns.Path]; prev != nil {
				c.d.errorf(ns.Pos, CodeDuplicateName, "%s is declared twice (first at %s)", what, prev.Pos)
				continue
			}
			paths[ns.Path] = ns
			if !nsPathRE.MatchString(ns.Path) {
				continue // bad-path already
			}
			goNames.add(ns.GoName, what, ns.Pos)
			tsNames.add(ns.TSName, what, ns.Pos)
		}
	}
}

// aliasCycles reports named types that alias themselves through other
// aliases (A: B, B: A), once per cycle, and alias chains too long for
// [Type.Underlying]. It visits each declaration once.
func (c *checker) aliasCycles() {
	const (
		unseen = iota
		onPath
		done
	)
	state := make(map[*Type]int)
	depth := make(map[*Type]int) // aliases in the chain starting at a declaration
	for _, f := range c.set.Files {
		for _, t := range f.Types {
			if t.Kind != KindRef || state[t] != unseen {
				continue
			}
			var path []*Type
			cur := t
			for cur != nil && cur.Kind == KindRef && state[cur] == unseen {
				state[cur] = onPath
				path = append(path, cur)
				cur = cur.Target
			}
			if cur != nil && state[cur] == onPath {
				i := containsAt(path, cur)
				names := make([]string, 0, len(path)-i+1)
				for _, x := range path[i:] {
					names = append(names, x.Name)
				}
				names = append(names, cur.Name)
				if len(names) > 10 {
					names = append(names[:5], "…", cur.Name)
				}
				c.d.errorf(cur.Pos, CodeTypeCycle, "type %s is an alias of itself: %s", cur.Name, strings.Join(names, " → "))
				for _, x := range path {
					state[x] = done
				}
				continue
			}
			base := depth[cur] // 0 for a non-alias or unresolved end
			for k := len(path) - 1; k >= 0; k-- {
				x := path[k]
				state[x] = done
				depth[x] = base + len(path) - k
				if depth[x] == MaxAliasChain+1 {
					c.d.errorf(x.Pos, CodeTypeCycle, "type %s starts a chain of more than %d aliases", x.Name, MaxAliasChain)
				}
			}
		}
	}
}

// eachType calls fn for every type node of f: declarations, their nested
// uses, and the uses in errors and namespaces.
func eachType(f *File, fn func(*Type)) {
	var visit func(t *Type, depth int)
	visitFields := func(fields []*Field, depth int) {
		for _, fd := range fields {
			visit(fd.Type, depth+1)
		}
	}
	visit = func(t *Type, depth int) {
		if t == nil || depth > 64 {
			return
		}
		fn(t)
		visit(t.Elem, depth+1)
		if t.Name == "" {
			return // fields and variants belong to declarations
		}
		visitFields(t.Fields, depth)
		for _, v := range t.Variants {
			visit(v.Type, depth+1)
		}
	}
	for _, t := range f.Types {
		visit(t, 0)
	}
	for _, e := range f.Errors {
		visit(e.Details, 0)
	}
	for _, ns := range f.Namespaces {
		visit(ns.Auth, 0)
		for _, ev := range ns.Events {
			visit(ev.Payload, 0)
			visit(ev.Ack, 0)
			visitFields(ev.Args, 0)
			visitFields(ev.AckArgs, 0)
		}
	}
}
