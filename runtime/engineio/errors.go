package engineio

import (
	"errors"
	"fmt"
)

// Reason says why a connection closed or could not be opened. The values
// match the close reasons of the JavaScript implementation where one exists,
// so that layers above can report them unchanged.
type Reason string

const (
	// ReasonTransportClose: the peer closed the connection cleanly (a close
	// packet, or the websocket was closed).
	ReasonTransportClose Reason = "transport close"
	// ReasonTransportError: the transport failed (network error, bad status).
	ReasonTransportError Reason = "transport error"
	// ReasonPingTimeout: the heartbeat stopped.
	ReasonPingTimeout Reason = "ping timeout"
	// ReasonParseError: the peer sent something that is not Engine.IO.
	ReasonParseError Reason = "parse error"
	// ReasonForcedClose: this side called [Conn.Close].
	ReasonForcedClose Reason = "forced close"
	// ReasonServerShutdown: the server is shutting down ([Server.Shutdown]).
	ReasonServerShutdown Reason = "server shutting down"
	// ReasonSendQueueFull: the peer did not read fast enough and its send
	// queue overflowed; see ServerOptions.MaxQueuedMessages.
	ReasonSendQueueFull Reason = "send queue full"
	// ReasonHandshake: the connection could not be opened.
	ReasonHandshake Reason = "handshake failed"
)

// Engine.IO error codes, sent in HTTP error bodies as {"code":N,"message":...}.
const (
	CodeUnknownTransport   = 0
	CodeUnknownSID         = 1
	CodeBadHandshakeMethod = 2
	CodeBadRequest         = 3
	CodeForbidden          = 4
	CodeUnsupportedVersion = 5
)

// codeMessages are the messages the reference server sends with each code.
var codeMessages = [...]string{
	CodeUnknownTransport:   "Transport unknown",
	CodeUnknownSID:         "Session ID unknown",
	CodeBadHandshakeMethod: "Bad handshake method",
	CodeBadRequest:         "Bad request",
	CodeForbidden:          "Forbidden",
	CodeUnsupportedVersion: "Unsupported protocol version",
	CodeTooManyRequests:    "Too many handshakes",
}

// Error is the error type of this package: every error a [Conn] or [Dial]
// returns for a closed or failed connection is an *Error, matched with
// errors.As.
type Error struct {
	// Reason says why the connection closed or failed.
	Reason Reason
	// Code is the Engine.IO error code the server answered with, or -1.
	Code int
	// Message is the server's error message, or a description.
	Message string
	// Err is the underlying cause, if any.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	s := "engineio: " + string(e.Reason)
	if e.Code >= 0 {
		s += fmt.Sprintf(" (code %d)", e.Code)
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

func closeError(r Reason, err error) *Error {
	return &Error{Reason: r, Code: -1, Err: err}
}

// ReasonOf returns the Reason carried by err, or "" when err is not an *Error.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}
