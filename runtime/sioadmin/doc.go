// Package sioadmin is the server side of the Socket.IO Admin UI
// (@socket.io/admin-ui): it lets the UI's built page, the same one the
// JavaScript server's instrument() serves, watch and act on a siogen
// [sio.Server].
//
// [Instrument] adds an admin namespace ("/admin" by default) to the server.
// An admin UI that logs in there receives, as the reference implementation
// sends them:
//
//   - the server's stats every two seconds ("server_stats": id, host name,
//     pid, uptime, Engine.IO clients and how many poll, each namespace and
//     its sockets, connections and disconnections, packets and bytes
//     received and sent per second);
//   - every socket of every namespace ("all_sockets"), with its Engine.IO
//     client, transport, handshake (address, headers, query, time) and rooms;
//   - live updates: sockets connecting, disconnecting and upgrading their
//     transport, rooms joined and left, and (not in production mode) every
//     event received and sent.
//
// and its actions take effect: make sockets join or leave a room, disconnect
// them, emit an event, in a namespace or a room (none in read-only mode).
//
//	admin, err := sioadmin.Instrument(srv, &sioadmin.Options{
//		Auth: &sioadmin.BasicAuth{Username: "admin", PasswordHash: hash}, // bcrypt
//	})
//	defer admin.Close()
//	mux.Handle("/admin-ui/", http.StripPrefix("/admin-ui", sioadmin.UI(os.DirFS("node_modules/@socket.io/admin-ui/ui/dist"))))
//
// The page is not embedded: [UI] serves the ui/dist directory of the npm
// package (or the hosted page at https://admin.socket.io connects to the
// server, which must then allow its origin through CORS).
//
// # Security
//
// The admin namespace shows every client's handshake and lets its user
// disconnect anyone; it is opt-in, and Instrument refuses to start without
// credentials unless Options.NoAuth says so. Passwords are checked against
// a bcrypt hash, as the reference does, a few at a time; a successful login
// gets a session id that the UI presents when it reconnects, valid for a day
// in memory (so, on this node only). Authorization and Cookie headers are
// shown redacted.
//
// # Limits
//
// The dashboard's bytes chart counts the Socket.IO packets of the
// application's namespaces, text and binary attachments, as the reference
// counts Engine.IO messages; unlike the reference, the admin namespace's own
// traffic (the stats it sends the UIs) is left out, as its events are from
// the live view. Uptime is the admin's, not the process's. What one node
// sees comes from its [sio.Observer], added with [sio.Server.Observe]; with
// a multi-node adapter, each node runs its own Instrument and the UI's list
// of sockets is fetched from every node.
package sioadmin
