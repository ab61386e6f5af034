package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// The minimal HTTP/1.1 client of the polling scenario: one keep-alive
// connection per polling client, requests written whole from pre-built
// bytes, responses parsed in place. net/http's Client (two goroutines per
// connection, a Request and Response per call, header maps, body readers)
// cost the generator several times the CPU the servers spent per request,
// so the generator, not the server, set the measured rate.
//
// It handles what the bench servers send (status line, Content-Length,
// Connection; the Go server and Node's engine.io both answer with a
// Content-Length) and, in case a server streams, Transfer-Encoding:
// chunked and bodies delimited by the connection's close. No proxies, no
// TLS, no compression, no redirects.

// maxResponse bounds a response's head and body; the bench's are a few
// hundred bytes.
const maxResponse = 16 << 20

// pollTimeout bounds one request, as the net/http Client's Timeout did.
// The connection's deadline is moved only once less than 2/3 of it is
// left, so a request gets between 2/3 of pollTimeout and all of it, for
// one SetDeadline call every 10 seconds instead of one per request.
const pollTimeout = 30 * time.Second

// response is one parsed HTTP response. body aliases the reader's buffer
// and is valid until the next [respReader.read].
type response struct {
	status int
	reason []byte // copied
	body   []byte
	close  bool // the server closes the connection after it
}

// respReader parses HTTP/1.1 responses from a byte stream. It is not safe
// for concurrent use.
type respReader struct {
	rd   io.Reader
	buf  []byte // unread bytes are buf[r:w]
	r, w int
	dec  []byte // the decoded body of a chunked response
}

func newRespReader(rd io.Reader) *respReader {
	return &respReader{rd: rd, buf: make([]byte, 4096)}
}

// errNoResponse reports a connection closed before any byte of a
// response: a keep-alive connection the server let go, worth one retry.
var errNoResponse = errors.New("connection closed before the response")

