package ojson_test

import (
	"testing"

	"github.com/siogen/siogen/gen/internal/ojson"
)

func TestRoundTripKeepsOrder(t *testing.T) {
	t.Parallel()
	const in = `{"z":1,"a":{"y":[true,null,"<&>"],"b":1.50},"m":[]}`
	v, err := ojson.Decode([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ojson.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"z\": 1,\n  \"a\": {\n    \"y\": [\n      true,\n      null,\n      \"<&>\"\n    ],\n    \"b\": 1.50\n  },\n  \"m\": []\n}\n"
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestObject(t *testing.T) {
	t.Parallel()
	o := ojson.New().Set("b", 1).Set("a", 2).Set("b", 3).SetNonEmpty("c", "")
	o.Delete("a")
	o.Delete("nope")
	b, err := o.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"b":3}` || o.Len() != 1 {
		t.Errorf("got %s (len %d), want {\"b\":3}", b, o.Len())
	}
	for _, bad := range []string{`{"a":1} x`, `{"a":`, `[1,]`} {
		if _, err := ojson.Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%q) succeeded", bad)
		}
	}
}
