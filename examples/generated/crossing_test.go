package generated_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/contract"
	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/sio"
)

// The contract holds at every crossing, both ways: these tests drive the
// generated server of contract.siogen.yaml with the official
// socket.io-client (testdata/contract-client.js) and with the generated Go
// client. The Check handler echoes its payload (defaults applied); some
// texts make it do something else, reporting the outcome in the echo's
// note:
//
//	"bad"     answer an ack that breaks the contract (i32 out of range)
//	"emit"    emit push with a payload that breaks it; note = error code
//	"ask"     ask the client and put its answer, or the error code, in note
type contractServer struct {
	contract.UnimplementedContractServer
}

func (contractServer) Check(ctx context.Context, s contract.ContractSocket, in *contract.Everything) (*contract.Everything, error) {
	switch in.Text {
	case "bad":
		out := *in
		out.I32 = 99
		return &out, nil
	case "emit":
		err := s.EmitPush(&contract.Everything{I32: 99, Text: "x"})
		note := sio.CodeOf(err)
		in.Note = &note
	case "ask":
		ans, err := s.Ask(ctx, &contract.Settings{})
		note := string(ans)
		if err != nil {
			note = sio.CodeOf(err)
		}
		in.Note = &note
	}
	return in, nil
}

func (contractServer) Settle(_ context.Context, _ contract.ContractSocket, in *contract.Settings) (*contract.Settings, error) {
	return in, nil
}

func (contractServer) Tree(_ context.Context, s contract.ContractSocket, in *contract.Tree) {
	_ = s.EmitTree(in)
}

// logBuffer collects a server's log lines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func startContract(t *testing.T, opts *sio.ServerOptions) (string, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	if opts == nil {
		opts = &sio.ServerOptions{}
	}
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	srv := sio.NewServer(opts)
	ns := contract.RegisterContractServer(srv, contractServer{})
	ns.Use(func(_ context.Context, s *sio.Socket) error {
		s.Join("all")
		return nil
	})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
	})
	return hs.URL, logs
}

// TestCrossingNodeClient: the official client against the generated Go
// server, one check per rule.
func TestCrossingNodeClient(t *testing.T) {
	t.Parallel()
	url, logs := startContract(t, nil)
	p := nodetest.Start(t, "examples/generated/testdata/contract-client.js", url)
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
	if checks < 16 {
		t.Errorf("only %d checks ran", checks)
	}
	if !strings.Contains(logs.String(), "acknowledgement breaks the contract") || !strings.Contains(logs.String(), "/i32") {
		t.Errorf("the bad ack was not logged with its violations:\n%s", logs)
	}
}

