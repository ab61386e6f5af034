package engineio

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogen/siogen/runtime/internal/logging"
)

// DialOptions configures [Dial]. The zero value, or nil, means the defaults
// of the reference JavaScript client.
type DialOptions struct {
	// Path is the server's Engine.IO path. Default "/engine.io/".
	Path string
	// Transports lists the transports to use, in order: the connection opens
	// on the first and upgrades to websocket when it is listed later and the
	// server offers it. Default polling then websocket; use
	// []string{TransportWebsocket} for websocket only, or
	// []string{TransportPolling} for polling only.
	Transports []string
	// Header is added to every HTTP request and the websocket handshake.
	Header http.Header
	// Query is added to every request's query string.
	Query url.Values
	// TLSConfig is used for https and wss URLs.
	TLSConfig *tls.Config
	// HTTPClient, when set, makes the polling requests; its Timeout must be
	// zero or longer than the server's ping interval. Default: a client with
	// TLSConfig.
	HTTPClient *http.Client
	// Dialer, when set, opens websockets. Default: gorilla's default dialer
	// with TLSConfig.
	Dialer *websocket.Dialer
	// MaxQueuedMessages bounds the messages waiting to be sent; beyond it the
	// connection closes with [ReasonSendQueueFull]. Default 4096; negative
	// means unbounded.
	MaxQueuedMessages int
	// ReceiveQueue is how many received messages may wait for Receive.
	// Default 64.
	ReceiveQueue int
	// WriteTimeout bounds each write (a websocket frame, a polling POST).
	// Default 10s.
	WriteTimeout time.Duration
	// UpgradeTimeout bounds the websocket probe. Default 10s.
	UpgradeTimeout time.Duration
	// Logger receives debug logs. Default: silent unless SIOGEN_DEBUG names
	// "engineio".
	Logger *slog.Logger

	ownHTTP bool // HTTPClient was made here and is closed with the connection
}

func (o *DialOptions) withDefaults() DialOptions {
	var r DialOptions
	if o != nil {
		r = *o
	}
	setDefault(&r.Path, "/engine.io/")
	if len(r.Transports) == 0 {
		r.Transports = []string{TransportPolling, TransportWebsocket}
	}
	setDefault(&r.MaxQueuedMessages, 4096)
	setDefault(&r.ReceiveQueue, 64)
	setDefault(&r.WriteTimeout, 10*time.Second)
	setDefault(&r.UpgradeTimeout, 10*time.Second)
	if r.HTTPClient == nil {
		r.ownHTTP = true
		r.HTTPClient = &http.Client{Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			TLSClientConfig:     r.TLSConfig,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     90 * time.Second,
		}}
	}
	if r.Dialer == nil {
		d := *websocket.DefaultDialer
		d.TLSClientConfig = r.TLSConfig
		r.Dialer = &d
	}
	r.Logger = logging.For(r.Logger, "engineio")
	return r
}

// clientState is what a dialed connection needs beyond the shared Conn.
type clientState struct {
	opts   DialOptions
	base   url.URL // scheme, host, path and query, without sid and t
	ctx    context.Context
	cancel context.CancelFunc
	seq    atomic.Uint64

	pauseOnce sync.Once
	pause     chan struct{} // closed when polling must stop for an upgrade
	pollWG    sync.WaitGroup
	saidClose atomic.Bool // the close packet went out over polling
}

// handshakeResponse is the open packet's payload.
type handshakeResponse struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int64    `json:"pingInterval"`
	PingTimeout  int64    `json:"pingTimeout"`
	MaxPayload   int64    `json:"maxPayload"`
}

// Dial opens an Engine.IO connection to the server at rawURL (http, https,
// ws or wss; its path is ignored in favour of DialOptions.Path). It returns
// once the handshake is done; an upgrade to websocket then proceeds in the
// background. ctx bounds the handshake only.
//
// A refused handshake returns an *[Error] with [ReasonHandshake] and the
// server's code and message.
func Dial(ctx context.Context, rawURL string, opts *DialOptions) (*Conn, error) {
	o := opts.withDefaults()
	base, err := baseURL(rawURL, o)
	if err != nil {
		return nil, err
	}
	cs := &clientState{opts: o, base: base, pause: make(chan struct{})}
	switch o.Transports[0] {
	case TransportPolling:
		return dialPolling(ctx, cs)
	case TransportWebsocket:
		return dialWebsocket(ctx, cs)
	}
	return nil, &Error{Reason: ReasonHandshake, Code: -1, Message: "unknown transport " + strconv.Quote(o.Transports[0])}
}

