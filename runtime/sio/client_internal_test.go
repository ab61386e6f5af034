package sio

import (
	"reflect"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/internal/parser"
)

// The CONNECT payload on reconnection with recovery, byte for byte as the
// JavaScript client sends it (PROTOCOL.md 3).
func TestClientRecoveryPayload(t *testing.T) {
	cases := []struct {
		pid, offset, auth, want string
	}{
		{"OjA78vUk8133D9cYAAAH", "Q89u-pw", `{"token":"t"}`, `40{"pid":"OjA78vUk8133D9cYAAAH","offset":"Q89u-pw","token":"t"}`},
		{"P", "", `{"token":"t"}`, `40{"pid":"P","token":"t"}`},
		{"P", "O", ``, `40{"pid":"P","offset":"O"}`},
		{"P", "O", `{"offset":"mine","a":{"b":[1,2]},"pid":null}`, `40{"pid":null,"offset":"mine","a":{"b":[1,2]}}`},
	}
	for _, c := range cases {
		var auth []byte
		if c.auth != "" {
			auth = []byte(c.auth)
		}
		data, err := mergeRecovery(c.pid, c.offset, auth)
		if err != nil {
			t.Fatal(err)
		}
		got := "4" + string(parser.AppendEncode(nil, &parser.Packet{Type: parser.Connect, Namespace: "/", Data: data}))
		if got != c.want {
			t.Errorf("merge(%q, %q, %s) = %s, want %s", c.pid, c.offset, c.auth, got, c.want)
		}
	}
}

// Delays follow the JavaScript backoff: 1s doubling to 5s, +-50% jitter.
func TestClientReconnectDelay(t *testing.T) {
	o := (*ClientOptions)(nil).withDefaults()
	noJitter := o
	noJitter.RandomizationFactor = 0
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 5 * time.Second, 1000: 5 * time.Second} {
		if got := noJitter.reconnectDelay(n, 0.7); got != want {
			t.Errorf("attempt %d: %v, want %v", n, got, want)
		}
	}
	// rand 0.25: floor(2.5)=2 is even, so the delay shrinks by 12.5%.
	if got := o.reconnectDelay(1, 0.25); got != 875*time.Millisecond {
		t.Errorf("jittered down = %v", got)
	}
	// rand 0.35: floor(3.5)=3 is odd, so the delay grows by 17.5%.
	if got := o.reconnectDelay(2, 0.35); got != 2350*time.Millisecond {
		t.Errorf("jittered up = %v", got)
	}
	for n := 1; n < 50; n++ {
		for _, r := range []float64{0, 0.1, 0.5, 0.99} {
			if d := o.reconnectDelay(n, r); d < 500*time.Millisecond || d > 5*time.Second {
				t.Errorf("attempt %d rand %v: %v out of bounds", n, r, d)
			}
		}
	}
}

func TestClientConnectErrorDecoding(t *testing.T) {
	cases := []struct {
		data string
		want Error
	}{
		{`{"message":"not authorized","data":{"reason":"nope"}}`, Error{Code: CodeUnauthenticated, Message: "not authorized", Details: map[string]any{"reason": "nope"}}},
		{`{"message":"Invalid namespace"}`, Error{Code: "invalid_namespace", Message: "Invalid namespace"}},
		{`{"message":"invalid auth payload","data":{"code":"invalid_argument","violations":[]}}`, Error{Code: CodeInvalidArgument, Message: "invalid auth payload", Details: map[string]any{"code": "invalid_argument", "violations": []any{}}}},
		{`"plain"`, Error{Code: CodeUnauthenticated, Message: "plain"}},
		{`{"message":7}`, Error{Code: CodeUnauthenticated}},
		// Our server's form: the *Error itself as data.
		{`{"message":"bid too low","data":{"code":"failed_precondition","name":"BidTooLow","message":"bid too low","details":{"min":5}}}`,
			Error{Code: "failed_precondition", Name: "BidTooLow", Message: "bid too low", Details: map[string]any{"min": 5.0}}},
		{`{"message":"invalid auth payload","data":{"code":"invalid_argument","message":"invalid auth payload","details":[{"path":"/token","message":"too short"}]}}`,
			Error{Code: CodeInvalidArgument, Message: "invalid auth payload", Details: []any{map[string]any{"path": "/token", "message": "too short"}}}},
		{`{"message":"no","data":{"code":"denied"}}`, Error{Code: "denied", Message: "no"}},
		// Not that form: another member, or a code that is not a string.
		{`{"message":"no","data":{"code":"denied","retry":true}}`, Error{Code: "denied", Message: "no", Details: map[string]any{"code": "denied", "retry": true}}},
		{`{"message":"no","data":{"code":7}}`, Error{Code: CodeUnauthenticated, Message: "no", Details: map[string]any{"code": 7.0}}},
	}
	for _, c := range cases {
		got := connectErrorOf([]byte(c.data))
		got.rawDetails = ""
		if !reflect.DeepEqual(*got, c.want) {
			t.Errorf("%s: %#v, want %#v", c.data, *got, c.want)
		}
	}
}
