package sio_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// TestServeClient serves the installed socket.io-client bundle like the
// reference server's serveClient: the same bytes, the right content type,
// caching headers, an ETag honoured with 304, gzip when asked, and nothing
// for files outside the list or without ClientDir.
func TestServeClient(t *testing.T) {
	t.Parallel()
	root := nodetest.Require(t)
	dir := filepath.Join(root, "node_modules", "socket.io-client", "dist")
	srv := sio.NewServer(&sio.ServerOptions{ClientDir: dir})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	plain := &http.Client{Transport: &http.Transport{DisableCompression: true}}

	get := func(t *testing.T, method, name string, header map[string]string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, hs.URL+"/socket.io/"+name, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = res.Body.Close() })
		return res
	}

	for name, wantType := range map[string]string{
		"socket.io.js":             "application/javascript; charset=utf-8",
		"socket.io.min.js":         "application/javascript; charset=utf-8",
		"socket.io.esm.min.js":     "application/javascript; charset=utf-8",
		"socket.io.js.map":         "application/json; charset=utf-8",
		"socket.io.min.js.map":     "application/json; charset=utf-8",
		"socket.io.esm.min.js.map": "application/json; charset=utf-8",
	} {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			res := get(t, http.MethodGet, name, nil)
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
				t.Fatalf("GET: status %d, %d bytes; want 200 and the file's %d bytes", res.StatusCode, len(body), len(want))
			}
			if got := res.Header.Get("Content-Type"); got != wantType {
				t.Errorf("Content-Type = %q, want %q", got, wantType)
			}
			if got := res.Header.Get("Cache-Control"); !strings.HasPrefix(got, "public, max-age=") {
				t.Errorf("Cache-Control = %q", got)
			}
			etag := res.Header.Get("ETag")
			if len(etag) < 3 || etag[0] != '"' {
				t.Fatalf("ETag = %q", etag)
			}

			res = get(t, http.MethodGet, name+"?v=4.8.4", map[string]string{"If-None-Match": etag})
			if body, _ := io.ReadAll(res.Body); res.StatusCode != http.StatusNotModified || len(body) != 0 {
				t.Errorf("If-None-Match: status %d with %d bytes, want 304 and none", res.StatusCode, len(body))
			}
			if res = get(t, http.MethodGet, name, map[string]string{"If-None-Match": `"other"`}); res.StatusCode != http.StatusOK {
				t.Errorf("stale If-None-Match: status %d, want 200", res.StatusCode)
			}

			res = get(t, http.MethodGet, name, map[string]string{"Accept-Encoding": "gzip, br"})
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Accept-Encoding gzip: Content-Encoding = %q", res.Header.Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if unzipped, err := io.ReadAll(zr); err != nil || !bytes.Equal(unzipped, want) {
				t.Errorf("gzipped body differs from the file (err %v)", err)
			}
			gzTag := res.Header.Get("ETag")
			if gzTag == etag || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("gzip variant: ETag %q (plain %q), Vary %q", gzTag, etag, res.Header.Get("Vary"))
			}
			if res = get(t, http.MethodGet, name, map[string]string{"If-None-Match": gzTag, "Accept-Encoding": "gzip"}); res.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match with the gzip ETag: status %d, want 304", res.StatusCode)
			}

			res = get(t, http.MethodHead, name, nil)
			if body, _ := io.ReadAll(res.Body); res.StatusCode != http.StatusOK || len(body) != 0 || res.ContentLength != int64(len(want)) {
				t.Errorf("HEAD: status %d, %d bytes, Content-Length %d", res.StatusCode, len(body), res.ContentLength)
			}
		})
	}

	t.Run("not served", func(t *testing.T) {
		for _, name := range []string{"socket.io.msgpack.min.js", "socket.io.cjs", "../package.json", "socket.io.js/x"} {
			if res := get(t, http.MethodGet, name, nil); res.StatusCode == http.StatusOK {
				t.Errorf("GET %s: status 200", name)
			}
		}
		if res := get(t, http.MethodPost, "socket.io.js", nil); res.StatusCode == http.StatusOK {
			t.Error("POST socket.io.js: status 200")
		}
	})

	t.Run("engine still served", func(t *testing.T) {
		res := get(t, http.MethodGet, "?EIO=4&transport=polling", nil)
		if body, _ := io.ReadAll(res.Body); res.StatusCode != http.StatusOK || !strings.HasPrefix(string(body), `0{"sid":`) {
			t.Errorf("handshake: status %d, body %q", res.StatusCode, body)
		}
	})
}

// TestServeClientFS serves the bundle from an fs.FS (here a MapFS, as an
// embed.FS would hold it), which takes precedence over ClientDir.
func TestServeClientFS(t *testing.T) {
	t.Parallel()
	js := []byte("/*! client */ var io = 1;" + strings.Repeat(" ", 2000))
	fsys := fstest.MapFS{"socket.io.min.js": {Data: js}}
	srv := sio.NewServer(&sio.ServerOptions{ClientFS: fsys, ClientDir: t.TempDir()})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer func() { _ = srv.Shutdown(context.Background()) }()
	for name, want := range map[string]int{"socket.io.min.js": http.StatusOK, "socket.io.js": http.StatusNotFound, "other.js": http.StatusBadRequest} {
		res, err := http.Get(hs.URL + "/socket.io/" + name)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("%s: status %d, want %d", name, res.StatusCode, want)
		}
		if want == http.StatusOK && (!bytes.Equal(body, js) || res.Header.Get("ETag") == "" ||
			res.Header.Get("Content-Type") != "application/javascript; charset=utf-8") {
			t.Errorf("%s: %d bytes, headers %v", name, len(body), res.Header)
		}
	}
}

// TestServeClientOff serves no bundle without ClientDir, and answers 404 for
// a ClientDir without the file.
func TestServeClientOff(t *testing.T) {
	t.Parallel()
	for _, dir := range []string{"", t.TempDir()} {
		hs := httptest.NewServer(sio.NewServer(&sio.ServerOptions{ClientDir: dir}))
		res, err := http.Get(hs.URL + "/socket.io/socket.io.js")
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		hs.Close()
		if res.StatusCode == http.StatusOK {
			t.Errorf("ClientDir %q: status 200", dir)
		}
		if dir != "" && res.StatusCode != http.StatusNotFound {
			t.Errorf("ClientDir without the file: status %d, want 404", res.StatusCode)
		}
	}
}

// ExampleServerOptions_clientDir serves the official browser client at
// /socket.io/socket.io.js, as the Node server does with serveClient.
func ExampleServerOptions_clientDir() {
	srv := sio.NewServer(&sio.ServerOptions{ClientDir: "node_modules/socket.io-client/dist"})
	http.Handle("/socket.io/", srv)
	// <script src="/socket.io/socket.io.min.js"></script> now loads it.
}
