// Checks the conformance server the way the protocol suites do, with the
// official clients. usage: node check.js <url>
const { Socket } = require("engine.io-client");
const { io } = require("socket.io-client");

const url = process.argv[2];
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const check = (name, ok, detail) => out({ event: "check", name, ok: !!ok, detail });
const timeout = (ms) => new Promise((_, rej) => setTimeout(() => rej(new Error("timeout")), ms));
const race = (p) => Promise.race([p, timeout(5000)]);

async function engine() {
  const s = new Socket(url, { transports: ["websocket"] });
  await race(new Promise((res) => s.on("open", res)));
  const got = [];
  s.on("message", (m) => got.push(m));
  s.send("hello");
  s.send(Buffer.from([1, 2, 3]));
  await race(new Promise((res) => { const t = setInterval(() => { if (got.length >= 2) { clearInterval(t); res(); } }, 10); }));
  check("eio-text-echo", got[0] === "hello", got[0]);
  check("eio-binary-echo", Buffer.from(got[1]).equals(Buffer.from([1, 2, 3])), [...Buffer.from(got[1])]);
  s.close();
}

async function socketio(transports) {
  const s = io(url, { transports, auth: { token: "123" }, forceNew: true, reconnection: false });
  const auth = await race(new Promise((res) => s.on("auth", res)));
  check("auth-" + transports.join("+"), JSON.stringify(auth) === '{"token":"123"}', auth);
  const back = race(new Promise((res) => s.on("message-back", (...a) => res(a))));
  s.emit("message", 1, "2", { 3: Buffer.from([4]) });
  const a = await back;
  check("message-back-" + transports.join("+"), a[0] === 1 && a[1] === "2" && Buffer.isBuffer(a[2]["3"]) && a[2]["3"][0] === 4, a);
  const acked = await race(s.emitWithAck("message-with-ack", 1, "2", Buffer.from([3])));
  check("message-with-ack", acked === 1, acked);
  const echoed = await race(new Promise((res) => s.emit("echo", "x", { y: [true, null] }, (...r) => res(r))));
  check("echo-ack", JSON.stringify(echoed) === '["x",{"y":[true,null]}]', echoed);
  s.close();
}

async function namespaces() {
  const c = io(url + "/custom", { forceNew: true, reconnection: false });
  const auth = await race(new Promise((res) => c.on("auth", res)));
  check("custom-auth", JSON.stringify(auth) === "{}", auth);
  c.close();
  const r = io(url + "/random", { forceNew: true, reconnection: false });
  const err = await race(new Promise((res) => r.on("connect_error", res)));
  check("invalid-namespace", err.message === "Invalid namespace", err.message);
  r.close();
}

(async () => {
  try {
    await engine();
    await socketio(["websocket"]);
    await socketio(["polling"]);
    await namespaces();
  } catch (e) {
    check("exception", false, String(e && e.stack || e));
  }
  out({ event: "done" });
  process.exit(0);
})();
