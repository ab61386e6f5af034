// A Node socket.io server on @socket.io/redis-adapter, driven by the Go
// tests over HTTP.
// usage: node node-server.js <redis port> <classic|sharded>
// Prints {"event":"listening","port":N}, then one line per server-side event
// it receives ({"event":"sse","name":...,"args":[...]}). Clients join the
// rooms of their "rooms" query parameter and get {name} as data.
// POST /ctl with a JSON command runs it and answers JSON (see run below).
// Binary arguments travel as {"$bin":[bytes]} both ways.
const http = require("http");
const { Server } = require("socket.io");
const { createClient } = require("redis");
const { createAdapter, createShardedAdapter } = require("@socket.io/redis-adapter");

const [port, mode] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const toBin = (v) => {
  if (v && typeof v === "object") {
    if (Array.isArray(v.$bin)) return Buffer.from(v.$bin);
    if (Array.isArray(v)) return v.map(toBin);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toBin(x)]));
  }
  return v;
};
const fromBin = (v) => {
  if (Buffer.isBuffer(v) || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) return { $bin: [...Buffer.from(v)] };
  if (v && typeof v === "object") {
    if (Array.isArray(v)) return v.map(fromBin);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromBin(x)]));
  }
  return v;
};

async function main() {
  const pub = createClient({ url: `redis://127.0.0.1:${port}` });
  const sub = pub.duplicate();
  pub.on("error", () => {});
  sub.on("error", () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  const adapter = mode === "sharded" ? createShardedAdapter(pub, sub) : createAdapter(pub, sub);
  const srv = http.createServer();
  const io = new Server(srv, { adapter });

  const setup = (nsp) => {
    nsp.on("connection", (socket) => {
      const q = socket.handshake.query;
      socket.data = { name: q.name };
      if (q.rooms) socket.join(q.rooms.split(","));
    });
    nsp.on("hello", (...args) => out({ event: "sse", nsp: nsp.name, name: "hello", args: fromBin(args) }));
    nsp.on("ask", (arg, cb) => {
      out({ event: "sse", nsp: nsp.name, name: "ask", args: [arg] });
      if (typeof cb === "function") cb("N:" + arg);
    });
  };
  setup(io.of("/"));
  setup(io.of("/chat"));

  const run = async (c) => {
    let op = io.of(c.nsp || "/");
    if (c.rooms) op = op.to(c.rooms);
    if (c.except) op = op.except(c.except);
    if (c.local) op = op.local;
    if (c.timeout) op = op.timeout(c.timeout);
    const args = toBin(c.args || []);
    switch (c.op) {
      case "emit":
        op.emit(c.event, ...args);
        return {};
      case "emitWithAck":
        return { acks: fromBin(await op.emitWithAck(c.event, ...args)) };
      case "fetch": {
        const socks = await op.fetchSockets();
        return {
          sockets: socks.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data, query: s.handshake.query })),
        };
      }
      case "join":
        op.socketsJoin(c.room);
        return {};
      case "leave":
        op.socketsLeave(c.room);
        return {};
      case "disconnect":
        op.disconnectSockets(!!c.close);
        return {};
      case "sse":
        io.of(c.nsp || "/").serverSideEmit(c.event, ...args);
        return {};
      case "sseAck":
        return { answers: fromBin(await io.of(c.nsp || "/").serverSideEmitWithAck(c.event, ...args)) };
      case "serverCount":
        return { count: await io.of(c.nsp || "/").adapter.serverCount() };
      case "rooms": {
        const s = io.of(c.nsp || "/").sockets.get(c.id);
        return { rooms: s ? [...s.rooms] : null };
      }
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
