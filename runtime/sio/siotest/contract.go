package siotest

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/sio"
	"github.com/siogen/siogen/runtime/siojson"
)

// The contract test: siogen generates, per namespace, the cases below from
// the schema (P/Ptest.NContract) and a one-line entry point
// (P/Ptest.TestNContract) that runs them with [RunContract] against any
// server, in memory or at a URL.

// ContractEvent is a client-to-server event of a contract with the
// payloads the contract test sends it.
type ContractEvent struct {
	// Event is the event's wire name.
	Event string
	// Acked tells that the event asks for an acknowledgement; without one
	// the server's verdict cannot be seen, and only valid cases are sent.
	Acked bool
	// CheckAck decodes an acknowledgement that is not an error, checking
	// it against the contract (see [AckChecker]); nil accepts any.
	CheckAck func(a sio.Args) error
	// Errors are the names of the errors the event declares.
	Errors []string
	// Cases are the payloads to send.
	Cases []ContractCase
	// Limits are the event's edge limits, as the server enforces them
	// (see sio.Namespace.Limit); the zero value is none. So that every
	// case reaches the handler, the test sends no case whose payload is
	// over MaxPayload, and moves to a new connection (a new socket, with a
	// full token bucket) before the cases of a rate would exceed its burst
	// on one.
	Limits sio.Limits
}

// burst is how many of the event's cases one connection may send before
// its rate would refuse one; 0 for no limit.
func (ev ContractEvent) burst() int {
	switch {
	case ev.Limits.Rate <= 0:
		return 0
	case ev.Limits.Burst > 0:
		return ev.Limits.Burst
	}
	return max(1, int(math.Ceil(ev.Limits.Rate)))
}

// fits reports whether the case's payload is within the event's
// MaxPayload. It measures the arguments as a JSON array, a little more
// than the packet's JSON after the event name.
func (ev ContractEvent) fits(c ContractCase) bool {
	if ev.Limits.MaxPayload <= 0 {
		return true
	}
	n := 2
	for _, a := range c.Args {
		n += len(a) + 1
	}
	return n <= ev.Limits.MaxPayload
}

// ContractCase is one payload of the contract test.
type ContractCase struct {
	// Name says what the case tries ("/room at max_length 64").
	Name string
	// Args are the event's arguments, each a JSON text.
	Args []string
	// Invalid tells that the payload breaks the contract at Path, a JSON
	// pointer into the payload (into the array of arguments for events
	// with a tuple of arguments).
	Invalid bool
	Path    string
}

// AckChecker returns the CheckAck of an event whose acknowledgement, in
// the given style, reads with read.
func AckChecker[Out any](style sio.AckStyle, read siojson.ReadFunc[Out]) func(a sio.Args) error {
	return func(a sio.Args) error {
		_, err := sio.DecodeAck(a, style, read)
		return err
	}
}

// Dialer connects a contract test's client: a *[Server] (in memory) or a
// [URL].
type Dialer interface {
	Dial(ctx context.Context, nsp string, opts *sio.ClientOptions) (*sio.ClientSocket, error)
}

// URL is a [Dialer] to a running server, "http://127.0.0.1:3000".
type URL string

// Dial connects to the namespace nsp of the server at u.
func (u URL) Dial(ctx context.Context, nsp string, opts *sio.ClientOptions) (*sio.ClientSocket, error) {
	return sio.Dial(ctx, strings.TrimSuffix(string(u), "/")+nsp, opts)
}

// ContractOptions tunes [RunContract]. The zero value, or nil, means the
// defaults.
type ContractOptions struct {
	// Client is used for the connection (Auth is replaced by the auth the
	// test was given). Default: reconnection off.
	Client *sio.ClientOptions
	// AllowCodes are error codes a handler may answer a valid payload with
	// although the event does not declare them (an *sio.Error without a
	// contract name, such as invalid_argument for an unknown cursor).
	// Default none: a valid payload gets the ack or a declared error.
	AllowCodes []string
	// Timeout bounds each answer. Default 5s.
	Timeout time.Duration
}

