package tsgen

import (
	"fmt"
	"slices"
	"strings"

	"github.com/siogen/siogen/gen/internal/genfile"
	"github.com/siogen/siogen/internal/naming"
	"github.com/siogen/siogen/schema"
)

// RuntimeModule is the file name of the shared module every contract
// module imports its helper types from.
const RuntimeModule = "siogen.types.ts"

// Generate returns the TypeScript modules of every file of set, paths
// relative to the output directory, sorted: for package P, P.ts (the
// contract), and when P declares namespaces, P.client.ts and P.server.ts;
// plus the shared [RuntimeModule]. set must have been loaded without
// error diagnostics (gen.Generate checks this). It fails when a name
// siogen adds (such as ChatClientToServerEvents) collides with a declared
// one.
func Generate(set *schema.Set) ([]genfile.File, error) {
	return GenerateWith(set, Options{})
}

// Options select what [GenerateWith] writes. The zero value is what
// [Generate] writes: every module, checks on.
type Options struct {
	// Side is "client" to leave out the P.server.ts modules (which import
	// socket.io), "server" to leave out the typed clients (P.client.ts and
	// siogen.client.ts), "" for both.
	Side string
	// NoValidateOutgoing and NoValidateIncoming turn off, by default, the
	// typed clients' checks of what they send and of what arrives; their
	// ClientOptions turn them back on.
	NoValidateOutgoing, NoValidateIncoming bool
}

// GenerateWith is [Generate] with options.
func GenerateWith(set *schema.Set, opts Options) ([]genfile.File, error) {
	files := []genfile.File{
		{Path: RuntimeModule, Content: []byte(runtimeModule)},
		{Path: ValidateModule, Content: validateRuntimeModule()},
	}
	if opts.Side != "server" {
		files = append(files, genfile.File{Path: ClientModule, Content: clientRuntimeModule()})
	}
	for _, f := range set.Files {
		if err := checkNames(f); err != nil {
			return nil, err
		}
		g := &fileGen{file: f, w: &writer{}, imports: map[string]string{}}
		files = append(files,
			genfile.File{Path: f.Package + ".ts", Content: g.contract()},
			genfile.File{Path: f.Package + ".validate.ts", Content: validateModule(f)})
		if len(f.Namespaces) > 0 && opts.Side != "server" {
			files = append(files, genfile.File{Path: f.Package + ".client.ts", Content: clientModule(f, opts)})
		}
		if len(f.Namespaces) > 0 && opts.Side != "client" {
			files = append(files, genfile.File{Path: f.Package + ".server.ts", Content: serverModule(f)})
		}
	}
	genfile.Sort(files)
	return files, nil
}

// fileGen generates the contract module of one schema file.
type fileGen struct {
	file        *schema.File
	w           *writer
	imports     map[string]string // alias → package of the files referenced
	locals      map[string]bool   // this file's names used, when not nil (modules besides the contract)
	usesRuntime bool
}

// contract returns the contract module: types, errors, and per namespace
// its constants and event maps. It imports nothing from socket.io, so it
// serves browsers and Node servers alike.
func (g *fileGen) contract() []byte {
	f := g.file
	for _, t := range f.Types {
		g.decl(t)
	}
	if len(f.Errors) > 0 {
		g.w.line("// Errors")
		g.w.blank()
		for _, e := range f.Errors {
			g.errorDecl(e)
		}
		g.w.doc("", "The wire codes of the errors this contract declares, by error name.")
		g.w.line("export const %sErrorCodes = {", naming.TSType(f.Package))
		for _, e := range f.Errors {
			g.w.line("  %s: %s,", propName(e.TSName), str(e.Code))
		}
		g.w.line("} as const;")
		g.w.blank()
	}
	for _, ns := range f.Namespaces {
		g.namespace(ns)
	}
	body := strings.TrimRight(g.w.String(), "\n") + "\n"

	h := &writer{}
	header(h, f)
	var imports []string
	if g.usesRuntime {
		imports = append(imports, `import type * as $siogen from "./`+moduleRef(RuntimeModule)+`";`)
	}
	aliases := make([]string, 0, len(g.imports))
	for a := range g.imports {
		aliases = append(aliases, a)
	}
	slices.Sort(aliases)
	for _, a := range aliases {
		imports = append(imports, fmt.Sprintf("import type * as %s from \"./%s.js\";", a, g.imports[a]))
	}
	if len(imports) > 0 {
		for _, l := range imports {
			h.line("%s", l)
		}
		h.blank()
	}
	return []byte(h.String() + body)
}

