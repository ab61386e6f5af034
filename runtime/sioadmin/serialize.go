package sioadmin

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/siogen/siogen/runtime/sio"
)

// serializedSocket is a socket as the UI shows it (the reference's
// SerializedSocket).
type serializedSocket struct {
	ID        string    `json:"id"`
	ClientID  string    `json:"clientId,omitempty"`
	Transport string    `json:"transport,omitempty"`
	Nsp       string    `json:"nsp"`
	Data      any       `json:"data"`
	Handshake handshake `json:"handshake"`
	Rooms     []string  `json:"rooms"`
}

// handshake is the part of a socket's handshake the UI shows; auth is left
// out, as the reference does.
type handshake struct {
	Address string            `json:"address"`
	Headers map[string]string `json:"headers"`
	Query   map[string]any    `json:"query"`
	Issued  int64             `json:"issued"`
	Secure  bool              `json:"secure"`
	Time    string            `json:"time"`
	XDomain bool              `json:"xdomain"`
}

// redacted are the request headers whose values the UI never sees.
var redacted = map[string]bool{"authorization": true, "cookie": true, "proxy-authorization": true}

// clientIDLength is how much of the Engine.IO id the reference shows.
const clientIDLength = 12

func serialize(s *sio.Socket) serializedSocket {
	ns := s.Namespace().Name()
	out := serializeRemote(ns, &sio.RemoteSocket{ID: s.ID(), Handshake: s.Handshake(), Rooms: s.Rooms(), Data: s.Data()})
	out.ClientID = shortID(s.ClientID())
	out.Transport = s.Transport()
	return out
}

// serializeRemote serializes a socket of any node, as FetchSockets gives
// it: no client id or transport for another node's.
func serializeRemote(nsp string, r *sio.RemoteSocket) serializedSocket {
	rooms := r.Rooms
	if rooms == nil {
		rooms = []string{}
	}
	return serializedSocket{ID: r.ID, Nsp: nsp, Data: serializeData(r.Data), Handshake: serializeHandshake(r.Handshake), Rooms: rooms}
}

func shortID(id string) string {
	if len(id) > clientIDLength {
		return id[:clientIDLength]
	}
	return id
}

// serializeData is the socket's data as JSON for the UI: {} when it has
// none or cannot be encoded.
func serializeData(v any) any {
	if v == nil {
		return struct{}{}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return struct{}{}
	}
	return json.RawMessage(b)
}

func serializeHandshake(h *sio.Handshake) handshake {
	if h == nil {
		return handshake{Headers: map[string]string{}, Query: map[string]any{}}
	}
	address := h.Address
	if host, _, err := net.SplitHostPort(address); err == nil {
		address = host // Node's remoteAddress: no port
	}
	// As the reference: the address a proxy reports, when it does.
	if v := first(h.Headers, "Cf-Connecting-Ip", "X-Forwarded-For"); v != "" {
		address = v
	}
	return handshake{
		Address: address,
		Headers: headers(h.Headers),
		Query:   query(h.Query),
		Issued:  h.Time.UnixMilli(),
		Secure:  h.Secure,
		Time:    h.Time.Format(time.RFC1123Z),
		XDomain: h.Headers.Get("Origin") != "",
	}
}

func first(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// headers are the request headers as Node shows them: lower-case names,
// repeated values joined with ", ".
func headers(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		name := strings.ToLower(k)
		if redacted[name] {
			out[name] = "[redacted]"
			continue
		}
		out[name] = strings.Join(vs, ", ")
	}
	return out
}

// query is the request's query as Node parses it: a string per name, an
// array for a repeated one.
func query(q url.Values) map[string]any {
	out := make(map[string]any, len(q))
	for k, vs := range q {
		if len(vs) == 1 {
			out[k] = vs[0]
		} else {
			out[k] = vs
		}
	}
	return out
}
