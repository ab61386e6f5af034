// Unit tests of src/rooms.ts through the generated mock of the chat
// socket: no server, no network. Run by examples/chat/web_test.go (go
// test), which bundles this file with esbuild and runs node --test.

import assert from "node:assert/strict";
import { test } from "node:test";
import { createChatMock } from "../../../generated/ts/chat.mock.js";
import { createChatClient, type ChatClientSocket } from "../../../generated/ts/chat.client.js";
import type { Message, RoomInfo } from "../../../generated/ts/chat.js";
import { RoomSession } from "../src/rooms.js";
import { validateWithSchemas } from "./contract.js";

const validate = validateWithSchemas(process.env.SIOGEN_SCHEMAS!, "https://siogen.dev/examples/schemas/");

const ann = { id: "3b0c8a52-0000-4000-8000-0000000000a1", nickname: "ann" };
const lobby: RoomInfo = { id: "lobby", title: "Lobby", members: [ann], history: [], presence: {} };
const message = (text: string, room = "lobby"): Message => ({
  id: "6f1c1d1e-0000-4000-8000-000000000001", room, author: ann, text, reply_to: null, sent_at: "2026-01-02T03:04:05Z",
});

function setup() {
  const mock = createChatMock({ validate });
  const session = new RoomSession(mock as unknown as ChatClientSocket);
  return { mock, session };
}

test("join sends room:join and keeps the history", async () => {
  const { mock, session } = setup();
  mock.answer("room:join", { ok: true, data: { ...lobby, history: [message("earlier")] } });
  assert.equal(await session.join("lobby"), null);
  assert.deepEqual(mock.next("room:join"), [{ room: "lobby", history: 50 }]);
  assert.deepEqual(session.messages.map((m) => m.text), ["earlier"]);
  mock.assertContract();
});

test("an unknown room is a typed error, shown", async () => {
  const { mock, session } = setup();
  mock.answer("room:join", { ok: false, error: { code: "not_found", name: "RoomNotFound", message: "no", details: { room: "nowhere" } } });
  assert.equal(await session.join("nowhere"), "there is no room nowhere");
  assert.equal(session.room, null);
  mock.assertContract();
});

test("messages from the server arrive for the room joined only", async () => {
  const { mock, session } = setup();
  mock.answer("room:join", { ok: true, data: lobby });
  await session.join("lobby");
  mock.serverEmit("message:new", message("hi"));
  mock.serverEmit("message:new", message("elsewhere", "random"));
  assert.deepEqual(session.messages.map((m) => m.text), ["hi"]);
  mock.assertContract();
});

test("send trims, stops typing, and reports the rate limit", async () => {
  const { mock, session } = setup();
  mock.answer("room:join", { ok: true, data: lobby });
  await session.join("lobby");
  session.typing(true);
  mock.answer("message:send",
    { ok: true, data: message("hello") },
    { ok: false, error: { code: "resource_exhausted", message: "rate limit exceeded, retry after 1500ms", details: { limit: "rate", max: 5, retry_after_ms: 1500 } } });
  assert.equal(await session.send("  hello  "), null);
  assert.equal(await session.send("again"), "You are going too fast. Wait 2 seconds and try again.");
  assert.deepEqual(mock.next("typing"), [{ room: "lobby", typing: true }]);
  assert.deepEqual(mock.next("typing"), [{ room: "lobby", typing: false }]);
  assert.deepEqual(mock.next("message:send"), [{ room: "lobby", text: "hello" }]);
  mock.assertContract();
});

test("the mock catches what breaks the contract, both ways", async () => {
  const { mock, session } = setup();
  // A scripted answer the contract forbids (an empty title is fine, a
  // missing one is not) and a client payload it forbids (room too long).
  mock.answer("room:join", { ok: true, data: { id: "lobby", members: [], history: [], presence: {} } as unknown as RoomInfo });
  await session.join("x".repeat(65));
  assert.throws(() => mock.next("room:join"), /breaks the contract/);
  assert.throws(() => mock.assertContract(), /scripted answer to room:join.*title/s);
});

test("the generated typed client runs over the mock", async () => {
  const mock = createChatMock({ validate, disconnected: true });
  const client = createChatClient(mock as unknown as ChatClientSocket);
  const connected = client.connect({ token: "t", nickname: "n" });
  mock.connect();
  assert.deepEqual(await connected, { ok: true });
  mock.answer("room:join", { ok: true, data: lobby });
  const res = await client.roomJoin({ room: "lobby" });
  assert.equal(res.ok, true);
  assert.deepEqual(mock.next("room:join"), [{ room: "lobby" }]);
  mock.assertContract();
});