// header writes the generated-code line, the source and the module doc.
func header(w *writer, f *schema.File) {
	w.b.WriteString(genfile.Header)
	w.line("// Source: %s", f.Path)
	w.blank()
	title := f.Info.Title
	if title == "" {
		title = "Package " + f.Package
	}
	if f.Info.Version != "" {
		title += " " + f.Info.Version
	}
	w.doc("", title, "", f.Info.Description, "", "@packageDocumentation")
	w.blank()
}

// moduleRef turns "x.ts" into the "x.js" specifier TypeScript resolves to
// x.ts under every module resolution mode, including node16/nodenext.
func moduleRef(file string) string {
	return strings.TrimSuffix(file, ".ts") + ".js"
}

// serverModule returns P.server.ts: types for a Node socket.io server that
// shares the contract.
func serverModule(f *schema.File) []byte {
	w := &writer{}
	header(w, f)
	w.line(`import type { Namespace, Server, Socket as ServerSocket } from "socket.io";`)
	w.line(`import type { %s } from "./%s.js";`, strings.Join(mapNames(f), ", "), f.Package)
	w.blank()
	for _, ns := range f.Namespaces {
		n := ns.TSName
		w.doc("", fmt.Sprintf("A socket.io Server typed for the events of %s (for a server that serves only this contract).", ns.Path))
		w.line("export type %sServer = Server<%sClientToServerEvents, %sServerToClientEvents>;", n, n, n)
		w.blank()
		w.doc("", fmt.Sprintf("The socket.io namespace %s: `io.of(%sNamespace) as %sServerNamespace`.", ns.Path, n, n))
		w.line("export type %sServerNamespace = Namespace<%sClientToServerEvents, %sServerToClientEvents>;", n, n, n)
		w.blank()
		w.doc("", fmt.Sprintf("A server-side socket of %s.", ns.Path))
		w.line("export type %sServerSocket = ServerSocket<%sClientToServerEvents, %sServerToClientEvents>;", n, n, n)
		w.blank()
	}
	return []byte(strings.TrimRight(w.String(), "\n") + "\n")
}

func mapNames(f *schema.File) []string {
	var names []string
	for _, ns := range f.Namespaces {
		names = append(names, ns.TSName+"ClientToServerEvents", ns.TSName+"ServerToClientEvents")
	}
	return names
}

// checkNames reports a declared name that collides with one siogen adds
// to the same module (types and values have separate scopes in TypeScript).
func checkNames(f *schema.File) error {
	types := map[string]string{}
	values := map[string]string{}
	for _, t := range f.Types {
		types[t.TSName] = "type " + t.Name
		if t.Kind == schema.KindEnum {
			values[t.TSName] = "enum " + t.Name
		}
	}
	for _, e := range f.Errors {
		types[e.TSName] = "error " + e.Name
	}
	added := func(scope map[string]string, name, what string) error {
		if prev, ok := scope[name]; ok {
			return &Error{Pos: f.Pos, Msg: fmt.Sprintf("generated TypeScript name %s (%s) collides with %s; rename it with ts_name", name, what, prev)}
		}
		scope[name] = what
		return nil
	}
	var err error
	if len(f.Errors) > 0 {
		err = added(values, naming.TSType(f.Package)+"ErrorCodes", "the error codes")
	}
	for _, ns := range f.Namespaces {
		what := "namespace " + ns.Path
		for _, e := range []error{
			added(values, ns.TSName+"Namespace", what),
			added(values, ns.TSName+"Events", what),
			added(types, ns.TSName+"EventName", what),
			added(types, ns.TSName+"ClientToServerEvents", what),
			added(types, ns.TSName+"ServerToClientEvents", what),
		} {
			if err == nil {
				err = e
			}
		}
	}
	return err
}

// Error is the error [Generate] returns for a contract it cannot write as
// TypeScript.
type Error struct {
	Pos schema.Pos
	Msg string
}

// Error returns "file:line:col: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }
