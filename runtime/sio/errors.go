package sio

import (
	"errors"
	"fmt"

	"github.com/siogen/siogen/runtime/siojson"
)

// Error codes used by the runtime. Contracts add their own (see the
// generated code); any short snake_case string is a valid code.
const (
	// CodeInvalidArgument: a payload broke the contract; Details lists the
	// violations as []Violation.
	CodeInvalidArgument = "invalid_argument"
	// CodeTimeout: an acknowledgement did not arrive in time.
	CodeTimeout = "timeout"
	// CodeDisconnected: the socket disconnected before the acknowledgement.
	CodeDisconnected = "disconnected"
	// CodeInternal: the handler failed with an error that is not an *Error;
	// its text is not sent to the peer.
	CodeInternal = "internal"
	// CodeUnauthenticated: a middleware refused the connection.
	CodeUnauthenticated = "unauthenticated"
)

// Error is the error type of this package, and the error that crosses the
// wire: a middleware returning it refuses a connection with a CONNECT_ERROR
// carrying Message and Details (as "data"); a handler returning it answers
// an envelope-style ack with {"ok":false,"error":{code,name,message,details}};
// and the emitting side gets it back, matched with errors.As.
type Error struct {
	// Code is a short, stable, machine-readable code such as "not_found".
	Code string `json:"code"`
	// Name is the contract's name for the error, such as "RoomNotFound".
	Name string `json:"name,omitempty"`
	// Message is for people.
	Message string `json:"message"`
	// Details is any JSON-encodable value the peer may use.
	Details any `json:"details,omitempty"`
	// Err is the local cause; it is never sent.
	Err error `json:"-"`
}

// NewError returns an *Error with the code and a formatted message.
func NewError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Error implements error.
func (e *Error) Error() string {
	s := "sio: " + e.Code
	if e.Name != "" {
		s += " (" + e.Name + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the local cause.
func (e *Error) Unwrap() error { return e.Err }

// CodeOf returns the code of the *Error in err's chain, "" for nil, and
// CodeInternal for any other error.
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Violation is one way a payload breaks its contract: a JSON pointer and
// a message.
type Violation = siojson.Violation

// asWireError returns the error as it is sent to a peer: itself when it is
// an *Error, else an internal error that does not reveal the cause.
func asWireError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: "internal error", Err: err}
}
