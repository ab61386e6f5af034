// The reference server of examples/bench: socket.io 4.8 implementing the
// contract of examples/schemas/bench.siogen.yaml. Listens on
// 127.0.0.1:$PORT (default 3100) and prints "listening <addr>".
"use strict";
const http = require("node:http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 3100);
const httpServer = http.createServer();
const io = new Server(httpServer, {
  serveClient: false,
  perMessageDeflate: false,
  httpCompression: false,
  maxHttpBufferSize: 1e6,
});

io.on("connection", (socket) => {
  socket.on("echo", (arg, ack) => {
    if (typeof ack === "function") ack(arg);
  });
  socket.on("bcast", (arg) => {
    io.emit("bcast", arg);
  });
});

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
