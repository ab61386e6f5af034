package sio

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io/fs"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
)

// clientFiles are the files of an installed socket.io-client/dist directory
// that a [Server] with ServerOptions.ClientDir or ClientFS serves under its path, like
// the reference server's serveClient option. The msgpack build is left
// out: it speaks a parser this server does not.
var clientFiles = map[string]string{
	"socket.io.js":             "application/javascript; charset=utf-8",
	"socket.io.js.map":         "application/json; charset=utf-8",
	"socket.io.min.js":         "application/javascript; charset=utf-8",
	"socket.io.min.js.map":     "application/json; charset=utf-8",
	"socket.io.esm.min.js":     "application/javascript; charset=utf-8",
	"socket.io.esm.min.js.map": "application/json; charset=utf-8",
}

// clientCacheControl lets browsers and proxies keep the bundle an hour, then
// revalidate it with its ETag.
const clientCacheControl = "public, max-age=3600"

// clientFile is one served file, read once: its bytes, a gzipped copy when
// that is smaller, and an ETag from the content hash.
type clientFile struct {
	contentType string
	data, gz    []byte
	etag        string
}

// clientBundle lazily loads the files of ServerOptions.ClientFS or
// ClientDir. A file that is missing or unreadable is answered 404 (and
// logged), so a wrong directory shows up at the first request rather than
// breaking the server.
type clientBundle struct {
	fsys  fs.FS
	mu    sync.Mutex
	files map[string]*clientFile
}

// newClientBundle returns the bundle of fsys, or of dir when fsys is nil;
// nil when neither is set.
func newClientBundle(fsys fs.FS, dir string) *clientBundle {
	if fsys == nil && dir != "" {
		fsys = os.DirFS(dir)
	}
	if fsys == nil {
		return nil
	}
	return &clientBundle{fsys: fsys, files: map[string]*clientFile{}}
}

// serveClient answers GET and HEAD requests for the client bundle and
// reports whether it did.
func (s *Server) serveClient(w http.ResponseWriter, r *http.Request) bool {
	if s.client == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	name, ok := strings.CutPrefix(r.URL.Path, s.opts.Path)
	if !ok || clientFiles[name] == "" {
		return false
	}
	f, err := s.client.file(name)
	if err != nil {
		s.log.Debug("failed to read the client bundle", "file", name, "err", err)
		http.Error(w, "404 page not found", http.StatusNotFound)
		return true
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", clientCacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	body, etag := f.data, f.etag
	if f.gz != nil && acceptsGzip(r) {
		body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if etagMatch(r.Header.Get("If-None-Match"), f.etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return true
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
	return true
}

// file returns the named file, reading it on first use.
func (b *clientBundle) file(name string) (*clientFile, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if f := b.files[name]; f != nil {
		return f, nil
	}
	data, err := fs.ReadFile(b.fsys, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	f := &clientFile{contentType: clientFiles[name], data: data, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(data)
	if zw.Close() == nil && buf.Len() < len(data) {
		f.gz = buf.Bytes()
	}
	b.files[name] = f
	return f, nil
}

// etagMatch reports whether an If-None-Match header names etag, or its
// gzip variant, or is "*" (weak comparison, RFC 9110 §13.1.2).
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	base := strings.Trim(etag, `"`)
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag || t == `"`+base+`-gz"` {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, e := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(e), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