// RunContract sends every case of events to the namespace nsp through d,
// on one connection made with auth, in a subtest per event and case, and
// checks every answer against the contract: a valid payload must get an
// acknowledgement that keeps the contract or an error the event declares;
// an invalid one must get invalid_argument with a violation at the
// case's JSON pointer. Events without acknowledgement get their valid
// cases only, and the connection must survive them. An event's Limits
// keep every case within them: the test skips a payload over MaxPayload
// and opens a new connection when a rate's burst is spent.
func RunContract(t *testing.T, d Dialer, nsp string, auth any, events []ContractEvent, opts *ContractOptions) {
	t.Helper()
	var o ContractOptions
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	var co sio.ClientOptions
	if o.Client != nil {
		co = *o.Client
	} else {
		co.DisableReconnection = true
	}
	co.Auth = auth
	dial := func(t *testing.T) *sio.ClientSocket {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
		defer cancel()
		cs, err := d.Dial(ctx, nsp, &co)
		if err != nil {
			t.Fatalf("siotest: failed to connect to %s for the contract test: %v", nsp, err)
		}
		return cs
	}
	cs := dial(t)
	defer func() { _ = cs.Manager().Close() }()
	for _, ev := range events {
		t.Run(ev.Event, func(t *testing.T) {
			sent, burst := 0, ev.burst()
			for _, c := range ev.Cases {
				if (c.Invalid && !ev.Acked) || !ev.fits(c) {
					continue
				}
				if burst > 0 && sent == burst {
					if !cs.Connected() {
						t.Fatalf("the connection did not survive the %q cases", ev.Event)
					}
					_ = cs.Manager().Close()
					cs, sent = dial(t), 0
				}
				sent++
				t.Run(c.Name, func(t *testing.T) { runCase(t, cs, ev, c, o) })
			}
			if !cs.Connected() {
				t.Fatalf("the connection did not survive the %q cases", ev.Event)
			}
		})
	}
}

// wireError is the error of an {"ok":false} acknowledgement.
type wireError struct {
	OK    *bool `json:"ok"`
	Error *struct {
		Code    string          `json:"code"`
		Name    string          `json:"name"`
		Message string          `json:"message"`
		Details json.RawMessage `json:"details"`
	} `json:"error"`
}

func runCase(t *testing.T, cs *sio.ClientSocket, ev ContractEvent, c ContractCase, o ContractOptions) {
	args := make([]any, len(c.Args))
	for i, a := range c.Args {
		args[i] = sio.NewRaw([]byte(a))
	}
	sent := "[" + strings.Join(c.Args, ",") + "]"
	if !ev.Acked {
		if err := cs.Emit(ev.Event, args...); err != nil {
			t.Errorf("failed to send %s: %v", sent, err)
		}
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.Timeout)
	defer cancel()
	ack, err := cs.EmitWithAck(ctx, ev.Event, args...)
	if err != nil {
		t.Fatalf("sent %s: no answer: %v", sent, err)
	}
	var we wireError
	if ack.Len() > 0 {
		_ = ack.At(0).Decode(&we)
	}
	isErr := we.OK != nil && !*we.OK && we.Error != nil
	switch {
	case c.Invalid && !isErr:
		t.Errorf("sent %s, which breaks the contract at %q; the server accepted it", sent, c.Path)
	case c.Invalid && we.Error.Code != sio.CodeInvalidArgument:
		t.Errorf("sent %s, which breaks the contract at %q; the server answered %s, want %s", sent, c.Path, we.Error.Code, sio.CodeInvalidArgument)
	case c.Invalid:
		var vs []sio.Violation
		_ = json.Unmarshal(we.Error.Details, &vs)
		if !slices.ContainsFunc(vs, func(v sio.Violation) bool { return v.Path == c.Path }) {
			t.Errorf("sent %s, which breaks the contract at %q; the server's violations are %s", sent, c.Path, we.Error.Details)
		}
	case isErr:
		e := we.Error
		switch {
		case e.Name != "" && slices.Contains(ev.Errors, e.Name):
		case e.Name == "" && slices.Contains(o.AllowCodes, e.Code):
		case e.Code == sio.CodeInvalidArgument && len(e.Details) > 0:
			t.Errorf("sent %s, which keeps the contract; the server refused it: %s", sent, e.Details)
		default:
			t.Errorf("sent %s, which keeps the contract; the server answered %s %q (%s), which %q does not declare (it declares %v)",
				sent, e.Code, e.Name, e.Message, ev.Event, ev.Errors)
		}
	case ev.CheckAck != nil:
		if err := ev.CheckAck(ack); err != nil {
			t.Errorf("sent %s; the server's answer breaks the contract: %s", sent, Describe(err))
		}
	}
}

// String returns the case as "name: [args]".
func (c ContractCase) String() string {
	return fmt.Sprintf("%s: [%s]", c.Name, strings.Join(c.Args, ","))
}