func contractClient(t *testing.T, url string, opts *sio.ClientOptions) contract.ContractClient {
	t.Helper()
	if opts == nil {
		opts = &sio.ClientOptions{}
	}
	opts.Transports = []string{"websocket"}
	opts.DisableReconnection = true
	m, err := sio.NewManager(url, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	c := contract.NewContractClient(m, &contract.ContractAuth{Token: "t"})
	return c
}

func codeOf(t *testing.T, err error) (string, []sio.Violation) {
	t.Helper()
	var e *sio.Error
	if !errors.As(err, &e) {
		return "", nil
	}
	vs, _ := e.Details.([]sio.Violation)
	if vs == nil {
		if raw, ok := e.Details.([]any); ok {
			for _, r := range raw {
				m, _ := r.(map[string]any)
				path, _ := m["path"].(string)
				msg, _ := m["message"].(string)
				vs = append(vs, sio.Violation{Path: path, Message: msg})
			}
		}
	}
	return e.Code, vs
}

func paths(vs []sio.Violation) string {
	var p []string
	for _, v := range vs {
		p = append(p, v.Path)
	}
	return strings.Join(p, ",")
}

// TestCrossingGoClient: the generated Go client against the generated Go
// server, both checking, and each side on its own (the other skipping
// its outgoing checks), so that every check is seen to work.
func TestCrossingGoClient(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url, logs := startContract(t, nil)
	loose, _ := startContract(t, &sio.ServerOptions{SkipOutgoingChecks: true})
	valid := func() *contract.Everything { return &contract.Everything{I32: 1, I64: 2, Text: "abc"} }

	c := contractClient(t, url, nil)
	pushes := make(chan *contract.Everything, 4)
	c.OnPush(func(_ context.Context, e *contract.Everything) { pushes <- e })
	c.OnAsk(func(context.Context, *contract.Settings) (contract.ContractAskAck, error) { return "maybe", nil })
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}

	t.Run("defaults applied on receipt", func(t *testing.T) {
		got, err := c.Check(ctx, valid())
		if err != nil || got.Level == nil || *got.Level != contract.LevelLow || got.Flag == nil || !*got.Flag {
			t.Fatalf("Check = %+v, %v", got, err)
		}
	})
	t.Run("the client checks what it sends", func(t *testing.T) {
		in := valid()
		in.I32, in.Blob = 6, make([]byte, 17)
		_, err := c.Check(ctx, in)
		if code, vs := codeOf(t, err); code != sio.CodeInvalidArgument || paths(vs) != "/blob,/i32" {
			t.Fatalf("Check = %v", err)
		}
	})
	t.Run("the server checks its ack answers", func(t *testing.T) {
		in := valid()
		in.Text = "bad"
		_, err := c.Check(ctx, in)
		if code, _ := codeOf(t, err); code != sio.CodeInternal {
			t.Fatalf("Check = %v", err)
		}
		if !strings.Contains(logs.String(), "acknowledgement breaks the contract") {
			t.Errorf("not logged:\n%s", logs)
		}
	})
	t.Run("the server checks its emits", func(t *testing.T) {
		in := valid()
		in.Text = "emit"
		got, err := c.Check(ctx, in)
		if err != nil || got.Note == nil || *got.Note != sio.CodeInvalidArgument {
			t.Fatalf("Check = %+v, %v", got, err)
		}
		select {
		case p := <-pushes:
			t.Errorf("a push that breaks the contract was sent: %+v", p)
		default:
		}
	})
	t.Run("the client checks its ack answers", func(t *testing.T) {
		in := valid()
		in.Text = "ask"
		got, err := c.Check(ctx, in)
		// The client refuses to send "maybe" and answers internal.
		if err != nil || got.Note == nil || *got.Note != sio.CodeInternal {
			t.Fatalf("Check = %+v, %v", got, err)
		}
	})
	t.Run("binary attachment and bytes in a union variant", func(t *testing.T) {
		in := valid()
		in.Blob = []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
		in.Shape = &contract.Shape{Blob: &contract.ShapeBlob{Data: []byte{9, 8, 7}}}
		got, err := c.Check(ctx, in)
		if err != nil || !bytes.Equal(got.Blob, in.Blob) || got.Shape == nil || got.Shape.Blob == nil || !bytes.Equal(got.Shape.Blob.Data, []byte{9, 8, 7}) {
			t.Fatalf("Check = %+v, %v", got, err)
		}
	})
	t.Run("unknown members ignored where declared", func(t *testing.T) {
		got, err := c.Settle(ctx, &contract.Settings{})
		if err != nil || got.Theme == nil || *got.Theme != "dark" {
			t.Fatalf("Settle = %+v, %v", got, err)
		}
	})

	// Each side alone: the peer skips its outgoing checks.
	lc := contractClient(t, url, &sio.ClientOptions{SkipOutgoingChecks: true})
	lc.OnAsk(func(context.Context, *contract.Settings) (contract.ContractAskAck, error) { return "maybe", nil })
	if err := lc.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("the server checks what it receives", func(t *testing.T) {
		in := valid()
		in.I32, in.Blob = 6, make([]byte, 17)
		_, err := lc.Check(ctx, in)
		if code, vs := codeOf(t, err); code != sio.CodeInvalidArgument || paths(vs) != "/blob,/i32" {
			t.Fatalf("Check = %v", err)
		}
	})
	t.Run("the server checks the client's ack answers", func(t *testing.T) {
		in := valid()
		in.Text = "ask"
		got, err := lc.Check(ctx, in)
		if err != nil || got.Note == nil || *got.Note != sio.CodeInvalidArgument {
			t.Fatalf("Check = %+v, %v", got, err)
		}
	})
	sc := contractClient(t, loose, nil)
	if err := sc.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	t.Run("the client checks the acks it receives", func(t *testing.T) {
		in := valid()
		in.Text = "bad"
		_, err := sc.Check(ctx, in)
		if code, vs := codeOf(t, err); code != sio.CodeInvalidArgument || paths(vs) != "/data/i32" {
			t.Fatalf("Check = %v", err)
		}
	})
}
