// The chat page: socket.io-client typed by the TypeScript siogen generates
// from examples/schemas/chat.siogen.yaml.

import { io } from "socket.io-client";
import type { ChatClientSocket } from "../../../generated/ts/chat.client.js";
import { ChatEvents, ChatNamespace, Presence } from "../../../generated/ts/chat.js";
import type { Attachment, Message, RoomInfo, SendMessage } from "../../../generated/ts/chat.js";
import type { User, UserID } from "../../../generated/ts/common.js";
import { describe, describeThrown } from "./errors.js";
import type { ErrorContext } from "./errors.js";

const ROOMS = ["lobby", "random", "go"];
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const TYPING_IDLE_MS = 3000;

function $<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

/** h builds an element: h("p", {className: "x"}, "text", child). */
function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  const { dataset, ...rest } = props;
  Object.assign(el, rest);
  if (dataset) Object.assign(el.dataset, dataset);
  el.append(...children);
  return el;
}

/** A random id that is also fine outside secure contexts. */
function randomToken(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// Each tab is its own user (sessionStorage); the nickname is remembered.
function token(): string {
  let t = sessionStorage.getItem("siogen-chat-token");
  if (!t) {
    t = randomToken();
    sessionStorage.setItem("siogen-chat-token", t);
  }
  return t;
}

const ui = {
  joinSection: $("join"),
  joinForm: $<HTMLFormElement>("join-form"),
  nickname: $<HTMLInputElement>("nickname"),
  joinRoom: $<HTMLInputElement>("join-room"),
  joinError: $("join-error"),
  knownRooms: $("known-rooms"),
  chat: $("chat"),
  roomTitle: $("room-title"),
  menu: $<HTMLButtonElement>("menu"),
  menuCount: $("menu-count"),
  scrim: $("scrim"),
  status: $("status"),
  roomList: $("room-list"),
  otherRoom: $<HTMLFormElement>("other-room"),
  otherRoomName: $<HTMLInputElement>("other-room-name"),
  members: $("members"),
  memberCount: $("member-count"),
  messages: $("messages"),
  typing: $("typing"),
  attachment: $("attachment"),
  attachmentName: $("attachment-name"),
  attachmentClear: $("attachment-clear"),
  composer: $<HTMLFormElement>("composer"),
  image: $<HTMLInputElement>("image"),
  text: $<HTMLTextAreaElement>("text"),
  send: $<HTMLButtonElement>("send"),
};

interface State {
  socket?: ChatClientSocket;
  me?: User;
  nickname: string;
  room?: string; // the room we are in
  members: Map<UserID, { user: User; presence: Presence }>;
  typing: Map<UserID, number>; // user -> timer clearing their indicator
  rendered: Set<string>; // ids of messages on screen
  image?: File;
  typingSent: boolean;
  typingTimer?: number;
}

const state: State = {
  nickname: localStorage.getItem("siogen-chat-nickname") ?? "",
  members: new Map(),
  typing: new Map(),
  rendered: new Set(),
  typingSent: false,
};

// ---- status ----------------------------------------------------------------

/** setStatus shows the connection state; via, the transport, is left out on narrow screens. */
function setStatus(status: "connected" | "reconnecting" | "offline", text: string, via = ""): void {
  document.body.dataset.status = status;
  ui.status.replaceChildren(text, ...(via ? [h("span", { className: "via" }, ` · ${via}`)] : []));
}

function transportName(): string {
  return state.socket?.io.engine?.transport?.name ?? "";
}

function showConnected(): void {
  const t = transportName();
  document.body.dataset.transport = t;
  setStatus("connected", "connected", t);
}

// ---- messages --------------------------------------------------------------

function scrollDown(): void {
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

function notice(text: string, kind: "info" | "error" = "info"): void {
  ui.messages.append(h("li", { className: `notice ${kind === "error" ? "error" : ""}`, dataset: { kind } }, text));
  scrollDown();
}

function nickColor(id: string): string {
  let n = 0;
  for (const c of id) n = (n * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${n % 360} 55% 38%)`;
}

function renderAttachment(a: Attachment): Node {
  switch (a.kind) {
    case "image": {
      const img = h("img", { src: a.url, alt: a.alt ?? "an image", loading: "lazy" });
      img.width = a.width;
      img.height = a.height;
      return h("a", { href: a.url, target: "_blank", rel: "noopener" }, img);
    }
    case "file":
      return h("a", { href: a.url, download: a.name }, `📎 ${a.name} (${Math.ceil(a.size_bytes / 1024)} KB)`);
    case "link":
      return h("a", { href: a.url, target: "_blank", rel: "noopener noreferrer" }, a.title ?? a.url);
  }
}

function renderMessage(m: Message): void {
  if (m.room !== state.room || state.rendered.has(m.id)) return;
  state.rendered.add(m.id);
  const time = new Date(m.sent_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const author = h("span", { className: "author" }, m.author.nickname);
  author.style.color = nickColor(m.author.id);
  const li = h(
    "li",
    { className: `msg${m.author.id === state.me?.id ? " mine" : ""}`, dataset: { id: m.id, author: m.author.nickname } },
    h("div", { className: "meta" }, author, h("time", { dateTime: m.sent_at }, time)),
    h("div", { className: "text" }, m.text),
    ...(m.attachments ?? []).map(renderAttachment),
  );
  ui.messages.append(li);
  scrollDown();
}

// ---- members and typing ----------------------------------------------------

function renderMembers(): void {
  const list = [...state.members.values()].sort((a, b) => a.user.nickname.localeCompare(b.user.nickname));
  ui.members.replaceChildren(
    ...list.map(({ user, presence }) =>
      h("li", { className: `${presence}${user.id === state.me?.id ? " me" : ""}`, dataset: { user: user.nickname } }, user.nickname),
    ),
  );
  ui.memberCount.textContent = `(${list.length})`;
  ui.menuCount.textContent = String(list.length);
}

function renderTyping(): void {
  const names = [...state.typing.keys()].map((id) => state.members.get(id)?.user.nickname ?? "someone");
  ui.typing.textContent =
    names.length === 0 ? "" : names.length === 1 ? `${names[0]} is typing…` : `${names.join(", ")} are typing…`;
}

function setTyping(user: UserID, typing: boolean): void {
  window.clearTimeout(state.typing.get(user));
  state.typing.delete(user);
  if (typing) {
    // Indicators are volatile: expire them in case the "stopped" never comes.
    state.typing.set(user, window.setTimeout(() => setTyping(user, false), TYPING_IDLE_MS * 2));
  }
  renderTyping();
}

function sendTyping(typing: boolean): void {
  if (!state.socket?.connected || !state.room || state.typingSent === typing) return;
  state.typingSent = typing;
  state.socket.emit(ChatEvents.Typing, { room: state.room, typing });
}

// ---- rooms -----------------------------------------------------------------

/** setMenu opens or closes the rooms and people drawer of narrow screens. */
function setMenu(open: boolean): void {
  if (open) document.body.dataset.menu = "open";
  else delete document.body.dataset.menu;
  ui.menu.setAttribute("aria-expanded", String(open));
}

function renderRooms(): void {
  ui.roomList.replaceChildren(
    ...ROOMS.map((r) => {
      const b = h("button", { type: "button", className: r === state.room ? "current" : "" }, `# ${r}`);
      b.addEventListener("click", () => {
        setMenu(false);
        void switchRoom(r);
      });
      return h("li", {}, b);
    }),
  );
}

