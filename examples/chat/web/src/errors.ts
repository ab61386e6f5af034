// Turning the contract's typed errors into sentences a person understands.

import type { NotAMember, RoomNotFound } from "../../../generated/ts/chat.js";
import type { ConnectError } from "../../../generated/ts/siogen.client.js";
import type { DisconnectedError, ResourceExhaustedError, RuntimeAckError, Violation } from "../../../generated/ts/siogen.types.js";

/** Every error a call of the chat contract can end with. */
export type ChatAckError = RoomNotFound | NotAMember | ResourceExhaustedError | RuntimeAckError | DisconnectedError;

/** What the user was doing when the error came back, for the wording. */
export interface ErrorContext {
  room?: string;
  text?: string;
}

const fields: Record<string, string> = {
  "/text": "the message",
  "/room": "the room name",
  "/image": "the image",
  "/history": "the history size",
};

function violation(v: Violation, ctx: ErrorContext): string {
  if (v.path === "/text" && ctx.text !== undefined) {
    if (ctx.text.length > 4000) {
      return `Your message is too long: ${ctx.text.length.toLocaleString("en")} characters, the limit is 4,000.`;
    }
    if (ctx.text.length === 0) return "Write something first.";
  }
  if (v.path === "/room") {
    return `“${ctx.room ?? ""}” is not a valid room name: use lowercase letters, digits and dashes.`;
  }
  if (v.path === "/image") return "That image is too big: the limit is 5 MB.";
  return `Not accepted: ${fields[v.path] ?? (v.path || "the request")}: ${v.message}.`;
}

/** describe returns a human sentence for a call's error, narrowed by name, then by code. */
export function describe(err: ChatAckError, ctx: ErrorContext = {}): string {
  switch (err.name) {
    case "RoomNotFound":
      return `There is no room called “${err.details?.room ?? ctx.room ?? "?"}”. Try lobby, random or go.`;
    case "NotAMember":
      return "You are not in this room any more. Join it again to post.";
  }
  switch (err.code) {
    case "invalid_argument":
      if (err.details && err.details.length > 0) return err.details.map((v) => violation(v, ctx)).join(" ");
      return `The server refused that: ${err.message}.`;
    case "timeout":
      return "The server did not answer in time. Check your connection and try again.";
    case "internal":
      return "Something went wrong on the server. Try again in a moment.";
    case "unimplemented":
      return "The server does not support that yet.";
    case "disconnected":
      return "The connection dropped before the server answered. Your message may not have been sent.";
    case "resource_exhausted":
      // Refused by one of the contract's limits (message:send: 5 in 2 s per
      // socket), before the server read it.
      switch (err.details.limit) {
        case "rate": {
          const s = Math.max(1, Math.ceil((err.details.retry_after_ms ?? 1000) / 1000));
          return `You are going too fast. Wait ${s} second${s === 1 ? "" : "s"} and try again.`;
        }
        case "payload":
          return `That is too big to send: the limit is ${Math.floor(err.details.max / 1024).toLocaleString("en")} KB.`;
        case "pending_acks":
          return "Too many requests are waiting for the server. Wait for them and try again.";
      }
  }
}

/** describeConnectError words a refused connection. */
export function describeConnectError(err: ConnectError): string {
  if (err.violations?.some((v) => v.path === "/nickname")) return "Choose a nickname of 1 to 32 characters.";
  return `The server refused the connection: ${err.message}`;
}
