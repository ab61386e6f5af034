package redisadapter_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// TestValidatorCheck: what the check of a typed emitter validates, the
// payload as a server reads it.
func TestValidatorCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		tuple bool
		args  [][]byte
		want  string
	}{
		{"payload", false, [][]byte{[]byte(`{"a":1}`)}, `{"a":1}`},
		{"no payload", false, nil, `null`},
		{"tuple", true, [][]byte{[]byte(`"room"`), []byte(`{"_placeholder":true,"num":0}`)}, `["room",{"_placeholder":true,"num":0}]`},
		{"one-element tuple", true, [][]byte{[]byte(`1`)}, `[1]`},
		{"empty tuple", true, nil, `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got, gotID string
			v := sio.ValidatorFunc(func(id string, data []byte) []sio.Violation {
				got, gotID = string(data), id
				return nil
			})
			if err := redisadapter.ValidatorCheck(v, "id-1", tt.tuple)(tt.args); err != nil || got != tt.want || gotID != "id-1" {
				t.Errorf("validated %s %q (err %v), want %s", gotID, got, err, tt.want)
			}
		})
	}
	refuse := sio.ValidatorFunc(func(string, []byte) []sio.Violation {
		return []sio.Violation{{Path: "/a", Message: "no"}}
	})
	err := redisadapter.ValidatorCheck(refuse, "id", false)([][]byte{[]byte(`{}`)})
	var e *sio.Error
	if !errors.As(err, &e) || e.Code != sio.CodeInvalidArgument || len(e.Details.([]sio.Violation)) != 1 {
		t.Errorf("refusal = %#v", err)
	}
}

// TestEmitJSONChecked: the check sees each argument's JSON, binary as
// placeholders; a refused event is not published, and the accepted one
// behind it is, unchanged.
func TestEmitJSONChecked(t *testing.T) {
	t.Parallel()
	r := startRedis(t, false)
	ctx := ctxT(t, 20*time.Second)
	sub := r.Client(t).PSubscribe(ctx, "socket.io#/#*")
	t.Cleanup(func() { _ = sub.Close() })
	if _, err := sub.Receive(ctx); err != nil { // the subscription confirmation
		t.Fatal(err)
	}
	e := redisadapter.NewEmitter(r.Client(t), nil)
	var seen [][]string
	check := func(args [][]byte) error {
		var s []string
		for _, a := range args {
			s = append(s, string(a))
		}
		seen = append(seen, s)
		if string(args[0]) == `"bad"` {
			return sio.NewError(sio.CodeInvalidArgument, "bad")
		}
		return nil
	}
	if err := e.EmitJSONChecked(ctx, check, "ev", "bad"); sio.CodeOf(err) != sio.CodeInvalidArgument {
		t.Fatalf("refused emit = %v", err)
	}
	if err := e.EmitJSONChecked(ctx, check, "ev", "good", map[string]any{"b": []byte{1, 2}, "c": []byte{3}}); err != nil {
		t.Fatal(err)
	}
	want := [][]string{{`"bad"`}, {`"good"`, `{"b":{"_placeholder":true,"num":0},"c":{"_placeholder":true,"num":1}}`}}
	if len(seen) != 2 || len(seen[1]) != 2 || seen[0][0] != want[0][0] || seen[1][0] != want[1][0] || seen[1][1] != want[1][1] {
		t.Errorf("checked %q, want %q", seen, want)
	}
	msg, err := sub.ReceiveMessage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msg.Payload, "good") || strings.Contains(msg.Payload, "bad") {
		t.Errorf("first published message %q, want the accepted one", msg.Payload)
	}
}
