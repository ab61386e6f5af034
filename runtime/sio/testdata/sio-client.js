// The official socket.io-client driven through the interop scenarios of
// runtime/sio/interop_test.go, whose Go server implements the other side.
// usage: node sio-client.js <url> <polling|websocket|upgrade> <scenario>
// Prints one JSON line per check ({"event":"check","name":...,"ok":...,
// "detail":...}) and a final {"event":"done"} line; an unexpected failure is
// a failed "exception" check.
const { io } = require("socket.io-client");

const [url, mode, scenario] = process.argv.slice(2);
const transports = {
  polling: ["polling"],
  websocket: ["websocket"],
  upgrade: ["polling", "websocket"],
}[mode];

const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const check = (name, ok, detail) => out({ event: "check", name, ok: !!ok, detail });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const bytes = (b) => (Buffer.isBuffer(b) || b instanceof ArrayBuffer ? [...Buffer.from(b)] : null);

// connect opens a socket on its own manager (a new Engine.IO connection).
function connect(nsp = "/", opts = {}) {
  return io(url + nsp, {
    transports,
    forceNew: true,
    reconnectionDelay: 300,
    reconnectionDelayMax: 600,
    randomizationFactor: 0,
    ...opts,
  });
}

// once resolves with the arguments of the next `event` on emitter.
function once(emitter, event, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${event}`)), ms);
    emitter.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

// ack emits an event and resolves with [err, ...ackArgs].
function ack(socket, ev, ...args) {
  return new Promise((resolve) => socket.timeout(10000).emit(ev, ...args, (err, ...res) => resolve([err, ...res])));
}

// connected waits for a socket's connect or connect_error.
function connected(socket, ms = 10000) {
  if (socket.connected) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout connecting ${socket.nsp}`)), ms);
    const done = (err) => {
      clearTimeout(timer);
      socket.off("connect", onConnect);
      socket.off("connect_error", onError);
      resolve(err);
    };
    const onConnect = () => done(null);
    const onError = (err) => done(err);
    socket.on("connect", onConnect);
    socket.on("connect_error", onError);
  });
}

async function upgraded(socket) {
  if (mode !== "upgrade") return;
  const t0 = Date.now();
  while (socket.io.engine.transport.name !== "websocket" && Date.now() - t0 < 10000) await sleep(20);
  check("upgraded", socket.io.engine.transport.name === "websocket", socket.io.engine.transport.name);
}

// collect records the arguments of every `event` on socket.
function collect(socket, event) {
  const got = [];
  socket.on(event, (...args) => got.push(args));
  return got;
}

const scenarios = {};

