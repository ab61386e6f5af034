// The generated typed client (createContractClient over the official
// socket.io-client) against the generated Go server of
// contract.siogen.yaml: run by TestTypedClientNode (crossing_test.go's
// server). usage: node client.cjs <url> <loose url> <mixed url>, the loose
// server skipping its outgoing checks, the mixed one answering with
// envelopes that mix their branches. Prints {"event":"check",...} lines.
import { io } from "socket.io-client";
import { createContractClient, type ContractClient } from "../../ts/contract.client.js";
import type { Everything } from "../../ts/contract.js";
import type { InvalidReport } from "../../ts/siogen.client.js";
import type { Violation } from "../../ts/siogen.types.js";

const [url, looseURL, mixedURL] = process.argv.slice(2);
const out = (o: object) => process.stdout.write(JSON.stringify(o) + "\n");
const check = (name: string, ok: unknown, detail?: unknown) => out({ event: "check", name, ok: !!ok, detail });
const paths = (vs: Violation[] | undefined) => (vs ?? []).map((v) => v.path).sort().join(",");
const valid = (more: Partial<Everything> = {}): Everything => ({ i32: 1, i64: 2, text: "abc", note: null, ...more });

function open(base: string, validateOutgoing = true) {
  const socket = io(base + "/contract", { autoConnect: false, transports: ["websocket"], reconnection: false, forceNew: true });
  const sent: string[] = [];
  socket.onAnyOutgoing((event: string) => sent.push(event));
  const invalid: InvalidReport[] = [];
  const client = createContractClient(socket, { validateOutgoing, onInvalid: (r) => invalid.push(r) });
  return { socket, client, sent, invalid };
}

function next<T>(on: (fn: (v: T) => void) => () => void): Promise<T> {
  return new Promise((resolve) => {
    const stop = on((v) => {
      stop();
      resolve(v);
    });
  });
}

async function main(): Promise<void> {
  // Auth is checked before it leaves; unchecked, the server refuses it, typed.
  const refused = open(url);
  let conn = await refused.client.connect({ token: "" });
  check("auth-refused-before-sending", !conn.ok && conn.error.code === "invalid_argument" && paths(conn.error.violations) === "/token" && !refused.socket.active, conn);
  const unchecked = open(url, false);
  conn = await unchecked.client.connect({ token: "" });
  check("auth-refused-by-the-server-typed", !conn.ok && conn.error.code === "invalid_argument" && paths(conn.error.violations) === "/token", conn);
  unchecked.socket.close();

  const { socket, client, sent, invalid } = open(url);
  conn = await client.connect({ token: "t" });
  check("auth-accepted", conn.ok, conn);

  let r = await client.check(valid());
  check("defaults-applied", r.ok && r.data.level === "low" && r.data.flag === true, r);

  const before = sent.length;
  r = await client.check(valid({ i64: 1.5, link: "https://exämple.com/", blob: new Uint8Array(17) }));
  check("invalid-payload-not-sent", !r.ok && r.error.code === "invalid_argument" && r.error.name === undefined && paths(r.error.details) === "/blob,/i64,/link" && sent.length === before, r);

  r = await client.check(valid({ blob: new Uint8Array(16), shape: { kind: "blob", data: new Uint8Array([9, 8, 7]) } }));
  check("bytes-both-ways", r.ok && r.data.blob instanceof Uint8Array && r.data.blob.byteLength === 16 && r.data.shape?.kind === "blob", r);

  r = await client.check(valid({ text: "bad" }));
  check("bad-ack-answered-internal", !r.ok && r.error.code === "internal", r);

  // Server to client acks answered through a typed handler, checked.
  let answer: unknown = "yes";
  const stopAsk = client.onAsk(() => ({ ok: true, data: answer as "yes" }));
  r = await client.check(valid({ text: "ask" }));
  check("ask-answered", r.ok && r.data.note === "yes", r);
  answer = "maybe";
  r = await client.check(valid({ text: "ask" }));
  check("bad-answer-not-sent", r.ok && r.data.note === "internal" && invalid.some((i) => i.kind === "answer" && i.event === "ask"), r);
  stopAsk();
  client.onAsk(() => {
    throw new Error("the handler fails");
  });
  r = await client.check(valid({ text: "ask" }));
  check("failing-handler-answered-internal", r.ok && r.data.note === "internal", r);

  // unknown: ignore on Settings, both ways.
  const settled = await client.settle({ theme: "light", font: 3 } as { theme: string });
  check("unknown-ignored", settled.ok && settled.data.theme === "light", settled);
  const empty = await client.settle({});
  check("default-of-settings", empty.ok && empty.data.theme === "dark", empty);

  // Events both ways.
  const tree = next<{ name: string }>((fn) => client.onTree(fn));
  const sentTree = client.tree({ name: "a", children: [{ name: "b" }] });
  const got = await tree;
  check("tree-both-ways", sentTree.ok && got.name === "a", got);
  const badTree = client.tree({ name: 1 } as unknown as { name: string });
  check("bad-event-not-sent", !badTree.ok && paths(badTree.error.details) === "/name", badTree);
  socket.close();

  // A server that skips its outgoing checks: what it sends is checked here.
  const loose = open(looseURL);
  await loose.client.connect({ token: "t" });
  r = await loose.client.check(valid({ text: "bad" }));
  check("bad-ack-refused-on-receipt", !r.ok && r.error.code === "invalid_argument" && paths(r.error.details) === "/i32" && loose.invalid.some((i) => i.kind === "ack"), r);
  let pushed = 0;
  loose.client.onPush(() => pushed++);
  r = await loose.client.check(valid({ text: "emit" }));
  const report = loose.invalid.find((i) => i.kind === "event" && i.event === "push");
  check("bad-event-dropped", r.ok && pushed === 0 && report && paths(report.violations) === "/i32,/text", { r, report });
  loose.socket.close();

  // An envelope allows only the members of its branch.
  const mixed = open(mixedURL);
  await mixed.client.connect({ token: "t" });
  r = await mixed.client.check(valid({ text: "ok" }));
  check("ack-envelope-ok-with-error-refused", !r.ok && r.error.code === "invalid_argument", r);
  r = await mixed.client.check(valid({ text: "no" }));
  check("ack-envelope-failure-with-data-refused", !r.ok && r.error.code === "invalid_argument", r);
  // The runtime's refusal by a limit: typed on an event with limits, its
  // details checked on receipt.
  r = await mixed.client.check(valid({ text: "rex" }));
  if (!r.ok && r.error.code === "resource_exhausted" && r.error.name === undefined) {
    const retry: number | undefined = r.error.details.retry_after_ms;
    check("resource-exhausted-typed", r.error.details.limit === "rate" && r.error.details.max === 2000 && retry === 250, r);
  } else {
    check("resource-exhausted-typed", false, r);
  }
  r = await mixed.client.check(valid({ text: "rexb" }));
  check("resource-exhausted-bad-details-refused", !r.ok && r.error.code === "invalid_argument" && paths(r.error.details) === "/details/limit" && mixed.invalid.some((i) => i.kind === "ack"), r);
  mixed.socket.close();
  out({ event: "done" });
}

void main().catch((e) => {
  check("main", false, String(e?.stack ?? e));
  process.exit(1);
});
