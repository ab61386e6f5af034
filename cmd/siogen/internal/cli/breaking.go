package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/siogen/siogen/schema"
	"github.com/siogen/siogen/schema/compat"
)

var breakingCommand = &command{
	name:    "breaking",
	args:    "-against OLD [-order O] [-format F] [-config siogen.yaml | FILE.siogen.yaml...]",
	summary: "report the changes since OLD that break deployed peers; exit 1 if any",
	doc: "Breaking compares the contract with an earlier version of itself and reports\n" +
		"every change that breaks peers already deployed, as file:line:col:\n" +
		"error[rule]: message, pointing into the new contract (or the old one for\n" +
		"removals); deprecations are warnings. Both deploy orders are checked: old\n" +
		"clients talking to the new server, and new clients talking to the old server.\n" +
		"The rules are listed in the documentation of package schema/compat.\n" +
		"\n" +
		"The new contract is the files given, or the inputs of -config. OLD is a file\n" +
		"(the old version of the single file given), a directory (holding the old\n" +
		"versions at the same relative paths), or a git revision (main, HEAD~1,\n" +
		"v1.4.0: the same paths at that revision).\n" +
		"\n" +
		"Exit status: 0 nothing breaks, 1 a change breaks or a contract has errors,\n" +
		"2 usage.",
	run: runBreaking,
}

// runBreaking implements "siogen breaking".
func runBreaking(ctx context.Context, fset *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	against := fset.String("against", "", "the old contract: a file, a directory or a git revision (required)")
	cfgPath := configFlag(fset)
	order := fset.String("order", "both", "deploy orders to check: both, server-first (new server, old clients) or client-first (new clients, old server)")
	format := fset.String("format", "text", "output format: text or json")
	if code := parseFlags(fset, args, stdout, stderr); code >= 0 {
		return code
	}
	usageErr := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "siogen breaking: "+format+"\n", args...)
		return ExitUsage
	}
	if *against == "" {
		return usageErr("-against OLD is required (a file, a directory or a git revision)")
	}
	orders, err := compat.ParseOrder(*order)
	if err != nil {
		return usageErr("%v", err)
	}
	if *format != "text" && *format != "json" {
		return usageErr("unknown -format %q: want text or json", *format)
	}
	configSet := false
	fset.Visit(func(f *flag.Flag) { configSet = configSet || f.Name == "config" })
	if configSet && fset.NArg() > 0 {
		return usageErr("give either -config or schema files, not both")
	}

	// The new contract: files relative to root.
	root, paths := ".", cliPaths(fset.Args())
	var newSet *schema.Set
	if len(paths) == 0 {
		p := load(*cfgPath, stderr)
		if p == nil {
			return ExitFail
		}
		root, paths, newSet = p.dir, p.cfg.Inputs, p.set
	} else {
		set, diags := schema.Load(schema.DirFS(root), paths...)
		printDiags(stderr, root, diags)
		if diags.HasErrors() {
			return ExitFail
		}
		newSet = set
	}

	old, err := openOld(ctx, *against, root, paths)
	if err != nil {
		return usageErr("%v", err)
	}
	var oldPaths []string
	for _, p := range old.paths {
		if _, err := fs.Stat(old.fsys, p); err != nil {
			fmt.Fprintf(stderr, "siogen breaking: %s is not in %s; nothing to compare it with\n", displayPath(old.display, p), *against)
			continue
		}
		oldPaths = append(oldPaths, p)
	}
	oldSet, diags := schema.Load(old.fsys, oldPaths...)
	printDiags(stderr, old.display, diags)
	if diags.HasErrors() {
		fmt.Fprintf(stderr, "siogen breaking: the old contract (%s) has errors\n", *against)
		return ExitFail
	}

	changes := compat.Compare(oldSet, newSet, &compat.Options{Orders: orders})
	for i := range changes {
		dir := root
		if changes[i].InOld {
			dir = old.display
		}
		changes[i].Pos.File = displayPath(dir, changes[i].Pos.File)
	}
	if *format == "json" {
		if err := writeChangesJSON(stdout, changes); err != nil {
			fmt.Fprintln(stderr, "siogen breaking:", err)
			return ExitFail
		}
	} else {
		for _, c := range changes {
			fmt.Fprintln(stdout, c.String())
		}
	}
	if compat.Breaking(changes) {
		return ExitFail
	}
	return ExitOK
}

// cliPaths turns schema file arguments into slash-separated paths
// relative to the working directory.
func cliPaths(args []string) []string {
	paths := make([]string, len(args))
	for i, a := range args {
		if filepath.IsAbs(a) {
			if wd, err := os.Getwd(); err == nil {
				if rel, err := filepath.Rel(wd, a); err == nil {
					a = rel
				}
			}
		}
		paths[i] = strings.TrimPrefix(filepath.ToSlash(a), "./")
	}
	return paths
}

