package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/siogen/siogen/gen"
	"github.com/siogen/siogen/schema"
)

// project is a loaded config and its schema set.
type project struct {
	dir string // the config file's directory, as given (OS path)
	cfg *schema.Config
	set *schema.Set
}

// load reads the config at cfgPath and the schemas it names, printing
// every diagnostic to stderr. It returns nil when any is an error.
func load(cfgPath string, stderr io.Writer) *project {
	dir, name := filepath.Split(cfgPath)
	if dir == "" {
		dir = "."
	}
	p := &project{dir: filepath.Clean(dir)}
	// schema.DirFS, unlike os.DirFS, lets inputs and imports live outside
	// the config's directory ("../contracts/*.siogen.yaml").
	fsys := schema.DirFS(p.dir)
	cfg, diags := schema.LoadConfig(fsys, name)
	printDiags(stderr, p.dir, diags)
	if diags.HasErrors() {
		return nil
	}
	set, diags := cfg.Load(fsys)
	printDiags(stderr, p.dir, diags)
	if diags.HasErrors() {
		return nil
	}
	p.cfg, p.set = cfg, set
	return p
}

// printDiags prints diagnostics with their relative paths relative to the
// working directory rather than to the config's directory.
func printDiags(w io.Writer, dir string, diags schema.Diagnostics) {
	for _, d := range diags {
		if f := filepath.FromSlash(d.Pos.File); f != "" && !filepath.IsAbs(f) {
			d.Pos.File = filepath.ToSlash(filepath.Join(dir, f))
		}
		fmt.Fprintln(w, d.String())
	}
}

// osPath turns a generated path (relative to the config's directory) into
// an OS path.
func (p *project) osPath(rel string) string {
	return filepath.Join(p.dir, filepath.FromSlash(rel))
}

// generate runs the generators, reporting a failure to stderr.
func (p *project) generate(stderr io.Writer) ([]gen.File, bool) {
	files, err := gen.Generate(p.set, p.cfg)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, false
	}
	return files, true
}

// change is a difference between the generated files and the disk.
type change struct {
	path string // relative to the config's directory, slash-separated
	what string // "missing", "out of date" or "stale"
	file *gen.File
}

// diff compares files with the disk: generated files that are missing or
// differ, and stale files siogen wrote before that no output holds now.
func (p *project) diff(files []gen.File) ([]change, error) {
	var out []change
	want := make(map[string]bool, len(files))
	for i := range files {
		f := &files[i]
		want[f.Path] = true
		old, err := os.ReadFile(p.osPath(f.Path))
		switch {
		case errors.Is(err, fs.ErrNotExist):
			out = append(out, change{f.Path, "missing", f})
		case err != nil:
			return nil, err
		case !bytes.Equal(old, f.Content):
			out = append(out, change{f.Path, "out of date", f})
		}
	}
	for _, dir := range gen.OutputDirs(p.cfg) {
		err := filepath.WalkDir(p.osPath(dir), func(osp string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(p.dir, osp)
			if err != nil {
				return err
			}
			rel = path.Clean(filepath.ToSlash(rel))
			if want[rel] || !generatedFile(osp) {
				return nil
			}
			out = append(out, change{rel, "stale", nil})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b change) int {
		if a.path < b.path {
			return -1
		}
		if a.path > b.path {
			return 1
		}
		return 0
	})
	return out, nil
}

// generatedFile reports whether the file at osp carries siogen's marker.
func generatedFile(osp string) bool {
	f, err := os.Open(osp)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	return gen.IsGenerated(head[:n])
}

func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "siogen.yaml", "the generator config `file`; paths in it are relative to its directory")
}

var generateCommand = &command{
	name:    "generate",
	args:    "[-config siogen.yaml] [-v]",
	summary: "write every output the config names",
	doc: "Generate loads the config and its schemas and writes every configured output\n" +
		"(Go, TypeScript, JSON Schema). It rewrites only files that changed and removes\n" +
		"stale files siogen wrote before; it writes nothing when a schema has errors.",
	run: runGenerate,
}

var checkCommand = &command{
	name:    "check",
	args:    "[-config siogen.yaml]",
	summary: "list outputs that are out of date; exit 1 if any",
	doc: "Check generates in memory and lists the missing, out-of-date and stale files\n" +
		"(\"path: out of date\"), exiting 1 if there are any: a CI step.",
	run: runCheck,
}

func runGenerate(_ context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	cfgPath := configFlag(fs)
	verbose := fs.Bool("v", false, "list the files written and removed")
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	p, changes, code := plan(fs, *cfgPath, stderr)
	if code >= 0 {
		return code
	}
	var err error
	for _, c := range changes {
		osp := p.osPath(c.path)
		if c.file == nil {
			err = os.Remove(osp)
		} else {
			err = writeFile(osp, c.file.Content)
		}
		if err != nil {
			fmt.Fprintf(stderr, "siogen: failed to update %s: %v\n", osp, err)
			return ExitFail
		}
		if *verbose {
			verb := "wrote"
			if c.file == nil {
				verb = "removed"
			}
			fmt.Fprintf(stdout, "%s %s\n", verb, filepath.ToSlash(osp))
		}
	}
	return ExitOK
}

// writeFile writes data to name through a temporary file and a rename, so
// a reader never sees half a file.
func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".siogen-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func runCheck(_ context.Context, fs *flag.FlagSet, args []string, stdout, stderr io.Writer) int {
	cfgPath := configFlag(fs)
	if code := parseFlags(fs, args, stdout, stderr); code >= 0 {
		return code
	}
	p, changes, code := plan(fs, *cfgPath, stderr)
	if code >= 0 {
		return code
	}
	for _, c := range changes {
		fmt.Fprintf(stdout, "%s: %s\n", filepath.ToSlash(p.osPath(c.path)), c.what)
	}
	if len(changes) > 0 {
		fmt.Fprintf(stderr, "siogen: %d generated file(s) out of date; run siogen generate -config %s\n", len(changes), *cfgPath)
		return ExitFail
	}
	return ExitOK
}

// plan loads the config of a generate or check run, generates, and compares
// with the output directories. A non-negative code means the run is over.
func plan(fs *flag.FlagSet, cfgPath string, stderr io.Writer) (*project, []change, int) {
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return nil, nil, ExitUsage
	}
	p := load(cfgPath, stderr)
	if p == nil {
		return nil, nil, ExitFail
	}
	files, ok := p.generate(stderr)
	if !ok {
		return nil, nil, ExitFail
	}
	changes, err := p.diff(files)
	if err != nil {
		fmt.Fprintf(stderr, "siogen: failed to compare with the output directories: %v\n", err)
		return nil, nil, ExitFail
	}
	return p, changes, -1
}