function enterRoom(info: RoomInfo, rejoin: boolean): void {
  if (!rejoin || state.room !== info.id) {
    ui.messages.replaceChildren();
    state.rendered.clear();
  }
  state.room = info.id;
  state.members.clear();
  state.typing.forEach((t) => window.clearTimeout(t));
  state.typing.clear();
  for (const u of info.members) state.members.set(u.id, { user: u, presence: info.presence[u.id] ?? Presence.Online });
  ui.roomTitle.textContent = `# ${info.title}`;
  ui.text.placeholder = `Message #${info.id}`;
  document.title = `#${info.id} · siogen chat`;
  for (const m of info.history) renderMessage(m);
  renderMembers();
  renderRooms();
  renderTyping();
}

/** join asks the server for a room; it returns an error sentence or "". */
async function join(room: string, rejoin = false): Promise<string> {
  const socket = state.socket;
  if (!socket) return "Not connected.";
  try {
    const res = await socket.timeout(8000).emitWithAck(ChatEvents.RoomJoin, { room, history: 50 });
    if (!res.ok) return describe(res.error, { room });
    enterRoom(res.data, rejoin);
    return "";
  } catch (e) {
    return describeThrown(e);
  }
}

async function switchRoom(room: string): Promise<void> {
  room = room.trim();
  if (!room || room === state.room || !state.socket) return;
  const previous = state.room;
  sendTyping(false);
  const err = await join(room);
  if (err) {
    notice(err, "error");
    return;
  }
  if (previous) {
    const res = await state.socket.emitWithAck(ChatEvents.RoomLeave, { room: previous });
    if (!res.ok) notice(describe(res.error, { room: previous }), "error");
  }
}

