// The official socket.io-client for the operations tests (ops_test.go):
// one exchange that the server's debug view and logs must show.
// usage: node ops-client.js <url>
// Connects to "/" over websocket, emits "echo" with an ack, "typed" with a
// payload its schema rejects, "nobody" that no handler takes, "boom" whose
// handler panics; then is refused by "/locked"; prints {"event":"done",...}.
const { io } = require("socket.io-client");

const [url] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const opts = { transports: ["websocket"], forceNew: true, reconnection: false };

async function main() {
  const s = io(url, opts);
  await new Promise((resolve, reject) => {
    s.on("connect", resolve);
    s.on("connect_error", reject);
  });
  const echo = await s.timeout(5000).emitWithAck("echo", { text: "secret-body" });
  const typed = await s.timeout(5000).emitWithAck("typed", { n: "not a number" });
  s.emit("nobody", 1);
  const boom = await s.timeout(5000).emitWithAck("boom", {});
  const refused = await new Promise((resolve) => {
    const l = io(url + "locked", opts);
    l.on("connect", () => resolve("connected"));
    l.on("connect_error", (err) => {
      l.close();
      resolve(err.message);
    });
  });
  s.close();
  out({ event: "done", echo, typed, boom, refused });
}

main().catch((err) => {
  out({ event: "error", message: String(err) });
  process.exit(1);
});
