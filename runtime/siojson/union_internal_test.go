package siojson

import "testing"

func TestMarshalUnion(t *testing.T) {
	t.Parallel()
	type image struct {
		URL string `json:"url"`
		Alt string `json:"alt,omitempty"`
	}
	for _, c := range []struct {
		v    any
		want string
	}{
		{image{URL: "u<"}, `{"kind":"image","url":"u<"}`},
		{struct{}{}, `{"kind":"image"}`},
	} {
		got, err := MarshalUnion("kind", "image", c.v)
		if err != nil || string(got) != c.want {
			t.Errorf("MarshalUnion(%v) = %s, %v; want %s", c.v, got, err, c.want)
		}
		tag, err := UnionTag(got, "kind")
		if err != nil || tag != "image" {
			t.Errorf("UnionTag(%s) = %q, %v", got, tag, err)
		}
	}
	if _, err := MarshalUnion("kind", "x", 3); err == nil {
		t.Error("a non-object variant was accepted")
	}
	for _, bad := range []string{`[]`, `{"a":1}`, `{"kind":1}`, `{`} {
		if _, err := UnionTag([]byte(bad), "kind"); err == nil {
			t.Errorf("UnionTag(%s) succeeded", bad)
		}
	}
	if tag, err := UnionTag([]byte(`{"a":{"kind":"no"},"kind":"yes"}`), "kind"); err != nil || tag != "yes" {
		t.Errorf("nested member taken for the discriminator: %q %v", tag, err)
	}
}
