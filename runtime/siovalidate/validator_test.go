package siovalidate_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siovalidate"
)

func TestSamples(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	for _, s := range samples(t) {
		t.Run(s.Name, func(t *testing.T) {
			got := v.Validate(baseID+s.Doc, s.Data)
			if (len(got) == 0) != s.Valid {
				t.Fatalf("valid = %v, want %v; violations: %v", len(got) == 0, s.Valid, got)
			}
			if s.Want == nil {
				t.Logf("violations: %v", got)
				return
			}
			want := make([]sio.Violation, len(s.Want))
			for i, w := range s.Want {
				want[i] = sio.Violation{Path: w.Path, Message: w.Message}
			}
			if !slices.Equal(got, want) {
				t.Errorf("violations:\n got  %q\n want %q", got, want)
			}
		})
	}
}

func TestUnknownIDAndBadJSON(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	got := v.Validate(baseID+"nope.json", []byte(`{}`))
	if len(got) != 1 || got[0].Path != "" {
		t.Errorf("unknown id: %v", got)
	}
	for _, data := range []string{``, `{`, `{} {}`, `nul`} {
		got := v.Validate(baseID+"chat/Chat/auth.json", []byte(data))
		if len(got) != 1 || got[0].Path != "" {
			t.Errorf("data %q: %v, want one violation at the root", data, got)
		}
	}
}

func TestEveryDocumentCompiles(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	if got, want := len(v.IDs()), len(docs(t)); got != want {
		t.Fatalf("compiled %d documents, generated %d", got, want)
	}
	for p := range docs(t) {
		if !v.Has(baseID + p) {
			t.Errorf("%s was not compiled", p)
		}
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	cases := map[string][]string{
		"bad json":        {`{`},
		"no id":           {`{"type":"string"}`},
		"relative id":     {`{"$id":"a.json"}`},
		"duplicate id":    {`{"$id":"https://x.test/a.json"}`, `{"$id":"https://x.test/a.json"}`},
		"missing ref":     {`{"$id":"https://x.test/a.json","$ref":"b.json"}`},
		"bad keyword":     {`{"$schema":"https://json-schema.org/draft/2020-12/schema","$id":"https://x.test/a.json","minLength":-1}`},
		"bad pattern":     {`{"$id":"https://x.test/a.json","pattern":"("}`},
		"not an object":   {`[]`},
		"id not a string": {`{"$id":1}`},
	}
	for name, docs := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b := make([][]byte, len(docs))
			for i, d := range docs {
				b[i] = []byte(d)
			}
			_, err := siovalidate.New(b...)
			var e *siovalidate.Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %v, want a *siovalidate.Error", err)
			}
			t.Log(err)
		})
	}
}

func TestNewFS(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{}
	for p, b := range docs(t) {
		fsys[p] = &fstest.MapFile{Data: b}
	}
	fsys["README.md"] = &fstest.MapFile{Data: []byte("not a schema")}
	v, err := siovalidate.NewFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Validate(baseID+"chat/Chat/auth.json", []byte(`{"token":"t","nickname":"n"}`)); got != nil {
		t.Errorf("valid auth: %v", got)
	}
}

// TestConcurrent validates from many goroutines; run with -race.
func TestConcurrent(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	ss := samples(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				s := ss[(g+i)%len(ss)]
				if got := v.Validate(baseID+s.Doc, s.Data); (len(got) == 0) != s.Valid {
					t.Errorf("%s: valid = %v", s.Name, len(got) == 0)
					return
				}
			}
		})
	}
	wg.Wait()
}

func ExampleValidator_Validate() {
	v, err := siovalidate.New([]byte(`{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"$id": "https://example.com/schemas/Join.json",
		"type": "object",
		"properties": {"room": {"type": "string", "minLength": 1}},
		"required": ["room"],
		"additionalProperties": false
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, viol := range v.Validate("https://example.com/schemas/Join.json", []byte(`{"room":"","x":1}`)) {
		fmt.Printf("%s: %s\n", viol.Path, viol.Message)
	}
	// Output:
	// /room: must be at least 1 characters long, got 0
	// /x: unknown property "x"
}

func TestMustCompile(t *testing.T) {
	t.Parallel()
	v := siovalidate.MustCompile(`{"$id":"https://x.test/a.json","type":"string"}`)
	if got := v.Validate("https://x.test/a.json", []byte(`1`)); len(got) != 1 {
		t.Errorf("violations = %v", got)
	}
	defer func() {
		var e *siovalidate.Error
		if err, _ := recover().(error); !errors.As(err, &e) {
			t.Errorf("MustCompile panicked with %v, want a *siovalidate.Error", err)
		}
	}()
	siovalidate.MustCompile(`{"type":"string"}`)
}
