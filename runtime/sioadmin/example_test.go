package sioadmin_test

import (
	"fmt"
	"net/http"
	"os"

	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/sioadmin"
)

// Instrument a server for the Socket.IO Admin UI and serve the UI's page
// from the npm package. The hash is made once, offline, by
// bcrypt.GenerateFromPassword or `htpasswd -nbB admin secret`; only the
// hash is kept in the configuration.
func ExampleInstrument() {
	const hash = "$2a$10$pBx8PsXCQ8ZvIi9vhvmMt.oaJBYAjiL0Qw52S0ZYl4gdQeeC8ig9y" // "secret"

	srv := sio.NewServer(nil)
	admin, err := sioadmin.Instrument(srv, &sioadmin.Options{
		Auth: &sioadmin.BasicAuth{Username: "admin", PasswordHash: hash},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer admin.Close() // before srv.Shutdown

	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	mux.Handle("/admin-ui/", http.StripPrefix("/admin-ui", sioadmin.UI(os.DirFS("node_modules/@socket.io/admin-ui/ui/dist"))))
	// http.ListenAndServe("127.0.0.1:8080", mux); then open
	// http://127.0.0.1:8080/admin-ui/ and log in with the server URL
	// http://127.0.0.1:8080, admin and secret.
	fmt.Println(admin.Namespace().Name())
	// Output: /admin
}
