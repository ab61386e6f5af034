// Runs commands through @socket.io/redis-emitter, in order.
// usage: node node-emitter.js <redis port> '<JSON array of commands>'
// A command is {op, nsp?, rooms?, except?, volatile?, event?, args?, room?,
// close?, ms?} with op emit|join|leave|disconnect|sse|sleep; binary
// arguments are {"$bin":[bytes]}. Prints {"event":"ran","i":n} after each
// command and {"event":"done"} at the end.
const { createClient } = require("redis");
const { Emitter } = require("@socket.io/redis-emitter");

const [port, cmds] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const toBin = (v) => {
  if (v && typeof v === "object") {
    if (Array.isArray(v.$bin)) return Buffer.from(v.$bin);
    if (Array.isArray(v)) return v.map(toBin);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toBin(x)]));
  }
  return v;
};

async function main() {
  const client = createClient({ url: `redis://127.0.0.1:${port}` });
  client.on("error", () => {});
  await client.connect();
  const emitter = new Emitter(client);
  const list = JSON.parse(cmds);
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    let op = emitter.of(c.nsp || "/");
    if (c.rooms) op = op.to(c.rooms);
    if (c.except) op = op.except(c.except);
    if (c.volatile) op = op.volatile;
    switch (c.op) {
      case "emit":
        op.emit(c.event, ...toBin(c.args || []));
        break;
      case "join":
        op.socketsJoin(c.room);
        break;
      case "leave":
        op.socketsLeave(c.room);
        break;
      case "disconnect":
        op.disconnectSockets(!!c.close);
        break;
      case "sse":
        emitter.of(c.nsp || "/").serverSideEmit(c.event, ...toBin(c.args || []));
        break;
      case "sleep":
        await new Promise((r) => setTimeout(r, c.ms));
        break;
    }
    // PING after the command: when it answers, the PUBLISH went through.
    await client.ping();
    out({ event: "ran", i });
  }
  await client.quit();
  out({ event: "done" });
}

main().catch((e) => {
  out({ event: "fatal", error: String(e) });
  process.exit(1);
});
