package sio_test

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// clBasic drives one client through connect, events both ways, acks both
// ways, binary, OnAny, typed helpers, multiplexing and disconnect, against
// the server at url whose lines come from log.
func clBasic(t *testing.T, url string, log clServerLog, transports []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts := clFastOpts(transports)
	opts.Auth = map[string]any{"token": "t1"}
	cs, err := sio.NewSocket(url+"/chat", opts)
	if err != nil {
		t.Fatal(err)
	}
	m := cs.Manager()
	defer clClose(t, m)

	type welcome struct {
		Nsp  string         `json:"nsp"`
		ID   string         `json:"id"`
		Auth map[string]any `json:"auth"`
	}
	welcomes := make(chan welcome, 1)
	sio.OnClient(cs, "welcome", func(ctx context.Context, w welcome) { welcomes <- w })
	echoes := make(chan *sio.ClientEvent, 16)
	cs.On("echo", func(e *sio.ClientEvent) { echoes <- e })
	var anyMu sync.Mutex
	var anyNames []string
	cs.OnAny(func(e *sio.ClientEvent) {
		anyMu.Lock()
		anyNames = append(anyNames, e.Name)
		anyMu.Unlock()
	})
	type question struct {
		N int `json:"n"`
	}
	type answer struct {
		Double int    `json:"double"`
		Bin    []byte `json:"bin"`
	}
	sio.OnClientAck(cs, "question", func(ctx context.Context, q question) (answer, error) {
		return answer{Double: q.N * 2, Bin: []byte{7}}, nil
	}, sio.WithAckStyle(sio.AckPlain))

	if err := cs.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	if !cs.Connected() || cs.ID() == "" || cs.Recovered() {
		t.Fatalf("after Connect: connected=%v id=%q recovered=%v", cs.Connected(), cs.ID(), cs.Recovered())
	}
	conn := log.Expect("connection", 10*time.Second)
	if conn["nsp"] != "/chat" || conn["id"] != cs.ID() || !reflect.DeepEqual(conn["auth"], map[string]any{"token": "t1"}) {
		t.Errorf("server saw connection %v, want /chat with id %s and auth {token:t1}", conn, cs.ID())
	}
	w := clWithin(t, welcomes, "welcome")
	if w.Nsp != "/chat" || w.ID != cs.ID() || w.Auth["token"] != "t1" {
		t.Errorf("welcome = %+v", w)
	}

	// Client to server, plain and binary; the server echoes as an event.
	if err := cs.Emit("echo", "hello", 42, map[string]any{"a": []any{1, "<&>"}}); err != nil {
		t.Fatal(err)
	}
	got := clExpectGot(t, log, "/chat", "echo")
	if want := []any{"hello", 42.0, map[string]any{"a": []any{1.0, "<&>"}}}; !reflect.DeepEqual(got["args"], want) || got["ack"] != false {
		t.Errorf("server got %v, want args %v without ack", got, want)
	}
	e := clWithin(t, echoes, "echo")
	var s1 string
	var n1 int
	var o1 struct{ A []any }
	if err := e.Decode(&s1, &n1, &o1); err != nil || s1 != "hello" || n1 != 42 || len(o1.A) != 2 || o1.A[1] != "<&>" || e.Len() != 3 {
		t.Errorf("echo event = %v %v %v %v (len %d)", s1, n1, o1, err, e.Len())
	}
	if err := cs.Emit("echo", []byte{0xde, 0xad}); err != nil {
		t.Fatal(err)
	}
	got = clExpectGot(t, log, "/chat", "echo")
	if want := []any{map[string]any{"$bin": "dead"}}; !reflect.DeepEqual(got["args"], want) {
		t.Errorf("server got %v, want %v", got["args"], want)
	}
	e = clWithin(t, echoes, "binary echo")
	var b1 []byte
	if err := e.Decode(&b1); err != nil || !bytes.Equal(b1, []byte{0xde, 0xad}) {
		t.Errorf("binary echo = %x, %v", b1, err)
	}

	// Client to server with ack, binary nested.
	type nested struct {
		Inner []byte `json:"inner"`
	}
	args, err := cs.EmitWithAck(ctx, "echo", "a", []byte{1, 2, 3}, nested{Inner: []byte{4, 5}})
	if err != nil {
		t.Fatalf("EmitWithAck: %v", err)
	}
	var s2 string
	var b2 []byte
	var n2 nested
	if err := args.Decode(&s2, &b2, &n2); err != nil || s2 != "a" || !bytes.Equal(b2, []byte{1, 2, 3}) || !bytes.Equal(n2.Inner, []byte{4, 5}) {
		t.Errorf("ack = %q %x %x %v", s2, b2, n2.Inner, err)
	}
	if got := clExpectGot(t, log, "/chat", "echo"); got["ack"] != true {
		t.Errorf("server got %v, want ack", got)
	}

	// Generated-code path: sio.Call with a plain ack.
	type point struct{ X, Y int }
	pt, err := sio.Call[point](ctx, cs, sio.AckPlain, "echo", point{3, 4})
	if err != nil || pt != (point{3, 4}) {
		t.Errorf("Call = %v, %v", pt, err)
	}

	// Server to client with ack; the typed handler answers with binary.
	if err := cs.Emit("ask", map[string]int{"n": 21}); err != nil {
		t.Fatal(err)
	}
	ans := log.Expect("answer", 10*time.Second)
	if want := []any{map[string]any{"double": 42.0, "bin": map[string]any{"$bin": "07"}}}; ans["err"] != nil || !reflect.DeepEqual(ans["ans"], want) {
		// A nested buffer prints as a placeholder on our server's recorder.
		if !isPlaceholderAnswer(ans) {
			t.Errorf("answer = %v, want %v", ans, want)
		}
	}

	// An ack that never comes ends with the context.
	short, cancelShort := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = cs.EmitWithAck(short, "no-such-handler", 1)
	cancelShort()
	if sio.CodeOf(err) != sio.CodeTimeout {
		t.Errorf("EmitWithAck without answer = %v, want %s", err, sio.CodeTimeout)
	}

	// Volatile emits go out while connected.
	if err := cs.Volatile().Emit("echo", "volatile"); err != nil {
		t.Fatal(err)
	}
	clExpectGot(t, log, "/chat", "echo")

	// A second namespace on the same connection.
	root := m.Socket("/", nil)
	if err := root.Connect(ctx); err != nil {
		t.Fatalf("Connect /: %v", err)
	}
	if c := log.Expect("connection", 10*time.Second); c["nsp"] != "/" || c["id"] != root.ID() {
		t.Errorf("second connection = %v", c)
	}
	if err := root.Emit("echo", "root"); err != nil {
		t.Fatal(err)
	}
	clExpectGot(t, log, "/", "echo")
	if err := cs.Emit("echo", "chat"); err != nil {
		t.Fatal(err)
	}
	clExpectGot(t, log, "/chat", "echo")

	// Leaving one namespace keeps the other.
	disc := make(chan sio.DisconnectReason, 1)
	root.OnDisconnect(func(r sio.DisconnectReason) { disc <- r })
	root.Disconnect()
	if r := clWithin(t, disc, "root disconnect"); r != sio.ReasonIOClientDisconnect {
		t.Errorf("disconnect reason = %q", r)
	}
	if d := log.Expect("disconnect", 10*time.Second); d["nsp"] != "/" || d["reason"] != "client namespace disconnect" {
		t.Errorf("server saw %v", d)
	}
	if err := root.Emit("echo", "late"); sio.CodeOf(err) != sio.CodeDisconnected {
		t.Errorf("Emit after Disconnect = %v, want %s", err, sio.CodeDisconnected)
	}
	if _, err := cs.EmitWithAck(ctx, "echo", "still"); err != nil {
		t.Errorf("the other namespace broke: %v", err)
	}
	anyMu.Lock()
	names := append([]string(nil), anyNames...)
	anyMu.Unlock()
	if len(names) < 3 || names[0] != "welcome" || names[1] != "echo" {
		t.Errorf("OnAny saw %v", names)
	}

	chatDisc := make(chan sio.DisconnectReason, 1)
	cs.OnDisconnect(func(r sio.DisconnectReason) { chatDisc <- r })
	clClose(t, m)
	if r := clWithin(t, chatDisc, "chat disconnect"); r != sio.ReasonIOClientDisconnect {
		t.Errorf("disconnect reason after Close = %q", r)
	}
	// The DISCONNECT queued by Close reaches the server before the
	// Engine.IO close, on every transport (over polling the close packet
	// goes in a POST of its own, after the queue drained).
	if d := log.Expect("disconnect", 10*time.Second); d["nsp"] != "/chat" || d["reason"] != "client namespace disconnect" {
		t.Errorf("server saw %v after Close", d)
	}
	if err := cs.Connect(ctx); sio.CodeOf(err) != sio.CodeDisconnected {
		t.Errorf("Connect after Close = %v", err)
	}
}

