// Package cli is the siogen command line: [Run] takes the arguments,
// standard streams and a context and returns the exit code, so main is
// three lines and tests run the CLI in process.
//
// Subcommands:
//
//	generate [-config siogen.yaml] [-v]   write every configured output; rewrite
//	                                      only files that changed, remove stale
//	                                      files siogen wrote before
//	check    [-config siogen.yaml]        list missing, out-of-date and stale
//	                                      files ("path: out of date"); exit 1 if any
//	validate [-config siogen.yaml]        diagnostics for the config and its schemas
//	validate FILE.siogen.yaml...          diagnostics for the given files
//	breaking -against OLD [FILE...]       changes since OLD that break deployed
//	                                      peers (package schema/compat); OLD is a
//	                                      file, a directory or a git revision;
//	                                      -order both|server-first|client-first,
//	                                      -format text|json; exit 1 if any
//	version                               the module version, "(devel)" in a work tree
//
// Exit codes: 0 ok, 1 diagnostics with errors, drift or a failure to
// generate or write, 2 usage. Diagnostics go to standard error as
// "file:line:col: error[code]: message" (warnings as "warning[code]"),
// all of them in one run, paths relative to the working directory.
//
// The config is read through os.DirFS of its own directory: its inputs and
// their imports must be inside that tree; outputs may leave it
// ("../generated/ts"). A file under an output directory is stale, and
// removed by generate, only when it carries siogen's generated-code marker
// and no output holds it any more; other files there are left alone.
//
// outputs.go is not generated yet (see package gen); generate and check
// print a note and skip it.
//
// In a Go module, run it with go generate, as examples/generated does:
//
//	//go:generate go run github.com/siogen/siogen/cmd/siogen generate -config ../schemas/siogen.yaml
package cli
