// The official engine.io-client driven through the interop scenarios.
// usage: node eio-client.js <url> <polling|websocket|upgrade> [idleMs]
// Prints one JSON line per check ({"event":"check","name":...,"ok":...}) and
// a final {"event":"done"} line. The server must speak the echo protocol of
// eio-server.js: greet with "welcome" and binary de ad, echo every message,
// answer "burst:N" with N messages "b:0".."b:N-1", close on "close-me".
const { Socket } = require("engine.io-client");

const [url, mode, idleArg] = process.argv.slice(2);
const idleMs = Number(idleArg || 0);
const transports = {
  polling: ["polling"],
  websocket: ["websocket"],
  upgrade: ["polling", "websocket"],
}[mode];

const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const check = (name, ok, detail) => out({ event: "check", name, ok: !!ok, detail });
const asText = (d) => (typeof d === "string" ? d : null);
const asBytes = (d) => (typeof d === "string" ? null : Buffer.from(d));

const socket = new Socket(url, { transports, path: "/engine.io/" });
const inbox = [];
let waiter = null;
socket.on("message", (d) => {
  inbox.push(d);
  if (waiter) waiter();
});
let upgraded = false;
socket.on("upgrade", () => (upgraded = true));
let closed = null;
const closedP = new Promise((res) => socket.on("close", (reason, desc) => { closed = reason; res(reason); }));

// next waits for the next message matching pred and removes it from the inbox.
function next(pred, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { waiter = null; reject(new Error("timeout waiting for a message")); }, ms);
    const look = () => {
      const i = inbox.findIndex(pred);
      if (i >= 0) {
        clearTimeout(timer);
        waiter = null;
        resolve(inbox.splice(i, 1)[0]);
      } else waiter = look;
    };
    look();
  });
}

async function main() {
  await new Promise((res, rej) => { socket.on("open", res); socket.on("error", rej); });
  check("open", true, socket.transport.name);
  const w = await next((d) => asText(d) === "welcome");
  check("welcome", asText(w) === "welcome");
  const b = await next((d) => asBytes(d) !== null);
  check("welcome-binary", asBytes(b).equals(Buffer.from([0xde, 0xad])), [...asBytes(b)]);

  // Ordered traffic in both directions while an upgrade may be under way.
  const n = 300;
  socket.send("burst:" + n);
  for (let i = 0; i < n; i++) socket.send("c:" + i);
  const got = { b: [], c: [] };
  while (got.b.length < n || got.c.length < n) {
    const d = await next((x) => typeof x === "string" && /^[bc]:\d+$/.test(x));
    const [k, v] = d.split(":");
    got[k].push(Number(v));
  }
  const inOrder = (a) => a.every((v, i) => v === i);
  check("ordered-server-to-client", inOrder(got.b), got.b.slice(0, 5));
  check("ordered-client-to-server", inOrder(got.c), got.c.slice(0, 5));

  if (mode === "upgrade") {
    const t0 = Date.now();
    while (!upgraded && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 20));
    check("upgraded", upgraded && socket.transport.name === "websocket", socket.transport.name);
  }

  socket.send("hello");
  check("text-echo", asText(await next((d) => asText(d) === "hello")) === "hello");
  const bin = Buffer.from([1, 2, 3, 4, 0, 255]);
  socket.send(bin);
  const be = await next((d) => asBytes(d) !== null);
  check("binary-echo", asBytes(be).equals(bin), [...asBytes(be)]);

  const big = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(25000); // 900,000 bytes
  socket.send(big);
  const bigBack = await next((d) => typeof d === "string" && d.length === big.length, 20000);
  check("900kB-echo", bigBack === big, bigBack.length);

  if (idleMs > 0) {
    await new Promise((r) => setTimeout(r, idleMs));
    check("idle-alive", closed === null, closed);
    socket.send("still-alive");
    check("echo-after-idle", asText(await next((d) => asText(d) === "still-alive")) === "still-alive");
  }

  socket.send("close-me");
  const reason = await Promise.race([closedP, new Promise((r) => setTimeout(() => r("no close"), 10000))]);
  check("server-close", reason === "transport close", reason);
  out({ event: "done" });
}

main().catch((e) => {
  check("exception", false, String(e && e.stack || e));
  out({ event: "done" });
  socket.close();
});