// basic: handshake, events, acks both ways with timeouts, binary, onAny,
// send/message, client disconnect.
scenarios.basic = async () => {
  const s = connect("/", { auth: { token: "abc" }, query: { q: "1" }, extraHeaders: { "x-test": "hdr" } });
  const welcome = once(s, "welcome");
  const bin = once(s, "bin");
  const messages = collect(s, "message");
  s.on("question", (n, cb) => cb(n * 2, "x"));
  s.on("silent", () => {}); // never acknowledges
  const err = await connected(s);
  check("connect", err === null && typeof s.id === "string", err && err.message);
  check("sid-not-engine-id", s.id !== s.io.engine.id, [s.id, s.io.engine.id]);
  const [w] = await welcome;
  check("handshake-auth", same(w.auth, { token: "abc" }), w.auth);
  check("handshake-query", w.query === "1", w.query);
  check("handshake-header", w.header === "hdr", w.header);
  check("handshake-address", /^(127\.0\.0\.1|\[::1\]):\d+$/.test(w.address), w.address);
  check("handshake-transport", w.transport === transports[0], w.transport);
  await upgraded(s);

  // Server-sent binary nested in objects.
  const [b] = await bin;
  check("binary-in-object", same(bytes(b.a.b), [9, 8]) && same(bytes(b.list[0]), [7]) && b.list[1] === "s", b);

  // Acks from the server, echoing JSON byte for byte and binary at any depth.
  const args = [1, "two", { three: [3], html: "<a&b>" }, null, true];
  let [e, ...res] = await ack(s, "echo", ...args);
  check("ack-echo", !e && same(res, args), res);
  [e, ...res] = await ack(s, "echo", Buffer.from([1, 2]), { deep: { x: [Buffer.from([3]), "y"] } });
  check("ack-echo-binary", !e && same(bytes(res[0]), [1, 2]) && same(bytes(res[1].deep.x[0]), [3]) && res[1].deep.x[1] === "y", res);
  [e, ...res] = await ack(s, "echo");
  check("ack-empty", !e && res.length === 0, res);

  // Binary nested in objects from the client, decoded into Go structs.
  [e, ...res] = await ack(s, "bin-in", { file: { name: "f", data: Buffer.from([1, 2, 3]) }, parts: [Buffer.from([4]), Buffer.from([5, 6])] });
  check("binary-decoded", !e && res[0] && res[0].name === "f" && same(res[0].sizes, [3, 1, 2]) && same(bytes(res[0].back.x), [3, 2, 1]), res);

  // Acks requested by the server, answered and not answered.
  [e, ...res] = await ack(s, "ask");
  check("server-ack", !e && same(res, [[42, "x"]]), res);
  [e, ...res] = await ack(s, "ask-silent");
  check("server-ack-timeout", !e && res[0] === "timeout", res);

  // Client-side ack timeout: the server never acknowledges "no-ack".
  const t0 = Date.now();
  const timedOut = await new Promise((resolve) => s.timeout(800).emit("no-ack", (err) => resolve(err)));
  check("client-ack-timeout", timedOut instanceof Error && Date.now() - t0 >= 700, String(timedOut));

  // send / "message" in both directions.
  s.send("hi", 1);
  while (messages.length === 0) await sleep(20);
  check("send-message", same(messages[0], ["hi back", 1]), messages[0]);

  // Reserved names cannot be emitted by the server; onAny sees what the
  // socket received and onAnyOutgoing what it was sent.
  s.emit("any-probe", 5);
  [e, ...res] = await ack(s, "any-report");
  const r = res[0] || {};
  check("on-any", Array.isArray(r.in) && r.in.includes("any-probe") && r.in.includes("echo"), r.in);
  check("on-any-outgoing", Array.isArray(r.out) && r.out.includes("welcome") && r.out.includes("bin") && r.out.includes("question"), r.out);
  check("reserved-refused", r.reserved === "invalid_argument", r.reserved);

  // An event the server has no handler for changes nothing.
  s.emit("unknown-event", 1);
  [e, ...res] = await ack(s, "echo", "still");
  check("after-unknown", !e && same(res, ["still"]), res);

  const disc = once(s, "disconnect");
  s.disconnect();
  const [reason] = await disc;
  check("client-disconnect", reason === "io client disconnect", reason);
};

// namespaces: multiplexing, invalid namespace, middleware errors with data,
// retry with new auth, dynamic namespaces, server namespace disconnect.
scenarios.namespaces = async () => {
  const a = connect("/admin");
  const hello = once(a, "hello-admin");
  let err = await connected(a);
  check("admin-connect", err === null, err && err.message);
  await hello;
  check("admin-hello", true);
  await upgraded(a);
  const mgr = a.io;

  const rnd = mgr.socket("/random");
  err = await connected(rnd);
  check("invalid-namespace", err && err.message === "Invalid namespace" && err.data === undefined, err && [err.message, err.data]);

  const p = mgr.socket("/private", { auth: { token: "bad" } });
  err = await connected(p);
  // A *sio.Error from a middleware arrives whole as data: code, name, message, details.
  check(
    "middleware-error-data",
    err && err.message === "not authorized" &&
      same(err.data, { code: "unauthenticated", name: "Denied", message: "not authorized", details: { reason: "nope" } }),
    err && [err.message, err.data],
  );
  check("no-auto-retry", !p.connected && !p.active, p.active);
  p.auth = { token: "ok" };
  p.connect();
  err = await connected(p);
  check("retry-with-auth", err === null && p.connected, err && err.message);

  const pl = mgr.socket("/plain");
  err = await connected(pl);
  check("middleware-plain-error", err && err.message === "plain error" && err.data === undefined, err && [err.message, err.data]);

  let [e, ...res] = await ack(a, "ping-admin");
  check("admin-alive-after-errors", !e && res[0] === "pong", res);

  const d1 = mgr.socket("/dyn-1");
  const d2 = mgr.socket("/dyn-2");
  const h1 = once(d1, "dyn-hello");
  const h2 = once(d2, "dyn-hello");
  err = (await connected(d1)) || (await connected(d2));
  check("dynamic-connect", err === null, err && err.message);
  check("dynamic-hello", same((await h1)[0], "/dyn-1") && same((await h2)[0], "/dyn-2"));
  [e, ...res] = await ack(d2, "dyn-echo", 7);
  check("dynamic-parent-handler", !e && same(res, ["/dyn-2", 7]), res);
  [e, ...res] = await ack(d1, "dyn-data");
  check("dynamic-parent-middleware", !e && res[0] === "mw:/dyn-1", res);
  const bad = mgr.socket("/dyn-x");
  err = await connected(bad);
  check("dynamic-no-match", err && err.message === "Invalid namespace", err && err.message);
  const all1 = once(d1, "dyn-all");
  const all2 = once(d2, "dyn-all");
  d1.emit("dyn-broadcast");
  check("dynamic-parent-broadcast", same(await all1, [1]) && same(await all2, [1]));

  const kicked = once(d2, "disconnect");
  d2.emit("kick");
  const [reason] = await kicked;
  check("server-namespace-disconnect", reason === "io server disconnect", reason);
  await sleep(1000);
  check("no-reconnect-after-kick", !d2.connected && !d2.active, [d2.connected, d2.active]);
  [e, ...res] = await ack(d1, "dyn-echo", 1);
  check("others-alive-after-kick", !e && same(res, ["/dyn-1", 1]), res);
  check("one-engine", a.io.engine === d1.io.engine && a.io.engine.readyState === "open");

  // Closing the whole connection from the server reaches every namespace.
  const da = once(a, "disconnect");
  const dd = once(d1, "disconnect");
  d1.emit("kick-all");
  const [ra] = await da;
  const [rd] = await dd;
  check("server-close-connection", ra === "io server disconnect" && rd === "io server disconnect", [ra, rd]);
  await sleep(1000);
  check("no-reconnect-after-close", !a.active && !d1.active && !a.connected, [a.active, d1.active]);
  mgr._close();
};

