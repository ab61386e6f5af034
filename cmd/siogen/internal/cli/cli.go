package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
)

// Exit codes of [Run].
const (
	ExitOK    = 0 // success
	ExitFail  = 1 // diagnostics with errors, drift, or a failure to generate or write
	ExitUsage = 2 // bad command line
)

const usage = `siogen generates typed Socket.IO code from *.siogen.yaml contracts.

Usage:
  siogen generate [-config siogen.yaml] [-v]   write every configured output
  siogen check    [-config siogen.yaml]        list outputs that are out of date; exit 1 if any
  siogen validate [-config siogen.yaml]        check the config's schemas; exit 1 on errors
  siogen validate FILE.siogen.yaml...          check the given schema files
  siogen breaking -against OLD [FILE...]       report changes that break deployed peers; exit 1 if any
  siogen version                               print the version
  siogen help                                  print this help

Paths in the config are relative to the config file; its inputs and their
imports must be inside the config file's directory tree. Diagnostics are
printed as file:line:col: error[code]: message. Exit status: 0 ok,
1 diagnostics or drift, 2 usage.
`

// Run runs the siogen command line args (without the program name),
// reading stdin (unused today) and writing results to stdout and
// diagnostics and errors to stderr. It returns the process exit code:
// [ExitOK], [ExitFail] or [ExitUsage]. Relative paths are resolved against
// the process's working directory. Run is safe to call from tests; it
// never exits the process.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	_ = stdin
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "generate":
		return runGenerate(ctx, rest, stdout, stderr)
	case "check":
		return runCheck(ctx, rest, stdout, stderr)
	case "validate":
		return runValidate(ctx, rest, stdout, stderr)
	case "breaking":
		return runBreaking(ctx, rest, stdout, stderr)
	case "version":
		if len(rest) > 0 {
			fmt.Fprintln(stderr, "siogen: version takes no arguments")
			return ExitUsage
		}
		fmt.Fprintln(stdout, "siogen", Version())
		return ExitOK
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "siogen: unknown command %q\n\n%s", cmd, usage)
	return ExitUsage
}

// Version returns the module version siogen was built from, "(devel)"
// for a build from a work tree.
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// parseFlags parses a subcommand's flags. It returns the exit code to
// stop with, or -1 to go on.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return ExitOK
		}
		return ExitUsage
	}
	return -1
}
