package siotest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siojson"
)

// The building blocks of the typed fakes that siogen generates per
// namespace (package P/Ptest): a fake client that drives a real server
// implementation, and a fake server for code that uses a generated client.
// Generated code wires them up; tests use the generated types.

// Reader decodes an event's arguments, checking them against the
// contract; it returns the typed payload or the violations.
type Reader func(a sio.Args) (any, error)

// Readers maps the events one side may receive to their readers.
type Readers map[string]Reader

// ReadPayload is the [Reader] of an event with one payload argument.
func ReadPayload[T any](read siojson.ReadFunc[T]) Reader {
	return func(a sio.Args) (any, error) {
		v, vs := siojson.Decode(a.At(0).JSON(), a.Attachments(), read)
		return v, violations(vs)
	}
}

// ReadTuple is the [Reader] of an event with a tuple of arguments (args:
// in the contract), read as one JSON array.
func ReadTuple[T any](read siojson.ReadFunc[T]) Reader {
	return func(a sio.Args) (any, error) {
		parts := make([]string, a.Len())
		for i := range parts {
			parts[i] = string(a.At(i).JSON())
		}
		v, vs := siojson.Decode([]byte("["+strings.Join(parts, ",")+"]"), a.Attachments(), read)
		return v, violations(vs)
	}
}

// ReadNothing is the [Reader] of an event without a payload; its value is
// struct{}{}.
func ReadNothing(sio.Args) (any, error) { return struct{}{}, nil }

func violations(vs []sio.Violation) error {
	if vs == nil {
		return nil
	}
	return &sio.Error{Code: sio.CodeInvalidArgument, Message: "invalid payload", Details: vs}
}

// record decodes an incoming event with its reader and logs it; an event
// the contract does not declare for this direction, or a payload that
// breaks it, fails the test.
func record(tb testing.TB, l *Log, who string, readers Readers, event string, a sio.Args) {
	read, ok := readers[event]
	if !ok {
		err := fmt.Errorf("%s received %q, which the contract does not declare in this direction", who, event)
		l.Add(Entry{Event: event, Err: err})
		tb.Errorf("siotest: %v", err)
		return
	}
	v, err := read(a)
	if err != nil {
		l.Add(Entry{Event: event, Err: err})
		tb.Errorf("siotest: %s received a %q payload that breaks the contract: %s", who, event, Describe(err))
		return
	}
	l.Add(Entry{Event: event, Value: v})
}

// NewClient returns a client socket of namespace nsp on ts, not connected,
// whose received events are checked with readers and logged in the
// returned log; register handlers, then call [Open]. tb.Cleanup closes it.
func NewClient(tb testing.TB, ts *Server, nsp string, auth any, opts *sio.ClientOptions, readers Readers) (*sio.ClientSocket, *Log) {
	tb.Helper()
	m := ts.NewManager(tb, opts)
	cs := m.Socket(nsp, &sio.SocketOptions{Auth: auth})
	l := NewLog()
	cs.OnAny(func(e *sio.ClientEvent) { record(tb, l, "the client", readers, e.Name, e.Args) })
	return cs, l
}

// Open connects cs, failing the test when it cannot.
func Open(tb testing.TB, cs *sio.ClientSocket) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Wait)
	defer cancel()
	if err := cs.Connect(ctx); err != nil {
		tb.Fatalf("siotest: failed to connect to %s: %v", cs.Namespace(), err)
	}
}

// Sockets follows the sockets of a fake server's namespace and logs what
// they receive.
//
// Concurrency: safe for concurrent use.
type Sockets struct {
	mu      sync.Mutex
	sockets []*sio.Socket
	wake    chan struct{}
}

// Watch checks and logs in l every event the sockets of ns receive (before
// their handlers run), and follows the sockets that connect.
func Watch(tb testing.TB, ns *sio.Namespace, l *Log, readers Readers) *Sockets {
	w := &Sockets{wake: make(chan struct{})}
	ns.OnConnection(func(s *sio.Socket) {
		s.OnAny(func(e *sio.Event) { record(tb, l, "the server", readers, e.Name, e.Args) })
		w.mu.Lock()
		w.sockets = append(w.sockets, s)
		close(w.wake)
		w.wake = make(chan struct{})
		w.mu.Unlock()
	})
	return w
}

// Last returns the socket that connected last and is still connected,
// waiting up to [Wait] for one; it fails the test when none comes.
func (w *Sockets) Last(tb testing.TB) *sio.Socket {
	tb.Helper()
	timer := time.NewTimer(Wait)
	defer timer.Stop()
	for {
		w.mu.Lock()
		w.sockets = slices.DeleteFunc(w.sockets, func(s *sio.Socket) bool { return !s.Connected() })
		var s *sio.Socket
		if n := len(w.sockets); n > 0 {
			s = w.sockets[n-1]
		}
		wake := w.wake
		w.mu.Unlock()
		if s != nil {
			return s
		}
		select {
		case <-wake:
		case <-timer.C:
			tb.Fatalf("siotest: no client connected within %v", Wait)
			return nil
		}
	}
}

