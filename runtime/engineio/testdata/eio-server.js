// The official engine.io server speaking the echo protocol of the interop
// tests. usage: node eio-server.js [pingInterval] [pingTimeout]
// Prints {"event":"listening","port":N}, then {"event":"close","reason":...}
// for each session that closes.
const http = require("http");
const { Server } = require("engine.io");

const pingInterval = Number(process.argv[2] || 25000);
const pingTimeout = Number(process.argv[3] || 20000);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const httpServer = http.createServer();
const eio = new Server({ pingInterval, pingTimeout, maxHttpBufferSize: 1e6 });
eio.attach(httpServer);
eio.on("connection", (socket) => {
  out({ event: "connection", transport: socket.transport.name });
  socket.send("welcome");
  socket.send(Buffer.from([0xde, 0xad]));
  socket.on("upgrade", () => out({ event: "upgrade" }));
  socket.on("message", (m) => {
    if (m === "close-me") return socket.close();
    const burst = typeof m === "string" && /^burst:(\d+)$/.exec(m);
    if (burst) {
      for (let i = 0; i < Number(burst[1]); i++) socket.send("b:" + i);
      return;
    }
    socket.send(m);
  });
  socket.on("close", (reason) => out({ event: "close", reason }));
});
httpServer.listen(0, "127.0.0.1", () => out({ event: "listening", port: httpServer.address().port }));
