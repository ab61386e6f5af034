package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/examples/generated/go/common"
	"github.com/siogen/siogen/runtime/sio"
)

// historyKept is how many messages a room keeps. How fast a socket may
// send them is the contract's business: message:send's limits, applied by
// the runtime before MessageSend runs.
const historyKept = 200

// predefinedRooms are the rooms the server offers; any other is RoomNotFound.
var predefinedRooms = []struct{ id, title string }{
	{"lobby", "Lobby"},
	{"random", "Random"},
	{"go", "Gophers"},
}

// room is one chat room: its history and who is in it.
type room struct {
	id, title string
	history   []chat.Message                // oldest first, at most historyKept
	members   map[common.UserID]*roomMember // by user id
}

// roomMember is a user in a room, with the number of their sockets there
// (one person may have several tabs open).
type roomMember struct {
	user    common.User
	sockets int
}

// chatServer implements the generated [chat.ChatServer]. It is safe for
// concurrent use: one mutex guards every room.
type chatServer struct {
	chat.UnimplementedChatServer
	images *imageStore
	now    func() time.Time

	mu    sync.Mutex
	rooms map[chat.RoomID]*room
}

func newChatService(images *imageStore) *chatServer {
	c := &chatServer{images: images, now: time.Now, rooms: map[chat.RoomID]*room{}}
	for _, r := range predefinedRooms {
		c.rooms[r.id] = &room{id: r.id, title: r.title, members: map[common.UserID]*roomMember{}}
	}
	return c
}

// register installs the service on srv: the generated handlers, a
// middleware naming the user, and the presence bookkeeping.
func (c *chatServer) register(srv *sio.Server) {
	ns := chat.RegisterChatServer(srv, c)
	// Runs after the generated auth validation; skipped for recovered
	// sockets, whose data (the user) is restored with them.
	ns.Use(func(_ context.Context, s *sio.Socket) error {
		auth, err := chat.ChatSocket{Socket: s}.Auth()
		if err != nil {
			return common.NewUnauthenticated("failed to read auth: " + err.Error())
		}
		s.SetData(userFromAuth(auth))
		return nil
	})
	ns.OnConnection(func(s *sio.Socket) {
		cs := chat.ChatSocket{Socket: s}
		if s.Recovered() {
			// The rooms came back with the session: count the user in again.
			for _, id := range s.Rooms() {
				c.enter(cs, id)
			}
		}
		s.OnDisconnecting(func(sio.DisconnectReason) {
			for _, id := range s.Rooms() {
				c.exit(cs, id)
			}
		})
	})
}

// userFromAuth derives a stable user id from the auth token (the same token
// is the same user across reconnections and restarts) and a nickname that
// fits common.User.
func userFromAuth(a *chat.ChatAuth) common.User {
	h := sha256.Sum256([]byte("siogen-chat:" + a.Token))
	h[6] = h[6]&0x0f | 0x40 // version 4
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	return common.User{ID: formatUUID(h[:16]), Nickname: cleanNickname(a.Nickname)}
}

// cleanNickname maps a nickname onto common.User's ^[A-Za-z0-9_.-]+$.
func cleanNickname(n string) string {
	var b strings.Builder
	for _, r := range n {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 32 {
			break
		}
	}
	if b.Len() == 0 {
		return "anonymous"
	}
	return b.String()
}

func formatUUID(b []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return formatUUID(b[:])
}

// userOf returns the user of a socket, set by the middleware.
func userOf(s chat.ChatSocket) common.User {
	if u, ok := s.Data().(common.User); ok {
		return u
	}
	return common.User{ID: "00000000-0000-4000-8000-000000000000", Nickname: "anonymous"}
}

// joined reports whether s has joined room id.
func joined(s chat.ChatSocket, id chat.RoomID) bool { return slices.Contains(s.Rooms(), id) }

// enter counts s's user in room id and tells the room when they are new there.
func (c *chatServer) enter(s chat.ChatSocket, id chat.RoomID) {
	u := userOf(s)
	c.mu.Lock()
	r := c.rooms[id]
	if r == nil {
		c.mu.Unlock()
		return
	}
	m := r.members[u.ID]
	first := m == nil
	if first {
		m = &roomMember{user: u}
		r.members[u.ID] = m
	}
	m.sockets++
	c.mu.Unlock()
	if first {
		_ = s.To(id).EmitUserJoined(&chat.ChatUserJoinedPayload{Room: id, User: u})
		_ = s.To(id).EmitPresence(&chat.ChatPresencePayload{User: u.ID, Presence: chat.PresenceOnline})
	}
}

// exit undoes enter and tells the room when the user's last socket left.
func (c *chatServer) exit(s chat.ChatSocket, id chat.RoomID) {
	u := userOf(s)
	c.mu.Lock()
	r := c.rooms[id]
	if r == nil || r.members[u.ID] == nil {
		c.mu.Unlock()
		return
	}
	m := r.members[u.ID]
	m.sockets--
	last := m.sockets <= 0
	if last {
		delete(r.members, u.ID)
	}
	c.mu.Unlock()
	if last {
		_ = s.To(id).EmitUserLeft(&chat.ChatUserLeftPayload{Room: id, User: u})
	}
}

