// The official socket.io-client against the generated chat server, whose
// contract limits message:send to 5 per 2 s and every other event to 20/s
// (burst 40) and 64 KiB, disconnecting a socket refused more than 20 times
// a minute (limits_test.go). usage: node limits-client.js <url> <transport>
// Prints {"event":"check",...} lines and {"event":"done"}.
const { io } = require("socket.io-client");

const [url, transport] = process.argv.slice(2);
const transports = transport === "polling" ? ["polling"] : ["websocket"];
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const check = (name, ok, detail) => out({ event: "check", name, ok: !!ok, detail });

function connect(auth) {
  return new Promise((resolve, reject) => {
    const s = io(url + "/chat", { auth, transports, reconnection: false, forceNew: true });
    s.on("connect", () => resolve(s));
    s.on("connect_error", reject);
  });
}

// refusal reports whether r is the runtime's answer to an event over the
// limit named limit: resource_exhausted, no name, typed details.
function refusal(r, limit, max) {
  return !r.ok && r.error.code === "resource_exhausted" && r.error.name === undefined &&
    r.error.details.limit === limit && r.error.details.max === max;
}

async function main() {
  const s = await connect({ token: "secret", nickname: "ann" });
  let r = await s.timeout(5000).emitWithAck("room:join", { room: "lobby" });
  check("join", r.ok, r);

  // Seven sends at once against a bucket of five: the extra ones are
  // refused before the handler, with when to retry (a token comes back
  // every 400 ms).
  const sends = await Promise.all([...Array(7).keys()].map((i) =>
    s.timeout(5000).emitWithAck("message:send", { room: "lobby", text: "m" + i })));
  const refused = sends.filter((x) => !x.ok);
  check("rate-some-refused", refused.length >= 1 && sends.filter((x) => x.ok).length >= 5, sends);
  check("rate-refusal-typed", refused.every((x) => refusal(x, "rate", 5) &&
    x.error.details.retry_after_ms >= 1 && x.error.details.retry_after_ms <= 400), refused);
  const wait = Math.max(...refused.map((x) => x.error.details.retry_after_ms));
  await new Promise((res) => setTimeout(res, wait + 20));
  r = await s.timeout(5000).emitWithAck("message:send", { room: "lobby", text: "after the wait" });
  check("rate-retry-after-works", r.ok, r);

  // A payload over the namespace's 64 KiB is refused by its size, before
  // it is decoded: not as invalid_argument for its room name.
  r = await s.timeout(5000).emitWithAck("room:join", { room: "x".repeat(70 * 1024) });
  check("payload-refused", refusal(r, "payload", 65536) && r.error.details.retry_after_ms === undefined, r);
  r = await s.timeout(5000).emitWithAck("room:join", { room: "Not A Room" });
  check("under-the-size-still-checked", !r.ok && r.error.code === "invalid_argument", r);

  // typing has no ack: over its rate it is dropped; a socket refused more
  // than 20 times a minute is disconnected by the server.
  const gone = new Promise((res) => s.on("disconnect", res));
  for (let i = 0; i < 100; i++) s.emit("typing", { room: "lobby", typing: i % 2 === 0 });
  const reason = await Promise.race([gone, new Promise((res) => setTimeout(() => res("still connected"), 10000))]);
  check("disconnected-after-refusals", reason === "io server disconnect", reason);
  s.close();
  out({ event: "done" });
}

main().catch((err) => { out({ event: "check", name: "script", ok: false, detail: String(err && err.stack || err) }); out({ event: "done" }); });
