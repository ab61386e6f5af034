// Package docgen writes a contract's reference documentation
// (outputs.docs in the generator config): for each schema file that
// declares namespaces, P.html, one self-contained page, and P.md, the same
// content in Markdown for repositories that render it. [Generate] is the
// entry point.
//
// The page lists each namespace with its CONNECT auth and its events
// grouped by direction (client → server, server → client, both ways).
// Each event shows its payload as a table (field, type, constraints,
// optional/nullable/default, description) with an example payload, its
// ack, with the declared errors and their codes, and its timeout. Types
// (the file's own and those of the files it imports) and errors follow,
// each with an example. Type names link to their definitions;
// deprecated events, fields, values, types and errors are struck through
// and badged with their note. A search box filters events, types and
// errors by every word typed ("/" focuses it).
//
// The page needs nothing from the network: its style and script are
// inline, it uses the reader's system fonts, and it follows the reader's
// light or dark preference. Below 860 pixels the contents fold away and
// tables become one card per field.
//
// Edge policies show where they apply: a namespace's default limits
// (and when it disconnects a socket refused too often) under its title,
// an event's limits and what a refused one gets, and a server event's
// back-pressure, each with a badge on the event's card; the wording comes
// from gen/internal/edgedoc, which the Go and TypeScript doc comments
// share.
//
// Examples are made from the types by package gen/internal/example,
// whose test validates them against gen/jsonschemagen's documents.
// browser_test.go opens the chat contract's page in headless Chromium at
// desktop and phone widths, checks its content and behaviour, and keeps
// screenshots in testdata-artifacts/docs at the repository root.
package docgen
