// The official socket.io-client against the server of crossings_test.go:
// a contract error refusing a connection, an event the contract does not
// declare, and plain-style acks that never carry an envelope.
// usage: node crossings-client.js <url>
// Prints {"event":"check",...} lines and {"event":"done"}.
const { io } = require("socket.io-client");

const [url] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const check = (name, ok, detail) => out({ event: "check", name, ok: !!ok, detail });

function connect(nsp, auth) {
  return new Promise((resolve) => {
    const s = io(url + nsp, { auth, transports: ["websocket"], reconnection: false, forceNew: true });
    s.on("connect", () => resolve({ s }));
    s.on("connect_error", (err) => resolve({ s, err }));
  });
}

async function main() {
  // A middleware's contract error arrives whole as err.data.
  const flood = await connect("/chat", { token: "secret", nickname: "flood" });
  const d = flood.err && flood.err.data;
  check(
    "connect-error-code-name",
    flood.err && flood.err.message === "too many connections" && d && d.code === "resource_exhausted" &&
      d.name === "RateLimited" && d.message === "too many connections" && d.details && d.details.retry_after_ms === 1500,
    flood.err && [flood.err.message, d],
  );
  flood.s.close();
  const bad = await connect("/chat", { token: "", nickname: "ann" });
  const bd = bad.err && bad.err.data;
  check(
    "connect-error-invalid-auth",
    bd && bd.code === "invalid_argument" && Array.isArray(bd.details) && bd.details.some((v) => v.path === "/token"),
    bd,
  );
  bad.s.close();

  // An event the contract does not declare gets "unimplemented".
  const { s, err } = await connect("/chat", { token: "secret", nickname: "ann" });
  check("connect", !err, err && err.message);
  let r = await s.timeout(5000).emitWithAck("no:such:event", 1);
  check("undeclared-event", r && r.ok === false && r.error.code === "unimplemented", r);

  // A contract error whose details break the contract does not leave the
  // server: the handler's is answered internal, the middleware's refuses
  // internal. The client's answer to a poll with such details is read by
  // the Go test.
  r = await s.timeout(5000).emitWithAck("room:join", { room: "bad-details" });
  check("bad-error-details-answered-internal", r && r.ok === false && r.error.code === "internal" && !("details" in r.error), r);
  s.on("poll", (_q, ack) =>
    ack({ ok: false, error: { code: "not_found", name: "RoomNotFound", message: "m", details: { room: "Not A Room!" } } }),
  );
  r = await s.timeout(5000).emitWithAck("room:leave", { room: "bad-details" });
  check("poll-answered", r && r.ok === true, r);
  s.close();
  const floodBad = await connect("/chat", { token: "secret", nickname: "flood-bad" });
  const fd = floodBad.err && floodBad.err.data;
  check("bad-connect-error-details-internal", fd && fd.code === "internal" && !("details" in fd), fd);
  floodBad.s.close();

  // Plain-style echo: an invalid payload and a failing handler get no
  // answer; the valid echo sent after them is answered with the payload.
  // Acks are delivered in order, so an answer to the first two would have
  // run their callbacks first.
  const b = await connect("/", {});
  const answers = [];
  b.s.emit("echo", { client: -1, pad: "", seq: 0, ts: 0 }, (...a) => answers.push(["invalid", a]));
  b.s.emit("echo", { client: 1, pad: "fail", seq: 0, ts: 0 }, (...a) => answers.push(["failed", a]));
  const sample = { client: 1, pad: "x", seq: 2, ts: 3 };
  const echoed = await b.s.timeout(5000).emitWithAck("echo", sample);
  check("plain-valid-echo", JSON.stringify(echoed) === JSON.stringify(sample), echoed);
  check("plain-invalid-not-answered", answers.length === 0, answers);
  b.s.close();
}

(async () => {
  try {
    await main();
  } catch (e) {
    check("exception", false, String((e && e.stack) || e));
  }
  out({ event: "done" });
  process.exit(0); // sockets a failed check left open must not keep Node alive
})();
