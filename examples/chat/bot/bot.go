package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/runtime/sio"
)

// run is the bot command: it serves until ctx is done. It returns the exit
// code: 0 ok, 1 failure, 2 usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "http://127.0.0.1:8080", "chat server `URL`")
	room := fs.String("room", "lobby", "`room` to join")
	name := fs.String("name", "bot", "the bot's `nickname`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	b, err := start(ctx, *url, nil, *room, *name)
	if err != nil {
		fmt.Fprintf(stderr, "bot: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "bot: %s joined %s on %s; say !help there\n", *name, *room, *url)
	<-ctx.Done()
	b.close()
	return 0
}

// bot is a connected chat bot.
type bot struct {
	m      *sio.Manager
	client chat.ChatClient
	room   string
	name   string
}

// start connects a bot, with opts (nil means the defaults), and joins its
// room. The manager reconnects on its own; the room is joined again after a
// reconnection that lost the session.
func start(ctx context.Context, url string, opts *sio.ClientOptions, room, name string) (*bot, error) {
	m, err := sio.NewManager(url, opts)
	if err != nil {
		return nil, err
	}
	b := &bot{m: m, room: room, name: name,
		client: chat.NewChatClient(m, &chat.ChatAuth{Token: "bot:" + name, Nickname: name})}
	b.client.OnMessageNew(b.onMessage)
	b.client.OnConnect(func() {
		if b.client.Recovered() {
			return // the session, rooms included, came back
		}
		b.join(context.Background()) // acks resolve off the handler goroutine
	})
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := b.client.Connect(cctx); err != nil {
		b.close()
		return nil, fmt.Errorf("failed to connect: %w", err)
	}
	return b, nil
}

func (b *bot) join(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, _ = b.client.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: b.room})
}

// onMessage answers the commands others post in the room.
func (b *bot) onMessage(ctx context.Context, m *chat.Message) {
	if m.Author.Nickname == b.name || m.Room != b.room {
		return
	}
	text, ok := answer(m.Text, m.Author.Nickname, time.Now())
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, _ = b.client.MessageSend(ctx, &chat.SendMessage{Room: b.room, Text: text})
}

func (b *bot) close() {
	b.client.Disconnect()
	_ = b.m.Close()
	<-b.m.Done()
}

// answer returns the bot's reply to a message, if it is a command.
func answer(text, from string, now time.Time) (string, bool) {
	cmd, arg, _ := strings.Cut(strings.TrimSpace(text), " ")
	switch cmd {
	case "!help":
		return "commands: !ping, !time, !echo <text>, !roll [sides]", true
	case "!ping":
		return "pong, " + from, true
	case "!time":
		return "it is " + now.UTC().Format(time.RFC1123), true
	case "!echo":
		if arg = strings.TrimSpace(arg); arg == "" {
			return "!echo what?", true
		}
		return arg, true
	case "!roll":
		sides := 6
		if n, err := strconv.Atoi(strings.TrimSpace(arg)); err == nil && n > 1 && n <= 1000 {
			sides = n
		}
		return fmt.Sprintf("%s rolls %d (d%d)", from, rand.IntN(sides)+1, sides), true
	}
	return "", false
}
