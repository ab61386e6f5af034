// Type tests for the generated chat contract, checked by TestTypeScript
// with tsc --strict against the real socket.io-client and socket.io typings.
// Lines under "@ts-expect-error" must NOT compile: tsc fails if they do.

import { io } from "socket.io-client";
import { Server } from "socket.io";
import { createChatClient, type ChatClient, type ChatClientSocket } from "./chat.client.js";
import { isMessage, validateSendMessage, checkRoomInfo } from "./chat.validate.js";
import { validate } from "./siogen.validate.js";
import type { ChatServer, ChatServerNamespace, ChatServerSocket } from "./chat.server.js";
import {
  ChatErrorCodes,
  ChatEvents,
  ChatNamespace,
  MessageStatus,
  Presence,
  type Attachment,
  type ChatAuth,
  type ChatEventName,
  type Message,
  type Question,
  type RoomInfo,
} from "./chat.js";
import type * as common from "./common.js";
import { RuntimeErrorCodes, type AckResult, type Bytes, type LimitKind, type ResourceExhaustedDetails } from "./siogen.types.js";
import { createNotificationsClient, type NotificationsClientSocket } from "./notifications.client.js";

const auth: ChatAuth = { token: "t", nickname: "ann" };
const socket: ChatClientSocket = io("http://localhost:3000" + ChatNamespace, { auth });

const user: common.User = { id: "0b7f6c1e-2d3a-4c5b-8e9f-a0b1c2d3e4f5", nickname: "ann" };
const message: Message = {
  id: "6f1c2a7e-3b1d-4b8e-9a51-2f3c4d5e6f70",
  room: "general",
  author: user,
  text: "hi",
  reply_to: null,
  sent_at: "2024-05-01T12:00:00Z",
  status: MessageStatus.Delivered,
  attachments: [
    { kind: "image", url: "https://x.test/a.png", width: 1, height: 1 },
    { kind: "link", url: "https://x.test" },
  ],
};
const question: Question = { id: message.id, text: "?", choices: ["a", "b"] };

// Emit with an ack callback; narrow the AckResult on ok, code and name.
socket.emit("message:send", { room: "general", text: "hi" }, (res) => {
  if (res.ok) {
    const m: Message = res.data;
    const r: string | null = m.reply_to;
    void r;
    return;
  }
  switch (res.error.code) {
    case ChatErrorCodes.RoomNotFound:
      if (res.error.name === "RoomNotFound") {
        const room: string | undefined = res.error.details?.room;
        void room;
      }
      break;
    case "resource_exhausted": {
      const retry: number | undefined = res.error.details?.retry_after_ms;
      void retry;
      break;
    }
    case RuntimeErrorCodes.InvalidArgument: {
      const path: string | undefined = res.error.details?.[0]?.path;
      void path;
      break;
    }
  }
});

async function flows(): Promise<void> {
  const joined = await socket.emitWithAck("room:join", { room: "general", history: 10 });
  if (joined.ok) {
    const info: RoomInfo = joined.data;
    info.history[0]?.attachments?.forEach((a: Attachment) => {
      if (a.kind === "image") {
        const w: number = a.width;
        void w;
      }
    });
    const p: Presence | undefined = info.presence["u1"];
    void p;
  }
  const left = await socket.timeout(5000).emitWithAck("room:leave", { room: "general" });
  if (left.ok) {
    const d: null | undefined = left.data;
    void d;
  }
  const history = await socket.emitWithAck("message:history", "general", { limit: 10 });
  if (history.ok) {
    const first: Message | undefined = history.data[0];
    void first;
  }
  socket.timeout(1000).emit("room:join", { room: "x" }, (err, res) => {
    if (err) return;
    if (res.ok) void res.data.title;
  });
  socket.emit(ChatEvents.Typing, { room: "general", typing: true });
  socket.emit("ping:legacy", (err, pong) => {
    const e: string | null = err;
    const s: string = pong;
    void e, s;
  });
  const bytes: Bytes[] = [new Uint8Array([1, 2]), new ArrayBuffer(2), new Blob([])];
  for (const image of bytes) {
    socket.emit("message:send", { room: "r", text: "img", image }, () => {});
  }
  const name: ChatEventName = "room:join";
  void name;
}
void flows;

socket.on("message:new", (m) => {
  const s: MessageStatus | undefined = m.status;
  void s;
});
socket.on("typing", (t) => void t.user);
socket.on("poll", (q, ack) => {
  ack(q.choices.length > 2 ? { ok: true, data: { choice: 0 } } : { ok: false, error: { code: "internal", message: "x" } });
});

