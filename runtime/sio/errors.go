package sio

import (
	"errors"
	"fmt"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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
	// CodeUnimplemented: no handler takes the event (see
	// [Namespace.On]), or a generated server does not implement it.
	CodeUnimplemented = "unimplemented"
)

// Error is the error type of this package, and the error that crosses the
// wire as the object {"code","name","message","details"}: a handler
// returning it answers an envelope-style ack with {"ok":false,"error":{…}};
// a middleware returning it refuses a connection with a CONNECT_ERROR
// {"message":Message,"data":{…}}, so that the official client's
// connect_error sees err.message and err.data.code, err.data.name and
// err.data.details; and the other side gets it back, matched with
// errors.As ([DetailsAs] decodes its details into a contract's type).
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

	// rawDetails is the JSON of Details as received from a peer, for
	// [DetailsAs]; "" for an error made locally. A string keeps Error
	// comparable.
	rawDetails string
}

// UnmarshalJSON decodes the wire form of an error, keeping the JSON of its
// details for [DetailsAs]; Details itself decodes as encoding/json would
// into an any.
func (e *Error) UnmarshalJSON(data []byte) error {
	var w struct {
		Code    string         `json:"code"`
		Name    string         `json:"name"`
		Message string         `json:"message"`
		Details jsontext.Value `json:"details"`
	}
	if err := json.Unmarshal(data, &w, v1opts); err != nil {
		return err
	}
	*e = Error{Code: w.Code, Name: w.Name, Message: w.Message}
	if len(w.Details) > 0 && string(w.Details) != "null" {
		if err := json.Unmarshal(w.Details, &e.Details, v1opts); err != nil {
			return err
		}
		e.rawDetails = string(w.Details)
	}
	return nil
}

// DetailsAs returns the details of the error named name (a contract's
// error, such as "RoomNotFound") in err's chain as a *T, and whether there
// was such an error with details of that type: the value itself on the
// side that made the error (a *T or a T), else its JSON, as received from
// the peer, decoded into T. When *T is a generated type
// ([siojson.ReaderFrom]), the received details are checked against the
// contract as they are decoded, and details that break it give nil,
// false. Generated AsX functions call it.
func DetailsAs[T any](err error, name string) (*T, bool) {
	var e *Error
	if !errors.As(err, &e) || e.Name != name || e.Details == nil {
		return nil, false
	}
	switch d := e.Details.(type) {
	case *T:
		return d, d != nil
	case T:
		return &d, true
	}
	raw := []byte(e.rawDetails)
	if e.rawDetails == "" {
		// Made locally with details of another Go type (a map, say):
		// convert through JSON.
		b, err := json.Marshal(e.Details, v1opts)
		if err != nil {
			return nil, false
		}
		raw = b
	}
	if _, generated := any((*T)(nil)).(siojson.ReaderFrom); generated {
		// A generated type: details that break the contract are not
		// handed over as valid.
		t, vs := siojson.Decode(raw, nil, func(r *siojson.Reader) *T {
			t := new(T)
			any(t).(siojson.ReaderFrom).ReadJSON(r)
			return t
		})
		if vs != nil {
			return nil, false
		}
		return t, true
	}
	t := new(T)
	if err := NewRaw(raw).Decode(t); err != nil {
		return nil, false
	}
	return t, true
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
