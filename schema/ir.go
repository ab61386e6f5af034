package schema

import "time"

// Set is the result of [Load]: every schema file named by the caller plus
// every file they import, parsed, resolved and checked.
//
// A Set is built once by [Load] and then only read; it is safe for
// concurrent readers. A Set returned with error diagnostics may be partial
// (unresolved references have a nil Target) and must not be handed to
// generators.
type Set struct {
	// Files holds every loaded file once, imported files before the files
	// that import them (a topological order of the import DAG), ties in the
	// order they were first reached.
	Files []*File
	// Roots holds the files named in the call to [Load], in argument order,
	// without duplicates.
	Roots []*File
}

// File returns the loaded file with the given slash-separated path, or nil.
func (s *Set) File(path string) *File {
	for _, f := range s.Files {
		if f.Path == path {
			return f
		}
	}
	return nil
}

// Namespaces returns the namespaces of all files, in the order of
// [Set.Files] and then of declaration.
func (s *Set) Namespaces() []*Namespace {
	var out []*Namespace
	for _, f := range s.Files {
		out = append(out, f.Namespaces...)
	}
	return out
}

// File is one schema file (*.siogen.yaml).
type File struct {
	Pos     Pos    // 1:1 of the file
	Path    string // slash-separated path inside the loader's file system
	Version int    // the value of "siogen", 1
	// Package is the file's package name: the default import alias, and the
	// name of the Go package and TS module generated from it.
	Package string
	Info    Info
	Imports []*Import
	// Types holds the named types in declaration order. Types declared
	// inline (an enum, object or union written where a type is used) get a
	// synthesized name, have Inline set, and follow the type that contains
	// them.
	Types []*Type
	// Errors holds the declared errors in declaration order.
	Errors []*ErrorDef
	// Namespaces holds the namespaces in declaration order.
	Namespaces []*Namespace

	state *fileState // loader bookkeeping; nil for files built in code
}

