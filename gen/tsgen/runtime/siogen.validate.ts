/**
 * Run-time checks of siogen contracts: the building blocks the generated
 * *.validate.ts modules assemble. They judge a value as socket.io hands it
 * over (parsed JSON with binary attachments in place) exactly as the Go
 * runtime's decoder judges the JSON text, with the same JSON pointers and
 * messages. No dependency: browsers and Node alike.
 *
 * @packageDocumentation
 */

import type { Violation } from "./siogen.types.js";

/**
 * A check: records in out every way v, at JSON pointer path, breaks the
 * contract. With fill, absent fields that have a default get it (the
 * value is changed in place). disc is the discriminator member a union
 * variant's object may hold.
 */
export type Check = (v: unknown, path: string, out: Violation[], fill: boolean, disc?: string) => void;

/** An object field: [name, check, flags (1 optional, 2 nullable), default]. */
export type Field = readonly [name: string, check: Check, flags: number, dflt?: unknown];

const maxViolations = 100;
const maxDepth = 1000;
let depth = 0;
const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Returns the violations of v, sorted by path; none means v is valid. */
export function validate(check: Check, v: unknown, fill = false): Violation[] {
  const out: Violation[] = [];
  depth = 0;
  check(v, "", out, fill);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function fail(out: Violation[], path: string, message: string): void {
  if (out.length < maxViolations) out.push({ path, message });
}

/** The path of member k of the value at path: a JSON pointer. */
export function at(path: string, k: string | number): string {
  return path + "/" + String(k).replace(/~/g, "~0").replace(/\//g, "~1");
}

function isBinary(v: unknown): boolean {
  return v instanceof ArrayBuffer || ArrayBuffer.isView(v) || (typeof Blob !== "undefined" && v instanceof Blob);
}

function kind(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "array";
  if (isBinary(v)) return "binary";
  return typeof v === "object" ? "object" : typeof v;
}

function mismatch(v: unknown, want: string, path: string, out: Violation[]): void {
  fail(out, path, "got " + kind(v) + ", want " + want);
}

const quote = (s: string) => JSON.stringify(s);

/** A reference to a check declared elsewhere, resolved when used. */
export const ref = (get: () => Check): Check => (v, p, o, f, d) => get()(v, p, o, f, d);

/** A string value's code points, a lone surrogate counting as one. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) i++;
    }
  }
  return n;
}

/** A regular expression of the contract, matched by code point where the syntax allows. */
export function re(source: string): RegExp {
  try {
    return new RegExp(source, "u");
  } catch {
    return new RegExp(source);
  }
}

/** A string of min to max code points (-1: no bound) matching pattern and of format. */
export function str(min = -1, max = -1, pattern?: RegExp, format?: string): Check {
  return (v, p, o) => {
    if (typeof v !== "string") return mismatch(v, "string", p, o);
    if (min > 0 || max >= 0) {
      const n = codePoints(v);
      if (min > 0 && n < min) fail(o, p, "must be at least " + min + " characters long, got " + n);
      else if (max >= 0 && n > max) fail(o, p, "must be at most " + max + " characters long, got " + n);
    }
    if (pattern && !pattern.test(v)) fail(o, p, quote(v) + " does not match pattern " + quote(pattern.source));
    if (format && !formats[format]?.(v)) fail(o, p, quote(v) + " is not valid " + format);
  };
}

/** A timestamp: an RFC 3339 date-time. */
export const time: Check = (v, p, o) => {
  if (typeof v !== "string") return mismatch(v, "string", p, o);
  if (!isDateTime(v)) fail(o, p, quote(v) + " is not valid date-time");
};

/** One of the values of an enum. */
export function oneOf(values: readonly string[]): Check {
  const allowed = values.map((s) => "'" + s + "'").join(", ");
  return (v, p, o) => {
    if (typeof v !== "string") return mismatch(v, "string", p, o);
    if (!values.includes(v)) fail(o, p, "value must be one of " + allowed);
  };
}

/** true or false. */
export const bool: Check = (v, p, o) => {
  if (typeof v !== "boolean") mismatch(v, "boolean", p, o);
};

// below and above compare the integer n with the bound b exactly: a
// bound beyond 2^53 is given as text, and n is then taken as the integer
// its JSON text names, what the receiver reads (2^62 is sent as
// 4611686018427388000).
function below(n: number, b: number | string): boolean {
  return typeof b === "number" ? n < b : wire(n) < BigInt(b);
}

function above(n: number, b: number | string): boolean {
  return typeof b === "number" ? n > b : wire(n) > BigInt(b);
}

const wire = (n: number) => BigInt(Math.abs(n) < 1e21 ? String(n) : n);

/**
 * An integer in [lo, hi]: an int32, or an int64 whose bounds beyond
 * ±(2^53-1) are given as text. The integer is the one the number's JSON
 * text names: 2^63 (what 9223372036854775807 parses to) is sent as
 * 9223372036854776000, beyond an int64.
 */
export function int(lo: number | string, hi: number | string): Check {
  return (v, p, o) => {
    if (typeof v !== "number") return mismatch(v, "integer", p, o);
    if (Number.isFinite(v) && !Number.isInteger(v)) return fail(o, p, "got number, want integer");
    if (v === -Infinity || (v !== Infinity && below(v, lo))) fail(o, p, "must be at least " + lo + ", got " + v);
    else if (v === Infinity || above(v, hi)) fail(o, p, "must be at most " + hi + ", got " + v);
  };
}

// g writes a number as Go's strconv.FormatFloat(n, 'g', -1, 64) does:
// the shortest digits, in exponent form below 1e-4 and from 1e6 on.
function g(n: number): string {
  const [mant, e] = n.toExponential().split("e");
  const x = +e;
  if (x >= -4 && x < 6) return String(n);
  return mant + "e" + (x < 0 ? "-" : "+") + (Math.abs(x) < 10 ? "0" : "") + Math.abs(x);
}

/** A finite number in [lo, hi]. */
export function num(lo = -Infinity, hi = Infinity): Check {
  return (v, p, o) => {
    if (typeof v !== "number") return mismatch(v, "number", p, o);
    if (!Number.isFinite(v)) return fail(o, p, "number out of the range of a double: " + v);
    if (v < lo) fail(o, p, "must be at least " + g(lo) + ", got " + g(v));
    else if (v > hi) fail(o, p, "must be at most " + g(hi) + ", got " + g(v));
  };
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Binary data of min to max bytes: an attachment, or a base64 string. */
export function bytes(min = -1, max = -1): Check {
  return (v, p, o) => {
    let n: number;
    if (typeof v === "string") {
      if (!base64.test(v)) return fail(o, p, "not valid base64");
      n = (v.length / 4) * 3 - (v.endsWith("==") ? 2 : v.endsWith("=") ? 1 : 0);
    } else if (isBinary(v)) {
      n = v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? v.byteLength : (v as Blob).size;
    } else if (kind(v) === "object") {
      // socket.io-parser turns valid placeholders into binary data.
      return fail(o, p, "not a binary attachment placeholder");
    } else return mismatch(v, "binary attachment or base64 string", p, o);
    if (min > 0 && n < min) fail(o, p, "must be at least " + min + " bytes long, got " + n);
    else if (max >= 0 && n > max) fail(o, p, "must be at most " + max + " bytes long, got " + n);
  };
}

function items(n: number, min: number, max: number, p: string, o: Violation[]): void {
  if (min > 0 && n < min) fail(o, p, "must have at least " + min + " items, got " + n);
  else if (max >= 0 && n > max) fail(o, p, "must have at most " + max + " items, got " + n);
}

function enter(p: string, o: Violation[]): boolean {
  if (depth < maxDepth) return true;
  fail(o, p, "nested too deeply");
  return false;
}

/** A list of min to max items. */
export function list(elem: Check, min = -1, max = -1): Check {
  return (v, p, o, f) => {
    if (!Array.isArray(v)) return mismatch(v, "array", p, o);
    if (!enter(p, o)) return;
    depth++;
    for (let i = 0; i < v.length; i++) elem(v[i], p + "/" + i, o, f);
    depth--;
    items(v.length, min, max, p, o);
  };
}

function record(v: unknown, p: string, o: Violation[]): v is Record<string, unknown> {
  if (typeof v === "object" && v !== null && !Array.isArray(v) && !isBinary(v)) return enter(p, o);
  mismatch(v, "object", p, o);
  return false;
}

/** A map of string keys, of min to max entries. */
export function map(elem: Check, min = -1, max = -1): Check {
  return (v, p, o, f) => {
    if (!record(v, p, o)) return;
    const keys = Object.keys(v);
    depth++;
    for (const k of keys) elem(v[k], at(p, k), o, f);
    depth--;
    items(keys.length, min, max, p, o);
  };
}

/** A tuple of arguments, [name, check, flags] each (flags 2: nullable). */
export function tuple(args: readonly Field[]): Check {
  return (v, p, o, f) => {
    if (!Array.isArray(v)) return mismatch(v, "array", p, o);
    v.forEach((x, i) => {
      if (i >= args.length) fail(o, p + "/" + i, "no value is allowed here");
      else if (x !== null || !(args[i][2] & 2)) args[i][1](x, p + "/" + i, o, f);
    });
    items(v.length, args.length, args.length, p, o);
  };
}

/**
 * An object of the given fields; other members are refused unless
 * ignoreUnknown. An absent member (or one set to undefined, which JSON
 * drops) takes its default when filling.
 */
export function obj(fields: readonly Field[], ignoreUnknown = false): Check {
  const names = new Set(fields.map((f) => f[0]));
  return (v, p, o, fill, disc) => {
    if (!record(v, p, o)) return;
    depth++;
    if (!ignoreUnknown) {
      for (const k of Object.keys(v)) {
        if (!names.has(k) && k !== disc && v[k] !== undefined) fail(o, at(p, k), "unknown property " + quote(k));
      }
    }
    for (const [name, check, flags, dflt] of fields) {
      const x = has(v, name) ? v[name] : undefined;
      if (x === undefined) {
        if (!(flags & 1)) fail(o, at(p, name), "missing required property " + quote(name));
        else if (fill && dflt !== undefined) v[name] = dflt;
      } else if (x !== null || !(flags & 2)) check(x, at(p, name), o, fill);
    }
    depth--;
  };
}

/** A discriminated union: the string member disc names the variant. */
export function union(disc: string, variants: Readonly<Record<string, Check>>): Check {
  const allowed = Object.keys(variants).map((s) => "'" + s + "'").join(", ");
  return (v, p, o, fill) => {
    if (typeof v !== "object" || v === null || Array.isArray(v) || isBinary(v)) return mismatch(v, "object", p, o);
    const tag = (v as Record<string, unknown>)[disc];
    if (!has(v, disc) || tag === undefined) return fail(o, at(p, disc), "missing required property " + quote(disc));
    if (typeof tag !== "string") return mismatch(tag, "string", at(p, disc), o);
    if (!has(variants, tag)) return fail(o, at(p, disc), "value must be one of " + allowed);
    variants[tag](v, p, o, fill, disc);
  };
}

// Formats, as the Go runtime (runtime/siojson/formats.go) reads them.

const isUUID = (s: string) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s);

function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(s);
  if (!m) return false;
  const y = +m[1], mo = +m[2], d = +m[3];
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= days[mo - 1];
}

function isDateTime(s: string): boolean {
  const m = /^(.{10})[Tt](\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:([Zz])|([+-])(\d\d):(\d\d))$/.exec(s);
  if (!m || !isDate(m[1])) return false;
  const h = +m[2], mi = +m[3], sec = +m[4];
  if (h > 23 || mi > 59 || sec > 60) return false;
  let offset = 0;
  if (!m[5]) {
    if (+m[7] > 23 || +m[8] > 59) return false;
    offset = (m[6] === "-" ? -1 : 1) * (+m[7] * 60 + +m[8]);
  }
  // A leap second only at 23:59 UTC.
  return sec < 60 || (((h * 60 + mi - offset) % 1440) + 1440) % 1440 === 23 * 60 + 59;
}

function isHostname(s: string): boolean {
  if (s.endsWith(".")) s = s.slice(0, -1);
  return s.length <= 253 && s.split(".").every((l) => /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

function isIPv4(s: string): boolean {
  const parts = s.split(".");
  return parts.length === 4 && parts.every((x) => /^(?:0|[1-9][0-9]{0,2})$/.test(x) && +x <= 255);
}

function isIPv6(s: string): boolean {
  if (!s.includes(":")) return false;
  let groups = 0, ellipsis = false, i = 0;
  if (s.startsWith("::")) {
    ellipsis = true;
    i = 2;
  }
  while (i < s.length) {
    let j = i;
    while (j < s.length && j - i < 5 && /[0-9a-fA-F]/.test(s[j])) j++;
    if (s[j] === ".") return (ellipsis ? groups <= 6 : groups === 6) && isIPv4(s.slice(i));
    if (j === i || j - i > 4 || ++groups > 8) return false;
    if (j === s.length) break;
    if (s[j] !== ":") return false;
    i = j + 1;
    if (s[i] === ":") {
      if (ellipsis) return false;
      ellipsis = true;
      i++;
    } else if (i === s.length) return false;
  }
  return ellipsis ? groups < 8 : groups === 8;
}

function isEmail(s: string): boolean {
  const at = s.lastIndexOf("@");
  if (s.length > 254 || at < 0) return false;
  const local = s.slice(0, at), domain = s.slice(at + 1);
  if (local.length > 64) return false;
  if (local.length > 1 && local[0] === '"' && local.endsWith('"')) {
    if (/[\\"]/.test(local.slice(1, -1))) return false;
  } else if (local !== "" && !/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/.test(local)) {
    return false;
  }
  const ip = /^\[(.*)\]$/.exec(domain);
  if (ip) return ip[1].startsWith("IPv6:") ? isIPv6(ip[1].slice(5)) : isIPv4(ip[1]);
  return isHostname(domain);
}

// isURI approximates Go's net/url: printable ASCII without spaces, a
// scheme, valid %-escapes in path and fragment, a numeric port, and an
// IPv6 host only in brackets.
function isURI(s: string): boolean {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:([!-~]*)$/.exec(s);
  if (!m) return false;
  const hash = m[1].indexOf("#");
  const frag = hash < 0 ? "" : m[1].slice(hash + 1);
  let rest = hash < 0 ? m[1] : m[1].slice(0, hash);
  const badEscape = (x: string) => /%(?![0-9A-Fa-f]{2})/.test(x);
  if (badEscape(frag)) return false;
  if (!rest.startsWith("/")) return true;
  const q = rest.indexOf("?");
  if (q >= 0) rest = rest.slice(0, q);
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? "" : rest.slice(slash);
    const host = authority.slice(authority.lastIndexOf("@") + 1);
    const b = /^\[([^\]]*)\](.*)$/.exec(host);
    if (b) {
      if (!/^(?::[0-9]*)?$/.test(b[2]) || !isIPv6(b[1])) return false;
    } else {
      const colon = host.lastIndexOf(":");
      if (colon >= 0 && (!/^[0-9]*$/.test(host.slice(colon + 1)) || host.slice(0, colon).includes(":"))) return false;
    }
  }
  return !badEscape(rest);
}

const formats: Record<string, (s: string) => boolean> = {
  uuid: isUUID,
  email: isEmail,
  uri: isURI,
  hostname: isHostname,
  ipv4: isIPv4,
  ipv6: isIPv6,
  date: isDate,
  "date-time": isDateTime,
};
