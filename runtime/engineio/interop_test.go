package engineio_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/siogen/siogen/internal/nodetest"
	"github.com/siogen/siogen/runtime/engineio"
)

var modes = []struct {
	name       string
	transports []string
}{
	{"polling", []string{engineio.TransportPolling}},
	{"websocket", []string{engineio.TransportWebsocket}},
	{"upgrade", []string{engineio.TransportPolling, engineio.TransportWebsocket}},
}

// The official engine.io-client against our server.
func TestInteropNodeClient(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			closed := make(chan engineio.Reason, 1)
			_, url := startServer(t, echo(closed), &engineio.ServerOptions{
				PingInterval: 200 * time.Millisecond,
				PingTimeout:  2 * time.Second,
			})
			p := nodetest.Start(t, "runtime/engineio/testdata/eio-client.js", url, mode.name, "1200")
			for _, line := range p.Wait(60 * time.Second) {
				if line["event"] != "check" {
					continue
				}
				if line["ok"] != true {
					t.Errorf("%s: failed (%v)", line["name"], line["detail"])
				} else {
					t.Logf("%s: ok %v", line["name"], line["detail"])
				}
			}
			select {
			case r := <-closed:
				if r != engineio.ReasonForcedClose {
					t.Errorf("server-side close reason = %q, want %q", r, engineio.ReasonForcedClose)
				}
			case <-time.After(5 * time.Second):
				t.Error("server session did not end")
			}
		})
	}
}

// Our client against the official engine.io server.
func TestInteropNodeServer(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			p := nodetest.Start(t, "runtime/engineio/testdata/eio-server.js", "150", "2000")
			port := p.Expect("listening", 20*time.Second)["port"]
			echoScenario(t, fmt.Sprintf("http://127.0.0.1:%v", port), mode.transports, 1200*time.Millisecond)
			if r := p.Expect("close", 5*time.Second)["reason"]; r != "forced close" {
				t.Errorf("node server saw close reason %v, want forced close", r)
			}
		})
	}
}

// Our client against our server.
func TestClientServer(t *testing.T) {
	t.Parallel()
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			_, url := startServer(t, echo(nil), &engineio.ServerOptions{
				PingInterval: 200 * time.Millisecond,
				// The client gives up after interval+timeout without a
				// ping: under the race detector on a loaded machine the
				// big echo alone can take seconds.
				PingTimeout: 5 * time.Second,
			})
			echoScenario(t, url, mode.transports, 1200*time.Millisecond)
		})
	}
}
