package sio_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/bench"
	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siojson"
)

// Malformed packets and protocol violations close the offending connection
// only ("parse error" for its sockets); nothing panics, and a client
// connected beside it keeps working. Each case runs on its own connection
// against one shared server.
func TestMalformedPacketsCloseOnlyTheirConnection(t *testing.T) {
	t.Parallel()
	type step struct {
		text string
		bin  []byte
	}
	txt := func(s ...string) []step {
		var out []step
		for _, x := range s {
			out = append(out, step{text: x})
		}
		return out
	}
	placeholder := `{"_placeholder":true,"num":%d}`
	sample := `{"client":1,"pad":"","seq":1,"ts":1}`
	cases := []struct {
		name    string
		connect bool // join "/" first
		steps   []step
	}{
		{"bad type", true, txt(`4abc`)},
		{"type 7", true, txt(`47["x"]`)},
		{"empty socket.io packet", true, txt(`4`)},
		{"bad ack id", true, txt(`42abc["x",1]`)},
		{"ack id overflow", true, txt(`4299999999999999999999999["x"]`)},
		{"event payload object", true, txt(`42{}`)},
		{"event payload string", true, txt(`42"x"`)},
		{"event payload empty array", true, txt(`42[]`)},
		{"event name not a string", true, txt(`42[{"a":1}]`)},
		{"invalid json", true, txt(`42["x",]`)},
		{"trailing garbage", true, txt(`42["x"]]`)},
		{"reserved connect", true, txt(`42["connect"]`)},
		{"reserved disconnect", true, txt(`42["disconnect",1]`)},
		{"reserved disconnecting", true, txt(`42["disconnecting"]`)},
		{"reserved connect_error", true, txt(`42["connect_error"]`)},
		{"reserved newListener", true, txt(`42["newListener"]`)},
		{"reserved removeListener", true, txt(`42["removeListener"]`)},
		{"attachments over limit", true, txt(`4511-["x"` + strings.Repeat(`,`+fmt.Sprintf(placeholder, 0), 1) + `]`)},
		{"attachment count negative", true, txt(`45-1-["x"]`)},
		{"attachment count without dash", true, txt(`451["x",` + fmt.Sprintf(placeholder, 0) + `]`)},
		{"placeholder out of range", true, []step{{text: `451-["x",` + fmt.Sprintf(placeholder, 1) + `]`}, {bin: []byte{1}}}},
		{"placeholder negative", true, []step{{text: `451-["x",` + fmt.Sprintf(placeholder, -1) + `]`}, {bin: []byte{1}}}},
		{"text while attachments awaited", true, []step{{text: `452-["x",` + fmt.Sprintf(placeholder, 0) + `,` + fmt.Sprintf(placeholder, 1) + `]`}, {bin: []byte{1}}, {text: `42["y"]`}}},
		{"binary without header", true, []step{{bin: []byte{1, 2}}}},
		{"binary ack over limit", true, txt(`4611-1[]`)},
		{"ack payload not array", true, txt(`431{}`)},
		{"disconnect with payload", true, txt(`41{"a":1}`)},
		{"connect payload not object", false, txt(`40"x"`)},
		{"connect payload array", false, txt(`40[1]`)},
		{"connect_error from client", true, txt(`44{"message":"x"}`)},
		{"second connect", true, txt(`40`)},
		{"event before connect", false, txt(`42["x"]`)},
		{"event for unjoined namespace", true, txt(`42/admin,["x"]`)},
		{"ack for unjoined namespace", true, txt(`43/admin,1[]`)},
		{"invalid utf-8", true, txt("42[\"\xff\"]")},
		{"namespace without slash", true, txt(`42admin,["x"]`)},
		// A typed handler's generated decoder reads the arguments in the
		// packet, which the parser left unchecked: it must refuse what the
		// parser would have.
		{"typed: invalid json in the argument", true, txt(`421["typed",{"client":1,]`)},
		{"typed: invalid utf-8 in the argument", true, txt("421[\"typed\",{\"client\":1,\"pad\":\"\xff\",\"seq\":1,\"ts\":1}]")},
		{"typed: invalid utf-8 in an unknown member", true, txt("421[\"typed\",{\"x\":[\"\xc3\"],\"client\":1,\"pad\":\"\",\"seq\":1,\"ts\":1}]")},
		{"typed: nested too deeply", true, txt(`421["typed",{"x":` + strings.Repeat(`[`, 31) + strings.Repeat(`]`, 31) + `,"client":1,"pad":"","seq":1,"ts":1}]`)},
		{"typed: invalid json in an extra argument", true, txt(`421["typed",` + sample + `,{]`)},
		{"typed: trailing comma", true, txt(`421["typed",` + sample + `,]`)},
		{"typed: trailing garbage", true, txt(`421["typed",` + sample + `]]`)},
		{"typed: unclosed array", true, txt(`421["typed",` + sample)},
		{"typed: bad literal", true, txt(`421["typed",{"client":1,"pad":"","seq":1,"ts":1,"x":nul}]`)},
	}

	rec := newRecorder()
	_, url := startServer(t, nil, func(srv *sio.Server) {
		ns := srv.Of("/")
		ns.OnConnection(func(s *sio.Socket) {
			var auth struct {
				Name string `json:"name"`
			}
			_ = s.Handshake().Auth.Decode(&auth)
			s.OnDisconnect(func(r sio.DisconnectReason) { rec.add("%s: %s", auth.Name, r) })
		})
		ns.On("echo", func(s *sio.Socket, e *sio.Event) { _ = e.Ack(e.Values()...) })
		ns.On("x", func(s *sio.Socket, e *sio.Event) {})
		sio.HandleAck(ns, "typed", func(_ context.Context, _ *sio.Socket, in *bench.Sample) (*bench.Sample, error) { return in, nil },
			sio.WithReader(siojson.ReadPointer[bench.Sample]))
		srv.Of("/admin")
	})

	good := dialRaw(t, url, true)
	good.connect("/", `{"name":"good"}`)
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := dialRaw(t, url, true)
			if tc.connect {
				c.connect("/", fmt.Sprintf(`{"name":"case%d"}`, i))
			}
			for _, s := range tc.steps {
				// The server may close before the last step: write errors
				// are expected.
				if s.bin != nil {
					_ = c.writeBinary(s.bin)
				} else {
					_ = c.writeText(s.text)
				}
			}
			if !c.closed(10 * time.Second) {
				t.Errorf("connection not closed")
			}
			if tc.connect {
				rec.wait(t, fmt.Sprintf("case%d: parse error", i), 10*time.Second)
			}
			good.send(fmt.Sprintf(`42%d["echo",%d]`, i, i))
			good.expect(fmt.Sprintf(`43%d[%d]`, i, i))
		})
	}
	if rec.has("good: parse error") {
		t.Error("the good connection was closed")
	}
}

