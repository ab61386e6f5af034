/**
 * The machinery of the typed clients siogen generates (createXClient in
 * P.client.ts): calls that resolve to typed results, checks of what is
 * sent and what arrives, typed ack handlers and connect errors. It drives
 * a socket.io-client socket it is given and imports nothing at run time.
 *
 * @packageDocumentation
 */

import type { AckResult, DisconnectedError, InternalError, InvalidArgumentError, TimeoutError, Violation } from "./siogen.types.js";
import { int, obj, oneOf, str, validate, type Check } from "./siogen.validate.js";

// resourceExhausted checks the runtime's resource_exhausted error, which
// a siogen server answers an event over its contract's limits with:
// {code, message, details: {limit, max, retry_after_ms?}}, closed. The
// typed clients accept error codes they do not know (a server may add
// limits to an event without breaking older clients), but this error has
// one shape wherever it arrives, and its details are read typed.
const maxSafe = "9007199254740991";
const resourceExhausted: Check = obj([
  ["code", str(), 0],
  ["message", str(), 0],
  [
    "details",
    obj([
      ["limit", oneOf(["rate", "payload", "pending_acks"]), 0],
      ["max", int(0, maxSafe), 0],
      ["retry_after_ms", int(1, maxSafe), 1],
    ]),
    0,
  ],
]);

/** What a typed client checks, and where it reports what it drops. */
export interface ClientOptions {
  /**
   * Check payloads, arguments and ack answers against the contract before
   * sending them; one that breaks it is not sent and the call resolves to
   * an invalid_argument error. Default true.
   */
  validateOutgoing?: boolean;
  /**
   * Check events and ack answers that arrive before handing them over,
   * applying the contract's defaults; an event that breaks it is dropped
   * (see onInvalid), an ack answer becomes an invalid_argument error.
   * Default true.
   */
  validateIncoming?: boolean;
  /** Called for every incoming event or ack answer that breaks the contract. */
  onInvalid?: (report: InvalidReport) => void;
  /** How long a call waits for its ack, in ms, unless the event says; default 10000. */
  timeout?: number;
}

/** An incoming value that broke the contract, and was not handed over. */
export interface InvalidReport {
  /** The event's wire name. */
  event: string;
  /** "event": the server emitted it; "ack": the server's answer to a call; "answer": a handler's own ack answer. */
  kind: "event" | "ack" | "answer";
  violations: Violation[];
  value: unknown;
}

/** The result of an event sent without an ack: refused before sending, or sent. */
export type SendResult = { ok: true } | { ok: false; error: InvalidArgumentError };

/** The errors a call itself can end with, besides the event's own. */
export type CallError = InvalidArgumentError | InternalError | TimeoutError | DisconnectedError;

/** Per-call options. */
export interface CallOptions {
  /** How long to wait for the ack, in ms. */
  timeout?: number;
}

/**
 * Why connecting to a namespace failed: the server's CONNECT_ERROR, with
 * the code and name of the siogen error it carries ("invalid_argument"
 * for auth that breaks the contract, violations in details), or
 * "unauthenticated" and the message for a plain one.
 */
export interface ConnectError {
  code: string;
  name?: string;
  message: string;
  details?: unknown;
  /** The auth violations, when code is "invalid_argument". */
  violations?: Violation[];
}

/** One event of a namespace, as the generated client describes it. */
export interface EventSpec {
  /** The check of the payload or the args tuple (null: no check). */
  in: Check | null;
  /** The event's args are a tuple: the values go as separate arguments. */
  tuple?: boolean;
  /** The receiver acknowledges the event. */
  acked?: boolean;
  /** The check of the ack data; with plain, of the ack's argument tuple. */
  ack?: Check | null;
  /** The ack is plain-style: raw arguments, no {ok, data} envelope. */
  plain?: boolean;
  /** The ack timeout, in ms. */
  timeout?: number;
}

/** The socket.io-client socket a client drives (any typed Socket). */
export interface SocketLike {
  emit(event: string, ...args: any[]): unknown;
  on(event: string, fn: (...args: any[]) => void): unknown;
  off(event: string, fn?: (...args: any[]) => void): unknown;
  once(event: string, fn: (...args: any[]) => void): unknown;
  timeout(ms: number): { emit(event: string, ...args: any[]): unknown };
  connect(): unknown;
  auth: unknown;
  connected: boolean;
}