// Type returns the named type called name (declared or inline), or nil.
func (f *File) Type(name string) *Type {
	for _, t := range f.Types {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// Error returns the declared error called name, or nil.
func (f *File) Error(name string) *ErrorDef {
	for _, e := range f.Errors {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Namespace returns the namespace with the given path ("/chat"), or nil.
func (f *File) Namespace(path string) *Namespace {
	for _, n := range f.Namespaces {
		if n.Path == path {
			return n
		}
	}
	return nil
}

// Info is the optional descriptive header of a file.
type Info struct {
	Pos         Pos
	Title       string
	Version     string
	Description string
}

// Import is one entry of a file's imports list.
type Import struct {
	Pos   Pos
	Path  string // as written, relative to the importing file
	Alias string // "as", or the imported file's package when omitted
	// File is the imported file, nil when it could not be loaded.
	File *File
	// Used reports whether any reference goes through this import (an
	// import whose alias is taken by an earlier one counts as used, since
	// that error is reported instead).
	Used bool
}

// Namespace is a Socket.IO namespace ("/chat") and its events.
type Namespace struct {
	Pos         Pos
	Path        string // "/", "/chat", "/admin/metrics"
	GoName      string // go_name, or the converted path ("Chat"; "Main" for "/")
	TSName      string // ts_name, or the converted path
	Description string
	Deprecation
	// Auth is the type of the CONNECT auth payload, a use of an object type
	// (see [Type] for use sites); nil when the namespace takes no auth.
	Auth *Type
	// AckStyle is the default ack style of the namespace's events.
	AckStyle AckStyle
	// Limits are the namespace's "limits": defaults that every event the
	// client emits inherits key by key, and DisconnectAfter, which only a
	// namespace has. Nil when the namespace declares none.
	Limits *Limits
	Events []*Event
	File   *File
}

// Event returns the event called name, or nil.
func (n *Namespace) Event(name string) *Event {
	for _, e := range n.Events {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Direction tells which side emits an event.
type Direction int

const (
	// FromClient is an event the client emits and the server handles.
	FromClient Direction = iota + 1
	// FromServer is an event the server emits and the client handles.
	FromServer
	// FromBoth is an event either side may emit.
	FromBoth
)

// String returns "client", "server" or "both".
func (d Direction) String() string {
	switch d {
	case FromClient:
		return "client"
	case FromServer:
		return "server"
	case FromBoth:
		return "both"
	}
	return "invalid"
}

// ClientEmits reports whether the client emits the event (client or both).
func (d Direction) ClientEmits() bool { return d == FromClient || d == FromBoth }

// ServerEmits reports whether the server emits the event (server or both).
func (d Direction) ServerEmits() bool { return d == FromServer || d == FromBoth }

// AckStyle is how an acknowledgement travels on the wire.
type AckStyle int

const (
	// AckEnvelope, the default, sends one argument:
	// {"ok":true,"data":…} or {"ok":false,"error":{…}}.
	AckEnvelope AckStyle = iota
	// AckPlain sends the raw ack arguments with no envelope and no typed
	// errors, to match an existing Socket.IO API.
	AckPlain
)

// String returns "envelope" or "plain".
func (s AckStyle) String() string {
	if s == AckPlain {
		return "plain"
	}
	return "envelope"
}

// Event is one event of a namespace.
type Event struct {
	Pos         Pos
	Name        string // wire name, "message:send"
	GoName      string // go_name, or converted ("MessageSend")
	TSName      string // ts_name, or converted ("MessageSend")
	Description string
	Deprecation
	From Direction
	// Payload is the type of the single payload argument, nil when the
	// event has none or declares Args.
	Payload *Type
	// Args is the declared argument tuple, nil unless "args" is used.
	Args []*Field
	// Acked reports whether the receiver acknowledges the event. It is true
	// when "ack" or "ack_args" is present ("ack: true" acks with no data).
	Acked bool
	// Ack is the ack data type, nil for no ack or "ack: true".
	Ack *Type
	// AckArgs is the raw ack argument tuple of a plain-style ack.
	AckArgs  []*Field
	AckStyle AckStyle
	// Errors lists the declared errors the handler may return, in order.
	Errors []*ErrorRef
	// Timeout is how long the emitter waits for the ack; 0 means the
	// runtime default.
	Timeout time.Duration
	// Limits are what the server enforces on the event as a client sends
	// it: the event's own "limits" over the namespace's, key by key
	// (DisconnectAfter stays the namespace's). Nil when none apply, and
	// always for an event only the server emits.
	Limits *Limits
	// Backpressure is what the server does with the event for a socket
	// whose send queue is backed up; nil for the default (queued up to the
	// server's limit) and for an event only the client emits.
	Backpressure *Backpressure
	Namespace    *Namespace
}

// Limits are edge limits on the events a client sends, enforced by the
// server per socket before a payload is decoded. A zero field is no limit.
type Limits struct {
	Pos Pos
	// Rate refills a token bucket of Burst tokens: each event takes one.
	// Nil for no rate limit.
	Rate *Rate
	// Burst is the bucket's size, how many events may come at once;
	// "burst", else Rate.Count.
	Burst int
	// MaxPayload is the largest encoded payload in bytes: the packet's
	// JSON arguments after the event name, plus its binary attachments.
	MaxPayload int64
	// MaxPendingAcks is how many of the event's acknowledgements one socket
	// may have outstanding (handlers not yet answered). Only for events
	// with an ack.
	MaxPendingAcks int
	// DisconnectAfter, on a namespace only: a socket whose events are
	// refused by limits more than Count times within Per is disconnected.
	DisconnectAfter *Rate
}

// Rate is a count per period, written "20/s", "5/2s", "100/1m".
type Rate struct {
	Count int
	Per   time.Duration
}

// PerSecond returns the rate as events per second.
func (r *Rate) PerSecond() float64 { return float64(r.Count) / r.Per.Seconds() }

// BackpressureMode says what happens to a server event for a socket whose
// send queue is backed up.
type BackpressureMode int

const (
	// BackpressureQueue queues the event; more than Max waiting messages
	// close the slow socket's connection ("send queue full").
	BackpressureQueue BackpressureMode = iota + 1
	// BackpressureVolatile drops the event (counted) when more than Max
	// messages are waiting: 0, the default, drops it when any is.
	BackpressureVolatile
	// BackpressureLatest keeps only the newest waiting event per key: a
	// new one replaces a waiting one of the same event and key.
	BackpressureLatest
)

// String returns "queue", "volatile" or "latest".
func (m BackpressureMode) String() string {
	switch m {
	case BackpressureQueue:
		return "queue"
	case BackpressureVolatile:
		return "volatile"
	case BackpressureLatest:
		return "latest"
	}
	return "invalid"
}

// Backpressure is an event's "backpressure".
type Backpressure struct {
	Pos  Pos
	Mode BackpressureMode
	// Max is the number of waiting messages the mode allows (see the
	// modes); 0 for the default.
	Max int
	// Key, for BackpressureLatest, is the path of the payload field whose
	// value keys the event ("entity_id", or "entity.id" into a nested
	// object): wire names, from the payload type's fields. Each names a
	// required field; the last is a string, integer or enum.
	Key []string
	// KeyFields are the fields Key names, resolved; nil until resolved.
	KeyFields []*Field
}

// ErrorDef is a declared error, returned in envelope-style acks.
type ErrorDef struct {
	Pos         Pos
	Name        string // "RoomNotFound"
	GoName      string
	TSName      string
	Code        string // wire code, "not_found"; defaults to the snake_case name
	Description string
	Deprecation
	// Details is the type of the error's details object, nil when none.
	Details *Type
	File    *File
}

// ErrorRef is a use of a declared error in an event's errors list.
type ErrorRef struct {
	Pos    Pos
	Name   string    // as written: "RoomNotFound" or "common.RateLimited"
	Target *ErrorDef // nil when unresolved
}

// Deprecation marks a deprecated type, field, enum value, event, error or
// namespace.
type Deprecation struct {
	// Deprecated reports whether the element is deprecated.
	Deprecated bool
	// DeprecationNote is the text given with "deprecated: <text>"; empty for
	// "deprecated: true".
	DeprecationNote string
}
