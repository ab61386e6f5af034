// RoomSession: the room logic of a chat front end, apart from the DOM, so
// that it can be unit-tested with the generated mock (test/rooms.test.ts).

import type { ChatClientSocket } from "../../../generated/ts/chat.client.js";
import { ChatEvents } from "../../../generated/ts/chat.js";
import type { Message, RoomID } from "../../../generated/ts/chat.js";
import { describe } from "./errors.js";

/** RoomSession follows the room the user is in: joins it, keeps its messages, sends to it. */
export class RoomSession {
  /** The room joined, null before the first join. */
  room: RoomID | null = null;
  /** The room's messages, oldest first. */
  messages: Message[] = [];
  private typingNow = false;

  constructor(private readonly socket: ChatClientSocket) {
    socket.on(ChatEvents.MessageNew, (m) => {
      if (m.room === this.room) this.messages.push(m);
    });
  }

  /** Joins room, leaving the previous one; returns null, or the error to show. */
  async join(room: RoomID): Promise<string | null> {
    const previous = this.room;
    const res = await this.socket.emitWithAck(ChatEvents.RoomJoin, { room, history: 50 });
    if (!res.ok) {
      return res.error.name === "RoomNotFound" ? `there is no room ${room}` : res.error.message;
    }
    if (previous !== null && previous !== room) {
      await this.socket.emitWithAck(ChatEvents.RoomLeave, { room: previous });
    }
    this.room = room;
    this.messages = [...res.data.history];
    return null;
  }

  /** Sends text to the room (trimmed; nothing for blank text); returns null, or the error to show. */
  async send(text: string): Promise<string | null> {
    text = text.trim();
    if (this.room === null) return "join a room first";
    if (text === "") return null;
    this.typing(false);
    const res = await this.socket.emitWithAck(ChatEvents.MessageSend, { room: this.room, text });
    // Over the contract's rate, the runtime answers resource_exhausted
    // with retry_after_ms; describe words it, as every other error.
    if (!res.ok) return describe(res.error, { room: this.room, text });
    this.messages.push(res.data);
    return null;
  }

  /** Tells the room whether the user is typing, once per change. */
  typing(on: boolean): void {
    if (this.room === null || on === this.typingNow) return;
    this.typingNow = on;
    this.socket.emit(ChatEvents.Typing, { room: this.room, typing: on });
  }
}
