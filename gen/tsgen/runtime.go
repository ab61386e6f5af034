package tsgen

import "github.com/siogen/siogen/gen/internal/genfile"

// runtimeModule is siogen.types.ts, the types every contract module
// shares. It has no dependency: it serves browsers and Node alike.
const runtimeModule = genfile.Header + `
/**
 * Types shared by the modules siogen generates: binary data, ack results
 * and the errors the siogen runtime itself sends.
 *
 * @packageDocumentation
 */

/**
 * Binary data: a Socket.IO binary attachment. On emit socket.io accepts an
 * ArrayBuffer, any typed array or DataView (a Node Buffer is a Uint8Array)
 * and a Blob; on receive a browser gets an ArrayBuffer and Node a Buffer.
 */
export type Bytes = ArrayBuffer | ArrayBufferView | Blob;

/** One way a payload broke its contract: a JSON pointer and what is wrong. */
export interface Violation {
  path: string;
  message: string;
}

/** The codes the siogen runtime puts in ack errors, by name. */
export const RuntimeErrorCodes = {
  InvalidArgument: "invalid_argument",
  Internal: "internal",
  Timeout: "timeout",
  Unimplemented: "unimplemented",
  Disconnected: "disconnected",
  ResourceExhausted: "resource_exhausted",
} as const;

/** The payload broke the contract; details lists the violations. */
export interface InvalidArgumentError {
  code: "invalid_argument";
  name?: undefined;
  message: string;
  details?: Violation[];
}

/** The handler failed; the cause is not disclosed. */
export interface InternalError {
  code: "internal";
  name?: undefined;
  message: string;
  details?: unknown;
}

/** An acknowledgement the handler waited for did not arrive in time. */
export interface TimeoutError {
  code: "timeout";
  name?: undefined;
  message: string;
  details?: unknown;
}

/**
 * No handler takes the event: the contract does not declare it, or the
 * server does not implement it.
 */
export interface UnimplementedError {
  code: "unimplemented";
  name?: undefined;
  message: string;
  details?: unknown;
}

/**
 * The socket disconnected before the acknowledgement arrived (a typed
 * client's calls end with it).
 */
export interface DisconnectedError {
  code: "disconnected";
  name?: undefined;
  message: string;
  details?: unknown;
}

/** The limit an event was refused by (see {@link ResourceExhaustedError}). */
export type LimitKind = "rate" | "payload" | "pending_acks";

/** The details of a {@link ResourceExhaustedError}. */
export interface ResourceExhaustedDetails {
  /** The limit the event hit. */
  limit: LimitKind;
  /**
   * Its value: the burst of a rate, the bytes of a payload, the
   * acknowledgements that may be pending.
   */
  max: number;
  /**
   * For a rate, how long until the socket may send the event again, in
   * milliseconds (at least 1); absent for the other limits.
   */
  retry_after_ms?: number;
}

/**
 * The server refused the event by one of the limits its contract declares
 * (a rate, a payload size, a number of unanswered acks) before decoding
 * it. Only events with limits get it: it is in their ack's error union.
 */
export interface ResourceExhaustedError {
  code: "resource_exhausted";
  name?: undefined;
  message: string;
  details: ResourceExhaustedDetails;
}

/**
 * An error the runtime sends in an envelope ack of any event. Its name is
 * absent, so that narrowing on name (error.name === "RoomNotFound")
 * leaves only the contract's error of that name, details typed.
 */
export type RuntimeAckError = InvalidArgumentError | InternalError | TimeoutError | UnimplementedError;

/**
 * The data of the connect_error a siogen server sends when it refuses a
 * connection with one of its errors (err.message is the same message): the
 * error whole, as in an ack envelope. An invalid auth payload has code
 * "invalid_argument" and the violations as details.
 */
export interface ConnectErrorData {
  code: string;
  name?: string;
  message: string;
  details?: unknown;
}

/**
 * The result of an envelope-style ack: {ok: true, data} or {ok: false,
 * error}. E is the union of the event's declared errors; the runtime's own
 * errors are always possible. Narrow on ok, then on error.code or
 * error.name. An ack without data ("ack: true") has T = null and data
 * absent or null.
 */
export type AckResult<T, E = never> =
  | ([T] extends [null] ? { ok: true; data?: null } : { ok: true; data: T })
  | { ok: false; error: E | RuntimeAckError };
`
