package generated_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/chat"
	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// limitLog counts the refusals an Observer is told of, by event and limit,
// and the reasons sockets disconnected for.
type limitLog struct {
	mu      sync.Mutex
	limited map[string]int
	reasons []sio.DisconnectReason
}

func (l *limitLog) observer() sio.Observer {
	return sio.Observer{
		Limited: func(_ *sio.Socket, event string, limit sio.LimitKind) {
			l.mu.Lock()
			l.limited[event+" "+string(limit)]++
			l.mu.Unlock()
		},
		Disconnect: func(_ *sio.Socket, reason sio.DisconnectReason) {
			l.mu.Lock()
			l.reasons = append(l.reasons, reason)
			l.mu.Unlock()
		},
	}
}

func (l *limitLog) count(key string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limited[key]
}

// startLimited serves the generated chat server, whose Register function
// installs the contract's limits, and returns its URL and what its
// observer sees.
func startLimited(t *testing.T) (string, *limitLog) {
	t.Helper()
	log := &limitLog{limited: make(map[string]int)}
	srv := sio.NewServer(&sio.ServerOptions{Observers: []sio.Observer{log.observer()}})
	chat.RegisterChatServer(srv, &chatServer{srv: srv})
	return serve(t, srv), log
}

// TestLimitsNodeClient: the official socket.io-client over the chat
// contract's limits, on both transports: sends over message:send's rate
// get resource_exhausted with when to retry, and retrying then works; an
// oversize payload is refused by its size; a flood of an event without
// ack is dropped and ends with the server disconnecting the socket.
func TestLimitsNodeClient(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"websocket", "polling"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			url, log := startLimited(t)
			p := nodetest.Start(t, "examples/generated/testdata/limits-client.js", url, transport)
			checks := 0
			for _, line := range p.Wait(60 * time.Second) {
				if line["event"] != "check" {
					continue
				}
				checks++
				if line["ok"] != true {
					t.Errorf("%s: failed: %v", line["name"], line["detail"])
				}
			}
			if checks != 7 {
				t.Errorf("%d checks ran, want 7", checks)
			}
			// More than 20 refusals a minute disconnect the socket: the 21st
			// (a few more if the run is slow enough for the allowance to
			// refill), whatever the events.
			total := log.count("message:send rate") + log.count("room:join payload") + log.count("typing rate")
			if log.count("message:send rate") < 1 || log.count("room:join payload") != 1 || log.count("typing rate") < 1 || total < 21 {
				t.Errorf("refusals counted: %v", log.limited)
			}
			log.mu.Lock()
			defer log.mu.Unlock()
			if len(log.reasons) != 1 || log.reasons[0] != sio.ReasonTooManyRefusals {
				t.Errorf("disconnect reasons %v, want [%s]", log.reasons, sio.ReasonTooManyRefusals)
			}
		})
	}
}

// TestLimitsGoClient: the generated Go client gets the refusals as
// *sio.Error values that sio.AsResourceExhausted reads.
func TestLimitsGoClient(t *testing.T) {
	t.Parallel()
	url, log := startLimited(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// The client's own checks would refuse the oversize room name before
	// it leaves: turn them off to reach the server's limit.
	m, err := sio.NewManager(url, &sio.ClientOptions{DisableReconnection: true, SkipOutgoingChecks: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(); <-m.Done() })
	c := chat.NewChatClient(m, &chat.ChatAuth{Token: "secret", Nickname: "bob"})
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("connect: %v", err)
	}
	if _, err := c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: "lobby"}); err != nil {
		t.Fatalf("RoomJoin: %v", err)
	}

	errs := make([]error, 7)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() { _, errs[i] = c.MessageSend(ctx, &chat.SendMessage{Room: "lobby", Text: "hi"}) })
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, err := range errs {
		d, limited := sio.AsResourceExhausted(err)
		switch {
		case err == nil:
			ok++
		case limited && d.Limit == sio.LimitRate && d.Max == 5 && d.RetryAfterMs >= 1 && d.RetryAfterMs <= 400:
			refused++
		default:
			t.Errorf("MessageSend: %v (details %+v), want nil or a rate refusal", err, d)
		}
	}
	if ok < 5 || refused < 1 {
		t.Errorf("%d sent and %d refused of 7 against a burst of 5", ok, refused)
	}

	_, err = c.RoomJoin(ctx, &chat.ChatRoomJoinPayload{Room: chat.RoomID(strings.Repeat("x", 70<<10))})
	if d, limited := sio.AsResourceExhausted(err); !limited || d.Limit != sio.LimitPayload || d.Max != 64<<10 {
		t.Errorf("oversize RoomJoin = %v, want a payload refusal of max 65536", err)
	}
	var e *sio.Error
	if !errors.As(err, &e) || e.Name != "" {
		t.Errorf("the refusal is a runtime error without a name: %#v", e)
	}
	if n := log.count("room:join payload"); n != 1 {
		t.Errorf("payload refusals counted: %d", n)
	}
}
