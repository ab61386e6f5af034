package generated_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/siogen/siogen/examples/generated/go/contract"
	"github.com/siogen/siogen/examples/generated/go/notifications"
	"github.com/siogen/siogen/runtime/sio"
)

// The edge policies in the generated Go API, as far as they do not need
// the runtime's enforcement: the generated client reads the runtime's
// resource_exhausted refusal, and the emitters of a latest back-pressure
// survive a nil payload, which the contract check still reports.

// exhausted is the runtime's answer to an event over its rate.
const exhausted = `{"ok":false,"error":{"code":"resource_exhausted","message":"refused by its rate limit","details":{"limit":"rate","max":2000,"retry_after_ms":250}}}`

// TestGoClientResourceExhausted: the generated Go client gets the
// refusal as an *sio.Error whose details sio.AsResourceExhausted reads,
// on an event with limits (contract's check) and on one without
// (notifications' dismiss), which the client accepts alike, as it does a
// code it does not know: a server may add limits without breaking it.
func TestGoClientResourceExhausted(t *testing.T) {
	t.Parallel()
	srv := sio.NewServer(nil)
	answer := func(_ *sio.Socket, e *sio.Event) { _ = e.Ack(sio.NewRaw([]byte(exhausted))) }
	srv.Of(contract.ContractNamespace).On(contract.ContractEventCheck, answer)
	srv.Of(notifications.NotificationsNamespace).On(notifications.NotificationsEventDismiss, answer)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := sio.NewManager(hs.URL, &sio.ClientOptions{DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(); <-m.Done() })

	c := contract.NewContractClient(m, &contract.ContractAuth{Token: "t"})
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = c.Check(ctx, &contract.Everything{I32: 1, I64: 2, Text: "abc"})
	checkExhausted(t, "check", err)

	n := notifications.NewNotificationsClient(m, &notifications.NotificationsAuth{Token: "t"})
	if err := n.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	err = n.Dismiss(ctx, &notifications.NotificationsDismissPayload{ID: "0b7f6c1e-2d3a-4c5b-8e9f-a0b1c2d3e4f5"})
	checkExhausted(t, "dismiss", err)
}

func checkExhausted(t *testing.T, event string, err error) {
	t.Helper()
	var e *sio.Error
	if !errors.As(err, &e) || e.Code != sio.CodeResourceExhausted || e.Name != "" {
		t.Fatalf("%s: err = %v, want a resource_exhausted *sio.Error", event, err)
	}
	d, ok := sio.AsResourceExhausted(err)
	if !ok || d.Limit != sio.LimitRate || d.Max != 2000 || d.RetryAfterMs != 250 {
		t.Errorf("%s: AsResourceExhausted = %+v, %v; want rate, 2000, 250 ms", event, d, ok)
	}
}

// TestLatestNilPayload: the typed emitters of events with a latest
// back-pressure read their key from the payload; a nil payload does not
// panic there but fails the contract check, on a socket and in a
// broadcast, nested key (moved: entity.id) or not (push: i64).
func TestLatestNilPayload(t *testing.T) {
	t.Parallel()
	srv := sio.NewServer(nil)
	ns := contract.RegisterContractServer(srv, contractServer{})
	errs := make(chan error, 4)
	ns.OnConnection(func(s *sio.Socket) {
		cs := contract.ContractSocket{Socket: s}
		errs <- cs.EmitMoved(nil)
		errs <- cs.EmitPush(nil)
		errs <- cs.Broadcast().EmitMoved(nil)
		errs <- contract.NewContractBroadcast(srv).EmitPush(nil)
	})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.CloseClientConnections()
		hs.Close()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	m, err := sio.NewManager(hs.URL, &sio.ClientOptions{DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(); <-m.Done() })
	if err := contract.NewContractClient(m, &contract.ContractAuth{Token: "t"}).Connect(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		err := within(t, errs, "emitter result")
		if sio.CodeOf(err) != sio.CodeInvalidArgument {
			t.Errorf("emit %d of a nil payload: %v, want invalid_argument", i, err)
		}
	}
}