function invalid(message: string, details: Violation[]): InvalidArgumentError {
  return { code: "invalid_argument", message, details };
}

/** The engine of a generated client. */
export class Client {
  readonly socket: SocketLike;
  private readonly opts: ClientOptions;

  constructor(socket: SocketLike, opts: ClientOptions = {}) {
    this.socket = socket;
    this.opts = opts;
  }

  private outgoing(check: Check | null | undefined, v: unknown): Violation[] {
    return check && this.opts.validateOutgoing !== false ? validate(check, v) : [];
  }

  private incoming(event: string, kind: InvalidReport["kind"], check: Check | null | undefined, v: unknown): Violation[] {
    if (!check || this.opts.validateIncoming === false) return [];
    const vs = validate(check, v, true);
    if (vs.length) this.opts.onInvalid?.({ event, kind, violations: vs, value: v });
    return vs;
  }

  private args(spec: EventSpec, args: unknown[]): unknown[] {
    return spec.tuple ? args : args.slice(0, 1);
  }

  /** Emits an event without an ack, after checking it. */
  send(event: string, spec: EventSpec, args: unknown[]): SendResult {
    const sent = this.args(spec, args);
    const vs = this.outgoing(spec.in, spec.tuple ? sent : sent[0]);
    if (vs.length) return { ok: false, error: invalid("payload breaks the contract", vs) };
    this.socket.emit(event, ...sent);
    return { ok: true };
  }

  /** Emits an event with an ack and resolves to its typed result. */
  call(event: string, spec: EventSpec, args: unknown[], co?: CallOptions): Promise<any> {
    const sent = this.args(spec, args);
    const vs = this.outgoing(spec.in, spec.tuple ? sent : sent[0]);
    if (vs.length) return Promise.resolve({ ok: false, error: invalid("payload breaks the contract", vs) });
    const ms = co?.timeout ?? spec.timeout ?? this.opts.timeout ?? 10000;
    return new Promise((resolve) => {
      this.socket.timeout(ms).emit(event, ...sent, (err: unknown, ...res: unknown[]) => {
        if (err) {
          const error: CallError = this.socket.connected
            ? { code: "timeout", message: "no acknowledgement within " + ms + " ms" }
            : { code: "disconnected", message: "disconnected before the acknowledgement" };
          return resolve({ ok: false, error });
        }
        if (spec.plain) {
          const bad = this.incoming(event, "ack", spec.ack, res);
          return resolve(bad.length ? { ok: false, error: invalid("bad acknowledgement", bad) } : { ok: true, data: res });
        }
        resolve(this.envelope(event, spec, res[0]));
      });
    });
  }

  // envelope checks an {ok, data} or {ok: false, error} ack answer.
  private envelope(event: string, spec: EventSpec, res: unknown): AckResult<unknown, unknown> {
    const r = res as { ok?: unknown; data?: unknown; error?: unknown } | null;
    // Each branch allows only its own members, as the published schema of
    // the envelope has it (additionalProperties: false).
    if (typeof r === "object" && r !== null && r.ok === false && typeof r.error === "object" && r.error !== null && !("data" in r)) {
      const e = r.error as { code?: unknown; name?: unknown };
      const bad = e.code === "resource_exhausted" && e.name === undefined ? this.incoming(event, "ack", resourceExhausted, e) : [];
      return bad.length ? { ok: false, error: invalid("bad acknowledgement", bad) } : { ok: false, error: r.error };
    }
    if (typeof r !== "object" || r === null || r.ok !== true || "error" in r) {
      const vs = [{ path: "", message: "not an ack envelope {ok, data} or {ok: false, error}" }];
      if (this.opts.validateIncoming !== false) {
        this.opts.onInvalid?.({ event, kind: "ack", violations: vs, value: res });
        return { ok: false, error: invalid("bad acknowledgement", vs) };
      }
      return { ok: true, data: r };
    }
    const bad = spec.ack ? this.incoming(event, "ack", spec.ack, r.data) : [];
    return bad.length ? { ok: false, error: invalid("bad acknowledgement", bad) } : { ok: true, data: r.data };
  }

