// Package churnsrv is the server side of the churn scenarios of
// examples/bench, on the untyped runtime API; node/churn.js is the same on
// the Node reference. A socket joins the room its auth names ({"room":
// "r3"}) on its first connection (a recovered one is back in its rooms).
// The event "start" {"rooms": R, "rate": F, "count": N} makes the server
// emit "tick" [room, seq, ts] to each room "r0".."r<R-1>", seq 1..N, F
// times a second (ts: Unix nanoseconds at the emit), then acknowledge
// with N.
package churnsrv

import (
	"net/http"
	"strconv"
	"time"

	"github.com/siogen/siogen/runtime/engineio"
	"github.com/siogen/siogen/runtime/sio"
)

// Handler returns the server, with connection state recovery when
// recovery is true.
func Handler(recovery bool) http.Handler {
	opts := &sio.ServerOptions{Engine: &engineio.ServerOptions{HTTPCompressionThreshold: -1}}
	if recovery {
		opts.Recovery = &sio.RecoveryOptions{MaxDisconnectionDuration: 2 * time.Minute}
	}
	srv := sio.NewServer(opts)
	ns := srv.Of("/")
	ns.OnConnection(func(s *sio.Socket) {
		if s.Recovered() {
			return
		}
		var auth struct {
			Room string `json:"room"`
		}
		if s.Handshake().Auth.Decode(&auth) == nil && auth.Room != "" {
			s.Join(auth.Room)
		}
	})
	ns.On("start", func(s *sio.Socket, e *sio.Event) {
		var p struct {
			Rooms int     `json:"rooms"`
			Rate  float64 `json:"rate"`
			Count int     `json:"count"`
		}
		if e.Decode(&p) != nil || p.Rooms <= 0 || p.Rate <= 0 || p.Count <= 0 {
			return
		}
		go func() {
			ctx := s.Context()
			t := time.NewTicker(time.Duration(float64(time.Second) / p.Rate))
			defer t.Stop()
			for seq := 1; seq <= p.Count; seq++ {
				select {
				case <-t.C:
				case <-ctx.Done():
					return
				}
				for r := range p.Rooms {
					room := "r" + strconv.Itoa(r)
					_ = ns.To(room).Emit("tick", room, seq, time.Now().UnixNano())
				}
			}
			_ = e.Ack(p.Count)
		}()
	})
	return srv
}
