package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/siogen/siogen/schema"
)

var validateCommand = &command{
	name:    "validate",
	args:    "[-config siogen.yaml] [FILE.siogen.yaml...]",
	summary: "report the diagnostics of the config's schemas, or of files",
	doc: "Validate loads schemas without generating and prints their diagnostics: the\n" +
		"config's inputs, or the schema files given (relative to the working directory\n" +
		"or absolute, anywhere on disk). It exits 1 when any is an error.",
	run: runValidate,
}

// runValidate checks schemas without generating: the config's inputs, or
// the files named on the command line (relative to the working
// directory, or absolute; they and their imports may be anywhere).
func runValidate(_ context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	cfgPath := configFlag(fs)
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	if fs.NArg() == 0 {
		if load(*cfgPath, stderr) == nil {
			return ExitFail
		}
		return ExitOK
	}
	configSet := false
	fs.Visit(func(f *flag.Flag) { configSet = configSet || f.Name == "config" })
	if configSet {
		fmt.Fprintln(stderr, "siogen validate: give either -config or schema files, not both")
		return ExitUsage
	}
	// Paths are kept as written, so diagnostics print them so.
	paths := make([]string, fs.NArg())
	for i, a := range fs.Args() {
		paths[i] = filepath.ToSlash(a)
	}
	_, diags := schema.Load(schema.DirFS("."), paths...)
	printDiags(stderr, ".", diags)
	if diags.HasErrors() {
		return ExitFail
	}
	return ExitOK
}
