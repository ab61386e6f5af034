package engineio

import (
	"encoding/json"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/siogen/siogen/runtime/internal/tokenbucket"
)

// HandshakeLimit bounds how fast one client address may open sessions:
// a token bucket per address, of Burst tokens refilled at Rate per
// second, each handshake (polling or websocket) taking one. Requests of an
// existing session are not counted. A handshake over the limit gets 429
// Too Many Requests with a Retry-After header (whole seconds until a token
// is back) and the body {"code":6,"message":"Too many handshakes"}
// ([CodeTooManyRequests]), before a session is made for it; it is
// logged at debug level and reported to OnLimited.
//
// Memory is bounded: at most MaxAddresses addresses are tracked. When the
// table is full, addresses whose bucket has refilled are forgotten; if
// none has, an eighth of the table, picked at random, is: a spray of
// addresses costs the sprayer its limits' precision, never the server its
// memory.
type HandshakeLimit struct {
	// Rate is how many handshakes per second an address may open on
	// average. Zero or negative turns the limit off.
	Rate float64
	// Burst is how many it may open at once. Default: Rate rounded up.
	Burst int
	// ClientIP returns the address a handshake request counts against.
	// Default: the host of r.RemoteAddr, IPv6 addresses grouped by their
	// /64 prefix (one host commonly owns a /64). Behind a reverse proxy
	// RemoteAddr is the proxy's: return the client address it forwards
	// (X-Forwarded-For, Forwarded), taking only what the proxy itself
	// sets, since clients can write those headers too.
	ClientIP func(r *http.Request) string
	// MaxAddresses bounds the addresses tracked. Default 65,536.
	MaxAddresses int
	// OnLimited, when set, is called for every handshake refused, with the
	// request and its address; it must be fast and safe for concurrent
	// use (runtime/siootel counts them with it).
	OnLimited func(r *http.Request, ip string)
}

// CodeTooManyRequests is the code of a handshake refused by
// [HandshakeLimit]; siogen's, as the reference server has no such limit.
const CodeTooManyRequests = 6

// handshakeLimiter enforces a [HandshakeLimit]. It is safe for concurrent
// use.
type handshakeLimiter struct {
	rate  float64
	burst float64
	ip    func(*http.Request) string
	max   int
	on    func(*http.Request, string)
	now   func() time.Duration // a monotonic clock, for the buckets

	mu    sync.Mutex
	addrs map[string]*tokenbucket.Bucket
}

// newHandshakeLimiter returns the limiter of l, nil when l sets none.
func newHandshakeLimiter(l *HandshakeLimit) *handshakeLimiter {
	if l == nil || l.Rate <= 0 {
		return nil
	}
	h := &handshakeLimiter{rate: l.Rate, ip: l.ClientIP, max: l.MaxAddresses, on: l.OnLimited, now: sinceStart(), addrs: make(map[string]*tokenbucket.Bucket)}
	h.burst = float64(l.Burst)
	if l.Burst <= 0 {
		h.burst = math.Max(1, math.Ceil(l.Rate))
	}
	if h.ip == nil {
		h.ip = DefaultClientIP
	}
	if h.max <= 0 {
		h.max = 65536
	}
	return h
}

// DefaultClientIP is the default of [HandshakeLimit.ClientIP]: the host of
// r.RemoteAddr, an IPv6 address reduced to its /64 prefix ("2001:db8::/64").
func DefaultClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// allow takes a token for ip; false with the wait until one is back.
func (h *handshakeLimiter) allow(ip string) (bool, time.Duration) {
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	b := h.addrs[ip]
	if b == nil {
		if len(h.addrs) >= h.max {
			h.prune(now)
		}
		b = new(tokenbucket.Bucket)
		h.addrs[ip] = b
	}
	return b.Take(now, h.rate, h.burst)
}

// sinceStart returns a clock that reads the monotonic time since it was
// made.
func sinceStart() func() time.Duration {
	start := time.Now()
	return func() time.Duration { return time.Since(start) }
}

// prune makes room in a full table: it forgets the addresses whose
// bucket is full again, else an eighth of them. h.mu is held.
func (h *handshakeLimiter) prune(now time.Duration) {
	refill := time.Duration(h.burst / h.rate * float64(time.Second))
	for ip, b := range h.addrs {
		if now-b.Last() >= refill {
			delete(h.addrs, ip)
		}
	}
	if len(h.addrs) < h.max {
		return
	}
	n := max(1, h.max/8)
	for ip := range h.addrs { // map order: random enough
		delete(h.addrs, ip)
		if n--; n == 0 {
			return
		}
	}
}

// tracked returns how many addresses the limiter tracks.
func (h *handshakeLimiter) tracked() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.addrs)
}

// limitHandshake answers r with 429 when its address is over the limit;
// it reports whether it did.
func (s *Server) limitHandshake(w http.ResponseWriter, r *http.Request, ws bool) bool {
	h := s.handshakes
	if h == nil {
		return false
	}
	ip := h.ip(r)
	ok, wait := h.allow(ip)
	if ok {
		return false
	}
	s.opts.Logger.Debug("handshake refused: too many from the address", "ip", ip, "retry_after", wait)
	if h.on != nil {
		h.on(r, ip)
	}
	secs := max(1, int64(math.Ceil(wait.Seconds())))
	body, _ := json.Marshal(struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{CodeTooManyRequests, codeMessages[CodeTooManyRequests]})
	hd := w.Header()
	if ws {
		hd.Set("Connection", "close")
	}
	hd.Set("Retry-After", strconv.FormatInt(secs, 10))
	hd.Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write(body)
	return true
}
