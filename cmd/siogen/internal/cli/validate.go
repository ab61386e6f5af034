package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/siogen/siogen/schema"
)

// runValidate checks schemas without generating: the config's inputs, or
// the files named on the command line (relative to the working
// directory, which their imports must not leave).
func runValidate(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("siogen validate", flag.ContinueOnError)
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
	paths := cliPaths(fs.Args())
	_, diags := schema.Load(os.DirFS("."), paths...)
	printDiags(stderr, ".", diags)
	if diags.HasErrors() {
		return ExitFail
	}
	return ExitOK
}
