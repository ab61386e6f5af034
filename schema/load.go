package schema

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Loader loads schema files with limits. The zero Loader uses the default
// limits; a Loader is safe for concurrent use once its fields are set.
//
// The limits guard against hostile or broken input: no input makes
// [Loader.Load] panic, hang, or allocate without bound.
type Loader struct {
	// MaxFileSize is the largest file read, in bytes. Zero means
	// DefaultMaxFileSize (4 MiB).
	MaxFileSize int64
	// MaxNodes is the largest number of YAML nodes in one file. Zero means
	// DefaultMaxNodes (200,000).
	MaxNodes int
	// MaxDepth is the deepest YAML nesting in one file. Zero means
	// DefaultMaxDepth (64).
	MaxDepth int
	// MaxFiles is the largest number of files in one set, imports
	// included. Zero means DefaultMaxFiles (256).
	MaxFiles int
}

func (l *Loader) limits() limits {
	lim := limits{
		maxFileSize: l.MaxFileSize, maxNodes: l.MaxNodes,
		maxDepth: l.MaxDepth, maxFiles: l.MaxFiles,
	}
	if lim.maxFileSize <= 0 {
		lim.maxFileSize = DefaultMaxFileSize
	}
	if lim.maxNodes <= 0 {
		lim.maxNodes = DefaultMaxNodes
	}
	if lim.maxDepth <= 0 {
		lim.maxDepth = DefaultMaxDepth
	}
	if lim.maxFiles <= 0 {
		lim.maxFiles = DefaultMaxFiles
	}
	return lim
}

// Load reads the schema files at paths (slash-separated, inside fsys) and
// every file they import, resolves references, and runs [Check]. It is
// (&Loader{}).Load with the default limits.
func Load(fsys fs.FS, paths ...string) (*Set, Diagnostics) {
	var l Loader
	return l.Load(fsys, paths...)
}

// Load reads the schema files at paths (slash-separated, inside fsys) and
// every file they import, resolves references, and runs [Check]. It
// reports every problem it finds, sorted by position; it never stops at
// the first one. The returned Set is never nil; when the diagnostics hold
// an error it may be partial and must not be generated from.
//
// Imports are resolved relative to the importing file. Paths and imports
// must stay inside fsys (fs.ValidPath) unless fsys is a [DirFS], which
// loads from disk and takes paths that leave its directory too
// ("../contracts/chat.siogen.yaml"); os.DirFS loads from disk inside
// its directory only.
func (l *Loader) Load(fsys fs.FS, paths ...string) (*Set, Diagnostics) {
	ld := &loader{
		fsys:  fsys,
		lim:   l.limits(),
		files: make(map[string]*File),
		state: make(map[string]int),
	}
	set := &Set{}
	for _, p := range paths {
		clean := path.Clean(strings.TrimPrefix(p, "./"))
		if !validName(fsys, clean) {
			ld.d.errorf(Pos{File: p}, CodeIO, "invalid path %q: use a slash-separated path inside the file system, without ..", p)
			continue
		}
		f := ld.load(clean, nil, nil)
		if f != nil && !containsFile(set.Roots, f) {
			set.Roots = append(set.Roots, f)
		}
	}
	set.Files = ld.order
	resolve(set, &ld.d)
	ld.d.list = append(ld.d.list, Check(set)...)
	return set, ld.d.list.sorted()
}

func containsFile(list []*File, f *File) bool {
	for _, x := range list {
		if x == f {
			return true
		}
	}
	return false
}

const (
	stateLoading = 1
	stateDone    = 2
)

type loader struct {
	fsys  fs.FS
	lim   limits
	d     diags
	files map[string]*File
	state map[string]int
	order []*File
	count int
}

// load loads the file at p (a clean fs path), imported through imp from
// the chain stack (nil for roots). It returns nil when the file cannot be
// read or parsed, or closes a cycle.
func (ld *loader) load(p string, imp *Import, stack []string) *File {
	key := fileKey(ld.fsys, p)
	switch ld.state[key] {
	case stateDone:
		return ld.files[key]
	case stateLoading:
		cycle := append(cycleFrom(stack, p), p)
		ld.d.errorf(imp.Pos, CodeImportCycle, "import cycle: %s; imports must form a DAG", strings.Join(cycle, " → "))
		// The file is parsed already: let references through this import
		// resolve, so the cycle is the only diagnostic.
		return ld.files[key]
	}
	ld.count++
	if ld.count > ld.lim.maxFiles {
		pos := Pos{File: p}
		if imp != nil {
			pos = imp.Pos
		}
		ld.d.errorf(pos, CodeLimit, "more than %d schema files in one set", ld.lim.maxFiles)
		ld.state[key] = stateDone
		return nil
	}
	ld.state[key] = stateLoading
	defer func() { ld.state[key] = stateDone }()

	data, err := ld.read(p)
	if err != nil {
		if imp != nil {
			ld.d.errorf(imp.Pos, CodeBadImport, "cannot read imported file %s: %v", p, unwrapPathError(err))
		} else {
			ld.d.errorf(Pos{File: p}, CodeIO, "cannot read %s: %v", p, unwrapPathError(err))
		}
		return nil
	}
	root := parseYAML(&ld.d, p, data, ld.lim)
	if root == nil {
		return nil
	}
	f := parseFile(&ld.d, p, root)
	ld.files[key] = f
	stack = append(stack, p)
	for _, im := range f.Imports {
		if im.Path == "" {
			continue
		}
		target, ok := importTarget(ld.fsys, p, im.Path)
		if !ok {
			ld.d.errorf(im.Pos, CodeBadImport, "import path %q leaves the schema file system; use a relative path inside it", im.Path)
			continue
		}
		im.File = ld.load(target, im, stack)
	}
	ld.order = append(ld.order, f)
	return f
}

// read reads a file, refusing those above the size limit without reading
// them whole.
func (ld *loader) read(p string) ([]byte, error) {
	fh, err := ld.fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if st, err := fh.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("is a directory")
	}
	// Read one byte past the limit so parseYAML reports oversize files.
	return io.ReadAll(io.LimitReader(fh, ld.lim.maxFileSize+1))
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// importTarget resolves an import path relative to the importing file.
func importTarget(fsys fs.FS, from, imp string) (string, bool) {
	if strings.HasPrefix(imp, "/") || strings.Contains(imp, `\`) {
		return "", false
	}
	p := path.Join(path.Dir(from), imp)
	return p, validName(fsys, p)
}

// cycleFrom returns the part of stack starting at p.
func cycleFrom(stack []string, p string) []string {
	for i, s := range stack {
		if s == p {
			return append([]string(nil), stack[i:]...)
		}
	}
	return append([]string(nil), stack...)
}