// fill reads more bytes, making room first if the buffer is full.
func (rr *respReader) fill() error {
	if rr.w == len(rr.buf) {
		rr.makeRoom(rr.w - rr.r + 1)
	}
	n, err := rr.rd.Read(rr.buf[rr.w:])
	rr.w += n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// makeRoom moves the unread bytes to the front and grows the buffer, if
// need be, to hold need of them.
func (rr *respReader) makeRoom(need int) {
	if rr.r > 0 {
		rr.w = copy(rr.buf, rr.buf[rr.r:rr.w])
		rr.r = 0
	}
	if need > len(rr.buf) {
		nb := make([]byte, max(need, 2*len(rr.buf)))
		copy(nb, rr.buf[:rr.w])
		rr.buf = nb
	}
}

// ensure reads until n unread bytes are buffered.
func (rr *respReader) ensure(n int) error {
	if n > maxResponse {
		return fmt.Errorf("response larger than %d bytes", maxResponse)
	}
	for rr.w-rr.r < n {
		if len(rr.buf)-rr.r < n {
			rr.makeRoom(n)
		}
		if err := rr.fill(); err != nil {
			return unexpected(err)
		}
	}
	return nil
}

// until reads until sep is buffered and returns the offset, from r, of
// its end.
func (rr *respReader) until(sep []byte) (int, error) {
	from := 0
	for {
		if i := bytes.Index(rr.buf[rr.r+from:rr.w], sep); i >= 0 {
			return from + i + len(sep), nil
		}
		from = max(0, rr.w-rr.r-len(sep)+1)
		if rr.w-rr.r > maxResponse {
			return 0, fmt.Errorf("response head larger than %d bytes", maxResponse)
		}
		if err := rr.fill(); err != nil {
			return 0, unexpected(err)
		}
	}
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

var (
	crlf     = []byte("\r\n")
	crlfcrlf = []byte("\r\n\r\n")
)

// read parses the next response, skipping 1xx ones. Its error wraps
// errNoResponse when the stream ends, or is reset, before the response's
// first byte.
func (rr *respReader) read() (response, error) {
	if rr.r == rr.w {
		rr.r, rr.w = 0, 0
		if err := rr.fill(); err != nil {
			if err == io.EOF || errors.Is(err, syscall.ECONNRESET) {
				return response{}, fmt.Errorf("%w: %w", errNoResponse, err)
			}
			return response{}, err
		}
	}
	for {
		resp, err := rr.readOne()
		if err != nil || resp.status >= 200 {
			return resp, err
		}
	}
}

func (rr *respReader) readOne() (response, error) {
	end, err := rr.until(crlfcrlf)
	if err != nil {
		return response{}, fmt.Errorf("failed to read the response head: %w", err)
	}
	head := rr.buf[rr.r : rr.r+end-2] // each line, the last included, ends in CRLF
	rr.r += end
	line, head, _ := bytes.Cut(head, crlf)
	var resp response
	proto, rest, ok1 := bytes.Cut(line, []byte(" "))
	code, reason, _ := bytes.Cut(rest, []byte(" "))
	status, err := strconv.Atoi(string(code))
	if !ok1 || !bytes.HasPrefix(proto, []byte("HTTP/1.")) || len(code) != 3 || err != nil {
		return response{}, fmt.Errorf("malformed status line %q", line)
	}
	resp.status = status
	resp.reason = append([]byte(nil), reason...)
	resp.close = string(proto) == "HTTP/1.0"
	length, chunked := -1, false
	for len(head) > 0 {
		var h []byte
		h, head, _ = bytes.Cut(head, crlf)
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			return response{}, fmt.Errorf("malformed header line %q", h)
		}
		value = bytes.TrimSpace(value)
		switch {
		case asciiEqualFold(name, "content-length"):
			n, err := strconv.Atoi(string(value))
			if err != nil || n < 0 {
				return response{}, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		case asciiEqualFold(name, "transfer-encoding"):
			chunked = hasToken(value, "chunked")
		case asciiEqualFold(name, "connection"):
			if hasToken(value, "close") {
				resp.close = true
			} else if hasToken(value, "keep-alive") {
				resp.close = false
			}
		}
	}
	switch {
	case status < 200 || status == 204 || status == 304:
		// No body.
	case chunked:
		resp.body, err = rr.readChunked()
	case length >= 0:
		if err = rr.ensure(length); err == nil {
			resp.body = rr.buf[rr.r : rr.r+length]
			rr.r += length
		}
	default:
		// Delimited by the close of the connection.
		resp.close = true
		for err == nil {
			err = rr.fill()
			if rr.w-rr.r > maxResponse {
				err = fmt.Errorf("response larger than %d bytes", maxResponse)
			}
		}
		if err == io.EOF {
			err = nil
		}
		resp.body = rr.buf[rr.r:rr.w]
		rr.r = rr.w
	}
	if err != nil {
		return response{}, fmt.Errorf("failed to read the response body: %w", err)
	}
	return resp, nil
}

// readChunked decodes a chunked body into dec and skips the trailers.
func (rr *respReader) readChunked() ([]byte, error) {
	rr.dec = rr.dec[:0]
	for {
		end, err := rr.until(crlf)
		if err != nil {
			return nil, err
		}
		line := rr.buf[rr.r : rr.r+end-2]
		rr.r += end
		if i := bytes.IndexByte(line, ';'); i >= 0 {
			line = line[:i]
		}
		n, err := strconv.ParseInt(string(bytes.TrimSpace(line)), 16, 64)
		if err != nil || n < 0 || n > maxResponse-int64(len(rr.dec)) {
			return nil, fmt.Errorf("bad chunk size %q", line)
		}
		if n == 0 {
			break
		}
		if err := rr.ensure(int(n) + 2); err != nil {
			return nil, err
		}
		rr.dec = append(rr.dec, rr.buf[rr.r:rr.r+int(n)]...)
		if !bytes.Equal(rr.buf[rr.r+int(n):rr.r+int(n)+2], crlf) {
			return nil, errors.New("chunk not followed by CRLF")
		}
		rr.r += int(n) + 2
	}
	for { // trailers, up to the empty line
		end, err := rr.until(crlf)
		if err != nil {
			return nil, err
		}
		rr.r += end
		if end == 2 {
			return rr.dec, nil
		}
	}
}

// asciiEqualFold reports whether b equals the lowercase s, ignoring ASCII case.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// hasToken reports whether the comma-separated list v holds the lowercase
// token tok, ignoring ASCII case.
func hasToken(v []byte, tok string) bool {
	for len(v) > 0 {
		var t []byte
		t, v, _ = bytes.Cut(v, []byte(","))
		if asciiEqualFold(bytes.TrimSpace(t), tok) {
			return true
		}
	}
	return false
}

// httpConn is one keep-alive HTTP/1.1 connection to addr, redialed when the
// server closes it. It is not safe for concurrent use: one goroutine owns
// it, and a request's response is read before the next request is
// written. Only [httpConn.abort] may be called from another goroutine.
type httpConn struct {
	addr     string
	rr       *respReader
	wbuf     []byte
	deadline time.Time
	used     bool // nc carried a response already

	// nc is nil until dialed and after the connection was dropped. The
	// owner sets it, and abort reads it, under mu; the owner reads it
	// without.
	mu      sync.Mutex
	nc      net.Conn
	aborted bool
}

func newHTTPConn(addr string) *httpConn {
	return &httpConn{addr: addr, wbuf: make([]byte, 0, 512)}
}

// appendGet appends a GET request for target.
func appendGet(b []byte, host, target string) []byte {
	b = append(b, "GET "...)
	b = append(b, target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	return append(b, "\r\n\r\n"...)
}

// appendPostHead appends the head of a text/plain POST to target up to,
// and excluding, the Content-Length value.
func appendPostHead(b []byte, host, target string) []byte {
	b = append(b, "POST "...)
	b = append(b, target...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	return append(b, "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: "...)
}

// get sends a pre-built GET request (see [appendGet]) and returns the
// response body, valid until the next call; a status other than 200 is
// an error.
func (c *httpConn) get(req []byte) ([]byte, error) {
	return c.roundTrip("GET", req)
}

// post sends body after a pre-built head (see [appendPostHead]) and
// returns the response body like [httpConn.get].
func (c *httpConn) post(head, body []byte) ([]byte, error) {
	b := append(c.wbuf[:0], head...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, body...)
	c.wbuf = b
	return c.roundTrip("POST", b)
}

func (c *httpConn) roundTrip(method string, req []byte) ([]byte, error) {
	resp, err := c.try(req)
	if err != nil && errors.Is(err, errNoResponse) {
		// A kept-alive connection the server closed meanwhile, before
		// this request reached it: send it again on a new one.
		resp, err = c.try(req)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	if resp.status != 200 {
		return nil, fmt.Errorf("%s: %d %s: %q", method, resp.status, resp.reason, resp.body)
	}
	return resp.body, nil
}

// try sends req and reads its response, dialing first if need be. Its
// error wraps errNoResponse only when a reused connection turned out
// closed before any byte of the response.
func (c *httpConn) try(req []byte) (response, error) {
	if c.nc == nil {
		if err := c.dial(); err != nil {
			return response{}, err
		}
	}
	reused := c.used
	if t := time.Now(); c.deadline.Sub(t) < pollTimeout*2/3 {
		if err := c.refresh(t.Add(pollTimeout)); err != nil {
			c.drop()
			return response{}, err
		}
	}
	if _, err := c.nc.Write(req); err != nil {
		c.drop()
		if reused && !isTimeout(err) {
			return response{}, fmt.Errorf("%w: %w", errNoResponse, err)
		}
		return response{}, err
	}
	resp, err := c.rr.read()
	if err != nil {
		c.drop()
		if !reused && errors.Is(err, errNoResponse) {
			err = io.ErrUnexpectedEOF
		}
		return response{}, err
	}
	c.used = true
	if resp.close {
		// The body stays valid: the buffer outlives the connection.
		c.drop()
	}
	return resp, nil
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (c *httpConn) dial() error {
	nc, err := net.DialTimeout("tcp", c.addr, 10*time.Second)
	if err != nil {
		return fmt.Errorf("failed to dial: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.aborted {
		_ = nc.Close()
		return errAborted
	}
	c.nc, c.used, c.deadline = nc, false, time.Time{}
	if c.rr == nil {
		c.rr = newRespReader(nc)
	} else {
		c.rr.rd, c.rr.r, c.rr.w = nc, 0, 0
	}
	return nil
}

var errAborted = errors.New("aborted")

// refresh sets the connection's deadline, unless it was aborted.
func (c *httpConn) refresh(d time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.aborted {
		return errAborted
	}
	c.deadline = d
	return c.nc.SetDeadline(d)
}

// drop closes the connection; the next request dials a new one.
func (c *httpConn) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nc != nil {
		_ = c.nc.Close()
		c.nc = nil
	}
}

// close closes the connection; the owner calls it when done.
func (c *httpConn) close() { c.drop() }

// abort makes the pending request, if any, and every later one fail; it
// may be called from any goroutine.
func (c *httpConn) abort() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.aborted = true
	if c.nc != nil {
		_ = c.nc.SetDeadline(time.Unix(1, 0))
	}
}
