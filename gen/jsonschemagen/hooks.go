package jsonschemagen

import (
	"fmt"
	"strings"

	"github.com/siogen/siogen/schema"
)

// IDFunc returns a function naming the $id of a document by package, kind
// and name, the form gen/gogen asks for (gogen.Options.SchemaID):
//
//	kind "type"     name = the type's name ("Message")
//	kind "payload"  name = namespace Go name + "/" + event wire name ("Chat/message:send")
//	kind "ack"      same name as "payload"
//	kind "auth"     name = namespace Go name ("Chat")
//
// It returns "" for anything that has no document (an event without
// payload, a plain ack without arguments, an unknown name).
func IDFunc(set *schema.Set, opts Options) func(pkg, kind, name string) string {
	ids := map[[3]string]string{}
	for _, f := range set.Files {
		pkg := f.Package
		for _, t := range f.Types {
			ids[[3]string{pkg, "type", t.Name}] = ID(opts.BaseID, TypePath(t))
		}
		for _, ns := range f.Namespaces {
			ids[[3]string{pkg, "auth", ns.GoName}] = ID(opts.BaseID, AuthPath(ns))
			for _, ev := range ns.Events {
				name := ns.GoName + "/" + ev.Name
				ids[[3]string{pkg, "payload", name}] = ID(opts.BaseID, PayloadPath(ev))
				ids[[3]string{pkg, "ack", name}] = ID(opts.BaseID, AckPath(ev))
			}
		}
	}
	return func(pkg, kind, name string) string { return ids[[3]string{pkg, kind, name}] }
}

// PackageDocuments returns, for each file's package, the encoded documents
// a validator for that package needs: its own and those of every file it
// imports, directly or not (its documents refer to theirs), sorted by
// path. It is what generated Go embeds (gogen.Options.Schemas).
func PackageDocuments(set *schema.Set, opts Options) (map[string][][]byte, error) {
	byPkg := map[string][]Document{}
	for _, d := range Documents(set, opts) {
		pkg, _, _ := strings.Cut(d.Path, "/")
		byPkg[pkg] = append(byPkg[pkg], d)
	}
	out := make(map[string][][]byte, len(set.Files))
	for _, f := range set.Files {
		var docs [][]byte
		for _, dep := range closure(f) {
			for _, d := range byPkg[dep.Package] {
				b, err := Encode(d.Schema)
				if err != nil {
					return nil, fmt.Errorf("failed to encode %s: %w", d.Path, err)
				}
				docs = append(docs, b)
			}
		}
		out[f.Package] = docs
	}
	return out, nil
}

// closure returns f and every file it imports, transitively, f first and
// the others in the order they are first reached.
func closure(f *schema.File) []*schema.File {
	seen := map[*schema.File]bool{f: true}
	out := []*schema.File{f}
	for i := 0; i < len(out); i++ {
		for _, im := range out[i].Imports {
			if im.File != nil && !seen[im.File] {
				seen[im.File] = true
				out = append(out, im.File)
			}
		}
	}
	return out
}
