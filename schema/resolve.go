package schema

import (
	"strings"
)

// resolve sets the default import aliases and resolves the type and error
// references of every file of set.
func resolve(set *Set, d *diags) {
	idx := newIndex()
	for _, f := range set.Files {
		if f.state == nil {
			continue
		}
		aliases := make(map[string]*Import)
		for _, im := range f.Imports {
			if im.Alias == "" && im.File != nil {
				im.Alias = im.File.Package
			}
			if im.Alias == "" {
				continue
			}
			if prev, dup := aliases[im.Alias]; dup {
				d.errorf(im.Pos, CodeDuplicateName, "import alias %q is already used by the import at %s; set as: to tell them apart", im.Alias, prev.Pos)
				im.Used = true // unreachable; do not also warn that it is unused
				continue
			}
			aliases[im.Alias] = im
		}
		r := resolver{f: f, d: d, aliases: aliases, idx: idx}
		for _, t := range f.state.refs {
			r.typeRef(t)
		}
		for _, ref := range f.state.errRefs {
			r.errorRef(ref)
		}
	}
}

type resolver struct {
	f       *File
	d       *diags
	aliases map[string]*Import
	idx     *index
}

// index holds per-file lookup tables shared by all resolvers of a set, so
// that resolution stays linear in the number of references.
type index struct {
	types      map[*File]map[string]*Type
	errors     map[*File]map[string]*ErrorDef
	candidates map[*File][]string // type names for suggestions, nil when too many
}

func newIndex() *index {
	return &index{
		types:      make(map[*File]map[string]*Type),
		errors:     make(map[*File]map[string]*ErrorDef),
		candidates: make(map[*File][]string),
	}
}

func (x *index) typ(f *File, name string) *Type {
	m, ok := x.types[f]
	if !ok {
		m = make(map[string]*Type, len(f.Types))
		for _, t := range f.Types {
			if _, dup := m[t.Name]; !dup {
				m[t.Name] = t
			}
		}
		x.types[f] = m
	}
	return m[name]
}

func (x *index) err(f *File, name string) *ErrorDef {
	m, ok := x.errors[f]
	if !ok {
		m = make(map[string]*ErrorDef, len(f.Errors))
		for _, e := range f.Errors {
			if _, dup := m[e.Name]; !dup {
				m[e.Name] = e
			}
		}
		x.errors[f] = m
	}
	return m[name]
}

// typeNames returns the type names of f for suggestions; nil when there
// are too many to search.
func (x *index) typeNames(f *File) []string {
	if c, ok := x.candidates[f]; ok {
		return c
	}
	var c []string
	if len(f.Types) <= maxSuggestCandidates {
		for _, t := range f.Types {
			c = append(c, t.Name)
		}
	}
	x.candidates[f] = c
	return c
}

// scope returns the file a reference points into and the local name. ok is
// false when the reference cannot be resolved and nothing more should be
// said (the import failed to load); file is nil when the alias is unknown.
func (r *resolver) scope(pos Pos, ref string) (file *File, name string, ok bool) {
	alias, name, qualified := strings.Cut(ref, ".")
	if !qualified {
		return r.f, ref, true
	}
	im := r.aliases[alias]
	if im == nil {
		var known []string
		if len(r.aliases) <= maxSuggestCandidates {
			known = sortedKeys(r.aliases)
		}
		r.d.errorf(pos, CodeUnresolved, "%q: no import is named %q%s", ref, alias, didYouMean(alias, known))
		return nil, name, false
	}
	im.Used = true
	if im.File == nil {
		return nil, name, false
	}
	return im.File, name, true
}

func (r *resolver) typeRef(t *Type) {
	file, name, ok := r.scope(t.Pos, t.Ref)
	if !ok {
		return
	}
	if target := r.idx.typ(file, name); target != nil {
		t.Target = target
		return
	}
	candidates := r.idx.typeNames(file)
	where := ""
	if file == r.f {
		candidates = append(builtinNames[:len(builtinNames):len(builtinNames)], candidates...)
	} else {
		where = " in " + file.Path
	}
	r.d.errorf(t.Pos, CodeUnresolved, "unknown type %q%s%s", t.Ref, where, didYouMean(name, candidates))
}

func (r *resolver) errorRef(ref *ErrorRef) {
	file, name, ok := r.scope(ref.Pos, ref.Name)
	if !ok {
		return
	}
	if target := r.idx.err(file, name); target != nil {
		ref.Target = target
		return
	}
	var candidates []string
	if len(file.Errors) <= maxSuggestCandidates {
		for _, e := range file.Errors {
			candidates = append(candidates, e.Name)
		}
	}
	r.d.errorf(ref.Pos, CodeUndeclared, "error %q is not declared in %s's errors%s", ref.Name, file.Path, didYouMean(name, candidates))
}
