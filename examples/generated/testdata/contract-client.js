// The official socket.io-client against the generated contract server of
// crossing_test.go: one check per rule of the contract at a crossing.
// usage: node contract-client.js <url>
// Prints {"event":"check",...} lines and {"event":"done"}.
const { io } = require("socket.io-client");

const [url] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const check = (name, ok, detail) => out({ event: "check", name, ok: !!ok, detail });

function connect(auth) {
  return new Promise((resolve) => {
    const s = io(url + "/contract", { auth, transports: ["websocket"], reconnection: false, forceNew: true });
    s.on("connect", () => resolve({ s }));
    s.on("connect_error", (err) => resolve({ s, err }));
  });
}

const valid = (more) => Object.assign({ i32: 1, i64: 2, text: "abc", note: null }, more);
const paths = (r) => (r && !r.ok && r.error.details ? r.error.details.map((v) => v.path).sort().join(",") : "");

async function main() {
  const bad = await connect({ token: "" });
  check("auth-invalid", bad.err && bad.err.data && bad.err.data.code === "invalid_argument" && bad.err.data.details[0].path === "/token", bad.err && bad.err.data);
  bad.s.close();

  const { s, err } = await connect({ token: "t" });
  check("auth-valid", !err, err && err.message);
  const pushes = [];
  s.on("push", (p) => pushes.push(p));
  let answer = "maybe";
  let reply = null; // the whole envelope, when set
  s.on("ask", (_settings, ack) => ack(reply || { ok: true, data: answer }));
  const trees = [];
  s.on("tree", (t) => trees.push(t));
  const call = (ev, arg) => s.timeout(5000).emitWithAck(ev, arg);

  let r = await call("check", valid());
  check("defaults-applied", r.ok && r.data.level === "low" && r.data.flag === true, r);
  r = await call("check", valid({ i64: 1.5 }));
  check("int64-fraction-refused", paths(r) === "/i64", r);
  r = await call("check", valid({ when: "2016-12-31T23:59:60Z" }));
  check("leap-second-accepted", r.ok && r.data.when === "2017-01-01T00:00:00Z", r);
  r = await call("check", valid({ link: "https://exämple.com/" }));
  check("iri-refused", paths(r) === "/link", r);
  r = await call("check", valid({ blob: Buffer.alloc(17) }));
  check("attachment-over-max-length", !r.ok && r.error.code === "invalid_argument" && paths(r) === "/blob", r);
  r = await call("check", valid({ blob: Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]) }));
  check("attachment-at-max-length", r.ok && Buffer.isBuffer(r.data.blob) && r.data.blob.length === 16, r);
  r = await call("check", valid({ shape: { kind: "blob", data: Buffer.from([9, 8, 7]) } }));
  check("bytes-in-union-variant", r.ok && r.data.shape.kind === "blob" && Buffer.isBuffer(r.data.shape.data) && r.data.shape.data.length === 3, r);
  r = await call("check", valid({ shape: { kind: "blob", data: Buffer.alloc(5) } }));
  check("bytes-in-union-variant-over-max-length", paths(r) === "/shape/data", r);
  r = await call("check", { i32: null, i64: 2, text: "abc", note: null, flag: null, tags: [null] });
  check("null-everywhere", paths(r) === "/flag,/i32,/tags/0", r);
  r = await call("check", valid({ extra: 1 }));
  check("unknown-member-refused", paths(r) === "/extra", r);

  r = await call("check", valid({ text: "bad" }));
  check("bad-ack-answered-internal", !r.ok && r.error.code === "internal" && !("details" in r.error), r);
  r = await call("check", valid({ text: "emit" }));
  await new Promise((res) => setTimeout(res, 100));
  check("bad-emit-not-sent", r.ok && r.data.note === "invalid_argument" && pushes.length === 0, { r, pushes });
  r = await call("check", valid({ text: "ask" }));
  check("client-ack-answer-checked", r.ok && r.data.note === "invalid_argument", r);
  answer = "yes";
  r = await call("check", valid({ text: "ask" }));
  check("client-ack-answer-valid", r.ok && r.data.note === "yes", r);
  // Each branch of the ack envelope allows only its own members.
  reply = { ok: true, data: "yes", error: { code: "internal", message: "x" } };
  r = await call("check", valid({ text: "ask" }));
  check("ack-envelope-ok-with-error-refused", r.ok && r.data.note === "invalid_argument", r);
  reply = { ok: false, data: "yes", error: { code: "internal", message: "x" } };
  r = await call("check", valid({ text: "ask" }));
  check("ack-envelope-failure-with-data-refused", r.ok && r.data.note === "invalid_argument", r);
  reply = { ok: false };
  r = await call("check", valid({ text: "ask" }));
  check("ack-envelope-failure-without-error-refused", r.ok && r.data.note === "invalid_argument", r);
  reply = null;

  r = await call("settle", { theme: "light", font: { size: 3 } });
  check("unknown-member-ignored", r.ok && r.data.theme === "light" && !("font" in r.data), r);
  r = await call("settle", {});
  check("settle-default", r.ok && r.data.theme === "dark", r);

  s.emit("tree", { name: "a", children: [{ name: "b", children: [{ nam: "c" }] }] });
  s.emit("tree", { name: "a", children: [{ name: "b" }] });
  await new Promise((res) => setTimeout(res, 200));
  check("tree-invalid-dropped-valid-echoed", trees.length === 1 && trees[0].children[0].name === "b", trees);

  s.close();
  out({ event: "done" });
}

main().catch((e) => {
  check("exception", false, String(e && e.stack));
  out({ event: "done" });
});