// displayPath joins a diagnostic's path to the directory (or "REV:dir")
// it is relative to.
func displayPath(dir, p string) string {
	if rev, d, ok := strings.Cut(dir, "\x00"); ok {
		return rev + ":" + path.Join(d, p)
	}
	return filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(p)))
}

// oldContract is where the old version of the contract is read from.
type oldContract struct {
	fsys  fs.FS
	paths []string
	// display is the directory diagnostics' paths are joined to; for a git
	// revision "REV\x00", printed as REV:path (from the repository's top).
	display string
}

// openOld resolves -against: a file, a directory or a git revision.
func openOld(ctx context.Context, against, root string, paths []string) (*oldContract, error) {
	if st, err := os.Stat(against); err == nil {
		if !st.IsDir() {
			if len(paths) != 1 {
				return nil, fmt.Errorf("-against %s is a file: give exactly one new schema file to compare it with", against)
			}
			dir, name := filepath.Split(against)
			if dir == "" {
				dir = "."
			}
			return &oldContract{fsys: schema.DirFS(dir), paths: []string{name}, display: filepath.Clean(dir)}, nil
		}
		dir := filepath.Join(against, root)
		return &oldContract{fsys: schema.DirFS(dir), paths: paths, display: dir}, nil
	}
	g := &gitFS{ctx: ctx, dir: root, rev: against}
	if _, err := g.git("rev-parse", "--verify", "--quiet", against+"^{commit}"); err != nil {
		return nil, fmt.Errorf("-against %q is neither a file, a directory nor a git revision", against)
	}
	prefix, err := g.git("rev-parse", "--show-prefix")
	if err != nil {
		return nil, fmt.Errorf("failed to locate %s in its git repository: %w", root, err)
	}
	// The old files are read by their paths from the repository's top, so
	// that "../" in a path stays inside the file system the loader sees.
	top := make([]string, len(paths))
	for i, p := range paths {
		top[i] = path.Clean(strings.TrimSpace(string(prefix)) + p)
		if !fs.ValidPath(top[i]) {
			return nil, fmt.Errorf("%s is outside the git repository of %s", p, root)
		}
	}
	return &oldContract{fsys: g, paths: top, display: against + "\x00"}, nil
}

// gitFS reads files of one revision of a git repository, with paths
// relative to the repository's top, through "git show"; dir is any
// directory of the working tree.
type gitFS struct {
	ctx context.Context
	dir string
	rev string
}

// Open implements fs.FS: it reads the whole file at the revision.
func (g *gitFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	data, err := g.git("show", g.rev+":"+name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &gitFile{Reader: bytes.NewReader(data), info: gitFileInfo{name: path.Base(name), size: int64(len(data))}}, nil
}

// gitFile is a file read from git: its contents in memory.
type gitFile struct {
	*bytes.Reader
	info gitFileInfo
}

func (f *gitFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *gitFile) Close() error               { return nil }

type gitFileInfo struct {
	name string
	size int64
}

func (i gitFileInfo) Name() string       { return i.name }
func (i gitFileInfo) Size() int64        { return i.size }
func (i gitFileInfo) Mode() fs.FileMode  { return 0o444 }
func (i gitFileInfo) ModTime() time.Time { return time.Time{} }
func (i gitFileInfo) IsDir() bool        { return false }
func (i gitFileInfo) Sys() any           { return nil }

func (g *gitFS) git(args ...string) ([]byte, error) {
	cmd := exec.CommandContext(g.ctx, "git", args...)
	cmd.Dir = g.dir
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return out, nil
}

// jsonChange is one change in -format json output.
type jsonChange struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Severity string   `json:"severity"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
	InOld    bool     `json:"in_old"`
	Breaks   []string `json:"breaks"`
}

// writeChangesJSON writes {"breaking": bool, "changes": [...]}.
func writeChangesJSON(w io.Writer, changes []compat.Change) error {
	out := struct {
		Breaking bool         `json:"breaking"`
		Changes  []jsonChange `json:"changes"`
	}{Breaking: compat.Breaking(changes), Changes: []jsonChange{}}
	for _, c := range changes {
		jc := jsonChange{
			File: c.Pos.File, Line: c.Pos.Line, Column: c.Pos.Col, Severity: c.Severity.String(),
			Rule: string(c.Rule), Message: c.Message, InOld: c.InOld, Breaks: []string{},
		}
		for _, o := range []compat.Order{compat.ServerFirst, compat.ClientFirst} {
			if c.Breaks&o != 0 {
				jc.Breaks = append(jc.Breaks, o.String())
			}
		}
		out.Changes = append(out.Changes, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("failed to write JSON: %w", err)
	}
	return nil
}
