package redisadapter_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/siogen/siogen/runtime/redisadapter"
	"github.com/siogen/siogen/runtime/sio"
)

// pollGET makes one polling GET and returns its body.
func pollGET(t *testing.T, u string) string {
	t.Helper()
	res, err := http.Get(u)
	mustf(t, err, "GET")
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, res.StatusCode, b)
	}
	return string(b)
}

// TestBackpressureAcrossNodes: positions broadcast under
// BackpressureLatest by another node, and by the Emitter, coalesce on the
// node of a client that does not poll: it gets the newest of each entity.
func TestBackpressureAcrossNodes(t *testing.T) {
	r := startRedis(t, false)
	var mu sync.Mutex
	superseded := 0
	ended := make(chan struct{}, 1)
	obs := sio.Observer{
		Packet: func(p sio.PacketInfo) {
			if p.Direction == sio.Outbound && p.Event == "end" {
				ended <- struct{}{}
			}
		},
		Dropped: func(p sio.PacketInfo, reason sio.DropReason) {
			if reason == sio.DropSuperseded {
				mu.Lock()
				superseded++
				mu.Unlock()
			}
		},
	}
	A := startGoNode(t, r, "A", nil, nil)
	B := startGoNode(t, r, "B", nil, &sio.ServerOptions{Observers: []sio.Observer{obs}})
	waitNumSub(t, r.Client(t), "socket.io-request#/#", 2)

	// A polling client of B, in room r1, that polls only when the test
	// says so: what B sends it waits in its queue meanwhile.
	open := pollGET(t, B.url+"/socket.io/?EIO=4&transport=polling&rooms=r1&name=slow")
	var hs struct{ SID string }
	mustf(t, json.Unmarshal([]byte(open[1:]), &hs), "open packet %q", open)
	poll := B.url + "/socket.io/?EIO=4&transport=polling&sid=" + hs.SID
	res, err := http.Post(poll, "text/plain", strings.NewReader("40"))
	mustf(t, err, "POST")
	res.Body.Close()
	if reply := pollGET(t, poll); !strings.HasPrefix(reply, "40") {
		t.Fatalf("CONNECT reply %q", reply)
	}

	emitter := redisadapter.NewEmitter(r.Client(t), nil)
	for _, from := range []string{"node", "emitter"} {
		t.Run(from, func(t *testing.T) {
			mu.Lock()
			superseded = 0
			mu.Unlock()
			const sends, keys = 100, 5
			var want []string
			for i := range sends {
				bp := sio.Backpressure{Mode: sio.BackpressureLatest, Key: fmt.Sprint("e", i%keys)}
				if from == "node" {
					mustf(t, A.srv.To("r1").Backpressure(bp).Emit("pos", i), "emit")
				} else {
					mustf(t, emitter.To("r1").Backpressure(bp).Emit(ctxT(t, 10*time.Second), "pos", i), "emit")
				}
				if i >= sends-keys {
					want = append(want, fmt.Sprintf(`42["pos",%d]`, i))
				}
			}
			if from == "node" {
				mustf(t, A.srv.To("r1").Emit("end"), "emit")
			} else {
				mustf(t, emitter.To("r1").Emit(ctxT(t, 10*time.Second), "end"), "emit")
			}
			want = append(want, `42["end"]`)
			select {
			case <-ended:
			case <-time.After(20 * time.Second):
				t.Fatal("B did not send the end")
			}
			mu.Lock()
			if superseded != sends-keys {
				t.Errorf("%d superseded on B, want %d", superseded, sends-keys)
			}
			mu.Unlock()
			if got := pollGET(t, poll); got != strings.Join(want, "\x1e") {
				t.Errorf("GET = %q\nwant %q", got, strings.Join(want, "\x1e"))
			}
		})
	}
}