// A Node socket.io server sharing the contract.
const server: ChatServer = new Server();
const chat = server.of(ChatNamespace) as ChatServerNamespace;
chat.on("connection", (s: ChatServerSocket) => {
  s.on("room:join", (p, ack) => {
    ack({ ok: false, error: { code: "not_found", name: "RoomNotFound", message: "no", details: { room: p.room } } });
  });
  s.on("room:leave", (_p, ack) => ack({ ok: true }));
  s.on("message:send", (p, ack) => ack({ ok: true, data: { ...message, room: p.room, text: p.text } }));
  s.on("ping:legacy", (ack) => ack(null, new Date().toISOString()));
  s.emit("message:new", message);
  s.to("general").emit("message:new", message);
  s.timeout(1000).emit("poll", question, (err, res) => {
    if (!err && res.ok) void res.data.choice;
  });
  void (async () => {
    const answer = await s.timeout(30000).emitWithAck("poll", question);
    if (answer.ok) void answer.data.choice;
  })();
});

// Narrowing by name alone types details: runtime errors have no name.
socket.emit("message:send", { room: "general", text: "hi" }, (res) => {
  if (res.ok) return;
  const e = res.error;
  if (e.name === "RoomNotFound") {
    const room: string | undefined = e.details?.room;
    void room;
  }
  // The contract's rate limit: the runtime's error, narrowed by its code.
  if (e.code === "resource_exhausted") {
    const retry: number | undefined = e.details.retry_after_ms;
    void retry;
  }
});

// Validators and type guards.
const unknownValue: unknown = JSON.parse("{}");
if (isMessage(unknownValue)) {
  const text: string = unknownValue.text;
  void text;
}
const violations = validateSendMessage({ room: "general", text: "" });
const firstPath: string | undefined = violations[0]?.path;
void firstPath;
void validate(checkRoomInfo, unknownValue, true);

// The typed client over the same socket.
const client: ChatClient = createChatClient(socket, { validateIncoming: true, onInvalid: (r) => void r.violations });
async function clientFlows(): Promise<void> {
  const connected = await client.connect({ token: "t", nickname: "ann" });
  if (!connected.ok) {
    const code: string = connected.error.code;
    const first: string | undefined = connected.error.violations?.[0]?.path;
    void code, first;
  }
  const sent = await client.messageSend({ room: "general", text: "hi" });
  if (sent.ok) {
    const m: Message = sent.data;
    void m;
  } else {
    const error = sent.error;
    switch (error.name) {
      case "RoomNotFound": {
        const room: string | undefined = error.details?.room;
        void room;
        break;
      }
      case "NotAMember":
        break;
      case undefined:
        switch (error.code) {
          case "invalid_argument": {
            const path: string | undefined = error.details?.[0]?.path;
            void path;
            break;
          }
          case "resource_exhausted": {
            // The runtime's refusal by a limit: no name, details always there.
            const limit: LimitKind = error.details.limit;
            const max: number = error.details.max;
            const retry: number | undefined = error.details.retry_after_ms;
            void limit, max, retry;
            break;
          }
          case "timeout":
          case "disconnected":
          case "internal":
            break;
        }
    }
  }
  // An event with limits (room:join inherits the namespace's): narrowing on
  // the code alone leaves the runtime's error, its details typed.
  const joined = await client.roomJoin({ room: "general" });
  if (!joined.ok && joined.error.code === RuntimeErrorCodes.ResourceExhausted) {
    const details: ResourceExhaustedDetails = joined.error.details;
    const wait: number = details.retry_after_ms ?? 0;
    if (details.limit === "rate") void wait;
    // @ts-expect-error a limit that does not exist
    if (details.limit === "speed") void wait;
    // @ts-expect-error retry_after_ms may be absent (it comes with a rate only)
    const always: number = details.retry_after_ms;
    void always;
  }
  socket.emit("room:join", { room: "general" }, (res) => {
    if (!res.ok && res.error.code === "resource_exhausted" && res.error.name === undefined) {
      const ms: number | undefined = res.error.details.retry_after_ms;
      void ms;
    }
  });
  const history = await client.messageHistory("general", { limit: 10 }, { timeout: 1000 });
  if (history.ok) {
    const first: Message | undefined = history.data[0];
    void first;
  }
  const left = await client.roomLeave({ room: "general" });
  if (left.ok) {
    const d: null | undefined = left.data;
    void d;
  }
  const pong = await client.pingLegacy();
  if (pong.ok) {
    const [err, at]: [string | null, string] = pong.data;
    void err, at;
  }
  const typed = client.typing({ room: "general", typing: true });
  if (!typed.ok) {
    const why: string = typed.error.code;
    void why;
  }
  const stop = client.onMessageNew((m) => {
    const s: MessageStatus | undefined = m.status;
    void s;
  });
  stop();
  client.onPoll(async (q) => ({ ok: true, data: { choice: q.choices.length - 1 } }));
  client.onPoll((q) => ({ ok: false, error: { code: "internal", message: q.text } }));
  client.onConnectError((e) => void e.name);
  const raw: ChatClientSocket = client.socket;
  void raw;
}
void clientFlows;

