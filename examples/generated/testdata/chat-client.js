// The official socket.io-client against the generated, validating chat
// server of roundtrip_test.go. usage: node chat-client.js <url> <transport>
// Prints {"event":"check",...} lines and {"event":"done"}.
const { io } = require("socket.io-client");

const [url, transport] = process.argv.slice(2);
const transports = transport === "polling" ? ["polling"] : ["websocket"];
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const check = (name, ok, detail) => out({ event: "check", name, ok: !!ok, detail });

function connect(auth) {
  return new Promise((resolve) => {
    const s = io(url + "/chat", { auth, transports, reconnection: false, forceNew: true });
    s.on("connect", () => resolve({ s }));
    s.on("connect_error", (err) => resolve({ s, err }));
  });
}

async function main() {
  const bad = await connect({ token: "", nickname: "ann" });
  const v = bad.err && bad.err.data && bad.err.data.details;
  check("auth-invalid", bad.err && bad.err.data.code === "invalid_argument" && v.some((x) => x.path === "/token"), bad.err && bad.err.data);
  bad.s.close();

  const { s, err } = await connect({ token: "secret", nickname: "ann" });
  check("auth-valid", !err, err && err.message);
  const news = [];
  s.on("message:new", (m) => news.push(m));
  s.on("poll", (q, ack) => ack({ ok: true, data: { choice: q.choices.length - 1 } }));

  let r = await s.timeout(5000).emitWithAck("room:join", { room: "lobby" });
  check("join-ok", r.ok && r.data.id === "lobby" && r.data.history.length === 20, r);
  r = await s.timeout(5000).emitWithAck("room:join", { room: "nowhere" });
  check("join-typed-error", !r.ok && r.error.code === "not_found" && r.error.name === "RoomNotFound" && r.error.details.room === "nowhere", r);
  r = await s.timeout(5000).emitWithAck("room:join", { room: "Bad Room!", history: 500 });
  const paths = !r.ok && r.error.details.map((x) => x.path).sort();
  check("join-invalid", !r.ok && r.error.code === "invalid_argument" && JSON.stringify(paths) === '["/history","/room"]', r);
  r = await s.timeout(5000).emitWithAck("room:join", "not an object");
  check("join-wrong-type", !r.ok && r.error.code === "invalid_argument", r);

  const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
  r = await s.timeout(5000).emitWithAck("message:send", { room: "lobby", text: "hi <there> & you", image });
  check("send-ok", r.ok && r.data.text === "hi <there> & you" && r.data.author.nickname === "ann" && r.data.room === "lobby", r);
  check("send-image-intact", r.ok && r.data.attachments && r.data.attachments[0].kind === "file" && r.data.attachments[0].size_bytes === image.length, r.data && r.data.attachments);
  await new Promise((res) => setTimeout(res, 200));
  check("message-new-broadcast", news.length === 1 && news[0].id === r.data.id, news);
  r = await s.timeout(5000).emitWithAck("message:send", { room: "lobby", text: "" });
  check("send-too-short", !r.ok && r.error.code === "invalid_argument" && r.error.details[0].path === "/text", r);
  r = await s.timeout(5000).emitWithAck("message:send", { room: "lobby", text: "x", extra: 1 });
  check("send-unknown-field", !r.ok && r.error.code === "invalid_argument", r);

  r = await s.timeout(5000).emitWithAck("message:history", "lobby", { limit: 3 });
  check("history-tuple", r.ok && Array.isArray(r.data) && r.data.length === 3, r);
  r = await s.timeout(5000).emitWithAck("message:history", "lobby", { limit: 0 });
  check("history-tuple-invalid", !r.ok && r.error.code === "invalid_argument", r);

  r = await s.timeout(5000).emitWithAck("room:leave", { room: "lobby" });
  check("leave-server-asks-client", r.ok && !("data" in r), r);

  const legacy = await new Promise((res) => s.timeout(5000).emit("ping:legacy", (e, err2, pong) => res([e, err2, pong])));
  check("plain-ack-args", legacy[0] === null && legacy[1] === null && !isNaN(Date.parse(legacy[2])), legacy);

  s.close();
  out({ event: "done" });
}

main().catch((e) => {
  check("exception", false, String((e && e.stack) || e));
  out({ event: "done" });
  process.exit(1);
});