// A handler that panics costs only that event: the connection and the
// server go on.
func TestHandlerPanic(t *testing.T) {
	t.Parallel()
	_, url := startServer(t, nil, func(srv *sio.Server) {
		ns := srv.Of("/")
		ns.On("boom", func(s *sio.Socket, e *sio.Event) { panic("boom") })
		ns.On("echo", func(s *sio.Socket, e *sio.Event) { _ = e.Ack(e.Values()...) })
		srv.Of("/mw").Use(func(ctx context.Context, s *sio.Socket) error { panic("mw boom") })
	})
	c := dialRaw(t, url, true)
	c.connect("/", "")
	c.send(`42["boom"]`, `421["echo","ok"]`)
	c.expect(`431["ok"]`)
	c.send(`40/mw,`)
	c.expect(`44/mw,{"message":"internal error","data":{"code":"internal","message":"internal error"}}`)
	c.send(`422["echo","still"]`)
	c.expect(`432["still"]`)
}

// A typed handler reads its argument in place, in the packet whose
// arguments the parser left unchecked; what it answers is what it
// answered when the parser checked them first: extra arguments ignored,
// a breach of the contract answered invalid_argument with its
// violations. An OnAny listener, or an untyped handler beside the typed
// one, gets the arguments checked by the parser instead, with the same
// answers.
func TestTypedArgumentsInPlace(t *testing.T) {
	t.Parallel()
	_, url := startServer(t, nil, func(srv *sio.Server) {
		echo := func(_ context.Context, _ *sio.Socket, in *bench.Sample) (*bench.Sample, error) { return in, nil }
		read := sio.WithReader(siojson.ReadPointer[bench.Sample])
		sio.HandleAck(srv.Of("/"), "typed", echo, read)
		mixed := srv.Of("/mixed")
		sio.HandleAck(mixed, "typed", echo, read)
		mixed.On("typed", func(*sio.Socket, *sio.Event) {})
		any := srv.Of("/any")
		sio.HandleAck(any, "typed", echo, read)
		any.OnConnection(func(s *sio.Socket) { s.OnAny(func(*sio.Event) {}) })
	})
	for _, nsp := range []string{"", "/mixed,", "/any,"} {
		c := dialRaw(t, url, true)
		if nsp == "" {
			c.connect("/", "")
		} else {
			c.connect(strings.TrimSuffix(nsp, ","), "")
		}
		ok := `{"ok":true,"data":{"client":1,"pad":"p","seq":2,"ts":3}}`
		c.send(`42` + nsp + `1["typed", {"ts":3,"seq":2,"pad":"p","client":1} ]`)
		c.expect(`43` + nsp + `1[` + ok + `]`)
		c.send(`42` + nsp + `2["typed",{"client":1,"pad":"p","seq":2,"ts":3},{"extra":[1,"x"]},null]`)
		c.expect(`43` + nsp + `2[` + ok + `]`)
		c.send(`42` + nsp + `3["typed",{"client":-1,"pad":"p","seq":2,"x":1}]`)
		c.expect(`43` + nsp + `3[{"ok":false,"error":{"code":"invalid_argument","message":"invalid payload","details":[` +
			`{"path":"/client","message":"must be at least 0, got -1"},` +
			`{"path":"/ts","message":"missing required property \"ts\""},` +
			`{"path":"/x","message":"unknown property \"x\""}]}}]`)
		c.send(`42` + nsp + `4["typed"]`)
		c.expect(`43` + nsp + `4[{"ok":false,"error":{"code":"invalid_argument","message":"invalid payload","details":[{"path":"","message":"got null, want object"}]}}]`)
	}
}