// ---- sending ---------------------------------------------------------------

function setImage(file: File | undefined): void {
  state.image = file;
  ui.attachment.hidden = !file;
  ui.attachmentName.textContent = file ? `${file.name} (${Math.ceil(file.size / 1024)} KB)` : "";
  if (!file) ui.image.value = "";
}

async function send(): Promise<void> {
  const socket = state.socket;
  if (!socket || !state.room) return;
  const image = state.image;
  let text = ui.text.value;
  if (text.trim() === "" && !image) return;
  if (image && image.size > MAX_IMAGE_BYTES) {
    notice(`“${image.name}” is too big: images can be at most 5 MB.`, "error");
    return;
  }
  if (text.trim() === "" && image) text = image.name.slice(0, 200);
  const payload: SendMessage = { room: state.room, text };
  if (image) payload.image = new Uint8Array(await image.arrayBuffer());
  const ctx: ErrorContext = { room: state.room, text };
  // Clear the composer at once so the next message can be typed; put the
  // text back if this one is refused.
  const typed = ui.text.value;
  ui.text.value = "";
  setImage(undefined);
  sendTyping(false);
  const restore = (): void => {
    if (ui.text.value === "") ui.text.value = typed;
    if (image && !state.image) setImage(image);
  };
  try {
    const res = await socket.timeout(10_000).emitWithAck(ChatEvents.MessageSend, payload);
    if (!res.ok) {
      notice(describe(res.error, ctx), "error");
      restore();
      return;
    }
    if (state.me?.id !== res.data.author.id) {
      state.me = res.data.author;
      renderMembers();
    }
    renderMessage(res.data);
  } catch (e) {
    notice(describeThrown(e), "error");
    restore();
  }
}

// ---- connection ------------------------------------------------------------

