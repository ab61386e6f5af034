package example_test

import (
	"regexp"
	"testing"

	"github.com/siogen/siogen/gen/internal/example"
	"github.com/siogen/siogen/gen/internal/goldentest"
	"github.com/siogen/siogen/gen/internal/ojson"
	"github.com/siogen/siogen/gen/jsonschemagen"
	"github.com/siogen/siogen/runtime/siovalidate"
	"github.com/siogen/siogen/schema"
)

// TestExamplesValidate makes an example of every type, payload, ack,
// declared error and auth of the example contracts and of jsonschemagen's
// edge cases, and validates each against the JSON Schema document
// jsonschemagen writes for it.
func TestExamplesValidate(t *testing.T) {
	t.Parallel()
	inputs := []struct {
		name, dir string
		files     []string
	}{
		{"examples", "../../../examples/schemas", []string{"chat.siogen.yaml", "notifications.siogen.yaml", "dashboard.siogen.yaml", "bench.siogen.yaml"}},
		{"edge", "../../jsonschemagen/testdata/edge/in", []string{"edge.siogen.yaml"}},
		{"tree", "testdata", []string{"tree.siogen.yaml"}},
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			t.Parallel()
			set := goldentest.Load(t, in.dir, in.files...)
			files, err := jsonschemagen.Generate(set, jsonschemagen.Options{})
			if err != nil {
				t.Fatal(err)
			}
			docs := make([][]byte, len(files))
			for i, f := range files {
				docs[i] = f.Content
			}
			v, err := siovalidate.New(docs...)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			check := func(path string, value any) {
				t.Helper()
				if path == "" || value == nil {
					return
				}
				n++
				data, err := ojson.Encode(value)
				if err != nil {
					t.Fatal(err)
				}
				if bad := v.Validate(jsonschemagen.ID("", path), data); len(bad) > 0 {
					t.Errorf("%s: example %s is invalid: %v", path, data, bad)
				}
			}
			for _, f := range set.Files {
				for _, ty := range f.Types {
					check(jsonschemagen.TypePath(ty), example.Of(ty, ty.Name))
				}
				for _, ns := range f.Namespaces {
					if ns.Auth != nil {
						check(jsonschemagen.AuthPath(ns), example.Of(ns.Auth, "auth"))
					}
					for _, ev := range ns.Events {
						check(jsonschemagen.PayloadPath(ev), example.Payload(ev))
						check(jsonschemagen.AckPath(ev), example.Ack(ev))
						if ev.AckStyle == schema.AckEnvelope {
							for _, r := range ev.Errors {
								check(jsonschemagen.AckPath(ev), example.Error(r.Target))
							}
						}
					}
				}
			}
			if n < 2 {
				t.Errorf("checked only %d examples", n)
			}
		})
	}
}

// TestStringConstraints checks examples of strings against patterns and
// lengths that the hint alone does not satisfy.
func TestStringConstraints(t *testing.T) {
	t.Parallel()
	i := func(n int64) *int64 { return &n }
	cases := []struct {
		hint string
		c    schema.Constraints
	}{
		{"room", schema.Constraints{Pattern: `^[a-z0-9][a-z0-9-]*$`}},
		{"color", schema.Constraints{Pattern: `^#[0-9a-f]{6}$`}},
		{"Name", schema.Constraints{Pattern: `^[A-Z][a-z]+$`}},
		{"code", schema.Constraints{Pattern: `^(ab|cd)+x\d{2}$`}},
		{"nick", schema.Constraints{MinLength: i(8), MaxLength: i(10)}},
		{"a-very-long-hint", schema.Constraints{MaxLength: i(3)}},
		{"id", schema.Constraints{Format: "uuid", Pattern: `^[0-9a-f-]+$`}},
	}
	for _, c := range cases {
		got, _ := example.Of(&schema.Type{Kind: schema.KindString, Constraints: c.c}, c.hint).(string)
		if c.c.Pattern != "" && !regexp.MustCompile(c.c.Pattern).MatchString(got) {
			t.Errorf("%q with pattern %s: %q does not match", c.hint, c.c.Pattern, got)
		}
		n := int64(len([]rune(got)))
		if (c.c.MinLength != nil && n < *c.c.MinLength) || (c.c.MaxLength != nil && n > *c.c.MaxLength) {
			t.Errorf("%q: %q breaks the length bounds", c.hint, got)
		}
	}
}
