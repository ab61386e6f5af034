package schema

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Config is a generator configuration file (siogen.yaml): which schema
// files to read and where each target's output goes. Paths in it are
// relative to the directory of the config file; [LoadConfig] resolves them
// into paths of the same file system.
type Config struct {
	Path    string // the config file's path in the file system
	Version int    // the value of "version", 1
	// Inputs are the schema files to load, resolved and de-duplicated, in
	// the order of the patterns that matched them (files matched by one
	// glob pattern in lexical order). Imported files need not be listed.
	Inputs []string
	// Go is the Go output, nil when not configured.
	Go *GoOutput
	// TS is the TypeScript output, nil when not configured.
	TS *TSOutput
	// JSONSchema is the JSON Schema output, nil when not configured.
	JSONSchema *JSONSchemaOutput
	// AsyncAPI is the AsyncAPI 3.0 output, nil when not configured.
	AsyncAPI *AsyncAPIOutput
	// Docs is the documentation output, nil when not configured.
	Docs    *DocsOutput
	Options Options
}

// GoOutput configures generated Go. The code of a schema file with
// package P goes to Dir/P and is imported as ImportPath/P.
type GoOutput struct {
	Pos        Pos
	Dir        string // resolved output directory
	ImportPath string // Go import path of Dir, e.g. "github.com/acme/app/gen/sio"
	// RedisEmitter ("redis_emitter") adds a typed emitter per namespace
	// over runtime/redisadapter's Emitter, in a file of its own (P.redis.siogen.go),
	// for processes that are not Socket.IO servers. Default false: the
	// generated packages do not import go-redis.
	RedisEmitter bool
}

// TSOutput configures generated TypeScript: one module per schema file,
// Dir/P.ts for package P, with its validators, client and server modules.
type TSOutput struct {
	Pos Pos
	Dir string
	// Side is "client" (no P.server.ts, which imports socket.io), "server"
	// (no typed client, which needs socket.io-client), or "" for both
	// (key side: client, server or both).
	Side string
	// NoValidateOutgoing and NoValidateIncoming make the generated typed
	// clients skip, by default, the run-time checks of what they send and
	// of what arrives (keys validate_outgoing and validate_incoming,
	// default true); ClientOptions turn them back on per client.
	NoValidateOutgoing, NoValidateIncoming bool
}

// JSONSchemaOutput configures generated JSON Schema documents, under
// Dir/P/ for package P.
type JSONSchemaOutput struct {
	Pos Pos
	Dir string
	// BaseID is the URI prefix of every generated $id; "" means
	// "https://siogen.dev/schemas/".
	BaseID string
}

// AsyncAPIOutput configures the AsyncAPI 3.0 documents: Dir/P.asyncapi.json
// for each schema file of package P that declares namespaces.
type AsyncAPIOutput struct {
	Pos Pos
	Dir string
	// Host is the default of the documents' server host variable; ""
	// means "localhost:3000".
	Host string
}

// DocsOutput configures the generated reference documentation: Dir/P.html
// (one self-contained page) and Dir/P.md for each schema file of package
// P that declares namespaces.
type DocsOutput struct {
	Pos Pos
	Dir string
}

// Options are switches that apply to every target.
type Options struct {
	// Validate makes generated code check the contract at every crossing:
	// what it receives (payloads, acks, auth), with the generated
	// decoders, and what it sends (emits, broadcasts, calls, acks), with
	// the generated checks. Default true.
	Validate bool
	// TestKit generates the test kit: typed fakes and contract tests per
	// namespace in a Go package P/Ptest beside each package P, and a
	// TypeScript mock of the typed client (P.mock.ts). Default false.
	TestKit bool
}

