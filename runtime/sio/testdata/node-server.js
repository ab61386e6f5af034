// The official socket.io server for the Go client's interop tests.
// usage: node node-server.js '{"port":0,"recovery":false,"pingInterval":25000,"pingTimeout":20000}'
// Prints {"event":"listening","port":N}, then one JSON line per thing the
// tests check: {"event":"connection",...}, {"event":"got",...} for every
// event received, {"event":"answer",...}, {"event":"disconnect",...}.
// Buffers print as {"$bin":"<hex>"}.
//
// Namespaces "/" and "/chat" behave alike; "/private" refuses everyone
// with message "not authorized" and data {"reason":"nope"}; any other
// namespace is "Invalid namespace". Events:
//   echo(...args[, ack])  ack(...args), or emit "echo" with the args
//   ask(payload)          emit "question"(payload) with an ack; print the answer
//   kick()                socket.disconnect()
//   drop({missed:n})      close the transport, then emit "missed"(i) n times to the socket
//   burst({n})            emit "tick"(i) n times
//   flaky(key, ack)       ack("ok", key) only on the 3rd copy received with that key
const http = require("http");
const { Server } = require("socket.io");

const cfg = JSON.parse(process.argv[2] || "{}");
const replacer = (k, v) =>
  v && v.type === "Buffer" && Array.isArray(v.data) ? { $bin: Buffer.from(v.data).toString("hex") } : v;
const out = (o) => process.stdout.write(JSON.stringify(o, replacer) + "\n");

const httpServer = http.createServer();
const opts = {
  pingInterval: cfg.pingInterval || 25000,
  pingTimeout: cfg.pingTimeout || 20000,
};
if (cfg.recovery) {
  opts.connectionStateRecovery = { maxDisconnectionDuration: 60000, skipMiddlewares: true };
}
const io = new Server(httpServer, opts);

const flaky = new Map();

function setup(nsp) {
  nsp.on("connection", (socket) => {
    out({
      event: "connection",
      nsp: nsp.name,
      id: socket.id,
      auth: socket.handshake.auth,
      recovered: socket.recovered,
      transport: socket.conn.transport.name,
    });
    socket.conn.on("upgrade", () => out({ event: "upgrade", nsp: nsp.name }));
    if (!socket.recovered) socket.emit("welcome", { nsp: nsp.name, id: socket.id, auth: socket.handshake.auth });
    socket.onAny((name, ...args) => {
      const hasAck = typeof args[args.length - 1] === "function";
      out({ event: "got", nsp: nsp.name, name, args: hasAck ? args.slice(0, -1) : args, ack: hasAck });
    });
    socket.on("echo", (...args) => {
      const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
      if (ack) ack(...args);
      else socket.emit("echo", ...args);
    });
    socket.on("ask", (payload) => {
      socket.timeout(10000).emit("question", payload, (err, ...ans) => {
        out({ event: "answer", nsp: nsp.name, err: err ? err.message : null, ans });
      });
    });
    socket.on("kick", () => socket.disconnect());
    socket.on("drop", ({ missed }) => {
      const room = socket.id;
      socket.conn.close();
      for (let i = 0; i < missed; i++) nsp.to(room).emit("missed", i);
      out({ event: "dropped", nsp: nsp.name, id: room, missed });
    });
    socket.on("burst", ({ n }) => {
      for (let i = 0; i < n; i++) socket.emit("tick", i);
    });
    socket.on("flaky", (key, ack) => {
      const n = (flaky.get(key) || 0) + 1;
      flaky.set(key, n);
      if (n >= 3 && typeof ack === "function") ack("ok", key);
    });
    socket.on("disconnect", (reason) => out({ event: "disconnect", nsp: nsp.name, id: socket.id, reason }));
  });
}

setup(io.of("/"));
setup(io.of("/chat"));
io.of("/private").use((socket, next) => {
  const err = new Error("not authorized");
  err.data = { reason: "nope" };
  next(err);
});

// A restarted server reuses its port, which may be briefly taken: retry.
let tries = 0;
httpServer.on("error", (err) => {
  if (err.code !== "EADDRINUSE" || ++tries > 50) throw err;
  setTimeout(() => httpServer.listen(cfg.port, "127.0.0.1"), 100);
});
httpServer.on("listening", () => out({ event: "listening", port: httpServer.address().port }));
httpServer.listen(cfg.port || 0, "127.0.0.1");
