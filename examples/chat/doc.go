// Chat is a small but real chat application built on siogen: its Go server
// implements the [chat.ChatServer] interface generated from
// examples/schemas/chat.siogen.yaml, and its web page (web/src/*.ts) talks
// to it with the official socket.io-client, typed by the generated
// TypeScript in examples/generated/ts.
//
// The built page (web/dist/app.js) is committed and embedded in the
// binary, so the server runs without Node, from anywhere:
//
//	go run ./examples/chat            # http://127.0.0.1:8080
//
// After changing web/src or the generated TypeScript, rebuild the page
// (npm ci && node examples/chat/web/build.mjs) and commit it;
// TestBundleUpToDate fails until then.
//
// Flags:
//
//	-addr        listen address (default 127.0.0.1:8080; port 0 picks one)
//	-dir         a web directory holding index.html, style.css and dist/app.js,
//	             served from disk instead of the embedded page (to work on
//	             the page with build.mjs --watch: -dir examples/chat/web)
//	-client-dir  an installed socket.io-client/dist directory, served at
//	             /socket.io/socket.io.js like the Node server's serveClient
//	             (default node_modules/socket.io-client/dist when present)
//	-public-url  the URL clients reach the server at, used in image links
//	             (default http://<addr>)
//	-redis       a Redis address to share rooms and broadcasts with other nodes
//	-metrics     serve OpenTelemetry metrics (runtime/siootel) in the
//	             Prometheus text format at /metrics (default true)
//	-admin       user:bcrypt-hash (as htpasswd -nbB user password prints it):
//	             turns on the Socket.IO Admin UI's /admin namespace
//	             (runtime/sioadmin) for that login; default off
//	-admin-ui    the ui/dist directory of the npm package @socket.io/admin-ui,
//	             served at /admin-ui/ with -admin (default
//	             node_modules/@socket.io/admin-ui/ui/dist when present)
//
// The server keeps everything in memory: a few predefined rooms (an unknown
// room is a typed RoomNotFound error), the recent history of each, who is in
// which room, uploaded images (served at /images/<id>). It enables
// connection state recovery, so a page whose connection drops gets the
// messages it missed. A restarted server starts empty; pages reconnect and
// join their room again.
//
// How much a client may send is declared in the contract, not coded here:
// the limits of message:send (5 messages in 2 seconds, a burst of 5; a
// payload of at most 6 MiB) and the namespace's defaults for the other
// events, which the generated registration hands to the runtime. They count
// per socket, not per user: a person with two tabs open may send twice as
// much. A message over the rate is answered with the runtime's
// resource_exhausted error (details limit "rate", max 5 and retry_after_ms)
// before the handler runs, and a socket refused more than 20 times in a
// minute is disconnected ("too many refused events").
//
// Clustering is a matter of the sio.ServerOptions.Adapter given to
// newChatServer (a Redis adapter shares rooms and broadcasts between nodes);
// room history and membership live in the [rooms] store of one process.
package main
