package engineio_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/engineio"
)

func TestHeaderLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		limit  int
		header int // bytes of one extra header's value
		want   int
	}{
		{"default, under", 0, 15 << 10, 200},
		{"default, over", 0, 17 << 10, 431},
		{"set, under", 2000, 1500, 200},
		{"set, over", 2000, 2100, 431},
		{"none", -1, 64 << 10, 200},
	} {
		_, base := startServer(t, quiet, &engineio.ServerOptions{MaxHeaderBytes: tc.limit})
		h := http.Header{"X-Big": {strings.Repeat("x", tc.header)}}
		if r := do(t, "GET", base+"/engine.io/?EIO=4&transport=polling", "", h); r.status != tc.want {
			t.Errorf("%s: polling handshake = %d, want %d", tc.name, r.status, tc.want)
		}
		ws, resp, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket"), h)
		if tc.want == 200 {
			if err != nil {
				t.Errorf("%s: websocket: %v", tc.name, err)
			} else {
				ws.Close()
			}
			continue
		}
		if err == nil {
			ws.Close()
			t.Errorf("%s: websocket upgraded", tc.name)
		} else if resp == nil || resp.StatusCode != tc.want {
			t.Errorf("%s: websocket: %v, want %d", tc.name, err, tc.want)
		}
	}
}

// TestOriginGuard checks that the allowed origins of the CORS options keep
// pages of other origins out of polling and websocket alike.
func TestOriginGuard(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		cors    *engineio.CORSOptions
		foreign bool // a foreign origin gets in
	}{
		{"allowed origins", &engineio.CORSOptions{AllowedOrigins: []string{"http://a.test"}}, false},
		{"origin func", &engineio.CORSOptions{AllowOriginFunc: func(o string) bool { return o == "http://a.test" }}, false},
		{"any origin", &engineio.CORSOptions{AllowedOrigins: []string{"*"}}, true},
		{"no CORS", nil, true},
	} {
		_, base := startServer(t, quiet, &engineio.ServerOptions{CORS: tc.cors})
		self := base // a page of the server itself
		for _, o := range []struct {
			origin string
			ok     bool
		}{
			{"", true},
			{"http://a.test", true},
			{self, true},
			{"http://evil.test", tc.foreign},
			{"null", tc.foreign},
		} {
			h := http.Header{}
			if o.origin != "" {
				h.Set("Origin", o.origin)
			}
			want := http.StatusOK
			if !o.ok {
				want = http.StatusForbidden
			}
			if r := do(t, "GET", base+"/engine.io/?EIO=4&transport=polling", "", h); r.status != want {
				t.Errorf("%s: polling handshake from %q = %d %q, want %d", tc.name, o.origin, r.status, r.body, want)
			}
			ws, resp, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket"), h)
			switch {
			case o.ok && err != nil:
				t.Errorf("%s: websocket from %q: %v", tc.name, o.origin, err)
			case !o.ok && err == nil:
				t.Errorf("%s: websocket from %q upgraded", tc.name, o.origin)
			case !o.ok && (resp == nil || resp.StatusCode != http.StatusForbidden):
				t.Errorf("%s: websocket from %q: %v, want 403", tc.name, o.origin, err)
			}
			if ws != nil {
				ws.Close()
			}
		}
		// A session opened from an allowed page is not open to others:
		// its polling requests and its upgrade are checked too.
		sid, _ := handshake(t, base)
		evil := http.Header{"Origin": {"http://evil.test"}}
		want := http.StatusForbidden
		if tc.foreign {
			want = http.StatusOK
		}
		if r := do(t, "POST", pollURL(base, sid), "4x", evil); r.status != want {
			t.Errorf("%s: POST from a foreign origin = %d, want %d", tc.name, r.status, want)
		}
		ws, _, err := websocket.DefaultDialer.Dial(wsURL(base, "EIO=4&transport=websocket&sid="+sid), evil)
		if err == nil {
			ws.Close()
		}
		if (err == nil) != tc.foreign {
			t.Errorf("%s: upgrade from a foreign origin: %v", tc.name, err)
		}
	}
}
