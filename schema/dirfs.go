package schema

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// DirFS returns the operating system's files rooted at dir, for [Load],
// [Loader.Load], [LoadConfig] and [Config.Load]. Unlike os.DirFS, the
// names these functions take from it may leave dir:
// "../contracts/chat.siogen.yaml", an absolute
// "/srv/contracts/chat.siogen.yaml", a config input
// "../../contracts/*.siogen.yaml" or an import
// "../shared/common.siogen.yaml" all open the file they name, so that
// contracts can live wherever a team keeps them, above a Go module too.
// Names are slash-separated; a relative name is relative to dir.
// Diagnostics name files as they were named: the path given to Load, or
// the config input or import joined to its file's directory, cleaned.
//
// Give it only to this package's loaders: other users of an fs.FS expect
// it to refuse names outside its root (fs.ValidPath), as the loaders do
// themselves with any other fs.FS.
func DirFS(dir string) fs.FS { return osFS{dir: dir} }

// osFS is [DirFS]: names are relative to dir, or absolute.
type osFS struct{ dir string }

func (f osFS) osName(name string) string {
	n := filepath.FromSlash(name)
	if filepath.IsAbs(n) || f.dir == "" {
		return n
	}
	return filepath.Join(f.dir, n)
}

func (f osFS) Open(name string) (fs.File, error) {
	fh, err := os.Open(f.osName(name))
	if err != nil {
		return nil, renamed(err, "open", name)
	}
	return fh, nil
}

func (f osFS) ReadDir(name string) ([]fs.DirEntry, error) {
	list, err := os.ReadDir(f.osName(name))
	if err != nil {
		return nil, renamed(err, "readdir", name)
	}
	return list, nil
}

func (f osFS) Stat(name string) (fs.FileInfo, error) {
	st, err := os.Stat(f.osName(name))
	if err != nil {
		return nil, renamed(err, "stat", name)
	}
	return st, nil
}

// renamed makes a path error name the file as the caller did.
func renamed(err error, op, name string) error {
	if pe, ok := err.(*fs.PathError); ok {
		return &fs.PathError{Op: op, Path: name, Err: pe.Err}
	}
	return err
}

// validName reports whether the loaders may open name (cleaned,
// slash-separated) in fsys: any name in a [DirFS], a name that satisfies
// fs.ValidPath in any other file system.
func validName(fsys fs.FS, name string) bool {
	if _, ok := fsys.(osFS); ok {
		return name != "" && name == path.Clean(name) && !strings.Contains(name, `\`)
	}
	return fs.ValidPath(name)
}

// fileKey returns what identifies the file named name in fsys: in a
// [DirFS], where "../contracts/a.siogen.yaml" and an absolute path can
// name the same file, its absolute path; elsewhere the name.
func fileKey(fsys fs.FS, name string) string {
	if f, ok := fsys.(osFS); ok {
		if abs, err := filepath.Abs(f.osName(name)); err == nil {
			return abs
		}
	}
	return name
}
