// Package logging gives the runtime packages their *slog.Logger: failures
// are never silent, and the debug traces of each layer are switched on by
// the SIOGEN_DEBUG environment variable, in the spirit of the
// DEBUG=engine,socket.io* scopes of the JavaScript implementation.
//
// [For] returns, for a scope ("engineio", "sio", "redis", ...):
//
//   - the user's logger when one is configured, every level passed on;
//   - else, when SIOGEN_DEBUG enables the scope, a text logger to standard
//     error at debug level;
//   - else the process's slog.Default(), looked up at each record, for
//     warnings and errors only: debug and info records are dropped.
//
// Warnings and errors are rate-limited in every case (see [Limit]), so
// that a flood of failures cannot fill a disk: each message passes at most
// [Burst] times in a row and then [PerSecond] times a second; the next
// record that passes after some were suppressed carries their number as
// the "suppressed" attribute.
//
// SIOGEN_DEBUG is a comma-separated list of scopes; an entry ending in "*"
// enables every scope that starts with what precedes it, so "*" enables
// them all and "sio*" enables "sio" and "sio:packets". Scopes named in
// [Explicit] ("sio:payloads", whose records carry packet bodies) are only
// enabled when named in full.
package logging
