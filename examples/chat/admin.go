package main

import (
	"errors"
	"net/http"
	"os"
	"strings"

	"github.com/siogen/siogen/runtime/sioadmin"
)

// enableAdmin adds the Socket.IO Admin UI's namespace (runtime/sioadmin) to
// the server for login, "user:bcrypt-hash" as `htpasswd -nbB user
// password` prints it, and, when uiDir is not empty, serves the UI's page
// (the ui/dist directory of the npm package @socket.io/admin-ui) at
// /admin-ui/. Call it before serving.
func (a *app) enableAdmin(login, uiDir string) error {
	user, hash, ok := strings.Cut(strings.TrimSpace(login), ":")
	if !ok || user == "" || hash == "" {
		return errors.New(`want "user:bcrypt-hash", as printed by htpasswd -nbB user password`)
	}
	admin, err := sioadmin.Instrument(a.sio, &sioadmin.Options{Auth: &sioadmin.BasicAuth{Username: user, PasswordHash: hash}})
	if err != nil {
		return err
	}
	a.admin = admin
	if uiDir != "" {
		a.mux.Handle("GET /admin-ui/", http.StripPrefix("/admin-ui", sioadmin.UI(os.DirFS(uiDir))))
	}
	return nil
}
