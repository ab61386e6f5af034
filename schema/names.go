package schema

import (
	"fmt"

	"github.com/siogen/siogen/internal/naming"
)

// assignNames fills the Go and TS names that no override set.
func assignNames(set *Set) {
	for _, f := range set.Files {
		for _, t := range f.Types {
			setNames(&t.GoName, &t.TSName, t.Name)
			for _, v := range t.Values {
				if len(naming.Words(v.Value)) == 0 {
					continue // named by go_name and ts_name only; checkEnum reports a missing one
				}
				if v.GoName == "" {
					v.GoName = naming.GoPrefixed(t.GoName, v.Value)
				}
				if v.TSName == "" {
					v.TSName = naming.TSType(v.Value)
				}
			}
			fieldNames(t.Fields)
			for _, v := range t.Variants {
				setNames(&v.GoName, &v.TSName, v.Tag)
			}
		}
		for _, e := range f.Errors {
			setNames(&e.GoName, &e.TSName, e.Name)
			if e.Code == "" {
				e.Code = naming.SnakeCase(e.Name)
			}
		}
		for _, ns := range f.Namespaces {
			setNames(&ns.GoName, &ns.TSName, nsSynthPrefix(ns.Path))
			for _, ev := range ns.Events {
				setNames(&ev.GoName, &ev.TSName, ev.Name)
				fieldNames(ev.Args)
				fieldNames(ev.AckArgs)
			}
		}
	}
}

func setNames(goName, tsName *string, name string) {
	if *goName == "" {
		*goName = naming.GoExported(name)
	}
	if *tsName == "" {
		*tsName = naming.TSType(name)
	}
}

func fieldNames(fields []*Field) {
	for _, f := range fields {
		if f.GoName == "" {
			f.GoName = naming.GoExported(f.Name)
		}
		if f.TSName == "" {
			f.TSName = f.Name
		}
	}
}

// nameTable detects names that collide after conversion.
type nameTable struct {
	c     *checker
	lang  string // "Go" or "TypeScript"
	key   string // the override key to suggest: go_name or ts_name
	code  Code
	names map[string]nameUse
}

type nameUse struct {
	what  string
	pos   Pos
	owner *Type // the enum of an enum constant, else nil
}

func (c *checker) table(lang string, code Code) *nameTable {
	key := "go_name"
	if lang == "TypeScript" {
		key = "ts_name"
	}
	return &nameTable{c: c, lang: lang, key: key, code: code, names: make(map[string]nameUse)}
}

// add records name for what at pos, reporting a collision with an earlier
// entry.
func (nt *nameTable) add(name, what string, pos Pos) {
	if name == "" {
		return
	}
	if prev, ok := nt.names[name]; ok {
		nt.c.d.errorf(pos, nt.code, "%s and %s (%s) both become %s name %q; set %s on one of them",
			what, prev.what, prev.pos, nt.lang, name, nt.key)
		return
	}
	nt.names[name] = nameUse{what: what, pos: pos}
}

// goName reports a Go name that generated code cannot use.
func (c *checker) goName(name, what string, pos Pos) {
	if name == "" {
		return
	}
	if !naming.ValidGo(name) || !naming.IsExported(name) {
		c.d.errorf(pos, CodeInvalidName, "%s has Go name %q, which is not an exported ASCII Go identifier; set go_name", what, name)
	}
}

// tsName reports a TypeScript name that generated code cannot use.
func (c *checker) tsName(name, what string, pos Pos, global bool) {
	if name == "" {
		return
	}
	switch {
	case !naming.ValidTS(name):
		c.d.errorf(pos, CodeInvalidName, "%s has TypeScript name %q, which is not a valid TypeScript identifier; set ts_name", what, name)
	case global && naming.IsTSGlobal(name):
		c.d.errorf(pos, CodeReservedName, "%s has TypeScript name %q, which would shadow the global %s; set ts_name", what, name, name)
	}
}

// checkFileNames checks the package-level names of f: types, errors and
// enum constants share one Go scope and one TypeScript scope.
func (c *checker) checkFileNames(f *File) {
	goNames := c.table("Go", CodeNameCollision)
	tsNames := c.table("TypeScript", CodeNameCollision)
	declared := make(map[string]*Type)
	for _, t := range f.Types {
		what := fmt.Sprintf("type %s", t.Name)
		if prev := declared[t.Name]; prev != nil && t.Name != "" {
			c.d.errorf(t.Pos, CodeDuplicateName, "%s is declared twice (first at %s)%s", what, prev.Pos, inlineHint(t, prev))
			continue
		}
		declared[t.Name] = t
		c.goName(t.GoName, what, t.Pos)
		c.tsName(t.TSName, what, t.Pos, !contains(builtinNames, t.Name))
		goNames.add(t.GoName, what, t.Pos)
		tsNames.add(t.TSName, what, t.Pos)
	}
	for _, e := range f.Errors {
		what := fmt.Sprintf("error %s", e.Name)
		c.goName(e.GoName, what, e.Pos)
		c.tsName(e.TSName, what, e.Pos, true)
		goNames.add(e.GoName, what, e.Pos)
		tsNames.add(e.TSName, what, e.Pos)
	}
	for _, t := range f.Types {
		for _, v := range t.Values {
			what := fmt.Sprintf("enum value %q of %s", v.Value, t.Name)
			c.goName(v.GoName, what, v.Pos)
			if v.GoName == "" {
				continue
			}
			if prev, ok := goNames.names[v.GoName]; ok {
				// Collisions inside the enum are enum-collision, reported
				// by checkEnum; here only clashes with other declarations.
				if prev.owner != t {
					goNames.add(v.GoName, what, v.Pos)
				}
				continue
			}
			goNames.names[v.GoName] = nameUse{what: what, pos: v.Pos, owner: t}
		}
	}
}

func inlineHint(t, prev *Type) string {
	if t.Inline || prev.Inline {
		return "; an inline definition is named after its place, declare it as a named type instead"
	}
	return ""
}
