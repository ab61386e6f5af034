// A Node socket.io server on @socket.io/redis-streams-adapter, with
// connection state recovery, driven by the Go tests over HTTP.
// usage: node streams-node-server.js <redis port>
// Prints {"event":"listening","port":N} and {"event":"sse",...} lines.
// Clients join the rooms of their "rooms" query parameter.
const http = require("http");
const { Server } = require("socket.io");
const { createClient } = require("redis");
const { createAdapter } = require("@socket.io/redis-streams-adapter");

const [port] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

async function main() {
  const rdb = createClient({ url: `redis://127.0.0.1:${port}` });
  rdb.on("error", () => {});
  await rdb.connect();
  const srv = http.createServer();
  const io = new Server(srv, {
    adapter: createAdapter(rdb, { heartbeatInterval: 500, heartbeatTimeout: 2000 }),
    connectionStateRecovery: { maxDisconnectionDuration: 60000 },
  });
  const nsp = io.of("/");
  nsp.on("connection", (socket) => {
    if (socket.recovered) out({ event: "recovered", id: socket.id });
    const q = socket.handshake.query;
    if (q.rooms) socket.join(q.rooms.split(","));
  });
  nsp.on("hello", (...args) => out({ event: "sse", name: "hello", args }));
  nsp.on("ask", (arg, cb) => cb("N:" + arg));

  const run = async (c) => {
    let op = io.of("/");
    if (c.rooms) op = op.to(c.rooms);
    switch (c.op) {
      case "emit":
        op.emit(c.event, ...(c.args || []));
        return {};
      case "fetch":
        return { ids: (await op.fetchSockets()).map((s) => s.id) };
      case "serverCount":
        return { count: await io.of("/").adapter.serverCount() };
      case "sseAck":
        return { answers: await io.of("/").serverSideEmitWithAck(c.event, ...(c.args || [])) };
    }
    throw new Error("unknown op " + c.op);
  };
  srv.on("request", (req, res) => {
    if (req.url !== "/ctl") return;
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      let reply;
      try {
        reply = await run(JSON.parse(body));
      } catch (e) {
        reply = { error: String(e && e.message ? e.message : e) };
      }
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(reply));
    });
  });
  srv.listen(0, "127.0.0.1", () => out({ event: "listening", port: srv.address().port }));
}

main().catch((e) => {
  out({ event: "fatal", error: String(e) });
  process.exit(1);
});
