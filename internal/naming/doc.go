// Package naming converts schema identifiers into Go and TypeScript names.
//
// It is shared by the schema checker (which reports names that collide
// after conversion) and by the generators (which emit the converted names),
// so that both always agree on what a name becomes.
//
// Entry points:
//
//   - [Words] splits any identifier or event name into words:
//     "message:send" → [message send], "HTTPServer" → [HTTP Server].
//   - [GoExported] and [GoUnexported] build Go names with the Go
//     initialisms applied ("user_id" → "UserID" / "userID").
//   - [TSType] and [TSProperty] build TypeScript PascalCase and camelCase
//     names; they keep the case a word was written with.
//   - [IsGoKeyword], [IsGoPredeclared], [IsTSReserved] report reserved
//     words; [ValidGo] and [ValidTS] check that a name can be emitted as is.
//
// Conversions are pure, deterministic and never fail: a name that holds no
// letter or digit converts to a placeholder ("X" for Go, "X" for TS), so the
// schema checker must validate names before relying on their conversion.
package naming