// rooms: three clients; broadcasts to rooms, with except, from a socket,
// volatile, with acks; FetchSockets, SocketsJoin/Leave, DisconnectSockets.
scenarios.rooms = async () => {
  const names = ["a", "b", "c"];
  const socks = {};
  const news = {};
  for (const n of names) {
    const s = connect("/", { auth: { name: n } });
    socks[n] = s;
    news[n] = collect(s, "news");
    s.on("poll-q", (x, cb) => {
      if (n !== "c" || x !== "all") cb(n);
    });
  }
  for (const n of names) {
    const err = await connected(socks[n]);
    check("connect-" + n, err === null, err && err.message);
  }
  await upgraded(socks.a);
  const { a, b, c } = socks;
  await ack(a, "join", "r1");
  await ack(b, "join", "r1");
  await ack(b, "join", "r2");
  const [, rooms] = await ack(c, "join", "r2");
  check("rooms-after-join", same(rooms, [c.id, "r2"].sort()), rooms);

  // bcast asks the server for a broadcast and returns who received it: the
  // server follows it with a "sync" event to everyone, so anything sent
  // earlier has arrived once every client has its sync.
  let seq = 0;
  async function bcast(from, spec) {
    const tag = "t" + seq++;
    const syncs = names.map((n) => new Promise((resolve) => {
      const h = (t) => { if (t === tag) { socks[n].off("sync", h); resolve(); } };
      socks[n].on("sync", h);
    }));
    const [e] = await ack(socks[from], "bcast", { ...spec, tag });
    if (e) throw e;
    await Promise.race([Promise.all(syncs), sleep(10000)]);
    return names.filter((n) => news[n].some((args) => args[0] === tag)).join("") +
      (names.some((n) => news[n].filter((args) => args[0] === tag).length > 1) ? "!dup" : "");
  }
  let who = await bcast("a", { from: "socket", to: ["r1"] });
  check("socket-to-room-excludes-self", who === "b", who);
  who = await bcast("a", { from: "ns", to: ["r1", "r2"] });
  check("ns-to-rooms-once-each", who === "abc", who);
  who = await bcast("a", { from: "ns", except: ["r2"] });
  check("ns-except", who === "a", who);
  who = await bcast("a", { from: "ns", to: ["r2"], except: ["r1"] });
  check("ns-to-except", who === "c", who);
  who = await bcast("a", { from: "broadcast" });
  check("socket-broadcast", who === "bc", who);
  who = await bcast("b", { from: "socket-except", except: ["r1"] });
  check("socket-except", who === "c", who);
  who = await bcast("a", { from: "ns", volatile: true });
  check("volatile-idle-delivered", who === "abc", who);
  who = await bcast("a", { from: "server", to: [c.id] });
  check("server-to-socket-room", who === "c", who);

  let [e, r] = await ack(a, "poll", { to: ["r1"], x: "r1", ms: 5000 });
  check("broadcast-ack", !e && r && same(r.answers, ["a", "b"]) && r.err === "", r);
  const t0 = Date.now();
  [e, r] = await ack(a, "poll", { x: "all", ms: 1500 });
  check("broadcast-ack-timeout", !e && r && same(r.answers, ["a", "b"]) && r.err === "timeout" && Date.now() - t0 >= 1400, r);

  [e, r] = await ack(a, "fetch", { in: ["r2"] });
  const fetched = (r || []).map((x) => `${x.data}:${x.rooms.includes("r2")}:${x.id === socks[x.data].id}`).sort();
  check("fetch-sockets", !e && same(fetched, ["b:true:true", "c:true:true"]), r);

  [e] = await ack(a, "sockets-join", { in: ["r1"], room: "r3" });
  who = await bcast("c", { from: "ns", to: ["r3"] });
  check("sockets-join", !e && who === "ab", who);
  [e] = await ack(a, "sockets-leave", { in: ["r3"], room: "r3" });
  who = await bcast("c", { from: "ns", to: ["r3"] });
  check("sockets-leave", !e && who === "", who);

  const db = once(b, "disconnect");
  const dc = once(c, "disconnect");
  [e] = await ack(a, "disconnect-sockets", { in: ["r2"] });
  const [rb] = await db;
  const [rc] = await dc;
  check("disconnect-sockets", !e && rb === "io server disconnect" && rc === "io server disconnect", [rb, rc]);
  [e, r] = await ack(a, "fetch", {});
  check("fetch-after-disconnect", !e && r && r.length === 1 && r[0].id === a.id, r);
  for (const s of Object.values(socks)) s.disconnect();
};