func baseURL(rawURL string, o DialOptions) (url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return url.URL{}, &Error{Reason: ReasonHandshake, Code: -1, Message: "bad URL", Err: err}
	}
	switch u.Scheme {
	case "http", "ws":
		u.Scheme = "http"
	case "https", "wss":
		u.Scheme = "https"
	default:
		return url.URL{}, &Error{Reason: ReasonHandshake, Code: -1, Message: "unsupported URL scheme " + strconv.Quote(u.Scheme)}
	}
	q := u.Query()
	for k, vs := range o.Query {
		q[k] = append([]string(nil), vs...)
	}
	q.Set("EIO", "4")
	u.Path, u.RawPath, u.RawQuery, u.Fragment = o.Path, "", q.Encode(), ""
	return *u, nil
}

// url returns the URL of a request on transport, with the session id when
// known and a cache-busting counter.
func (cs *clientState) url(transport, sid string) string {
	u := cs.base
	q := u.Query()
	q.Set("transport", transport)
	if sid != "" {
		q.Set("sid", sid)
	}
	if transport == TransportWebsocket {
		if u.Scheme == "https" {
			u.Scheme = "wss"
		} else {
			u.Scheme = "ws"
		}
	} else {
		q.Set("t", strconv.FormatUint(cs.seq.Add(1), 36))
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (cs *clientState) canUpgrade(offered []string) bool {
	want := false
	for _, t := range cs.opts.Transports[1:] {
		want = want || t == TransportWebsocket
	}
	for _, t := range offered {
		if want && t == TransportWebsocket {
			return true
		}
	}
	return false
}

// newClientConn builds the Conn for a handshake.
func newClientConn(cs *clientState, hs handshakeResponse, transport string) *Conn {
	c := newConn(hs.SID, true, cs.opts.Logger, cs.opts.MaxQueuedMessages, cs.opts.ReceiveQueue)
	c.transport = transport
	c.pingInterval = time.Duration(hs.PingInterval) * time.Millisecond
	c.pingTimeout = time.Duration(hs.PingTimeout) * time.Millisecond
	c.maxPayload = hs.MaxPayload
	cs.ctx, cs.cancel = context.WithCancel(context.Background())
	c.cl = cs
	c.onDone = func() {
		cs.cancel()
		if cs.opts.ownHTTP {
			cs.opts.HTTPClient.CloseIdleConnections()
		}
	}
	return c
}

func parseOpen(p packet) (handshakeResponse, error) {
	var hs handshakeResponse
	if p.kind != packetOpen {
		return hs, fmt.Errorf("%w: expected an open packet, got %q", errBadPacket, p.kind)
	}
	if err := json.Unmarshal(p.data, &hs); err != nil || hs.SID == "" || hs.PingInterval <= 0 || hs.PingTimeout <= 0 {
		return hs, fmt.Errorf("%w: bad open packet %q", errBadPacket, p.data)
	}
	if hs.MaxPayload <= 0 {
		hs.MaxPayload = 1_000_000
	}
	return hs, nil
}

// handshakeError turns an HTTP error response into an *Error.
func handshakeError(status int, body []byte) *Error {
	e := &Error{Reason: ReasonHandshake, Code: -1, Message: http.StatusText(status)}
	var eb struct {
		Code    *int   `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &eb) == nil && eb.Code != nil {
		e.Code, e.Message = *eb.Code, eb.Message
	} else if t := bytes.TrimSpace(body); len(t) > 0 && len(t) < 200 {
		e.Message = string(t)
	}
	return e
}

// clientPacket handles a packet received by a dialed connection.
func (c *Conn) clientPacket(p packet, _ bool) error {
	switch p.kind {
	case packetMessage:
		if !c.deliver(p) {
			return errClosed
		}
	case packetPing:
		c.onPing()
	case packetClose:
		c.closeWith(closeError(ReasonTransportClose, nil), true)
		return errClosed
	case packetNoop, packetPong:
	default:
		err := fmt.Errorf("%w: unexpected packet %q", errBadPacket, p.kind)
		c.closeWith(closeError(ReasonParseError, err), false)
		return err
	}
	return nil
}

// dialPolling performs a polling handshake and starts the polling loops.
func dialPolling(ctx context.Context, cs *clientState) (*Conn, error) {
	body, err := cs.do(ctx, http.MethodGet, cs.url(TransportPolling, ""), nil)
	if err != nil {
		return nil, err
	}
	var pkts []packet
	if err := decodePayload(body, func(p packet) error { pkts = append(pkts, p); return nil }); err != nil {
		return nil, &Error{Reason: ReasonHandshake, Code: -1, Err: err}
	}
	hs, err := parseOpen(pkts[0])
	if err != nil {
		return nil, &Error{Reason: ReasonHandshake, Code: -1, Err: err}
	}
	c := newClientConn(cs, hs, TransportPolling)
	c.startHeartbeat()
	for _, p := range pkts[1:] {
		if c.clientPacket(p, false) != nil {
			break
		}
	}
	cs.pollWG.Add(2)
	c.goFunc(c.pollLoop)
	c.goFunc(c.postLoop)
	if cs.canUpgrade(hs.Upgrades) {
		c.goFunc(c.upgrade)
	}
	return c, nil
}

// do makes a polling request and returns the body of a 200 response.
func (cs *clientState) do(ctx context.Context, method, u string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, &Error{Reason: ReasonHandshake, Code: -1, Err: err}
	}
	for k, vs := range cs.opts.Header {
		req.Header[k] = vs
	}
	if body != nil {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	resp, err := cs.opts.HTTPClient.Do(req)
	if err != nil {
		return nil, closeError(ReasonTransportError, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<30))
	if err != nil {
		return nil, closeError(ReasonTransportError, err)
	}
	if resp.StatusCode != http.StatusOK {
		e := handshakeError(resp.StatusCode, data)
		if method != http.MethodGet || req.URL.Query().Get("sid") != "" {
			e.Reason = ReasonTransportError
		}
		return nil, e
	}
	return data, nil
}

// pollLoop issues GET after GET and handles the packets, until the
// connection closes or an upgrade pauses polling.
func (c *Conn) pollLoop() {
	cs := c.cl
	defer cs.pollWG.Done()
	for {
		select {
		case <-cs.pause:
			return
		case <-c.closing:
			return
		default:
		}
		body, err := cs.do(cs.ctx, http.MethodGet, cs.url(TransportPolling, c.id), nil)
		if err != nil {
			c.closeWith(asError(err), false)
			return
		}
		if err := decodePayload(body, func(p packet) error { return c.clientPacket(p, false) }); err != nil {
			if errors.Is(err, errBadPacket) {
				c.closeWith(closeError(ReasonParseError, err), false)
			}
			return
		}
	}
}

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return closeError(ReasonTransportError, err)
}

// postLoop sends queued packets in POSTs of at most maxPayload bytes (a
// larger single packet goes alone), until an upgrade pauses polling or the
// connection closes; on close it sends what is left and a close packet.
func (c *Conn) postLoop() {
	cs := c.cl
	defer cs.pollWG.Done()
	for {
		c.mu.Lock()
		batch := c.takeBatch()
		closed := c.err != nil
		c.mu.Unlock()
		if closed {
			c.sayCloseByPOST(batch)
			cs.cancel() // ends the pending GET
			return
		}
		if len(batch) > 0 {
			ctx, cancel := context.WithTimeout(cs.ctx, cs.opts.WriteTimeout)
			_, err := cs.do(ctx, http.MethodPost, cs.url(TransportPolling, c.id), appendPayload(nil, batch))
			cancel()
			if err != nil {
				c.closeWith(asError(err), false)
				continue
			}
			continue
		}
		select {
		case <-c.wake:
		case <-c.closing:
		case <-cs.pause:
			c.signal() // the websocket writer takes over the queue
			return
		}
	}
}

// sayCloseByPOST ends a closed connection over polling: it sends batch and
// what is still queued, then the close packet, unless the server closed
// the connection or was told already. The close packet goes in a POST of
// its own, as the JavaScript client does: the reference server handles a
// payload's packets after its close packet otherwise, and would lose a
// last DISCONNECT. Besides postLoop, an upgrade that the close interrupted
// calls it: polling was paused then, and the server waits for "5".
func (c *Conn) sayCloseByPOST(batch []*Message) {
	cs := c.cl
	if c.byPeerClosed() || !cs.saidClose.CompareAndSwap(false, true) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cs.opts.WriteTimeout)
	defer cancel()
	for {
		if len(batch) == 0 {
			c.mu.Lock()
			batch = c.takeBatch()
			c.mu.Unlock()
		}
		if len(batch) == 0 {
			break
		}
		if _, err := cs.do(ctx, http.MethodPost, cs.url(TransportPolling, c.id), appendPayload(nil, batch)); err != nil {
			break
		}
		batch = nil
	}
	_, _ = cs.do(ctx, http.MethodPost, cs.url(TransportPolling, c.id), appendPayload(nil, []*Message{closePacket}))
}

// takeBatch removes the longest prefix of the queue that fits in maxPayload
// (at least one packet). c.mu must be held.
func (c *Conn) takeBatch() []*Message {
	c.sq.compact()
	n, size := 0, int64(0)
	for _, m := range c.sq.msgs {
		l := int64(len(m.pollingForm()))
		if n > 0 && size+1+l > c.maxPayload {
			break
		}
		size += l + 1
		n++
	}
	return c.sq.takePrefix(n)
}
