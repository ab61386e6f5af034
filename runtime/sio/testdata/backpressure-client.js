// The official socket.io-client as a slow consumer, for the back-pressure
// tests (backpressure_interop_test.go), which make it slow on the server's
// side: the server's writes to it wait while the test fills its queue.
// usage: node backpressure-client.js <url> <polling|websocket> <mode>
// Prints {"event":"end","pos":[...]} with the "pos" payloads received when
// "end" arrives (modes latest and volatile), or, in mode queue, the
// disconnect reason ({"event":"disconnect"}) and {"event":"reconnected"}.
const { io } = require("socket.io-client");

const [url, transport, mode] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const s = io(url, {
  transports: [transport],
  forceNew: true,
  reconnectionDelay: 50,
  reconnectionDelayMax: 100,
  randomizationFactor: 0,
});
const pos = [];
let connects = 0;

s.on("connect", () => {
  connects++;
  if (connects === 2) {
    out({ event: "reconnected" });
    s.close();
  }
});
s.on("connect_error", (err) => out({ event: "connect_error", message: err.message }));
s.on("disconnect", (reason) => {
  if (mode === "queue") out({ event: "disconnect", reason });
});
s.on("pos", (p) => pos.push(p));
s.on("end", () => {
  out({ event: "end", pos });
  s.close();
});
