package schema_test

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/siogen/siogen/schema"
)

func TestLoadConfigExample(t *testing.T) {
	t.Parallel()
	// The CLI reads the config through the repository root.
	fsys := fstest.MapFS{}
	for _, name := range []string{"siogen.yaml", "chat.siogen.yaml", "common.siogen.yaml", "notifications.siogen.yaml", "dashboard.siogen.yaml", "bench.siogen.yaml", "contract.siogen.yaml"} {
		data, err := readExample(name)
		if err != nil {
			t.Fatal(err)
		}
		fsys["examples/schemas/"+name] = &fstest.MapFile{Data: data}
	}
	cfg, diags := schema.LoadConfig(fsys, "examples/schemas/siogen.yaml")
	if len(diags) > 0 {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	wantInputs := []string{"examples/schemas/chat.siogen.yaml", "examples/schemas/notifications.siogen.yaml", "examples/schemas/dashboard.siogen.yaml", "examples/schemas/bench.siogen.yaml", "examples/schemas/contract.siogen.yaml"}
	if !slices.Equal(cfg.Inputs, wantInputs) {
		t.Errorf("Inputs = %v", cfg.Inputs)
	}
	if cfg.Go == nil || cfg.Go.Dir != "examples/generated/go" || cfg.Go.ImportPath != "github.com/siogen/siogen/examples/generated/go" || !cfg.Go.RedisEmitter {
		t.Errorf("Go = %+v", cfg.Go)
	}
	if cfg.TS == nil || cfg.TS.Dir != "examples/generated/ts" {
		t.Errorf("TS = %+v", cfg.TS)
	}
	if cfg.JSONSchema == nil || cfg.JSONSchema.Dir != "examples/generated/jsonschema" || cfg.JSONSchema.BaseID == "" {
		t.Errorf("JSONSchema = %+v", cfg.JSONSchema)
	}
	if !cfg.Options.Validate || !cfg.Options.TestKit || cfg.Version != 1 {
		t.Errorf("Options = %+v, Version = %d", cfg.Options, cfg.Version)
	}
	set, diags := cfg.Load(fsys)
	for _, d := range diags {
		// contract.siogen.yaml's int64 beyond 2^53 is on purpose.
		if d.Severity != schema.SeverityWarning || d.Code != schema.CodeInt64 {
			t.Fatalf("loading inputs:\n%s", diags)
		}
	}
	if len(set.Roots) != 5 || len(set.Files) != 6 {
		t.Errorf("roots %d files %d", len(set.Roots), len(set.Files))
	}
}

func readExample(name string) ([]byte, error) {
	return fsReadFile(examples, name)
}

func TestLoadConfigDiagnostics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      string
	}{
		{"ok with glob", "version: 1\ninputs: ['*.siogen.yaml']\noutputs: { ts: { dir: out } }\n", ""},
		{"missing all", "{}\n",
			"cfg/siogen.yaml:1:1: error[missing-key]: the config needs \"version: 1\"\n" +
				"cfg/siogen.yaml:1:1: error[missing-key]: the config needs inputs: a list of schema files or glob patterns\n" +
				"cfg/siogen.yaml:1:1: error[missing-key]: the config needs outputs: go, ts and/or jsonschema\n"},
		{"bad version and keys", "version: 2\ninputs: [a.siogen.yaml]\noutputs: { go: { dir: x, improt_path: y } }\nextra: 1\n",
			"cfg/siogen.yaml:1:10: error[bad-version]: unsupported config version 2; this siogen reads version 1\n" +
				"cfg/siogen.yaml:3:16: error[missing-key]: outputs.go needs import_path, the Go import path of dir\n" +
				"cfg/siogen.yaml:3:26: error[unknown-key]: unknown key \"improt_path\" in outputs.go; did you mean \"import_path\"?\n" +
				"cfg/siogen.yaml:4:1: error[unknown-key]: unknown key \"extra\" in the config\n"},
		{"bad paths", "version: 1\ninputs: [/abs.yaml, ../../up.yaml, nothing.yaml]\noutputs: { ts: { dir: /tmp/x }, jsonschema: { dir: j, base_id: nope } }\noptions: { validate: maybe }\n",
			"cfg/siogen.yaml:2:10: error[bad-path]: path \"/abs.yaml\" must be relative to the config file, with / separators\n" +
				"cfg/siogen.yaml:2:21: error[bad-path]: path \"../../up.yaml\" leaves the directory tree the config is read from\n" +
				"cfg/siogen.yaml:2:36: error[bad-path]: input \"nothing.yaml\" matches no file\n" +
				"cfg/siogen.yaml:3:23: error[bad-path]: dir \"/tmp/x\" must be relative to the config file, with / separators\n" +
				"cfg/siogen.yaml:3:64: error[bad-path]: base_id \"nope\" must be an absolute URI ending in /\n" +
				"cfg/siogen.yaml:4:22: error[wrong-kind]: validate must be true or false, found a string\n"},
		{"ts side and checks", "version: 1\ninputs: [a.siogen.yaml]\noutputs: { ts: { dir: t, side: browser, validate_incoming: no } }\n",
			"cfg/siogen.yaml:3:32: error[wrong-kind]: outputs.ts.side is \"browser\"; it must be client, server or both\n" +
				"cfg/siogen.yaml:3:60: error[wrong-kind]: outputs.ts.validate_incoming must be true or false, found a string\n"},
		{"syntax", "version: 1\ninputs: [\n", "cfg/siogen.yaml:2:1: error[syntax]: did not find expected node content\n"},
		{"redis emitter", "version: 1\ninputs: [a.siogen.yaml]\noutputs: { go: { dir: x, import_path: y, redis_emitter: yes please } }\n",
			"cfg/siogen.yaml:3:57: error[wrong-kind]: redis_emitter must be true or false, found a string\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fsys := fstest.MapFS{
				"cfg/siogen.yaml":   {Data: []byte(tt.src)},
				"cfg/a.siogen.yaml": {Data: []byte("siogen: 1\npackage: a\n")},
			}
			_, diags := schema.LoadConfig(fsys, "cfg/siogen.yaml")
			if got := diags.String(); got != tt.want {
				t.Errorf("diagnostics:\n got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
	fsys := fstest.MapFS{
		"siogen.yaml":   {Data: []byte("version: 1\ninputs: [a.siogen.yaml]\noutputs: { ts: { dir: t, side: client, validate_outgoing: false } }\n")},
		"a.siogen.yaml": {Data: []byte("siogen: 1\npackage: a\n")},
	}
	if cfg, diags := schema.LoadConfig(fsys, "siogen.yaml"); len(diags) != 0 || cfg.TS.Side != "client" || !cfg.TS.NoValidateOutgoing || cfg.TS.NoValidateIncoming {
		t.Errorf("ts output %+v: %s", cfg.TS, diags)
	}
	if _, diags := schema.LoadConfig(fstest.MapFS{}, "siogen.yaml"); len(diags) != 1 || diags[0].Code != schema.CodeIO {
		t.Errorf("missing config: %s", diags)
	}
}