  /**
   * Listens to an event the server emits: the handler gets it checked, with
   * defaults applied; for an acked event it returns the answer (or a
   * promise of it), which is checked before it is sent. Returns a function
   * that stops listening.
   */
  listen(event: string, spec: EventSpec, handler: (...args: any[]) => unknown): () => void {
    const fn = (...raw: unknown[]) => {
      const ack = spec.acked && typeof raw[raw.length - 1] === "function" ? (raw.pop() as (...a: unknown[]) => void) : undefined;
      const args = this.args(spec, raw);
      const vs = this.incoming(event, "event", spec.in, spec.tuple ? args : args[0]);
      if (vs.length) {
        if (ack && !spec.plain) ack({ ok: false, error: invalid("payload breaks the contract", vs) });
        return;
      }
      if (!ack) return void handler(...args);
      // A handler that throws or rejects is answered internal, as a Go
      // handler's failure is.
      void new Promise((resolve) => resolve(handler(...args))).then(
        (answer) => this.answer(event, spec, ack, answer),
        () => ack(spec.plain ? undefined : { ok: false, error: { code: "internal", message: "internal error" } }),
      );
    };
    this.socket.on(event, fn);
    return () => void this.socket.off(event, fn);
  }

  // answer checks a handler's ack answer and sends it; one that breaks the
  // contract is reported and answered internal, as the Go runtime does.
  private answer(event: string, spec: EventSpec, ack: (...a: unknown[]) => void, answer: unknown): void {
    if (spec.plain) {
      const args = Array.isArray(answer) ? answer : [];
      const vs = this.outgoing(spec.ack, args);
      if (vs.length) this.opts.onInvalid?.({ event, kind: "answer", violations: vs, value: answer });
      else ack(...args);
      return;
    }
    const r = answer as { ok?: boolean; data?: unknown };
    const vs = r?.ok === true && spec.ack ? this.outgoing(spec.ack, r.data) : [];
    if (vs.length) {
      this.opts.onInvalid?.({ event, kind: "answer", violations: vs, value: answer });
      ack({ ok: false, error: { code: "internal", message: "internal error" } });
      return;
    }
    ack(answer);
  }

  /**
   * Connects with auth, checked against the contract first, and resolves
   * when the server accepts or refuses the namespace.
   */
  connect(auth: unknown, check: Check | null): Promise<{ ok: true } | { ok: false; error: ConnectError }> {
    const vs = this.outgoing(check, auth);
    if (vs.length) return Promise.resolve({ ok: false, error: { code: "invalid_argument", message: "auth breaks the contract", details: vs, violations: vs } });
    this.socket.auth = auth;
    return new Promise((resolve) => {
      const done = (r: { ok: true } | { ok: false; error: ConnectError }) => {
        this.socket.off("connect", ok);
        this.socket.off("connect_error", ko);
        resolve(r);
      };
      const ok = () => done({ ok: true });
      const ko = (err: Error) => done({ ok: false, error: connectError(err) });
      this.socket.once("connect", ok);
      this.socket.once("connect_error", ko);
      this.socket.connect();
    });
  }

  /** Calls handler with every connect error, typed. Returns a function that stops it. */
  onConnectError(handler: (e: ConnectError) => void): () => void {
    const fn = (err: Error) => handler(connectError(err));
    this.socket.on("connect_error", fn);
    return () => void this.socket.off("connect_error", fn);
  }
}

/**
 * connectError reads socket.io-client's connect_error: err.message is the
 * CONNECT_ERROR's message, err.data the siogen error {code, name, message,
 * details} when the server sends one.
 */
export function connectError(err: Error & { data?: unknown }): ConnectError {
  type Data = { code?: unknown; name?: unknown; details?: unknown; violations?: unknown };
  const d = err.data as Data | undefined;
  const e: ConnectError = { code: "unauthenticated", message: err.message };
  if (typeof d === "object" && d !== null) {
    if (typeof d.code === "string" && d.code) e.code = d.code;
    if (typeof d.name === "string" && d.name) e.name = d.name;
    if (d.details !== undefined) e.details = d.details;
    // The auth violations: data.violations, or data.details.violations
    // when data is the whole error, or data.details itself.
    const inner = d.details as Data | undefined;
    const vs = d.violations ?? (typeof inner === "object" && inner !== null && !Array.isArray(inner) ? inner.violations : d.details);
    if (e.code === "invalid_argument" && Array.isArray(vs)) e.violations = vs as Violation[];
  }
  return e;
}
