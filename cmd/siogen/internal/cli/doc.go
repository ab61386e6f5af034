// Package cli is the siogen command line: [Run] takes the arguments,
// standard streams and a context and returns the exit code, so main is
// three lines and tests run the CLI in process.
//
// Subcommands (one line each in the commands table of cli.go; "siogen
// help CMD" and "siogen CMD -h" print a command's usage and flags):
//
//	init [-package name] [DIR]            write a starter contract, siogen.yaml and
//	                                      generate.go into DIR, never overwriting,
//	                                      and print the next commands
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
//	version (or --version)                the siogen module's version, "(devel)"
//	                                      when built from a work tree or a
//	                                      directory replace
//	help [CMD]                            the list of commands, or CMD's usage
//
// Exit codes: 0 ok, 1 diagnostics with errors, drift or a failure to
// generate or write, 2 usage. Diagnostics go to standard error as
// "file:line:col: error[code]: message" (warnings as "warning[code]"),
// all of them in one run, with paths as given on the command line, or
// relative to the working directory for those read from a config.
//
// Contracts may live anywhere: the files given to validate, a config's
// inputs and outputs, and imports may leave the working directory and the
// config's directory ("../contracts/*.siogen.yaml"); siogen reads them
// through [schema.DirFS]. A file under an output directory is stale, and
// removed by generate, only when it carries siogen's generated-code
// marker and no output holds it any more; other files there are left
// alone.
//
// In a Go module, siogen is a tool of the module and runs from go
// generate (see the README's "In your own module"):
//
//	go get -tool github.com/siogen/siogen/cmd/siogen
//	//go:generate go tool siogen generate
package cli
