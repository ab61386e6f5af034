package gogen_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/gen/gogen"
	"github.com/siogen/siogen/schema"
)

// edgeSet loads the chat contract and gives it edge policies in the IR:
// namespace limits with disconnect_after, a rate of its own on
// message:send, typing volatile and presence latest per user.
func edgeSet(t *testing.T) *schema.Set {
	t.Helper()
	set, diags := schema.Load(os.DirFS("../../examples/schemas"), "chat.siogen.yaml")
	if diags.HasErrors() {
		t.Fatalf("chat schema: %s", diags)
	}
	var chat *schema.File
	for _, f := range set.Files {
		if f.Package == "chat" {
			chat = f
		}
	}
	ns := chat.Namespaces[0]
	ns.Limits = &schema.Limits{MaxPayload: 64 << 10, DisconnectAfter: &schema.Rate{Count: 20, Per: time.Minute}}
	for _, e := range ns.Events {
		switch e.Name {
		case "message:send":
			e.Limits = &schema.Limits{Rate: &schema.Rate{Count: 5, Per: 2 * time.Second}, Burst: 5, MaxPayload: 64 << 10, MaxPendingAcks: 8}
		case "room:leave":
			e.Limits = &schema.Limits{Rate: &schema.Rate{Count: 100, Per: time.Minute}, Burst: 100}
		case "typing":
			e.Limits = &schema.Limits{MaxPayload: 64 << 10}
			e.Backpressure = &schema.Backpressure{Mode: schema.BackpressureVolatile}
		case "presence":
			e.Backpressure = &schema.Backpressure{Mode: schema.BackpressureLatest, Key: []string{"user"}}
		case "user:joined":
			e.Backpressure = &schema.Backpressure{Mode: schema.BackpressureQueue, Max: 1000}
		}
	}
	return set
}

// TestEdgePolicies checks what the edge policies of the contract become in
// the generated API: the limits registered before the handlers, the
// back-pressure followed by every typed emitter, the key read from the
// payload without panicking on nil, and the doc comments that say so.
func TestEdgePolicies(t *testing.T) {
	t.Parallel()
	files, err := gogen.Generate(edgeSet(t), gogen.Options{ImportPath: "example.com/gen", Validate: true, RedisEmitter: true})
	if err != nil {
		t.Fatal(err)
	}
	var api, redis string
	for _, f := range files {
		switch f.Path {
		case "chat/chat_api.siogen.go":
			api = string(f.Content)
		case "chat/chat.redis.siogen.go":
			redis = string(f.Content)
		}
	}
	for _, want := range []string{
		"ns.DisconnectAfter(20, 60*time.Second)",
		"ns.Limit(ChatEventMessageSend, sio.Limits{\n\t\tBurst:          5,\n\t\tMaxPayload:     65536,\n\t\tMaxPendingAcks: 8,\n\t\tRate:           2.5,\n\t})",
		"ns.Limit(ChatEventRoomLeave, sio.Limits{\n\t\tBurst: 100,\n\t\tRate:  100 / 60.0,\n\t})",
		"ns.Limit(ChatEventTyping, sio.Limits{MaxPayload: 65536})",
		"s.Socket.Backpressure(sio.Backpressure{Mode: sio.BackpressureVolatile})",
		"b.op.Backpressure(sio.Backpressure{Mode: sio.BackpressureVolatile})",
		"s.Socket.Backpressure(sio.Backpressure{\n\t\tKey:  chatPresenceKey(in),\n\t\tMode: sio.BackpressureLatest,\n\t})",
		"b.op.Backpressure(sio.Backpressure{\n\t\tKey:  chatPresenceKey(in),\n\t\tMode: sio.BackpressureLatest,\n\t})",
		"b.op.Backpressure(sio.Backpressure{\n\t\tMax:  1000,\n\t\tMode: sio.BackpressureQueue,\n\t})",
		"func chatPresenceKey(in *ChatPresencePayload) string {\n\tif in == nil {\n\t\treturn \"\"\n\t}\n\treturn string(in.User)\n}",
		"Limits: 5/2s, burst 5; payload at most 64 KiB; at most 8 unanswered acks. Refused with resource_exhausted.",
		"Limits: payload at most 64 KiB. Dropped and counted.",
		"sio.AsResourceExhausted reads its details",
		"Follows the contract's back-pressure: latest per user",
		"A socket whose events are refused more than 20 times within a minute is disconnected",
	} {
		if !strings.Contains(api, want) {
			t.Errorf("the generated API lacks\n%s", want)
		}
	}
	// The typed Redis emitter carries the back-pressure to the servers.
	if !strings.Contains(redis, "c.e.Backpressure(sio.Backpressure{\n\t\tKey:  chatPresenceKey(in),") ||
		!strings.Contains(redis, "Follows the contract's back-pressure: latest per user") {
		t.Errorf("the Redis emitter does not follow the back-pressure:\n%s", redis)
	}
	// The limits come before the first handler.
	if l, h := strings.Index(api, "ns.Limit("), strings.Index(api, "sio.HandleAck("); l < 0 || h < 0 || l > h {
		t.Errorf("ns.Limit at %d, the first handler at %d: the limits must be set first", l, h)
	}
	// The client's typing emitter follows no back-pressure: only servers do.
	if strings.Contains(api, "c.ClientSocket.Backpressure") {
		t.Errorf("a client emitter follows a back-pressure")
	}
}
