package parser_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/siogen/siogen/runtime/internal/parser"
)

func TestSplitArray(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []string
	}{
		{`["foo"]`, []string{`"foo"`}},
		{`["hey","Jude"]`, []string{`"hey"`, `"Jude"`}},
		{`["a",1,{"x":[1,2]},null,true,false,-1.5e3,[]]`, []string{`"a"`, `1`, `{"x":[1,2]}`, `null`, `true`, `false`, `-1.5e3`, `[]`}},
		{" \n[ \"a\" ,\t{ } ] ", []string{`"a"`, `{ }`}},
		{`["\"]",","]`, []string{`"\"]"`, `","`}},
		{`[]`, nil},
		{`[ ]`, nil},
	}
	for _, tc := range tests {
		got, err := parser.SplitArray([]byte(tc.in))
		if err != nil {
			t.Errorf("SplitArray(%q): %v", tc.in, err)
			continue
		}
		if len(got) != len(tc.want) || (got == nil) != (tc.want == nil) {
			t.Errorf("SplitArray(%q) = %q, want %q", tc.in, got, tc.want)
			continue
		}
		for i := range got {
			if string(got[i]) != tc.want[i] {
				t.Errorf("SplitArray(%q)[%d] = %q, want %q", tc.in, i, got[i], tc.want[i])
			}
		}
		checkHelpers(t, []byte(tc.in))
	}
	for _, in := range []string{``, ` `, `{}`, `"x"`, `1`, `[1,`, `[1,]`, `[1]]`, `[1] 2`, "[\"\xff\"]"} {
		if got, err := parser.SplitArray([]byte(in)); err == nil {
			t.Errorf("SplitArray(%q) = %q, want error", in, got)
		} else if !isCode(err, parser.CodeJSON) && !isCode(err, parser.CodePayload) {
			t.Errorf("SplitArray(%q) error %v has an unexpected code", in, err)
		}
		checkHelpers(t, []byte(in))
	}
}

func TestSplitArrayDeep(t *testing.T) {
	t.Parallel()
	// The helpers have no depth limit and scan iteratively.
	deep := `[` + strings.Repeat(`[{"a":`, 100000) + `1` + strings.Repeat(`}]`, 100000) + `,2]`
	got, err := parser.SplitArray([]byte(deep))
	if err != nil || len(got) != 2 || string(got[1]) != "2" {
		t.Errorf("SplitArray(deep) = %d elements, %v", len(got), err)
	}
}