var (
	configKeys   = []string{"version", "inputs", "outputs", "options"}
	outputsKeys  = []string{"go", "ts", "jsonschema", "asyncapi", "docs"}
	goOutKeys    = []string{"dir", "import_path", "redis_emitter"}
	tsOutKeys    = []string{"dir", "side", "validate_outgoing", "validate_incoming"}
	jsOutKeys    = []string{"dir", "base_id"}
	asyncOutKeys = []string{"dir", "host"}
	docsOutKeys  = []string{"dir"}
	optionKeys   = []string{"validate", "testkit"}
	importPathRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*$`)
)

// LoadConfig reads the generator config at path (slash-separated, inside
// fsys), reporting every problem as [Diagnostics] like [Load]. The config
// is returned even with errors, as far as it could be read.
func LoadConfig(fsys fs.FS, path string) (*Config, Diagnostics) {
	var d diags
	cfg := &Config{Path: path, Options: Options{Validate: true}}
	lim := (&Loader{}).limits()
	ld := &loader{fsys: fsys, lim: lim}
	data, err := ld.read(path)
	if err != nil {
		d.errorf(Pos{File: path}, CodeIO, "cannot read %s: %v", path, unwrapPathError(err))
		return cfg, d.list.sorted()
	}
	root := parseYAML(&d, path, data, lim)
	if root == nil {
		return cfg, d.list.sorted()
	}
	cr := configReader{reader: reader{d: &d, file: path}, cfg: cfg, fsys: fsys}
	cr.read(root)
	return cfg, d.list.sorted()
}

type configReader struct {
	reader
	cfg  *Config
	fsys fs.FS
}

// dir returns the directory relative paths in the config start from.
func (cr *configReader) dir() string { return path.Dir(cr.cfg.Path) }

func (cr *configReader) read(root *yaml.Node) {
	o, ok := cr.object(root, "the config", configKeys...)
	if !ok {
		return
	}
	if v := o.get("version"); v == nil {
		cr.errorf(root, CodeMissingKey, "the config needs \"version: 1\"")
	} else if n, ok := cr.integer(v, "version"); ok {
		if n != 1 {
			cr.errorf(v, CodeVersion, "unsupported config version %d; this siogen reads version 1", n)
		}
		cr.cfg.Version = int(n)
	}
	if v := o.get("inputs"); v == nil {
		cr.errorf(root, CodeMissingKey, "the config needs inputs: a list of schema files or glob patterns")
	} else {
		cr.inputs(v)
	}
	if v := o.get("outputs"); v == nil {
		cr.errorf(root, CodeMissingKey, "the config needs outputs: go, ts and/or jsonschema")
	} else {
		cr.outputs(v)
	}
	if v := o.get("options"); v != nil {
		if oo, ok := cr.object(v, "options", optionKeys...); ok {
			if v := oo.get("validate"); v != nil {
				cr.cfg.Options.Validate, _ = cr.boolean(v, "validate")
			}
			if v := oo.get("testkit"); v != nil {
				cr.cfg.Options.TestKit, _ = cr.boolean(v, "testkit")
			}
		}
	}
}

func (cr *configReader) inputs(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		cr.wrongKind(n, "inputs", "a non-empty list of paths or glob patterns")
		return
	}
	for _, item := range n.Content {
		pattern, ok := cr.str(item, "an input")
		if !ok {
			continue
		}
		p, ok := cr.localPath(item, pattern)
		if !ok {
			continue
		}
		matches, err := fs.Glob(cr.fsys, p)
		if err != nil {
			cr.errorf(item, CodeBadPath, "input pattern %q is malformed: %v", pattern, err)
			continue
		}
		if len(matches) == 0 {
			cr.errorf(item, CodeBadPath, "input %q matches no file", pattern)
			continue
		}
		for _, m := range matches {
			if !slices.Contains(cr.cfg.Inputs, m) {
				cr.cfg.Inputs = append(cr.cfg.Inputs, m)
			}
		}
	}
}

// localPath resolves a path relative to the config file that must stay in
// the file system.
func (cr *configReader) localPath(n *yaml.Node, p string) (string, bool) {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, `\`) {
		cr.errorf(n, CodeBadPath, "path %q must be relative to the config file, with / separators", p)
		return "", false
	}
	full := path.Join(cr.dir(), p)
	if !validName(cr.fsys, full) {
		cr.errorf(n, CodeBadPath, "path %q leaves the directory tree the config is read from", p)
		return "", false
	}
	return full, true
}

// outDir resolves an output directory relative to the config file. It
// must be relative and slash-separated; unlike inputs it may leave the
// file system the config is read from ("../generated/go" from a config
// read through os.DirFS of its own directory), since generators write
// outputs relative to the same working directory.
func (cr *configReader) outDir(o obj, n *yaml.Node, what string) string {
	v := o.get("dir")
	if v == nil {
		cr.errorf(n, CodeMissingKey, "%s needs dir", what)
		return ""
	}
	s, ok := cr.str(v, "dir")
	if !ok {
		return ""
	}
	if s == "" || strings.HasPrefix(s, "/") || strings.Contains(s, `\`) {
		cr.errorf(v, CodeBadPath, "dir %q must be relative to the config file, with / separators", s)
		return ""
	}
	return path.Join(cr.dir(), s)
}

func (cr *configReader) outputs(n *yaml.Node) {
	o, ok := cr.object(n, "outputs", outputsKeys...)
	if !ok {
		return
	}
	if len(o.m) == 0 {
		cr.errorf(n, CodeMissingKey, "outputs needs at least one of go, ts, jsonschema, asyncapi and docs")
	}
	if v := o.get("go"); v != nil {
		if oo, ok := cr.object(v, "outputs.go", goOutKeys...); ok {
			out := &GoOutput{Pos: cr.pos(v), Dir: cr.outDir(oo, v, "outputs.go")}
			if iv := oo.get("import_path"); iv == nil {
				cr.errorf(v, CodeMissingKey, "outputs.go needs import_path, the Go import path of dir")
			} else if s, ok := cr.str(iv, "import_path"); ok {
				if !importPathRE.MatchString(s) {
					cr.errorf(iv, CodeBadPath, "import_path %q is not a Go import path", s)
				}
				out.ImportPath = s
			}
			if rv := oo.get("redis_emitter"); rv != nil {
				out.RedisEmitter, _ = cr.boolean(rv, "redis_emitter")
			}
			cr.cfg.Go = out
		}
	}
	if v := o.get("ts"); v != nil {
		if oo, ok := cr.object(v, "outputs.ts", tsOutKeys...); ok {
			out := &TSOutput{Pos: cr.pos(v), Dir: cr.outDir(oo, v, "outputs.ts")}
			if sv := oo.get("side"); sv != nil {
				if s, ok := cr.str(sv, "outputs.ts.side"); ok {
					switch s {
					case "client", "server":
						out.Side = s
					case "both":
					default:
						cr.errorf(sv, CodeWrongKind, "outputs.ts.side is %q; it must be client, server or both", s)
					}
				}
			}
			for key, off := range map[string]*bool{"validate_outgoing": &out.NoValidateOutgoing, "validate_incoming": &out.NoValidateIncoming} {
				if bv := oo.get(key); bv != nil {
					if b, ok := cr.boolean(bv, "outputs.ts."+key); ok {
						*off = !b
					}
				}
			}
			cr.cfg.TS = out
		}
	}
	if v := o.get("jsonschema"); v != nil {
		if oo, ok := cr.object(v, "outputs.jsonschema", jsOutKeys...); ok {
			out := &JSONSchemaOutput{Pos: cr.pos(v), Dir: cr.outDir(oo, v, "outputs.jsonschema")}
			if bv := oo.get("base_id"); bv != nil {
				if s, ok := cr.str(bv, "base_id"); ok {
					if !strings.Contains(s, "://") || !strings.HasSuffix(s, "/") {
						cr.errorf(bv, CodeBadPath, "base_id %q must be an absolute URI ending in /", s)
					}
					out.BaseID = s
				}
			}
			cr.cfg.JSONSchema = out
		}
	}
	if v := o.get("asyncapi"); v != nil {
		if oo, ok := cr.object(v, "outputs.asyncapi", asyncOutKeys...); ok {
			out := &AsyncAPIOutput{Pos: cr.pos(v), Dir: cr.outDir(oo, v, "outputs.asyncapi")}
			if hv := oo.get("host"); hv != nil {
				out.Host, _ = cr.str(hv, "host")
			}
			cr.cfg.AsyncAPI = out
		}
	}
	if v := o.get("docs"); v != nil {
		if oo, ok := cr.object(v, "outputs.docs", docsOutKeys...); ok {
			cr.cfg.Docs = &DocsOutput{Pos: cr.pos(v), Dir: cr.outDir(oo, v, "outputs.docs")}
		}
	}
}

// Load loads the config's inputs from fsys with [Load].
func (c *Config) Load(fsys fs.FS) (*Set, Diagnostics) {
	return Load(fsys, c.Inputs...)
}
