package generated_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// The generated TypeScript validators (examples/generated/ts/*.validate.ts)
// must judge every payload as the generated Go decoders do: the same
// verdict, the same JSON pointers and the same messages.
// TestTypeScriptAgreement runs
// testdata/tsagree/agreement.ts under Node on the shared corpus, each
// payload decoded first by the official socket.io-parser as
// socket.io-client would, then on payloads the script makes up from the
// valid ones (a bounded, seeded property test), which the Go decoders
// judge too.

// tsDivergences are the corpus cases where the TypeScript side cannot see
// what the Go decoder sees, because socket.io-client's JSON.parse has lost
// it before any validator runs; the test checks that they do differ, so
// that the list stays true.
var tsDivergences = map[string]string{
	"largest int64":                                              "JSON.parse rounds 9223372036854775807 to 2^63, sent back as 9223372036854776000: beyond int64",
	"largest int64 written with a fraction":                      "JSON.parse rounds it to 2^63, beyond int64",
	"smallest int64":                                             "JSON.parse rounds -9223372036854775808 to -2^63, sent back as -9223372036854776000: beyond int64",
	"int64 minimum beyond 2^53 met exactly":                      "JSON.parse rounds 9007199254740993 to 9007199254740992, below the bound",
	"duplicate member":                                           "JSON.parse keeps the last of two members of one name",
	"union discriminator named twice":                            "JSON.parse keeps the last of two members of one name",
	"placeholder of a missing attachment":                        "socket.io-parser refuses the whole packet (illegal attachments): no event reaches the listener",
	"placeholder with another member":                            "socket.io-parser reads a placeholder by its num alone",
	"number rounding up to its minimum":                          "JSON.parse rounds 0.49999999999999999999 to 0.5, at the bound",
	"number rounding down to its maximum":                        "JSON.parse rounds 10000000000.000000000001 to 1e10, at the bound",
	"number between the largest double and its shortest decimal": "JSON.parse rounds it to the largest double, 1.7976931348623157e+308",
}

// tsMessageDivergences are the corpus cases where both sides refuse the
// payload at the same paths but word it differently.
var tsMessageDivergences = map[string]string{
	"int64 overflow by one":       "Go quotes the JSON text, TypeScript the number JSON.parse made of it",
	"int64 underflow by one":      "Go quotes the JSON text, TypeScript the number JSON.parse made of it",
	"int64 far beyond range":      "Go quotes 1e30 as written, TypeScript writes 1e+30",
	"number beyond a double":      "Go quotes 1e400 as written, JSON.parse made it Infinity",
	"union tag of the wrong type": "Go names the kind of the object rather than of its tag (got object, want string)",
}

type tsVerdict struct {
	Valid    bool     `json:"valid"`
	Paths    []string `json:"paths"`
	Messages []string `json:"messages"`
	Refused  string   `json:"refused"`
}

type tsFuzzCase struct {
	Type     string   `json:"type"`
	Payload  string   `json:"payload"`
	Valid    bool     `json:"valid"`
	Paths    []string `json:"paths"`
	Messages []string `json:"messages"`
}

func TestTypeScriptAgreement(t *testing.T) {
	t.Parallel()
	root := nodetest.Require(t)
	// Bundle the harness with the generated modules and socket.io-parser.
	out := filepath.Join(t.TempDir(), "agreement.cjs")
	esbuild := exec.Command(filepath.Join(root, "node_modules", ".bin", "esbuild"), "examples/generated/testdata/tsagree/agreement.ts",
		"--bundle", "--platform=node", "--format=cjs", "--log-level=warning", "--outfile="+out)
	esbuild.Dir = root
	if b, err := esbuild.CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, b)
	}

	type tsCase struct {
		Type        string   `json:"type"`
		Payload     string   `json:"payload"`
		Attachments []string `json:"attachments,omitempty"`
	}
	type named struct {
		typ string
		corpusCase
	}
	var cases []named
	in := struct {
		Cases []tsCase `json:"cases"`
		Fuzz  int      `json:"fuzz"`
		Seed  int      `json:"seed"`
	}{Fuzz: 3000, Seed: 16}
	for _, f := range loadCorpus(t) {
		for _, c := range f.Cases {
			cases = append(cases, named{f.Type, c})
			in.Cases = append(in.Cases, tsCase{f.Type, c.Payload, c.Attachments})
		}
	}
	input, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	node := exec.Command("node", out)
	node.Stdin = bytes.NewReader(input)
	node.Stderr = os.Stderr
	b, err := node.Output()
	if err != nil {
		t.Fatalf("node: %v", err)
	}
	var res struct {
		Verdicts []tsVerdict  `json:"verdicts"`
		Fuzz     []tsFuzzCase `json:"fuzz"`
	}
	if err := json.Unmarshal(b, &res); err != nil || len(res.Verdicts) != len(cases) {
		t.Fatalf("node output: %v (%d verdicts for %d cases)", err, len(res.Verdicts), len(cases))
	}

	for i, c := range cases {
		var att [][]byte
		for _, a := range c.Attachments {
			b, err := base64.StdEncoding.DecodeString(a)
			if err != nil {
				t.Fatal(err)
			}
			att = append(att, b)
		}
		goVs := decoders[c.typ]([]byte(c.Payload), att)
		goPaths := violationPaths(goVs)
		ts := res.Verdicts[i]
		var goMsgs []string
		for _, v := range goVs {
			goMsgs = append(goMsgs, v.Message)
		}
		_, known := tsDivergences[c.Name]
		if _, ok := tsMessageDivergences[c.Name]; !ok && !known && !slices.Equal(sorted(goMsgs), sorted(ts.Messages)) {
			t.Errorf("%s %q: TypeScript says %q, Go %q", c.typ, c.Name, ts.Messages, goMsgs)
		}
		agree := ts.Valid == (goPaths == nil) && slices.Equal(sorted(ts.Paths), goPaths)
		if why, ok := tsDivergences[c.Name]; ok {
			if agree {
				t.Errorf("%s %q: TypeScript now agrees with Go (%v); drop it from tsDivergences (%s)", c.typ, c.Name, goPaths, why)
			}
			continue
		}
		if !agree {
			t.Errorf("%s %q: TypeScript says valid=%v at %q %q %s, Go valid=%v at %q", c.typ, c.Name, ts.Valid, ts.Paths, ts.Messages, ts.Refused, goPaths == nil, goPaths)
		}
	}

	if len(res.Fuzz) != in.Fuzz {
		t.Fatalf("%d made-up payloads, want %d", len(res.Fuzz), in.Fuzz)
	}
	invalid, failures := 0, 0
	for _, c := range res.Fuzz {
		goVs := decoders[c.Type]([]byte(c.Payload), nil)
		goPaths := violationPaths(goVs)
		if goPaths != nil {
			invalid++
		}
		var goMsgs []string
		for _, v := range goVs {
			goMsgs = append(goMsgs, v.Message)
		}
		if c.Valid != (goPaths == nil) || !slices.Equal(sorted(c.Paths), goPaths) || !sameMessages(c.Messages, goMsgs) {
			if failures++; failures <= 20 {
				t.Errorf("made up %s %s: TypeScript says valid=%v at %q %q, Go valid=%v at %q %q", c.Type, c.Payload, c.Valid, c.Paths, c.Messages, goPaths == nil, goPaths, goMsgs)
			}
		}
	}
	t.Logf("%d corpus cases (%d known divergences), %d made-up payloads (%d invalid), %d disagreements", len(cases), len(tsDivergences), len(res.Fuzz), invalid, failures)
}

