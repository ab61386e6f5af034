package siovalidate

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/siogen/siogen/runtime/sio"
)

// Validator validates payloads against compiled JSON Schema documents. It
// implements [sio.Validator].
//
// A Validator is immutable once [New] returns it and safe for concurrent
// use by any number of goroutines.
type Validator struct {
	schemas map[string]*jsonschema.Schema
}

var _ sio.Validator = (*Validator)(nil)

// Error is the error [New] and [NewFS] return: a document that cannot be
// read or compiled. Match it with errors.As.
type Error struct {
	// ID is the $id of the document, or its file name when it has none.
	ID string
	// Err is the cause.
	Err error
}

// Error implements error.
func (e *Error) Error() string { return "siovalidate: " + e.ID + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New compiles the JSON Schema 2020-12 documents docs, each a JSON object
// with an absolute "$id" (as gen/jsonschemagen writes them). Documents may
// refer to each other by $id or by references relative to it; every
// referenced document must be among docs (nothing is fetched). Formats are
// asserted. It returns an [*Error] for the first document that does not
// parse, lacks an $id, repeats one, or does not compile.
func New(docs ...[]byte) (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(noLoader{})
	ids := make([]string, 0, len(docs))
	for i, doc := range docs {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		if err != nil {
			return nil, &Error{ID: fmt.Sprintf("document %d", i), Err: fmt.Errorf("failed to parse: %w", err)}
		}
		obj, _ := v.(map[string]any)
		id, _ := obj["$id"].(string)
		if id == "" || !strings.Contains(id, "://") {
			return nil, &Error{ID: fmt.Sprintf("document %d", i), Err: errors.New("needs an absolute \"$id\"")}
		}
		if slices.Contains(ids, id) {
			return nil, &Error{ID: id, Err: errors.New("two documents have this $id")}
		}
		if err := c.AddResource(id, v); err != nil {
			return nil, &Error{ID: id, Err: err}
		}
		ids = append(ids, id)
	}
	val := &Validator{
		schemas: make(map[string]*jsonschema.Schema, len(ids)),
	}
	for _, id := range ids {
		s, err := c.Compile(id)
		if err != nil {
			return nil, &Error{ID: id, Err: fmt.Errorf("failed to compile: %w", err)}
		}
		val.schemas[id] = s
	}
	return val, nil
}

// NewFS compiles every "*.json" file under fsys with [New], for a
// directory written by siogen (outputs.jsonschema.dir) or embedded with
// go:embed.
func NewFS(fsys fs.FS) (*Validator, error) {
	var docs [][]byte
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return &Error{ID: p, Err: err}
		}
		docs = append(docs, b)
		return nil
	})
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, &Error{ID: ".", Err: err}
	}
	return New(docs...)
}

// IDs returns the $ids of the compiled documents, sorted.
func (v *Validator) IDs() []string {
	ids := make([]string, 0, len(v.schemas))
	for id := range v.schemas {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Has reports whether a document with the given $id was compiled.
func (v *Validator) Has(id string) bool {
	_, ok := v.schemas[id]
	return ok
}

// Validate reports the violations of data, the raw JSON of one payload,
// against the document with the given $id: nil when data is valid, one
// [sio.Violation] per problem otherwise, each with a JSON pointer to the
// offending value. Numbers are compared exactly (they are not converted
// to float64). An unknown id or data that is not one JSON value gives a
// single violation at path "" saying so.
func (v *Validator) Validate(id string, data []byte) []sio.Violation {
	s, ok := v.schemas[id]
	if !ok {
		return []sio.Violation{{Path: "", Message: fmt.Sprintf("no schema has $id %q", id)}}
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return []sio.Violation{{Path: "", Message: "invalid JSON: " + err.Error()}}
	}
	err = s.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []sio.Violation{{Path: "", Message: err.Error()}}
	}
	return flatten(ve)
}

// noLoader refuses to fetch documents: every referenced document must be
// given to New, so compiling never touches the network or the disk.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("document %s was not given to siovalidate.New", url)
}

// MustCompile is [New] for documents known to be valid, given as strings,
// such as documents embedded in a program. It panics with the [*Error] New returns; a panic here means the generated
// code and its documents were edited by hand or are out of sync.
func MustCompile(docs ...string) *Validator {
	b := make([][]byte, len(docs))
	for i, d := range docs {
		b[i] = []byte(d)
	}
	v, err := New(b...)
	if err != nil {
		panic(err)
	}
	return v
}
