package tsgen

import (
	_ "embed"
	"path"

	"github.com/siogen/siogen/gen/internal/genfile"
	"github.com/siogen/siogen/internal/naming"
	"github.com/siogen/siogen/schema"
)

// MockModule is the file name of the shared runtime of the mocks.
const MockModule = "siogen.mock.ts"

//go:embed mock/siogen.mock.ts
var mockRuntime []byte

// GenerateMocks returns the TypeScript mocks of the typed client (the
// test kit, options.testkit): for each package P with namespaces, P.mock.ts
// with, per namespace N, createNMock, a [MockModule] MockSocket typed by
// N's event maps that knows, per event, the JSON Schema documents of its
// payload and acknowledgement (paths relative to the jsonschema output),
// which the validate function given to it checks every crossing with.
func GenerateMocks(set *schema.Set) []genfile.File {
	files := []genfile.File{{Path: MockModule, Content: mockRuntime}}
	for _, f := range set.Files {
		if len(f.Namespaces) > 0 {
			files = append(files, genfile.File{Path: f.Package + ".mock.ts", Content: mockModule(f)})
		}
	}
	genfile.Sort(files)
	return files
}

func mockModule(f *schema.File) []byte {
	w := &writer{}
	header(w, f)
	var types []string
	for _, ns := range f.Namespaces {
		n := naming.TSType(ns.TSName)
		types = append(types, n+"ClientToServerEvents", n+"ServerToClientEvents")
	}
	w.line("import { MockSocket, type MockEventSpec, type MockOptions } from \"./siogen.mock.js\";")
	w.line("import type { %s } from \"./%s.js\";", joinComma(types), f.Package)
	w.blank()
	for _, ns := range f.Namespaces {
		n := naming.TSType(ns.TSName)
		specs := "$" + lowerFirstTS(n) + "MockSpecs"
		w.line("const %s: Record<string, MockEventSpec> = {", specs)
		for _, e := range ns.Events {
			dir := path.Join(f.Package, ns.GoName, e.GoName)
			spec := "from: " + str(e.From.String())
			if e.Payload != nil || len(e.Args) > 0 {
				spec += ", payload: " + str(dir+".payload.json")
			}
			if len(e.Args) > 0 {
				spec += ", tuple: true"
			}
			if e.Acked {
				spec += ", acked: true"
				if e.AckStyle == schema.AckEnvelope {
					spec += ", ack: " + str(dir+".ack.json")
				}
			}
			w.line("  %s: { %s },", propName(e.Name), spec)
		}
		w.line("};")
		w.blank()
		w.doc("", "A mock of a socket.io-client socket connected to "+ns.Path+" for frontend unit tests: script the server's answers (answer, handle), emit its events (serverEmit, serverCall), and assert on what the code sent (next, sent); every crossing is checked against the contract with options.validate. Pass it where the code expects a "+n+"ClientSocket (`mock as unknown as "+n+"ClientSocket`).")
		w.line("export function create%sMock(options?: MockOptions): MockSocket<%sServerToClientEvents, %sClientToServerEvents> {", n, n, n)
		w.line("  return new MockSocket<%sServerToClientEvents, %sClientToServerEvents>(%s, options);", n, n, specs)
		w.line("}")
		w.blank()
	}
	return []byte(w.String())
}

func joinComma(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

func lowerFirstTS(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}