func TestUnquoteString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`"foo"`, "foo"},
		{` "foo" `, "foo"},
		{`""`, ""},
		{`"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t"},
		{`"\u0063onnect"`, "connect"},
		{`"\u00e9\u4e16"`, "é世"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\ud83d"`, "\ufffd"},
		{`"\ud83dx"`, "\ufffdx"},
		{`"\ude00\ud83d"`, "\ufffd\ufffd"},
		{`"\ud83d\u0041"`, "\ufffdA"},
		{`"😀é"`, "😀é"},
	}
	for _, tc := range tests {
		got, err := parser.UnquoteString([]byte(tc.in))
		if err != nil || got != tc.want {
			t.Errorf("UnquoteString(%s) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		checkHelpers(t, []byte(tc.in))
	}
	for _, in := range []string{``, `x`, `"x`, `"x" y`, `1`, `["x"]`, `"\x"`, "\"\xff\"", "\"a\tb\""} {
		if got, err := parser.UnquoteString([]byte(in)); err == nil {
			t.Errorf("UnquoteString(%q) = %q, want error", in, got)
		}
		checkHelpers(t, []byte(in))
	}
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	for _, i := range []int{0, 1, 9, 12345} {
		ph := parser.AppendPlaceholder([]byte("x"), i)[1:]
		num, ok := parser.ParsePlaceholder(ph)
		if !ok || num != i {
			t.Errorf("ParsePlaceholder(%s) = %d, %v; want %d, true", ph, num, ok, i)
		}
	}
	if got := string(parser.AppendPlaceholder(nil, 3)); got != `{"_placeholder":true,"num":3}` {
		t.Errorf("AppendPlaceholder(nil, 3) = %s", got)
	}

	parse := []struct {
		in   string
		num  int
		want bool
	}{
		{` { "num" : 2 , "_placeholder" : true } `, 2, true},
		{`{"\u005fplaceholder":true,"num":4}`, 4, true},
		{`{"_placeholder":true,"num":1,"x":{"_placeholder":true,"num":"bad"}}`, 1, true},
		{`{"_placeholder":false,"num":1}`, 0, false},
		{`{"_placeholder":true,"_placeholder":false,"num":1}`, 0, false},
		{`{"_placeholder":"true","num":1}`, 0, false},
		{`{"_placeholder":true,"num":-1}`, 0, false},
		{`{"_placeholder":true,"num":1.0}`, 0, false},
		{`{"_placeholder":true}`, 0, false},
		{`{"_placeholder":true,"num":1`, 0, false},
		{`[{"_placeholder":true,"num":1}]`, 0, false},
		{`{"x":{"_placeholder":true,"num":1}}`, 0, false},
		{`null`, 0, false},
		{``, 0, false},
	}
	for _, tc := range parse {
		num, ok := parser.ParsePlaceholder([]byte(tc.in))
		if ok != tc.want || num != tc.num {
			t.Errorf("ParsePlaceholder(%s) = %d, %v; want %d, %v", tc.in, num, ok, tc.num, tc.want)
		}
		checkHelpers(t, []byte(tc.in))
	}

	check := []struct {
		in   string
		n    int
		code parser.Code // 0: valid
	}{
		{`["x",{"_placeholder":true,"num":0},{"y":[{"_placeholder":true,"num":1}]}]`, 2, 0},
		{`["x",{"_placeholder":true,"num":0},{"y":[{"_placeholder":true,"num":1}]}]`, 1, parser.CodePlaceholder},
		{`{"_placeholder":true,"num":0}`, 0, parser.CodePlaceholder},
		{`{"_placeholder":true,"num":0}`, -5, parser.CodePlaceholder},
		{`[{"_placeholder":false,"num":7}]`, 0, 0},
		{`[{"_placeholder":true,"num":0}`, 1, parser.CodeJSON},
		{`"no placeholders"`, 0, 0},
	}
	for _, tc := range check {
		err := parser.CheckPlaceholders([]byte(tc.in), tc.n)
		if tc.code == 0 && err != nil || tc.code != 0 && !isCode(err, tc.code) {
			t.Errorf("CheckPlaceholders(%s, %d) = %v, want code %v", tc.in, tc.n, err, tc.code)
		}
	}
}

func TestIsReserved(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"} {
		if !parser.IsReserved(name) {
			t.Errorf("IsReserved(%q) = false", name)
		}
	}
	for _, name := range []string{"", "Connect", "connect ", "message", "newlistener", "error", "ping"} {
		if parser.IsReserved(name) {
			t.Errorf("IsReserved(%q) = true", name)
		}
	}
}

// checkHelpers compares the JSON helpers on arbitrary input with
// encoding/json, which is the oracle; the scanner additionally rejects
// invalid UTF-8, which encoding/json accepts inside strings.
func checkHelpers(t *testing.T, in []byte) {
	t.Helper()
	valid := json.Valid(in) && utf8.Valid(in)
	if got := parser.ValidJSON(in); got != valid {
		t.Fatalf("ValidJSON(%q) = %v, want %v", in, got, valid)
	}

	elems, err := parser.SplitArray(in)
	var raw []json.RawMessage
	isArray := valid && json.Unmarshal(in, &raw) == nil && raw != nil
	if (err == nil) != isArray {
		t.Fatalf("SplitArray(%q) error = %v, want array: %v", in, err, isArray)
	}
	if isArray {
		if len(elems) != len(raw) {
			t.Fatalf("SplitArray(%q) = %d elements, want %d", in, len(elems), len(raw))
		}
		for i := range elems {
			if !bytes.Equal(elems[i], raw[i]) {
				t.Fatalf("SplitArray(%q)[%d] = %q, want %q", in, i, elems[i], raw[i])
			}
		}
	}

	s, err := parser.UnquoteString(in)
	var want string
	isString := valid && bytes.HasPrefix(bytes.TrimLeft(in, " \t\r\n"), []byte(`"`)) && json.Unmarshal(in, &want) == nil
	if (err == nil) != isString || isString && s != want {
		t.Fatalf("UnquoteString(%q) = %q, %v; want %q, %v", in, s, err, want, isString)
	}

	num, ok := parser.ParsePlaceholder(in)
	if ok {
		var m map[string]any
		if err := json.Unmarshal(in, &m); err != nil || m["_placeholder"] != true || m["num"] != float64(num) {
			t.Fatalf("ParsePlaceholder(%q) = %d, true; encoding/json sees %v, %v", in, num, m, err)
		}
	}
	if err := parser.CheckPlaceholders(in, 1<<30); err != nil && valid && !isCode(err, parser.CodePlaceholder) {
		t.Fatalf("CheckPlaceholders(%q) = %v on valid JSON", in, err)
	}
}