// Script holds the scripted answers of one event with an
// acknowledgement: queued answers first, in order ([Script.Return]), then
// the handler of [Script.Handle]. A call that finds neither fails the
// test and is answered "unimplemented". Answers are checked against the
// contract when they are scripted: an answer that breaks it, or an error
// the event does not declare, fails the test.
//
// Concurrency: safe for concurrent use.
type Script[In, Out any] struct {
	tb       testing.TB
	event    string
	check    siojson.CheckFunc[Out]
	declared []string

	mu    sync.Mutex
	queue []answer[Out]
	fn    func(ctx context.Context, in In) (Out, error)
}

type answer[Out any] struct {
	out Out
	err error
}

// NewScript returns the script of event, whose answers are checked with
// check (nil checks nothing) and may fail with the errors named declared
// (besides the runtime's codes).
func NewScript[In, Out any](tb testing.TB, event string, check siojson.CheckFunc[Out], declared ...string) *Script[In, Out] {
	return &Script[In, Out]{tb: tb, event: event, check: check, declared: declared}
}

// Return queues one answer: the next call gets out, or err when it is not
// nil. It returns s, so that answers chain.
func (s *Script[In, Out]) Return(out Out, err error) *Script[In, Out] {
	s.tb.Helper()
	s.vet(out, err, "scripted")
	s.mu.Lock()
	s.queue = append(s.queue, answer[Out]{out, err})
	s.mu.Unlock()
	return s
}

// Handle answers, with fn, every call that finds no queued answer.
func (s *Script[In, Out]) Handle(fn func(ctx context.Context, in In) (Out, error)) {
	s.mu.Lock()
	s.fn = fn
	s.mu.Unlock()
}

// Answer returns the answer to one call; the generated fakes call it.
func (s *Script[In, Out]) Answer(ctx context.Context, in In) (Out, error) {
	s.mu.Lock()
	if len(s.queue) > 0 {
		a := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		return a.out, a.err
	}
	fn := s.fn
	s.mu.Unlock()
	if fn == nil {
		s.tb.Errorf("siotest: %q was called with no scripted answer left (use Return or Handle)", s.event)
		var zero Out
		return zero, sio.NewError("unimplemented", "%s has no scripted answer", s.event)
	}
	out, err := fn(ctx, in)
	s.vet(out, err, "handled")
	return out, err
}

// vet fails the test when an answer breaks the contract.
func (s *Script[In, Out]) vet(out Out, err error, how string) {
	s.tb.Helper()
	if err == nil {
		if s.check == nil {
			return
		}
		if vs := siojson.Check(out, s.check); vs != nil {
			s.tb.Errorf("siotest: the %s answer to %q breaks the contract: %s", how, s.event, Describe(violations(vs)))
		}
		return
	}
	var e *sio.Error
	if !errors.As(err, &e) || e.Name == "" {
		return // a runtime code (internal, unimplemented, ...), always allowed
	}
	if !slices.Contains(s.declared, e.Name) {
		s.tb.Errorf("siotest: the %s answer to %q is the error %s, which the event does not declare (it declares %v)", how, s.event, e.Name, s.declared)
	}
}

// Must fails the test when err, the result of a typed emit, is not nil:
// the payload broke the contract or the socket was gone.
func Must(tb testing.TB, event string, err error) {
	tb.Helper()
	if err != nil {
		tb.Errorf("siotest: failed to emit %q: %s", event, Describe(err))
	}
}

// FailInvalid fails the test when err says that the peer's answer to
// event broke the contract.
func FailInvalid(tb testing.TB, event string, err error) {
	tb.Helper()
	if sio.CodeOf(err) == sio.CodeInvalidArgument {
		tb.Errorf("siotest: the answer to %q breaks the contract: %s", event, Describe(err))
	}
}

// ReadReflect is the [Reader] of an event whose contract was generated
// without checks (options.validate: false): it decodes reflectively, the
// tuple of arguments when T is a [sio.TupleDecoder], and checks nothing.
func ReadReflect[T any]() Reader {
	return func(a sio.Args) (any, error) {
		var v T
		if t, ok := any(&v).(sio.TupleDecoder); ok {
			return v, t.DecodeArgs(a)
		}
		return v, a.At(0).Decode(&v)
	}
}

// Describe returns err's text followed by its contract violations, one
// per line ("  /text: length must be at least 1"), when it carries them.
func Describe(err error) string {
	if err == nil {
		return "<nil>"
	}
	var e *sio.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	vs, _ := e.Details.([]sio.Violation)
	if len(vs) == 0 {
		return err.Error()
	}
	var sb strings.Builder
	sb.WriteString(err.Error())
	for _, v := range vs {
		path := v.Path
		if path == "" {
			path = "(payload)"
		}
		sb.WriteString("\n  " + path + ": " + v.Message)
	}
	return sb.String()
}