function connect(nickname: string): ChatClientSocket {
  // ?transport=polling or ?transport=websocket pins the transport.
  const only = new URLSearchParams(location.search).get("transport");
  const socket: ChatClientSocket = io(ChatNamespace, {
    auth: { token: token(), nickname },
    transports: only === "polling" || only === "websocket" ? [only] : ["polling", "websocket"],
  });

  socket.on("connect", () => {
    showConnected();
    socket.io.engine.once("upgrade", showConnected);
    document.body.dataset.recovered = String(socket.recovered);
    if (socket.recovered) {
      notice("Reconnected: you are up to date.");
    } else if (state.room) {
      // A new session (the server restarted, or we were away too long):
      // join again; the history fills any gap the server still knows of.
      const room = state.room;
      void join(room, true).then((err) => notice(err || "Reconnected.", err ? "error" : "info"));
    }
  });
  socket.on("disconnect", (reason) => {
    setStatus("reconnecting", "reconnecting…");
    ui.messages.append(h("li", { className: "notice", title: reason }, "Connection lost; reconnecting…"));
    scrollDown();
    if (reason === "io server disconnect") socket.connect();
  });
  socket.on("connect_error", (err) => {
    if (!socket.active) {
      // Refused by the server (e.g. a bad nickname): back to the form.
      setStatus("offline", "offline");
      ui.joinError.textContent = `The server refused the connection: ${err.message}`;
      ui.chat.hidden = true;
      ui.menu.hidden = true;
      setMenu(false);
      ui.joinSection.hidden = false;
      return;
    }
    setStatus("reconnecting", "reconnecting…");
  });

  socket.on(ChatEvents.MessageNew, (m) => {
    setTyping(m.author.id, false);
    renderMessage(m);
  });
  socket.on(ChatEvents.Typing, (t) => {
    if (t.room === state.room && t.user && t.user !== state.me?.id) setTyping(t.user, t.typing);
  });
  socket.on(ChatEvents.UserJoined, ({ room, user }) => {
    if (room !== state.room) return;
    state.members.set(user.id, { user, presence: Presence.Online });
    renderMembers();
  });
  socket.on(ChatEvents.UserLeft, ({ room, user }) => {
    if (room !== state.room) return;
    state.members.delete(user.id);
    setTyping(user.id, false);
    renderMembers();
  });
  socket.on(ChatEvents.Presence, ({ user, presence }) => {
    const m = state.members.get(user);
    if (!m) return;
    m.presence = presence;
    renderMembers();
  });
  socket.on(ChatEvents.Poll, (q, ack) => {
    const choice = window.prompt(`${q.text}\n${q.choices.map((c, i) => `${i}: ${c}`).join("\n")}`, "0");
    ack({ ok: true, data: { choice: Math.min(q.choices.length - 1, Math.max(0, Number(choice) || 0)) } });
  });
  return socket;
}

// ---- wiring ----------------------------------------------------------------

ui.knownRooms.replaceChildren(...ROOMS.map((r) => h("option", { value: r })));
ui.nickname.value = state.nickname;

ui.joinForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const nickname = ui.nickname.value.trim();
  const room = ui.joinRoom.value.trim();
  if (!nickname || !room) return;
  localStorage.setItem("siogen-chat-nickname", nickname);
  ui.joinError.textContent = "";
  state.socket?.disconnect();
  const socket = connect(nickname);
  state.socket = socket;
  setStatus("reconnecting", "connecting…");
  socket.once("connect", async () => {
    const err = await join(room);
    if (err) {
      ui.joinError.textContent = err;
      socket.disconnect();
      setStatus("offline", "offline");
      return;
    }
    // Who am I? The server derives the user from the token; until our first
    // message's ack says so, the nickname (cleaned like the server does) tells.
    const cleaned = nickname.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 32);
    state.me = [...state.members.values()].find((m) => m.user.nickname === cleaned)?.user;
    renderMembers();
    ui.joinSection.hidden = true;
    ui.chat.hidden = false;
    ui.menu.hidden = false;
    ui.text.focus();
  });
});

ui.menu.addEventListener("click", () => setMenu(document.body.dataset.menu !== "open"));
ui.scrim.addEventListener("click", () => setMenu(false));
document.addEventListener("keydown", (ev) => {
  if (ev.key === "Escape") setMenu(false);
});

ui.otherRoom.addEventListener("submit", (ev) => {
  ev.preventDefault();
  setMenu(false);
  void switchRoom(ui.otherRoomName.value).then(() => (ui.otherRoomName.value = ""));
});

ui.composer.addEventListener("submit", (ev) => {
  ev.preventDefault();
  void send();
});

ui.text.addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
    ev.preventDefault();
    void send();
  }
});

ui.text.addEventListener("input", () => {
  sendTyping(ui.text.value !== "");
  window.clearTimeout(state.typingTimer);
  state.typingTimer = window.setTimeout(() => sendTyping(false), TYPING_IDLE_MS);
});

ui.image.addEventListener("change", () => setImage(ui.image.files?.[0]));
ui.attachmentClear.addEventListener("click", () => setImage(undefined));
