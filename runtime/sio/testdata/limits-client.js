// The official socket.io-client against a server with limits (limits_test.go).
// usage: node limits-client.js <url> <polling|websocket> <events|handshake>
// events: over the rate, over the payload size (text and binary), over the
//   pending acks: each answered {"ok":false,"error":{"code":"resource_exhausted",...}};
//   then "/strict", which disconnects the socket after repeated refusals.
// handshake: connects three times; the server allows two handshakes: the
//   third gets a connect_error.
// Prints one {"event":"result",...} line per step, then {"event":"done"}.
const { io } = require("socket.io-client");

const [url, mode, scenario] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const opts = { transports: [mode], forceNew: true, reconnection: false };

function connect(nsp) {
  const s = io(url + nsp, opts);
  return new Promise((resolve, reject) => {
    s.on("connect", () => resolve(s));
    s.on("connect_error", (err) => {
      s.close();
      reject(err);
    });
  });
}

const ack = (s, ...args) => s.timeout(5000).emitWithAck(...args);

async function events() {
  const s = await connect("/");
  out({ event: "result", step: "within-rate", got: [await ack(s, "echo", { i: 0 }), await ack(s, "echo", { i: 1 })] });
  out({ event: "result", step: "rate", got: await ack(s, "echo", { i: 2 }) });
  out({ event: "result", step: "payload", got: await ack(s, "big", { s: "x".repeat(200) }) });
  out({ event: "result", step: "binary", got: await ack(s, "big", { b: Buffer.alloc(150) }) });
  out({ event: "result", step: "binary-ok", got: await ack(s, "big", { b: Buffer.alloc(10) }) });
  const held = ack(s, "slow", 1);
  await ack(s, "ping", {}); // "slow" has reached its handler
  out({ event: "result", step: "pending", got: await ack(s, "slow", 2) });
  await ack(s, "release", {});
  out({ event: "result", step: "held", got: await held });
  s.close();

  const strict = await connect("/strict");
  const reason = new Promise((resolve) => strict.on("disconnect", resolve));
  const refusals = [];
  for (let i = 0; i < 2; i++) refusals.push(await ack(strict, "echo", { s: "x".repeat(50) }));
  strict.emit("echo", { s: "x".repeat(50) });
  out({ event: "result", step: "strict", got: refusals, reason: await reason });
  strict.close();
}

async function handshake() {
  const results = [];
  for (let i = 0; i < 3; i++) {
    try {
      const s = await connect("/");
      results.push("connected");
      s.close();
    } catch (err) {
      results.push("connect_error: " + err.message);
    }
  }
  out({ event: "result", step: "handshake", got: results });
}

const scenarios = { events, handshake };
scenarios[scenario]()
  .then(() => out({ event: "done" }))
  .catch((err) => {
    out({ event: "error", message: String(err && err.stack ? err.stack : err) });
    process.exit(1);
  });