// sameMessages reports whether the violations are worded alike, but for
// the Go decoder naming the kind of a union's object rather than of its
// tag in "got object, want string" (see tsMessageDivergences).
func sameMessages(ts, goMsgs []string) bool {
	ts, goMsgs = sorted(ts), sorted(goMsgs)
	if len(ts) != len(goMsgs) {
		return false
	}
	for i := range ts {
		if ts[i] != goMsgs[i] && !(goMsgs[i] == "got object, want string" && strings.HasSuffix(ts[i], ", want string")) {
			return false
		}
	}
	return true
}

// violationPaths returns the distinct paths of vs sorted, nil for none.
func violationPaths(vs []sio.Violation) []string {
	var paths []string
	for _, v := range vs {
		if p := v.Path; !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	return paths
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	if len(s) == 0 {
		return nil
	}
	return s
}

// TestTypedClientNode runs the generated typed client (createContractClient
// over the official socket.io-client, testdata/tsagree/client.ts) in Node
// against the generated Go server of contract.siogen.yaml, and against one
// that skips its outgoing checks, one check per promise of the client.
func TestTypedClientNode(t *testing.T) {
	t.Parallel()
	root := nodetest.Require(t)
	url, _ := startContract(t, nil)
	loose, _ := startContract(t, &sio.ServerOptions{SkipOutgoingChecks: true})
	// A server answering check with an envelope that mixes its branches:
	// {"ok":true} with an error when the text is "ok", else ("no") {"ok":false}
	// with data; and with the runtime's refusal by a limit, its details
	// well-formed ("rex") or not ("rexb"), as the enforcing runtime would.
	mixSrv := sio.NewServer(nil)
	mixSrv.Of("/contract").On("check", func(_ *sio.Socket, e *sio.Event) {
		var in struct {
			Text string `json:"text"`
		}
		_ = e.At(0).Decode(&in)
		switch in.Text {
		case "rex":
			_ = e.Ack(sio.NewRaw([]byte(`{"ok":false,"error":{"code":"resource_exhausted","message":"check refused by its rate limit","details":{"limit":"rate","max":2000,"retry_after_ms":250}}}`)))
			return
		case "rexb":
			_ = e.Ack(sio.NewRaw([]byte(`{"ok":false,"error":{"code":"resource_exhausted","message":"x","details":{"limit":"speed","max":2000}}}`)))
			return
		}
		data := map[string]any{"i32": 1, "i64": 2, "text": in.Text, "note": nil}
		failure := map[string]any{"code": "internal", "message": "x"}
		_ = e.Ack(map[string]any{"ok": in.Text == "ok", "data": data, "error": failure})
	})
	mixed := serve(t, mixSrv)
	// Bundled beside node_modules, which holds socket.io-client.
	if err := os.MkdirAll(filepath.Join(root, ".cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp(filepath.Join(root, ".cache"), "tsclient-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	script := filepath.Join(dir, "client.cjs")
	esbuild := exec.Command(filepath.Join(root, "node_modules", ".bin", "esbuild"), "examples/generated/testdata/tsagree/client.ts",
		"--bundle", "--platform=node", "--format=cjs", "--external:socket.io-client", "--log-level=warning", "--outfile="+script)
	esbuild.Dir = root
	if b, err := esbuild.CombinedOutput(); err != nil {
		t.Fatalf("esbuild: %v\n%s", err, b)
	}
	rel, err := filepath.Rel(root, script)
	if err != nil {
		t.Fatal(err)
	}
	p := nodetest.Start(t, rel, url, loose, mixed)
	checks, done := 0, false
	for _, line := range p.Wait(60 * time.Second) {
		switch line["event"] {
		case "check":
			checks++
			if line["ok"] != true {
				t.Errorf("%s: failed: %v", line["name"], line["detail"])
			}
		case "done":
			done = true
		}
	}
	if !done || checks < 18 {
		t.Errorf("%d checks ran, done=%v", checks, done)
	}
}
