// The official socket.io-client receiving what the typed Redis emitter of
// emitter_test.go publishes. usage: node emitter-client.js <url>
// Prints {"event":"ready"} once in the lobby, then one line per
// message:new and presence event; it runs until the test stops it.
const { io } = require("socket.io-client");

const [url] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const s = io(url + "/chat", { auth: { token: "secret", nickname: "node" }, transports: ["websocket"], reconnection: false });
s.on("message:new", (m) => out({ event: "message:new", payload: m }));
s.on("presence", (p) => out({ event: "presence", payload: p }));
s.on("connect_error", (err) => out({ event: "error", message: err.message }));
s.on("connect", async () => {
  try {
    const r = await s.timeout(5000).emitWithAck("room:join", { room: "lobby" });
    out({ event: "ready", ok: r.ok });
  } catch (e) {
    out({ event: "error", message: String(e) });
  }
});
