// Package logging gives the runtime packages their *slog.Logger: silent by
// default, switched on per layer by the SIOGEN_DEBUG environment variable, in
// the spirit of the DEBUG=engine,socket.io* scopes of the JavaScript
// implementation.
//
// SIOGEN_DEBUG is a comma-separated list of scopes ("engineio", "sio",
// "redis", ...); "*" enables every scope. Enabled scopes log at debug level as
// text to standard error. A logger passed explicitly by the user always wins.
package logging
