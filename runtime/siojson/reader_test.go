package siojson_test

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/siogen/siogen/runtime/siojson"
)

// readInt decodes data as one int64 in [lo, hi].
func readInt(data string, lo, hi int64) (int64, []siojson.Violation) {
	return siojson.Decode([]byte(data), nil, func(r *siojson.Reader) int64 {
		n, _ := r.Int(lo, hi)
		return n
	})
}

func TestInt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"-0", 0, true},
		{"1.0", 1, true},
		{"1e3", 1000, true},
		{"1E+3", 1000, true},
		{"1.5e1", 15, true},
		{"12345678901234567890e-1", 1234567890123456789, true},
		{"9007199254740993", 9007199254740993, true}, // 2^53+1, exact
		{"9223372036854775807", math.MaxInt64, true},
		{"-9223372036854775808", math.MinInt64, true},
		{"9223372036854775807.000", math.MaxInt64, true},
		{"0.0e5", 0, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"1e19", 0, false},
		{"1e999999999", 0, false},
		{"1e-999999999", 0, false},
		{"0e999999999", 0, true},
		{"1.5", 0, false},
		{"1e-1", 0, false},
		{`"1"`, 0, false},
		{"true", 0, false},
		{"null", 0, false},
	} {
		got, vs := readInt(c.in, math.MinInt64, math.MaxInt64)
		if (vs == nil) != c.ok || c.ok && got != c.want {
			t.Errorf("Int(%s) = %d, %v; want %d, ok %v", c.in, got, vs, c.want, c.ok)
		}
	}
	if _, vs := readInt("6", -5, 5); len(vs) != 1 || vs[0].Message != "must be at most 5, got 6" {
		t.Errorf("bound: %v", vs)
	}
}

func TestSkipChecksJSON(t *testing.T) {
	t.Parallel()
	// Decode reads an object whose every member is unknown: Skip judges the
	// text, and must agree with jsontext on what is JSON.
	for _, in := range []string{
		`{"a":[1,{"b":[]},"x\u0041",true,false,null,-1.5e3]}`,
		`{"a":{}}`, `{"a":[]}`, `{"a":[1,]}`, `{"a":{"b"}}`, `{"a":[1 2]}`, `{"a":01}`,
		`{"a":"\x"}`, `{"a":tru}`, `{"a":[[[[]]]]}`, `{"a":{"b":{"c":1},}}`, `{"a":1}x`,
	} {
		_, vs := siojson.Decode([]byte(in), nil, func(r *siojson.Reader) struct{} {
			if r.BeginObject() {
				for r.More() {
					r.Name()
					r.Ignore()
				}
				r.EndObject()
			}
			return struct{}{}
		})
		valid := jsontext.Value(in).IsValid()
		if (vs == nil) != valid {
			t.Errorf("%s: violations %v, jsontext valid %v", in, vs, valid)
		}
	}
}

