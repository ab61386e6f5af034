package genfile

import "github.com/siogen/siogen/schema"

// Unresolved returns the positions of unresolved or invalid types in set,
// as "file:line:col: what". A set loaded without error diagnostics has
// none; generators rely on that.
func Unresolved(set *schema.Set) []string {
	var bad []string
	var walk func(t *schema.Type)
	walk = func(t *schema.Type) {
		for ; t != nil; t = t.Elem {
			switch {
			case t.Kind == schema.KindRef && t.Target == nil:
				bad = append(bad, t.Pos.String()+": unresolved type "+t.Ref)
			case t.Kind == schema.KindInvalid:
				bad = append(bad, t.Pos.String()+": invalid type")
			}
		}
	}
	fields := func(fs []*schema.Field) {
		for _, f := range fs {
			walk(f.Type)
		}
	}
	for _, f := range set.Files {
		for _, t := range f.Types {
			walk(t)
			fields(t.Fields)
			for _, v := range t.Variants {
				walk(v.Type)
			}
		}
		for _, e := range f.Errors {
			walk(e.Details)
		}
		for _, ns := range f.Namespaces {
			walk(ns.Auth)
			for _, ev := range ns.Events {
				walk(ev.Payload)
				walk(ev.Ack)
				fields(ev.Args)
				fields(ev.AckArgs)
				for _, r := range ev.Errors {
					if r.Target == nil {
						bad = append(bad, r.Pos.String()+": undeclared error "+r.Name)
					}
				}
			}
		}
	}
	return bad
}