// isPlaceholderAnswer accepts our recorder's rendering of a nested buffer.
func isPlaceholderAnswer(ans map[string]any) bool {
	a, ok := ans["ans"].([]any)
	if !ok || len(a) != 1 || ans["err"] != nil {
		return false
	}
	o, ok := a[0].(map[string]any)
	if !ok || o["double"] != 42.0 {
		return false
	}
	bin, ok := o["bin"].(map[string]any)
	return ok && bin["_placeholder"] == true
}

func TestClientBasicNode(t *testing.T) {
	t.Parallel()
	for _, mode := range clModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			p, url, _ := startClNodeServer(t, map[string]any{})
			clBasic(t, url, p, mode.transports)
		})
	}
}

func TestClientBasicGo(t *testing.T) {
	t.Parallel()
	for _, mode := range clModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			s := startClGoServer(t, nil, nil)
			clBasic(t, s.url, s.log, mode.transports)
		})
	}
}

// clConnectErrors: refusals surface message and data, do not retry, and
// leave the other namespaces of the connection alone.
func clConnectErrors(t *testing.T, url string) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := sio.Dial(ctx, url+"/private", clFastOpts(nil))
	var e *sio.Error
	if !errors.As(err, &e) || e.Message != "not authorized" || !reflect.DeepEqual(e.Details, map[string]any{"reason": "nope"}) {
		t.Errorf("Dial /private = %#v, want not authorized with data {reason:nope}", err)
	}
	_, err = sio.Dial(ctx, url+"/nowhere", clFastOpts(nil))
	if !errors.As(err, &e) || e.Message != "Invalid namespace" || e.Code != "invalid_namespace" {
		t.Errorf("Dial /nowhere = %#v, want Invalid namespace", err)
	}

	m, err := sio.NewManager(url, clFastOpts(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, m)
	root := m.Socket("/", nil)
	if err := root.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	priv := m.Socket("/private", &sio.SocketOptions{Auth: map[string]string{"token": "x"}})
	errs := make(chan *sio.Error, 4)
	priv.OnConnectError(func(e *sio.Error) { errs <- e })
	if err := priv.Connect(ctx); err == nil {
		t.Fatal("Connect /private succeeded")
	}
	if e := clWithin(t, errs, "connect error"); e.Message != "not authorized" {
		t.Errorf("OnConnectError got %v", e)
	}
	if _, err := root.EmitWithAck(ctx, "echo", 1); err != nil {
		t.Errorf("/ broke after /private was refused: %v", err)
	}
	select {
	case e := <-errs:
		t.Errorf("refused namespace retried: %v", e)
	case <-time.After(500 * time.Millisecond):
	}
}