func TestTime(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{`"2024-05-01T12:00:00Z"`, time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), true},
		{`"2024-05-01t12:00:00z"`, time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC), true},
		{`"2016-12-31T23:59:60Z"`, time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{`"2024-05-01T12:00:00.123456789999+02:00"`, time.Date(2024, 5, 1, 10, 0, 0, 123456789, time.UTC), true},
		{`"2016-12-31T22:59:60Z"`, time.Time{}, false},
		{`"2024-02-30T00:00:00Z"`, time.Time{}, false},
		{`"2024-05-01T24:00:00Z"`, time.Time{}, false},
		{`"2024-05-01T12:00:00"`, time.Time{}, false},
		{`"2024-05-01 12:00:00Z"`, time.Time{}, false},
	} {
		got, vs := siojson.Decode([]byte(c.in), nil, func(r *siojson.Reader) time.Time {
			tm, _ := r.Time()
			return tm
		})
		if (vs == nil) != c.ok || c.ok && !got.Equal(c.want) {
			t.Errorf("Time(%s) = %v, %v; want %v, ok %v", c.in, got, vs, c.want, c.ok)
		}
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		format, in string
		ok         bool
	}{
		{"uri", "https://example.com/a?b#c", true},
		{"uri", "https://exämple.com/", false},
		{"uri", "/relative", false},
		{"uri", "http://[::1]/", true},
		{"uuid", "6f1c2a7e-3b1d-4b8e-9a51-2f3c4d5e6f70", true},
		{"uuid", "6f1c2a7e-3b1d-4b8e-9a51-2f3c4d5e6f7", false},
		{"email", "a.b+c@example.com", true},
		{"email", "a@b@", false},
		{"hostname", "example.com.", true},
		{"hostname", "ex_ample.com", false},
		{"ipv4", "255.255.255.255", true},
		{"ipv4", "256.1.1.1", false},
		{"ipv6", "2001:db8::1", true},
		{"ipv6", "1.2.3.4", false},
		{"date", "2024-02-29", true},
		{"date", "2023-02-29", false},
	} {
		_, vs := siojson.Decode([]byte(`"`+c.in+`"`), nil, func(r *siojson.Reader) struct{} {
			if s, ok := r.String(); ok {
				r.CheckFormat(s, c.format)
			}
			return struct{}{}
		})
		if (vs == nil) != c.ok {
			t.Errorf("%s %q: %v, want ok %v", c.format, c.in, vs, c.ok)
		}
	}
}

// TestDecodePrefix checks the strict, in-place read the runtime uses for
// an event's first argument: it stops after the value, and it refuses,
// as the packet parser does, invalid UTF-8 and nesting deeper than the
// limit, empty containers and skipped values included; Decode, lenient,
// accepts both.
func TestDecodePrefix(t *testing.T) {
	t.Parallel()
	skip := func(r *siojson.Reader) struct{} { r.Skip(); return struct{}{} }
	object := func(r *siojson.Reader) struct{} {
		if r.BeginObject() {
			for r.More() {
				r.Name()
				r.Skip()
			}
			r.EndObject()
		}
		return struct{}{}
	}
	nest := func(n int, inner string) string {
		return strings.Repeat("[", n) + inner + strings.Repeat("]", n)
	}
	for _, c := range []struct {
		name  string
		in    string
		read  siojson.ReadFunc[struct{}]
		depth int
		end   int // -1: refused
	}{
		{"value then more", `{"a":1},{"b":2}]`, object, 4, 7},
		{"string then bracket", `"x" ]`, skip, 4, 3},
		{"depth at the limit", nest(4, "1") + "]", skip, 4, 9},
		{"depth over the limit", nest(5, "1") + "]", skip, 4, -1},
		{"empty container over the limit", nest(4, "[]") + "]", skip, 4, -1},
		{"skipped member at the limit", `{"a":` + nest(3, "1") + `}]`, object, 4, 13},
		{"skipped member over the limit", `{"a":` + nest(4, "1") + `}]`, object, 4, -1},
		{"invalid utf-8", "\"\xff\"]", skip, 4, -1},
		{"invalid utf-8 in a name", "{\"\xc3\":1}]", object, 4, -1},
		{"truncated", `{"a":1`, object, 4, -1},
	} {
		_, end, vs := siojson.DecodePrefix([]byte(c.in), nil, c.read, c.depth)
		if c.end < 0 {
			if vs == nil {
				t.Errorf("%s: DecodePrefix(%q) accepted, ending at %d", c.name, c.in, end)
			}
			continue
		}
		if vs != nil || end != c.end {
			t.Errorf("%s: DecodePrefix(%q) = end %d, %v; want end %d", c.name, c.in, end, vs, c.end)
		}
	}
	// Decode keeps its leniency: invalid UTF-8 reads as U+FFFD.
	if _, vs := siojson.Decode([]byte("\"\xff\""), nil, skip); vs != nil {
		t.Errorf("Decode of invalid UTF-8: %v", vs)
	}
}