func roomNotFound(id chat.RoomID) error {
	return chat.NewRoomNotFound(fmt.Sprintf("there is no room %q", id), &chat.RoomNotFoundDetails{Room: id})
}

// RoomJoin joins a room and returns its members and recent history.
func (c *chatServer) RoomJoin(_ context.Context, s chat.ChatSocket, in *chat.ChatRoomJoinPayload) (*chat.RoomInfo, error) {
	c.mu.Lock()
	_, ok := c.rooms[in.Room]
	c.mu.Unlock()
	if !ok {
		return nil, roomNotFound(in.Room)
	}
	if !slices.Contains(s.Rooms(), in.Room) {
		s.Join(in.Room)
		c.enter(s, in.Room)
	}
	n := 20 // the contract's default
	if in.History != nil {
		n = int(*in.History)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.rooms[in.Room]
	info := &chat.RoomInfo{ID: r.id, Title: r.title, Members: []common.User{}, History: []chat.Message{}, Presence: map[string]chat.Presence{}}
	for _, m := range r.members {
		info.Members = append(info.Members, m.user)
		info.Presence[m.user.ID] = chat.PresenceOnline
	}
	slices.SortFunc(info.Members, func(a, b common.User) int { return strings.Compare(a.Nickname, b.Nickname) })
	info.History = append(info.History, r.history[max(0, len(r.history)-n):]...)
	return info, nil
}

// RoomLeave leaves a room.
func (c *chatServer) RoomLeave(_ context.Context, s chat.ChatSocket, in *chat.ChatRoomLeavePayload) error {
	c.mu.Lock()
	_, ok := c.rooms[in.Room]
	c.mu.Unlock()
	if !ok {
		return roomNotFound(in.Room)
	}
	if !joined(s, in.Room) {
		return chat.NewNotAMember("you are not in room " + in.Room)
	}
	c.exit(s, in.Room)
	s.Leave(in.Room)
	return nil
}

// MessageSend posts a message, with an optional image, to a room. A
// message over the contract's rate (5 in 2 seconds per socket) never gets
// here: the runtime answers it with resource_exhausted and retry_after_ms.
func (c *chatServer) MessageSend(_ context.Context, s chat.ChatSocket, in *chat.SendMessage) (*chat.Message, error) {
	u := userOf(s)
	c.mu.Lock()
	_, ok := c.rooms[in.Room]
	c.mu.Unlock()
	switch {
	case !ok:
		return nil, roomNotFound(in.Room)
	case !joined(s, in.Room):
		return nil, chat.NewNotAMember("join room " + in.Room + " before posting to it")
	}
	msg := &chat.Message{ID: newUUID(), Room: in.Room, Author: u, Text: in.Text, ReplyTo: in.ReplyTo, SentAt: c.now().UTC().Truncate(time.Millisecond)}
	if len(in.Image) > 0 {
		ref, err := c.images.add(in.Image)
		if err != nil {
			return nil, err
		}
		msg.Attachments = []chat.Attachment{{Image: ref}}
	}
	c.mu.Lock()
	r := c.rooms[in.Room]
	r.history = append(r.history, *msg)
	if len(r.history) > historyKept {
		r.history = slices.Delete(r.history, 0, len(r.history)-historyKept)
	}
	c.mu.Unlock()
	// Everyone else in the room gets it as an event; the sender in the ack.
	return msg, s.To(in.Room).EmitMessageNew(msg)
}

// MessageHistory pages backwards through a room's history: newest first,
// before the message whose id is the cursor.
func (c *chatServer) MessageHistory(_ context.Context, _ chat.ChatSocket, in chat.ChatMessageHistoryArgs) ([]chat.Message, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.rooms[in.Room]
	if !ok {
		return nil, roomNotFound(in.Room)
	}
	limit := 50
	if in.Page.Limit != nil {
		limit = int(*in.Page.Limit)
	}
	end := len(r.history)
	if in.Page.Cursor != nil {
		end = slices.IndexFunc(r.history, func(m chat.Message) bool { return m.ID == *in.Page.Cursor })
		if end < 0 {
			return nil, sio.NewError(sio.CodeInvalidArgument, "unknown cursor")
		}
	}
	out := []chat.Message{}
	for i := end - 1; i >= 0 && len(out) < limit; i-- {
		out = append(out, r.history[i])
	}
	return out, nil
}

// Typing relays a typing indicator to the rest of the room, naming the user.
func (c *chatServer) Typing(_ context.Context, s chat.ChatSocket, in *chat.ChatTypingPayload) {
	if !joined(s, in.Room) {
		return
	}
	u := userOf(s)
	_ = s.To(in.Room).Volatile().EmitTyping(&chat.ChatTypingPayload{Room: in.Room, User: &u.ID, Typing: in.Typing})
}

// PingLegacy answers old clients.
func (c *chatServer) PingLegacy(context.Context, chat.ChatSocket) (chat.ChatPingLegacyAck, error) {
	return chat.ChatPingLegacyAck{Pong: c.now().UTC()}, nil
}