func TestClientConnectErrorNode(t *testing.T) {
	t.Parallel()
	_, url, _ := startClNodeServer(t, map[string]any{})
	clConnectErrors(t, url)
}

func TestClientConnectErrorGo(t *testing.T) {
	t.Parallel()
	s := startClGoServer(t, nil, nil)
	clConnectErrors(t, s.url)
}

// clServerDisconnect: a server-side disconnect is final.
func clServerDisconnect(t *testing.T, url string, log clServerLog) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cs, err := sio.NewSocket(url, clFastOpts(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	disc := make(chan sio.DisconnectReason, 4)
	cs.OnDisconnect(func(r sio.DisconnectReason) { disc <- r })
	attempts := make(chan int, 4)
	cs.Manager().OnReconnectAttempt(func(n int) { attempts <- n })
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	log.Expect("connection", 10*time.Second)
	if err := cs.Emit("kick"); err != nil {
		t.Fatal(err)
	}
	if r := clWithin(t, disc, "disconnect"); r != sio.ReasonIOServerDisconnect {
		t.Errorf("reason = %q, want %q", r, sio.ReasonIOServerDisconnect)
	}
	select {
	case n := <-attempts:
		t.Errorf("reconnection attempt %d after a server disconnect", n)
	case <-time.After(time.Second):
	}
	if cs.Connected() || cs.Manager().Transport() != "" {
		t.Errorf("still connected (transport %q)", cs.Manager().Transport())
	}
	if err := cs.Emit("echo"); sio.CodeOf(err) != sio.CodeDisconnected {
		t.Errorf("Emit after server disconnect = %v", err)
	}
	// Connect again is allowed and opens a new connection.
	if err := cs.Connect(ctx); err != nil {
		t.Fatalf("Connect again: %v", err)
	}
	log.Expect("connection", 10*time.Second)
}

func TestClientServerDisconnectNode(t *testing.T) {
	t.Parallel()
	p, url, _ := startClNodeServer(t, map[string]any{})
	clServerDisconnect(t, url, p)
}

func TestClientServerDisconnectGo(t *testing.T) {
	t.Parallel()
	s := startClGoServer(t, nil, nil)
	clServerDisconnect(t, s.url, s.log)
}

// Emits made before the first Connect are buffered (within
// MaxBufferedEmits) and sent after the CONNECT reply; AckTimeout bounds an
// EmitWithAck whose context has no deadline.
func TestClientBufferBeforeConnect(t *testing.T) {
	t.Parallel()
	s := startClGoServer(t, nil, nil)
	opts := clFastOpts(nil)
	opts.MaxBufferedEmits = 2
	opts.AckTimeout = 300 * time.Millisecond
	cs, err := sio.NewSocket(s.url, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clClose(t, cs.Manager())
	for i := 0; i < 2; i++ {
		if err := cs.Emit("early", i); err != nil {
			t.Fatal(err)
		}
	}
	if err := cs.Emit("early", 2); sio.CodeOf(err) != sio.CodeBufferFull {
		t.Errorf("third buffered emit = %v, want %s", err, sio.CodeBufferFull)
	}
	if err := cs.Emit("connect"); sio.CodeOf(err) != sio.CodeInvalidArgument {
		t.Errorf("reserved name = %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := cs.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	clExpectGots(t, s.log, "/", [][]any{{"early", 0.0}, {"early", 1.0}})
	start := time.Now()
	_, err = cs.EmitWithAck(context.Background(), "no-such-handler")
	if sio.CodeOf(err) != sio.CodeTimeout || time.Since(start) > 10*time.Second {
		t.Errorf("EmitWithAck = %v after %v, want a timeout from AckTimeout", err, time.Since(start))
	}
}
