package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"
)

// The minimal RFC 6455 client used by the event-loop driver: masked text
// frames out, unmasked frames in, no fragmentation, no extensions.

// WebSocket opcodes.
const (
	opText   = 1
	opBinary = 2
	opClose  = 8
	opPing   = 9
	opPong   = 10
)

// maxFrame bounds a received frame's payload; the bench's are ~100 bytes.
const maxFrame = 1 << 20

// maskKey is the fixed client masking key; RFC 6455 requires the mask,
// not its unpredictability, from a client whose traffic is its own.
var maskKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// appendFrame appends a final, masked client frame of opcode op carrying p.
func appendFrame(b []byte, op byte, p []byte) []byte {
	b = append(b, 0x80|op)
	switch n := len(p); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	case n < 1<<16:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	b = append(b, maskKey[:]...)
	start := len(b)
	b = append(b, p...)
	for i := range b[start:] {
		b[start+i] ^= maskKey[i&3]
	}
	return b
}

// errFragmented reports a fragmented message, which no bench server sends.
var errFragmented = errors.New("fragmented websocket message not supported")

// parseFrame parses the server frame at the start of b. It returns the
// opcode, the payload (aliasing b) and the frame's length; n is 0 when b
// holds no complete frame yet, and need is then the length b must reach
// (0 when the header itself is incomplete).
func parseFrame(b []byte) (op byte, payload []byte, n, need int, err error) {
	if len(b) < 2 {
		return 0, nil, 0, 0, nil
	}
	if b[1]&0x80 != 0 {
		return 0, nil, 0, 0, errors.New("masked server frame")
	}
	if b[0]&0x70 != 0 {
		return 0, nil, 0, 0, errors.New("reserved bits set in server frame")
	}
	op = b[0] & 0x0f
	if b[0]&0x80 == 0 || op == 0 {
		return 0, nil, 0, 0, errFragmented
	}
	hdr, ln := 2, uint64(b[1]&0x7f)
	switch ln {
	case 126:
		if len(b) < 4 {
			return 0, nil, 0, 0, nil
		}
		hdr, ln = 4, uint64(binary.BigEndian.Uint16(b[2:]))
	case 127:
		if len(b) < 10 {
			return 0, nil, 0, 0, nil
		}
		hdr, ln = 10, binary.BigEndian.Uint64(b[2:])
	}
	if ln > maxFrame {
		return 0, nil, 0, 0, fmt.Errorf("server frame of %d bytes", ln)
	}
	total := hdr + int(ln)
	if len(b) < total {
		return 0, nil, 0, total, nil
	}
	return op, b[hdr:total], total, 0, nil
}

// rawConn is a websocket set up by [dialRaw]: the TCP connection and the
// bytes read past the last frame the handshake consumed.
type rawConn struct {
	nc   *net.TCPConn
	rest []byte
}

// The handshake's fixed key and its accept value (RFC 6455 section 1.3).
const (
	wsKey    = "dGhlIHNhbXBsZSBub25jZQ=="
	wsAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
)

// dialRaw does what [dialWS] does (websocket to /socket.io/ from
// 127.0.0.<src>, Engine.IO open, Socket.IO CONNECT to "/") with the
// minimal client above, so that the caller can take over the socket with
// nothing left in a library's buffer.
func dialRaw(ctx context.Context, addr string, src int) (*rawConn, error) {
	nd := &net.Dialer{Timeout: 10 * time.Second}
	if src > 1 {
		nd.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(src))}
	}
	c, err := nd.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("failed to dial: %w", err)
	}
	nc := c.(*net.TCPConn)
	rc, err := handshakeRaw(nc, addr)
	if err != nil {
		_ = nc.Close()
		return nil, err
	}
	return rc, nil
}

func handshakeRaw(nc *net.TCPConn, addr string) (*rawConn, error) {
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	_, err := nc.Write([]byte("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: " + addr +
		"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + wsKey +
		"\r\nSec-WebSocket-Version: 13\r\n\r\n"))
	if err != nil {
		return nil, fmt.Errorf("failed to send the upgrade request: %w", err)
	}
	br := bufio.NewReaderSize(nc, 4096)
	status, err := br.ReadSlice('\n')
	if err != nil {
		return nil, fmt.Errorf("failed to read the upgrade response: %w", err)
	}
	if !bytes.HasPrefix(status, []byte("HTTP/1.1 101 ")) {
		return nil, fmt.Errorf("failed to upgrade: %q", bytes.TrimSpace(status))
	}
	accepted := false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return nil, fmt.Errorf("failed to read the upgrade response: %w", err)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			break
		}
		if k, v, ok := bytes.Cut(line, []byte(":")); ok &&
			bytes.EqualFold(k, []byte("Sec-WebSocket-Accept")) && string(bytes.TrimSpace(v)) == wsAccept {
			accepted = true
		}
	}
	if !accepted {
		return nil, errors.New("failed to upgrade: no valid Sec-WebSocket-Accept")
	}
	// From here on frames are parsed from buf, refilled from br.
	var buf []byte
	read := func() ([]byte, error) {
		for {
			op, p, n, _, err := parseFrame(buf)
			if err != nil {
				return nil, err
			}
			if n == 0 {
				chunk := make([]byte, 4096)
				k, err := br.Read(chunk)
				if err != nil {
					return nil, err
				}
				buf = append(buf, chunk[:k]...)
				continue
			}
			buf = buf[n:]
			switch op {
			case opText, opBinary:
				return p, nil
			case opPing:
				if _, err := nc.Write(appendFrame(nil, opPong, p)); err != nil {
					return nil, err
				}
			case opClose:
				return nil, errors.New("closed by the server")
			}
		}
	}
	write := func(m string) error {
		_, err := nc.Write(appendFrame(nil, opText, []byte(m)))
		return err
	}
	m, err := read()
	if err != nil || len(m) == 0 || m[0] != '0' {
		return nil, fmt.Errorf("failed to read the open packet: %q %v", m, err)
	}
	if err := write("40"); err != nil {
		return nil, fmt.Errorf("failed to send CONNECT: %w", err)
	}
	for i := 0; i < 10; i++ {
		m, err = read()
		if err != nil {
			return nil, fmt.Errorf("failed to read the CONNECT reply: %w", err)
		}
		if bytes.HasPrefix(m, []byte("40")) {
			// Whatever br buffered beyond the frames consumed so far
			// belongs to the new owner of the socket.
			rest := append([]byte(nil), buf...)
			if k := br.Buffered(); k > 0 {
				b, _ := br.Peek(k)
				rest = append(rest, b...)
			}
			_ = nc.SetDeadline(time.Time{})
			return &rawConn{nc: nc, rest: rest}, nil
		}
		if isPing(m) {
			if err := write("3"); err != nil {
				return nil, err
			}
		}
	}
	return nil, errors.New("no CONNECT reply")
}
