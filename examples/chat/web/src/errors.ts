// Turning the contract's typed errors into sentences a person understands.

import type { NotAMember, RoomNotFound } from "../../../generated/ts/chat.js";
import type { RateLimited } from "../../../generated/ts/common.js";
import type { RuntimeAckError, Violation } from "../../../generated/ts/siogen.types.js";

/** Every error an ack of the chat contract can carry. */
export type ChatAckError = RoomNotFound | NotAMember | RateLimited | RuntimeAckError;

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
  return `The server refused ${fields[v.path] ?? (v.path || "the request")}: ${v.message}.`;
}

/** describe returns a human sentence for an ack error. */
export function describe(err: ChatAckError, ctx: ErrorContext = {}): string {
  switch (err.code) {
    case "not_found":
      return `There is no room called “${err.details?.room ?? ctx.room ?? "?"}”. Try lobby, random or go.`;
    case "permission_denied":
      return "You are not in this room any more. Join it again to post.";
    case "resource_exhausted": {
      const s = Math.max(1, Math.ceil((err.details?.retry_after_ms ?? 1000) / 1000));
      return `You are sending messages too fast. Wait ${s} second${s === 1 ? "" : "s"} and try again.`;
    }
    case "invalid_argument":
      if (err.details && err.details.length > 0) return err.details.map((v) => violation(v, ctx)).join(" ");
      return `The server refused that: ${err.message}.`;
    case "timeout":
      return "The server did not answer in time. Check your connection and try again.";
    case "internal":
      return "Something went wrong on the server. Try again in a moment.";
    case "unimplemented":
      return "The server does not support that yet.";
  }
}

/** describeThrown words the errors emitWithAck throws (no ack in time). */
export function describeThrown(e: unknown): string {
  if (e instanceof Error && /timed out/i.test(e.message)) {
    return "The server did not answer in time. Your message may not have been sent.";
  }
  return `Something went wrong: ${e instanceof Error ? e.message : String(e)}`;
}