// Negative tests: each line below must fail to type-check.

socket.emit("message:send", { room: "general", text: "hi" }, (res) => {
  if (res.ok) return;
  const e = res.error;
  if (e.name === "NotAMember") {
    // @ts-expect-error NotAMember has no details
    void e.details.room;
  }
  if (e.name === undefined) {
    // @ts-expect-error a runtime error is not RoomNotFound
    const nf: "not_found" = e.code;
    void nf;
  }
});
async function clientNegatives(): Promise<void> {
  // @ts-expect-error auth needs a nickname
  await client.connect({ token: "t" });
  // @ts-expect-error a payload of the wrong type
  await client.messageSend({ room: "general", text: 1 });
  // @ts-expect-error a call resolves to a result, not the data
  const m: Message = await client.messageSend({ room: "general", text: "hi" });
  void m;
  const sent = await client.messageSend({ room: "general", text: "hi" });
  if (!sent.ok && sent.error.name === "RoomNotFound") {
    // @ts-expect-error RoomNotFound details have no retry_after_ms
    void sent.error.details?.retry_after_ms;
  }
  // @ts-expect-error an answer of the wrong type
  client.onPoll(() => ({ ok: true, data: { choice: "a" } }));
  // @ts-expect-error the client cannot emit a server-only event
  client.messageNew;
  // @ts-expect-error nor listen to a client-only one
  client.onRoomJoin;
  // @ts-expect-error a server event's handler gets a Message
  client.onMessageNew((m: string) => void m);
  // @ts-expect-error tuple args in the wrong order
  await client.messageHistory({ limit: 10 }, "general");
  if (isMessage(unknownValue)) {
    // @ts-expect-error a type guard narrows to Message, not to a string
    const s: string = unknownValue;
    void s;
  }
}
void clientNegatives;

// @ts-expect-error wrong payload field type
socket.emit("message:send", { room: "general", text: 42 }, () => {});
// @ts-expect-error missing required field
socket.emit("message:send", { room: "general" }, () => {});
// @ts-expect-error unknown field in a payload literal
socket.emit("message:send", { room: "general", text: "hi", color: "red" }, () => {});
// @ts-expect-error wrong event name
socket.emit("message:sned", { room: "general", text: "hi" });
// @ts-expect-error a client cannot emit a server-only event
socket.emit("message:new", message);
// @ts-expect-error wrong ack type: the data is a Message, not a string
socket.emit("message:send", { room: "general", text: "hi" }, (res: AckResult<string>) => void res);
// @ts-expect-error emitWithAck resolves to the ack result, not a Message
const notAMessage: Promise<Message> = socket.emitWithAck("message:send", { room: "general", text: "hi" });
void notAMessage;
// @ts-expect-error null for a field that is not nullable
socket.emit("typing", { room: "general", typing: null });
// @ts-expect-error an enum value that does not exist
const busy: Presence = "busy";
void busy;
// @ts-expect-error the handler of a server event gets a Message, not a string
socket.on("message:new", (m: string) => void m);
// @ts-expect-error bytes are binary, not a number
socket.emit("message:send", { room: "r", text: "img", image: 42 }, () => {});
// @ts-expect-error tuple args in the wrong order
socket.emit("message:history", { limit: 10 }, "general", () => {});
chat.on("connection", (s: ChatServerSocket) => {
  // @ts-expect-error a server must answer with the declared ack data
  s.on("room:join", (_p, ack) => ack({ ok: true, data: "room" }));
  // @ts-expect-error an error the event does not declare
  s.on("room:join", (_p, ack) => ack({ ok: false, error: { code: "permission_denied", name: "NotAMember", message: "" } }));
  // @ts-expect-error the server cannot emit a client-only event
  s.emit("room:join", { room: "general" });
});

// An event without limits (notifications' dismiss) has no resource_exhausted
// in its ack's errors.
async function unlimited(ns: NotificationsClientSocket): Promise<void> {
  const r = await createNotificationsClient(ns).dismiss({ id: "0b7f6c1e-2d3a-4c5b-8e9f-a0b1c2d3e4f5" });
  // @ts-expect-error resource_exhausted is not among dismiss's errors
  if (!r.ok && r.error.code === "resource_exhausted") void r;
}
void unlimited;
