package sio

import (
	"strings"
	"sync"
	"testing"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// TestPacketEvent checks that a decoded packet (elements recorded) and the
// same packet built by hand (Data only) give the same name and arguments
// as eventName and argsOf, the Data-only path.
func TestPacketEvent(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		`2["echo",{"a":1}]`,
		`2[ "echo" , 1 , "x" ]`,
		`2["e\u0063ho",[1,2]]`,
		`2["a\"b\\c"]`,
		`2[42,"arg"]`,
		`2[-1.5e3]`,
		`2["é😀",null,true,false,{},[]]`,
		`2["\ud83d\ude00"]`,
		`2["\ud83d"]`,
		`51-["bin",{"_placeholder":true,"num":0}]`,
	} {
		var d parser.Decoder
		p, complete, err := d.DecodeText([]byte(text))
		for err == nil && !complete {
			p, complete, err = d.DecodeBinary([]byte{1})
		}
		if err != nil {
			t.Fatalf("decode %q: %v", text, err)
		}
		if p.Elements == nil {
			t.Fatalf("decode %q: no Elements", text)
		}
		wantName, _, err := eventName(p.Data)
		if err != nil {
			t.Fatalf("eventName(%q): %v", p.Data, err)
		}
		wantArgs, err := argsOf(p.Data, p.Attachments, 1)
		if err != nil {
			t.Fatalf("argsOf(%q): %v", p.Data, err)
		}
		built := &Packet{Type: p.Type, Data: p.Data, Attachments: p.Attachments}
		for _, q := range []*Packet{p, built} {
			for _, prev := range []string{"", wantName, "other"} {
				name, args, err := packetEvent(q, prev)
				if err != nil || name != wantName || !sameArgs(args, wantArgs) {
					t.Errorf("packetEvent(%q, %q) = %q, %v, %v; want %q, %v", q.Data, prev, name, args.raw, err, wantName, wantArgs.raw)
				}
			}
			args, err := packetArgs(q, 0)
			if err != nil || args.Len() != 1+wantArgs.Len() || !sameArgs(Args{raw: args.raw[1:], att: args.att}, wantArgs) {
				t.Errorf("packetArgs(%q, 0) = %v, %v", q.Data, args.raw, err)
			}
		}
	}
}

func sameArgs(a, b Args) bool {
	if a.Len() != b.Len() || len(a.att) != len(b.att) {
		return false
	}
	for i := range a.raw {
		if string(a.raw[i]) != string(b.raw[i]) {
			return false
		}
	}
	return true
}

func TestEventNameOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ elem, want string }{
		{`"echo"`, "echo"},
		{`""`, ""},
		{`"a\"b"`, `a"b`},
		{`"\u0041\n"`, "A\n"},
		{`"é"`, "é"},
		{`12`, "12"},
		{`-1.5e3`, "-1.5e3"},
	} {
		if got, err := eventNameOf([]byte(tc.elem), ""); err != nil || got != tc.want {
			t.Errorf("eventNameOf(%s) = %q, %v; want %q", tc.elem, got, err, tc.want)
		}
	}
}

// TestEventNameOfAllocs checks that a repeated name is the previous string
// itself.
func TestEventNameOfAllocs(t *testing.T) {
	prev := strings.Clone("echo")
	elem := []byte(`"echo"`)
	if n := testing.AllocsPerRun(100, func() {
		if got, _ := eventNameOf(elem, prev); got != prev {
			t.Fatalf("eventNameOf = %q", got)
		}
	}); n != 0 {
		t.Errorf("eventNameOf of the previous name allocates %v times", n)
	}
}

// TestDispatchAllocs checks what the receive path allocates for an event:
// the packet (with its elements) and the Event, nothing per handler.
func TestDispatchAllocs(t *testing.T) {
	srv := NewServer(nil)
	ns := srv.Of("/")
	ns.On("echo", func(_ *Socket, e *Event) {})
	s := &Socket{nsp: ns}
	s.On("echo", func(e *Event) {})
	s.OnAny(func(e *Event) {})
	var d parser.Decoder
	n := testing.AllocsPerRun(100, func() {
		p, _, err := d.DecodeText(benchEcho)
		if err != nil {
			t.Fatal(err)
		}
		s.dispatch(p, nil)
	})
	if n > 2 {
		t.Errorf("decode and dispatch allocate %v times, want 2", n)
	}
}

// TestDispatchAddHandler checks that handlers added during a dispatch run
// from the next event on, and that adding them races with nothing.
func TestDispatchAddHandler(t *testing.T) {
	t.Parallel()
	srv := NewServer(nil)
	s := &Socket{nsp: srv.Of("/")}
	var calls []string
	s.On("e", func(e *Event) {
		calls = append(calls, "first")
		if len(calls) == 1 {
			s.On("e", func(e *Event) { calls = append(calls, "added") })
			s.OnAny(func(e *Event) { calls = append(calls, "any") })
		}
	})
	var d parser.Decoder
	for range 2 {
		p, _, err := d.DecodeText([]byte(`2["e"]`))
		if err != nil {
			t.Fatal(err)
		}
		s.dispatch(p, nil)
	}
	if got, want := strings.Join(calls, " "), "first any first added"; got != want {
		t.Errorf("calls = %q, want %q", got, want)
	}

	// Registration from other goroutines while events are dispatched.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				s.On("e", func(*Event) {})
				s.OnAny(func(*Event) {})
				s.OnAnyOutgoing(func(string, Args) {})
			}
		}()
	}
	for range 100 {
		p, _, err := d.DecodeText([]byte(`2["e",1]`))
		if err != nil {
			t.Fatal(err)
		}
		s.dispatch(p, nil)
	}
	wg.Wait()
}

// The reference the packet-based helpers are checked against: split the
// payload again.

// argsOf splits a JSON array payload into Args, skipping the first skip
// elements (the event name).
func argsOf(data []byte, att [][]byte, skip int) (Args, error) {
	elems, err := parser.SplitArray(data)
	if err != nil {
		return Args{}, err
	}
	return argsFrom(elems, att, skip), nil
}

// eventName reads the name of an event payload: a string, or a number as
// the reference implementation allows.
func eventName(data []byte) (string, Args, error) {
	elems, err := parser.SplitArray(data)
	if err != nil || len(elems) == 0 {
		return "", Args{}, err
	}
	name, err := eventNameOf(elems[0], "")
	if err != nil {
		return "", Args{}, err
	}
	return name, Args{raw: elems[1:]}, nil
}
