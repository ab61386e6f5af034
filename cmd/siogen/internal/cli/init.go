package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	iofs "io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

var initCommand = &command{
	name:    "init",
	args:    "[-package name] [DIR]",
	summary: "start a project: a contract, siogen.yaml and generate.go",
	doc: "Init writes a starter contract (NAME.siogen.yaml), a config (siogen.yaml) and a\n" +
		"generate.go with a go:generate line into DIR (default: the working directory),\n" +
		"inside a Go module, and prints the next commands. It never overwrites: it\n" +
		"writes nothing when one of the files exists.",
	run: runInit,
}

// packageRE is the rule of a schema's package name.
var packageRE = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

func runInit(_ context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	pkg := fs.String("package", "app", "the contract's `name`: its file NAME.siogen.yaml and the generated Go package")
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "siogen init: unexpected argument %q; give one directory\n", fs.Arg(1))
		return ExitUsage
	}
	if !packageRE.MatchString(*pkg) {
		fmt.Fprintf(stderr, "siogen init: -package %q must be lower-case letters and digits, starting with a letter\n", *pkg)
		return ExitUsage
	}
	dir := "."
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
	}
	files, err := starter(dir, *pkg)
	if err != nil {
		fmt.Fprintf(stderr, "siogen init: %v\n", err)
		return ExitFail
	}
	for _, f := range files {
		if _, err := os.Lstat(filepath.Join(dir, f.name)); !errors.Is(err, iofs.ErrNotExist) {
			fmt.Fprintf(stderr, "siogen init: %s exists; init writes only new files, so it wrote none\n", filepath.Join(dir, f.name))
			return ExitFail
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(stderr, "siogen init: %v\n", err)
		return ExitFail
	}
	for _, f := range files {
		if err := writeNew(filepath.Join(dir, f.name), f.content); err != nil {
			fmt.Fprintf(stderr, "siogen init: %v\n", err)
			return ExitFail
		}
		fmt.Fprintf(stdout, "wrote %s\n", filepath.ToSlash(filepath.Join(dir, f.name)))
	}
	fmt.Fprintf(stdout, "\nNext, in the module:\n%s", nextSteps(hasTool(dir)))
	return ExitOK
}

// starterFile is a file siogen init writes.
type starterFile struct {
	name    string
	content string
}

// starter returns the files init writes into dir for the schema package
// pkg.
func starter(dir, pkg string) ([]starterFile, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	modDir, modPath, err := findModule(abs)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(modDir, abs)
	if err != nil {
		return nil, err
	}
	importPath := path.Join(modPath, filepath.ToSlash(rel), "gen")
	goPkg, err := goPackage(abs)
	if err != nil {
		return nil, err
	}
	return []starterFile{
		{pkg + ".siogen.yaml", strings.ReplaceAll(starterContract, "PKG", pkg)},
		{"siogen.yaml", fmt.Sprintf(starterConfig, pkg+".siogen.yaml", importPath)},
		{"generate.go", fmt.Sprintf(starterGenerate, goPkg)},
	}, nil
}

// findModule returns the directory and path of the Go module holding dir.
func findModule(dir string) (modDir, modPath string, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			if p := moduleLine(string(data)); p != "" {
				return d, p, nil
			}
			return "", "", fmt.Errorf("%s has no module line", filepath.Join(d, "go.mod"))
		}
		if filepath.Dir(d) == d {
			return "", "", fmt.Errorf("no go.mod in %s or above: run go mod init MODULE first", dir)
		}
	}
}

// moduleLine returns the module path of a go.mod file, "" when it has none.
func moduleLine(gomod string) string {
	sc := bufio.NewScanner(strings.NewReader(gomod))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			if p, err := strconv.Unquote(f[1]); err == nil {
				return p
			}
			return f[1]
		}
	}
	return ""
}

// goPackage returns the package name of the Go files in dir, or a name
// made from the directory's name when it has none.
func goPackage(dir string) (string, error) {
	list, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return "", err
	}
	for _, name := range list {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.PackageClauseOnly)
		if err != nil {
			return "", err
		}
		return f.Name.Name, nil
	}
	var b strings.Builder
	for _, r := range strings.ToLower(filepath.Base(dir)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' && b.Len() > 0 {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "app", nil
	}
	return b.String(), nil
}

// hasTool reports whether the go.mod of the module holding dir declares
// siogen as a tool.
func hasTool(dir string) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	modDir, _, err := findModule(abs)
	if err != nil {
		return false
	}
	data, err := os.ReadFile(filepath.Join(modDir, "go.mod"))
	return err == nil && strings.Contains(string(data), modulePath+"/cmd/siogen")
}

// nextSteps are the commands that follow init, three of them.
func nextSteps(toolDeclared bool) string {
	steps := [][2]string{
		{"go get -tool " + modulePath + "/cmd/siogen", "add siogen to the module's tools"},
		{"go generate ./...", "generate gen/ from the contract"},
		{"go mod tidy", "require what the generated code imports"},
		{"go build ./...", "build, then implement the generated server interface"},
	}
	if toolDeclared {
		steps = steps[1:]
	}
	var b strings.Builder
	for _, s := range steps[:3] {
		fmt.Fprintf(&b, "  %-50s # %s\n", s[0], s[1])
	}
	return b.String()
}

// writeNew writes a file that must not exist yet.
func writeNew(name, content string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

const starterContract = `# A siogen contract: the events of a Socket.IO API, their payloads, acks and
# errors. Generated code validates payloads against it. The language is
# documented in the package doc of github.com/siogen/siogen/schema.
siogen: 1
package: PKG
info:
  title: PKG API
  version: 0.1.0

types:
  Greeting:
    fields:
      name: { type: string, min_length: 1, max_length: 64 }
  Reply:
    fields:
      text: string
      at: timestamp

errors:
  Unwelcome:
    code: permission_denied

namespaces:
  /:
    events:
      hello:
        description: A client says hello and gets a reply.
        from: client
        payload: Greeting
        ack: Reply
        errors: [Unwelcome]
      news:
        description: The server tells every client something.
        from: server
        payload: Reply
`

const starterConfig = `# siogen's config: the contracts to read and where generated code goes.
# Paths are relative to this file. Regenerate with "go generate ./...".
version: 1
inputs:
  - %s
outputs:
  go:
    dir: gen
    import_path: %s
  ts:
    dir: gen/ts
`

// starterGenerate is generate.go. It is one line here: go generate would
// run a line of this file that starts with the directive.
const starterGenerate = "package %s\n\n//go:generate go tool siogen generate\n"
