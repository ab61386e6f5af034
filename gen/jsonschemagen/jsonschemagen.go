package jsonschemagen

import (
	"fmt"
	"path"

	"github.com/invopop/jsonschema"

	"github.com/siogen/siogen/gen/internal/genfile"
	"github.com/siogen/siogen/schema"
)

// Options configure [Documents] and [Generate]. The zero Options are valid.
type Options struct {
	// BaseID is the prefix of every $id, an absolute URI ending in "/".
	// Empty means [DefaultBaseID].
	BaseID string
}

// Document is one generated JSON Schema document.
type Document struct {
	// Path is the document's slash-separated path under the output
	// directory, such as "chat/Message.json".
	Path string
	// ID is the document's $id: [Options.BaseID] followed by Path.
	ID string
	// Schema is the document as an invopop/jsonschema value.
	Schema *jsonschema.Schema
}

// Documents returns the documents of every file of set, sorted by path:
// one per named type (declared or inline), then per event payload, event
// ack and namespace auth (see [PayloadPath], [AckPath], [AuthPath]).
// References between documents are relative URI references, so the
// documents resolve against their $ids and against their files alike.
func Documents(set *schema.Set, opts Options) []Document {
	var docs []Document
	add := func(p, title, desc string, dep schema.Deprecation, build func(*builder) *jsonschema.Schema) {
		s := build(&builder{dir: path.Dir(p)})
		if title != "" {
			s.Title = title
		}
		describe(s, desc, dep)
		id := ID(opts.BaseID, p)
		s.Version = jsonschema.Version
		s.ID = jsonschema.ID(id)
		s.Comments = genfile.Marker
		docs = append(docs, Document{Path: p, ID: id, Schema: s})
	}
	for _, f := range set.Files {
		for _, t := range f.Types {
			add(TypePath(t), "", "", schema.Deprecation{}, func(b *builder) *jsonschema.Schema { return b.decl(t) })
		}
		for _, ns := range f.Namespaces {
			if p := AuthPath(ns); p != "" {
				add(p, fmt.Sprintf("%s auth", ns.Path), "The CONNECT auth payload of namespace "+ns.Path+".",
					schema.Deprecation{}, func(b *builder) *jsonschema.Schema { return b.use(ns.Auth) })
			}
			for _, ev := range ns.Events {
				if p := PayloadPath(ev); p != "" {
					add(p, fmt.Sprintf("%s %s payload", ns.Path, ev.Name), ev.Description, ev.Deprecation,
						func(b *builder) *jsonschema.Schema { return b.payload(ev) })
				}
				if p := AckPath(ev); p != "" {
					add(p, fmt.Sprintf("%s %s ack", ns.Path, ev.Name), "", schema.Deprecation{},
						func(b *builder) *jsonschema.Schema { return b.ack(ev) })
				}
			}
		}
	}
	return sortDocs(docs)
}

func sortDocs(docs []Document) []Document {
	files := make([]genfile.File, len(docs))
	byPath := make(map[string]Document, len(docs))
	for i, d := range docs {
		files[i] = genfile.File{Path: d.Path}
		byPath[d.Path] = d
	}
	genfile.Sort(files)
	out := make([]Document, len(files))
	for i, f := range files {
		out[i] = byPath[f.Path]
	}
	return out
}

// Generate returns the documents of [Documents] encoded as indented JSON,
// paths relative to the output directory, sorted by path. set must have
// been loaded without error diagnostics (gen.Generate checks this).
func Generate(set *schema.Set, opts Options) ([]genfile.File, error) {
	docs := Documents(set, opts)
	files := make([]genfile.File, 0, len(docs))
	for _, d := range docs {
		b, err := Encode(d.Schema)
		if err != nil {
			return nil, fmt.Errorf("failed to encode %s: %w", d.Path, err)
		}
		files = append(files, genfile.File{Path: d.Path, Content: b})
	}
	return files, nil
}