// recovery: a forced transport close, events missed meanwhile replayed in
// order before the CONNECT reply, same id, rooms and data restored,
// middlewares skipped; then a deliberate disconnect gives a new session.
scenarios.recovery = async () => {
  const s = connect("/", { auth: { token: "t" } });
  const missed = collect(s, "missed");
  const pre = once(s, "pre");
  let err = await connected(s);
  check("connect", err === null && s.recovered === false, err && err.message);
  await upgraded(s);
  const id1 = s.id;
  const [pid1] = [s._pid];
  check("pid", typeof pid1 === "string" && pid1.length > 0, pid1);
  let [e, rooms] = await ack(s, "join", "rr");
  const preArgs = await pre;
  check("offset-appended", preArgs.length === 2 && preArgs[0] === "p" && typeof preArgs[1] === "string", preArgs);
  [e] = await ack(s, "arm");
  check("armed", !e);

  const back = once(s, "connect", 15000);
  s.io.engine.close();
  await back;
  check("recovered", s.recovered === true, s.recovered);
  check("same-id", s.id === id1, [s.id, id1]);
  const got = missed.map((a) => a[0]);
  check("missed-in-order", same(got, [1, 2, 3]), missed);
  check("missed-offsets", missed.every((a) => a.length === 2 && typeof a[1] === "string"), missed);
  let r;
  [e, r] = await ack(s, "whoami");
  check("rooms-restored", !e && r && r.rooms.includes("rr") && r.rooms.includes(id1), r && r.rooms);
  check("data-restored", !e && r && r.data === "d1", r && r.data);
  check("server-recovered", !e && r && r.recovered === true, r && r.recovered);
  check("middleware-skipped", !e && r && r.mw === 1, r && r.mw);

  // Live events keep flowing after recovery.
  const live = once(s, "missed");
  s.emit("nudge");
  const [n] = await live;
  check("live-after-recovery", n === 4, n);

  // A deliberate disconnect keeps no session.
  s.disconnect();
  s.connect();
  err = await connected(s);
  check("fresh-after-disconnect", err === null && s.recovered === false && s.id !== id1, [s.recovered, s.id]);
  s.disconnect();
};

// recovery-gap: a broadcast made while the server restores the session
// (its middleware emits 4 then) arrives once, after the replayed 1, 2, 3
// and before the later 9.
scenarios["recovery-gap"] = async () => {
  const s = connect("/");
  const missed = collect(s, "missed");
  const err = await connected(s);
  check("connect", err === null, err && err.message);
  await upgraded(s);
  let [e] = await ack(s, "arm");
  check("offset", missed.length === 1 && missed[0][0] === 0, missed);
  check("armed", !e);
  const back = once(s, "connect", 15000);
  s.io.engine.close();
  await back;
  check("recovered", s.recovered === true, s.recovered);
  [e] = await ack(s, "sentinel");
  check("sentinel", !e);
  check("replay-then-live", same(missed.map((a) => a[0]), [0, 1, 2, 3, 4, 9]), missed);
  s.disconnect();
};

async function main() {
  const fn = scenarios[scenario];
  if (!fn) throw new Error("unknown scenario " + scenario);
  await fn();
}

main()
  .catch((e) => check("exception", false, String((e && e.stack) || e)))
  .finally(() => {
    out({ event: "done" });
    setTimeout(() => process.exit(0), 100);
  });
