package sioadmin

import (
	"io/fs"
	"net/http"
)

// UI serves the admin UI's built page: fsys holds the ui/dist directory of
// the @socket.io/admin-ui npm package (index.html, css/, js/, img/), such as
// os.DirFS("node_modules/@socket.io/admin-ui/ui/dist"). The page uses
// relative links and hash routes, so it may be mounted under any prefix
// with http.StripPrefix; it connects to the Socket.IO server at the URL its
// login form is given. index.html is revalidated on every load; the other
// files have content hashes in their names.
//
// The page loads its fonts and icons from fonts.googleapis.com and
// cdn.jsdelivr.net; without them it works, with plain text for icons.
func UI(fsys fs.FS) http.Handler {
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" || r.URL.Path == "/index.html" {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}
