// The reference server of the churn scenarios of examples/bench:
// socket.io 4.8 doing what internal/churnsrv does (see there). Listens on
// 127.0.0.1:$PORT and prints "listening <addr>"; RECOVERY=1 turns
// connection state recovery on (2 minutes, middlewares skipped).
"use strict";
const http = require("node:http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 3100);
const httpServer = http.createServer();
const opts = { serveClient: false, perMessageDeflate: false, httpCompression: false };
if (process.env.RECOVERY === "1") {
  opts.connectionStateRecovery = { maxDisconnectionDuration: 2 * 60 * 1000, skipMiddlewares: true };
}
const io = new Server(httpServer, opts);

io.on("connection", (socket) => {
  const room = socket.handshake.auth && socket.handshake.auth.room;
  if (!socket.recovered && typeof room === "string" && room) socket.join(room);
  socket.on("start", (p, ack) => {
    if (!p || !(p.rooms > 0) || !(p.rate > 0) || !(p.count > 0)) return;
    let seq = 0;
    const timer = setInterval(() => {
      seq++;
      for (let r = 0; r < p.rooms; r++) {
        const name = "r" + r;
        io.to(name).emit("tick", name, seq, Number(process.hrtime.bigint() - hr0) + wall0);
      }
      if (seq >= p.count) {
        clearInterval(timer);
        if (typeof ack === "function") ack(p.count);
      }
    }, 1000 / p.rate);
    socket.on("disconnect", () => clearInterval(timer));
  });
});

// Unix nanoseconds with sub-millisecond resolution.
const wall0 = Date.now() * 1e6;
const hr0 = process.hrtime.bigint();

httpServer.listen(port, "127.0.0.1", () => {
  const a = httpServer.address();
  console.log(`listening ${a.address}:${a.port}`);
});

const stop = () => {
  io.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
