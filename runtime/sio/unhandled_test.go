package sio_test

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/siogen/siogen/runtime/sio"
)

// logRecords is a slog.Handler that keeps "level msg event" lines.
type logRecords struct {
	mu    sync.Mutex
	lines []string
}

func (l *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecords) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecords) WithGroup(string) slog.Handler            { return l }
func (l *logRecords) Handle(_ context.Context, r slog.Record) error {
	event := ""
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "event" {
			event = a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	l.lines = append(l.lines, r.Level.String()+" "+r.Message+" "+event)
	l.mu.Unlock()
	return nil
}

// all returns the lines logged so far.
func (l *logRecords) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.lines)
}

// has reports whether a line was logged.
func (l *logRecords) has(line string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Contains(l.lines, line)
}

// TestUnhandledEvent: an event no handler takes, sent with an ack, is
// answered "unimplemented" on a namespace of typed handlers, and left
// unanswered, as by the reference server, on an untyped one or when an
// OnAny handler may answer it; either way it is logged at debug level. The
// echo sent after it proves the order: an answer would have come first.
func TestUnhandledEvent(t *testing.T) {
	t.Parallel()
	logs := &logRecords{}
	_, url := startServer(t, &sio.ServerOptions{Logger: slog.New(logs)}, func(srv *sio.Server) {
		echo := func(s *sio.Socket, e *sio.Event) { _ = e.Ack(e.Values()...) }
		srv.Of("/").On("echo", echo)
		typed := srv.Of("/typed")
		typed.On("echo", echo)
		sio.HandleAck(typed, "add", func(_ context.Context, _ *sio.Socket, in int) (int, error) { return in + 1, nil })
		anyNs := srv.Of("/any")
		sio.HandleAck(anyNs, "add", func(_ context.Context, _ *sio.Socket, in int) (int, error) { return in + 1, nil })
		anyNs.On("echo", echo)
		anyNs.OnConnection(func(s *sio.Socket) { s.OnAny(func(*sio.Event) {}) })
		dyn := srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
		dyn.On("echo", echo)
		sio.Handle(dyn, "note", func(context.Context, *sio.Socket, string) {})
	})
	c := dialRaw(t, url, true)
	c.connect("/", "")
	c.send(`421["nope",1]`, `422["echo","x"]`)
	c.expect(`432["x"]`)
	if !logs.has("DEBUG unhandled event nope") {
		t.Errorf("no debug log of the unhandled event: %q", logs.all())
	}

	c.connect("/typed", "")
	c.send(`42/typed,3["nope",1]`, `42/typed,["nope"]`, `42/typed,5["echo","y"]`)
	c.expect(`43/typed,3[{"ok":false,"error":{"code":"unimplemented","message":"no handler for event \"nope\""}}]`)
	c.expect(`43/typed,5["y"]`)
	c.send(`42/typed,6["add",1]`)
	c.expect(`43/typed,6[{"ok":true,"data":2}]`)

	c.connect("/any", "")
	c.send(`42/any,7["nope"]`, `42/any,8["echo","z"]`)
	c.expect(`43/any,8["z"]`)

	c.connect("/dyn-1", "") // a child of a parent with typed handlers
	c.send(`42/dyn-1,9["nope"]`)
	c.expect(`43/dyn-1,9[{"ok":false,"error":{"code":"unimplemented","message":"no handler for event \"nope\""}}]`)
}

// TestPlainAckFailures: a plain-style ack carries only the declared result.
// An invalid payload goes to OnInvalid and a handler's error to the log
// (error level for an internal failure, debug for an *Error); neither is
// answered, which the echo behind them shows.
func TestPlainAckFailures(t *testing.T) {
	t.Parallel()
	logs := &logRecords{}
	invalid := make(chan *sio.Error, 1)
	_, url := startServer(t, &sio.ServerOptions{Logger: slog.New(logs)}, func(srv *sio.Server) {
		ns := srv.Of("/")
		positive := sio.ValidatorFunc(func(_ string, data []byte) []sio.Violation {
			if data[0] == '-' {
				return []sio.Violation{{Path: "", Message: "must be positive"}}
			}
			return nil
		})
		sio.HandleAck(ns, "half", func(_ context.Context, _ *sio.Socket, in int) (int, error) {
			switch {
			case in%2 == 1:
				return 0, errors.New("odd")
			case in == 4:
				return 0, sio.NewError("failed_precondition", "not four")
			}
			return in / 2, nil
		}, sio.WithAckStyle(sio.AckPlain), sio.WithValidator(positive, "half"),
			sio.OnInvalid(func(_ *sio.Socket, _ *sio.Event, err *sio.Error) { invalid <- err }))
	})
	c := dialRaw(t, url, true)
	c.connect("/", "")
	c.send(`421["half",-2]`, `422["half",3]`, `423["half",4]`, `424["half",6]`)
	c.expect(`434[3]`)
	select {
	case err := <-invalid:
		if err.Code != sio.CodeInvalidArgument {
			t.Errorf("OnInvalid got %v", err)
		}
	default:
		t.Error("the invalid payload was not reported to OnInvalid")
	}
	for _, want := range []string{
		"ERROR handler failed; a plain-style ack cannot carry the error: not answered half",
		"DEBUG handler failed; a plain-style ack cannot carry the error: not answered half",
	} {
		if !logs.has(want) {
			t.Errorf("no log %q in %q", want, logs.all())
		}
	}
}
