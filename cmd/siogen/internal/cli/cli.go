package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// Exit codes of [Run].
const (
	ExitOK    = 0 // success
	ExitFail  = 1 // diagnostics with errors, drift, or a failure to generate or write
	ExitUsage = 2 // bad command line
)

// command is a subcommand of siogen.
type command struct {
	name    string
	args    string // what follows the name in the usage line
	summary string // one line for the command list
	// doc is the description "siogen help NAME" prints between the usage
	// line and the flags.
	doc string
	// run runs the command with the arguments after its name; it defines
	// its flags on fs, which prints the command's help for -h.
	run func(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int
}

// commands are siogen's subcommands in the order of the help, one line
// each. They are set in init, since help refers to them.
var commands []*command

func init() {
	commands = []*command{
		initCommand,
		generateCommand,
		checkCommand,
		validateCommand,
		breakingCommand,
		versionCommand,
		helpCommand,
	}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// usage is the help of siogen with no command.
func usage() string {
	var b strings.Builder
	b.WriteString("siogen generates typed Socket.IO code from *.siogen.yaml contracts.\n\nUsage:\n")
	for _, c := range commands {
		fmt.Fprintf(&b, "  siogen %s\n        %s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	b.WriteString(`
Run "siogen help COMMAND" or "siogen COMMAND -h" for a command's flags.
Diagnostics are printed as file:line:col: error[code]: message, with paths
as given or relative to the working directory. Exit status: 0 ok,
1 diagnostics, drift or a failure to write, 2 usage.
`)
	return b.String()
}

// Run runs the siogen command line args (without the program name),
// reading stdin (unused today) and writing results to stdout and
// diagnostics and errors to stderr. It returns the process exit code:
// [ExitOK], [ExitFail] or [ExitUsage]. Relative paths are resolved against
// the process's working directory. Run is safe to call from tests; it
// never exits the process.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	_ = stdin
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return ExitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-version", "--version":
		name = "version"
	}
	if c := lookup(name); c != nil {
		return c.run(ctx, newFlagSet(c), rest, stdout, stderr)
	}
	fmt.Fprintf(stderr, "siogen: unknown command %q\n\n%s", name, usage())
	return ExitUsage
}

var helpCommand = &command{
	name:    "help",
	args:    "[COMMAND]",
	summary: "print this help, or a command's",
	doc:     "Help prints the list of commands, or the usage and flags of one.",
	run:     runHelp,
}

func runHelp(ctx context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	switch fs.NArg() {
	case 0:
		fmt.Fprint(stdout, usage())
		return ExitOK
	case 1:
		c := lookup(fs.Arg(0))
		if c == nil {
			fmt.Fprintf(stderr, "siogen help: unknown command %q\n\n%s", fs.Arg(0), usage())
			return ExitUsage
		}
		return c.run(ctx, newFlagSet(c), []string{"-h"}, stdout, stderr)
	}
	fmt.Fprintln(stderr, "siogen help: give at most one command")
	return ExitUsage
}

var versionCommand = &command{
	name:    "version",
	summary: "print siogen's version (also --version)",
	doc: "Version prints the version of the siogen module the command was built from:\n" +
		"the module version when installed (go install, go tool), \"(devel)\" when built\n" +
		"from a work tree or a replaced module.",
	run: runVersion,
}

func runVersion(_ context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(stderr, "siogen version: takes no arguments")
		return ExitUsage
	}
	fmt.Fprintln(stdout, "siogen", Version())
	return ExitOK
}

// modulePath is the path of siogen's module.
const modulePath = "github.com/siogen/siogen"

// Version returns the version of the siogen module the running program
// was built from: its module version when installed ("v1.2.0", or a
// pseudo-version), "(devel)" when built from a work tree or from a module
// replaced by a directory.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(devel)"
	}
	// go install makes siogen the main module; go tool and go run in
	// another module make it a dependency.
	m := &bi.Main
	for _, d := range bi.Deps {
		if m.Path != modulePath && d.Path == modulePath {
			m = d
		}
	}
	if m.Path != modulePath {
		return "(devel)"
	}
	v := m.Version
	if m.Replace != nil {
		v = m.Replace.Version // "" for a directory
	}
	if v == "" {
		return "(devel)"
	}
	return v
}

// newFlagSet returns the flag set of c, whose usage prints c's usage
// line, description and flags.
func newFlagSet(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet("siogen "+c.name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: siogen %s\n\n%s\n", strings.TrimSpace(c.name+" "+c.args), c.doc)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(w, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// parseFlags parses a subcommand's flags. It returns the exit code to
// stop with, or -1 to go on. -h prints the command's help to stdout.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	// The flag package prints the usage itself on -h and on errors: print
	// it once, to stdout for -h.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			usage()
			return ExitOK
		}
		usage()
		return ExitUsage
	}
	return -1
}
