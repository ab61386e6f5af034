// The official socket.io-client as a slow consumer, for the back-pressure
// tests (backpressure_test.go).
// usage: node backpressure-client.js <url> <polling|websocket> <mode> <side-url>
// On "stall" the client stops reading: over websocket it pauses the TCP
// socket under the ws library (ws._socket, not public API); over polling it
// pauses the transport (transport.pause, as an upgrade does) and, to resume,
// sets it open and polls again (transport.readyState and _poll, not public
// API: the test fails if engine.io-client changes them). Once it reads no
// more it GETs <side-url>/stalled (a paused polling transport discards
// emits), and it reads again once a GET of <side-url>/resume answers. Over
// polling it emits "pausing" first, so that the server answers the GET it
// holds, which the pause waits for.
// Prints {"event":"end","pos":[...]} with the "pos" payloads received when
// "end" arrives (modes latest and volatile), or, in mode queue, the
// disconnect reason ({"event":"disconnect"}) and {"event":"reconnected"}.
const { io } = require("socket.io-client");

const [url, transport, mode, side] = process.argv.slice(2);
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
s.on("stall", () => {
  const t = s.io.engine.transport;
  const fail = (err) => out({ event: "error", message: String(err) });
  let resume;
  const stalled = () => {
    fetch(side + "/stalled").catch(fail);
    fetch(side + "/resume").then(resume, fail);
  };
  if (t.name === "websocket") {
    t.ws._socket.pause();
    resume = () => t.ws._socket.resume();
    stalled();
  } else {
    resume = () => {
      t.readyState = "open";
      t._poll();
    };
    s.emit("pausing");
    t.pause(stalled);
  }
});
