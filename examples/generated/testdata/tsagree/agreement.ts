// The TypeScript side of TestTypeScriptAgreement (agreement_ts_test.go):
// judges payloads with the generated TypeScript validators, after the
// official socket.io-parser has decoded them as socket.io-client would.
//
// Input on stdin: {"cases": [{"type", "payload", "attachments"}], "fuzz": N, "seed": S}.
// Output on stdout: {"verdicts": [{"valid", "paths", "messages", "refused"}],
// "fuzz": [{"type", "payload", "valid", "paths", "messages"}]}: the verdict of every
// case, then N payloads made up here from the valid cases, with the
// validators' verdict on each, for the Go side to judge too.
import { Decoder } from "socket.io-parser";
import { readFileSync } from "node:fs";
import * as $ from "../../ts/siogen.validate.js";
import * as contract from "../../ts/contract.validate.js";
import * as chat from "../../ts/chat.validate.js";
import * as common from "../../ts/common.validate.js";
import * as dashboard from "../../ts/dashboard.validate.js";
import * as notifications from "../../ts/notifications.validate.js";

const checks: Record<string, $.Check> = {
  "contract.Everything": contract.checkEverything,
  "contract.Tree": contract.checkTree,
  "contract.Settings": contract.checkSettings,
  "contract.Shape": contract.checkShape,
  "contract.ContractAskAck": contract.checkContractAskAck,
  "contract.ContractAuth": contract.checkContractAuth,
  "chat.Message": chat.checkMessage,
  "chat.SendMessage": chat.checkSendMessage,
  "chat.RoomInfo": chat.checkRoomInfo,
  "chat.Question": chat.checkQuestion,
  "chat.Attachment": chat.checkAttachment,
  "common.Page": common.checkPage,
  "dashboard.Snapshot": dashboard.checkSnapshot,
  "notifications.Notification": notifications.checkNotification,
};

interface Case {
  type: string;
  payload: string;
  attachments?: string[];
}

interface Verdict {
  valid: boolean;
  paths: string[];
  messages: string[];
  refused?: string;
}

// decode returns the payload as socket.io-client hands it to a listener:
// an EVENT packet parsed by socket.io-parser, attachments in place.
function decode(c: Case): unknown {
  const atts = (c.attachments ?? []).map((a) => Buffer.from(a, "base64"));
  const text = (atts.length ? "5" + atts.length + "-" : "2") + '["ev",' + c.payload + "]";
  let data: unknown[] | undefined;
  const d = new Decoder();
  d.on("decoded", (p: { data?: unknown[] }) => (data = p.data));
  d.add(text);
  for (const a of atts) d.add(a);
  if (!data) throw new Error("incomplete packet");
  return data[1];
}

function judge(c: Case): Verdict {
  const check = checks[c.type];
  if (!check) throw new Error("no check for " + c.type);
  let value: unknown;
  try {
    value = decode(c);
  } catch (e) {
    return { valid: false, paths: [], messages: [], refused: String(e) };
  }
  const vs = $.validate(check, value);
  return { valid: vs.length === 0, paths: [...new Set(vs.map((v) => v.path))], messages: vs.map((v) => v.message) };
}

// A small deterministic PRNG (mulberry32).
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Values that probe the rules: types, bounds, formats, lengths, nesting.
const pool: unknown[] = [
  null, true, false, 0, -0, 1, -1, 5, 6, -5, -6, 0.5, 0.4999, 1.5, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 1e10, 1e10 + 1, 1e300,
  "", "a", "ab", "abcd", "abcde", "😀😀", "é", "ABC", "abc", "x y", "AAE=", "AAE", "AA==", "AAAAAAAAAAAAAAAAAAAAAA==",
  "2024-05-01T12:00:00Z", "2016-12-31T23:59:60Z", "2016-12-31T22:59:60Z", "2024-02-30T00:00:00Z", "2024-05-01t12:00:00.5+01:00",
  "2024-02-29", "2023-02-29", "6f1c2a7e-3b1d-4b8e-9a51-2f3c4d5e6f70", "6f1c2a7e3b1d4b8e9a512f3c4d5e6f70",
  "ann@example.com", "a..b@example.com", "\"a b\"@example.com", "a@[127.0.0.1]", "a@[IPv6:::1]", "https://example.com/a?b=c#d", "http://[::1]:80/", "http://::1/",
  "mailto:a@b", "https://example.com/%zz", "https://example.com/?q=%zz", "http://h:8x/", "a-b.example", "-a.example", "a.", "192.168.0.1", "192.168.0.01", "256.1.1.1",
  "::1", "::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::ffff:1.2.3.4", "1::2::3", "fe80::1%eth0", "12345::",
  "low", "high", "mid", "online", "dnd", "yes", "no", "circle", "blob", "image", "file", "link", "a-room", "A-room",
  [], [1], ["a"], ["a", "b", "c", "d"], [[1, 2], []], [null], {}, { a: 1 }, { a: "x" }, { "a/b~": 1 }, { kind: "circle", radius: 1 }, { kind: "circle", radius: -1 },
  { kind: "blob", data: "AAAA" }, { kind: "square" }, { kind: 1 }, { name: "n" }, { name: "n", children: [{ name: 1 }] },
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

// mutate changes one member somewhere in v (a fresh copy), or v itself.
function mutate(r: () => number, v: unknown, depth = 0): unknown {
  if (depth > 3 || r() < 0.25 || v === null || typeof v !== "object") return structuredClone(pick(r, pool));
  if (Array.isArray(v)) {
    const out = [...v];
    if (out.length && r() < 0.7) {
      const i = Math.floor(r() * out.length);
      out[i] = mutate(r, out[i], depth + 1);
    } else out.push(structuredClone(pick(r, pool)));
    return out;
  }
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  const keys = Object.keys(out);
  const roll = r();
  if (keys.length && roll < 0.6) {
    const k = pick(r, keys);
    out[k] = mutate(r, out[k], depth + 1);
  } else if (keys.length && roll < 0.8) delete out[pick(r, keys)];
  else out[pick(r, ["extra", "zz", "kind", "name", "children", "theme", "token"])] = structuredClone(pick(r, pool));
  return out;
}

const input = JSON.parse(readFileSync(0, "utf8")) as { cases: Case[]; fuzz: number; seed: number };
const verdicts = input.cases.map(judge);
const seeds = input.cases.filter((c, i) => verdicts[i].valid && !c.attachments);
const r = rng(input.seed);
const fuzz = [];
for (let i = 0; i < input.fuzz && seeds.length; i++) {
  const s = pick(r, seeds);
  let v = JSON.parse(s.payload);
  for (let n = 1 + Math.floor(r() * 2); n > 0; n--) v = mutate(r, v);
  const payload = JSON.stringify(v);
  const vs = $.validate(checks[s.type], JSON.parse(payload));
  fuzz.push({ type: s.type, payload, valid: vs.length === 0, paths: [...new Set(vs.map((x) => x.path))], messages: vs.map((x) => x.message) });
}
process.stdout.write(JSON.stringify({ verdicts, fuzz }));
