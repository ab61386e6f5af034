// Package asyncapigen exports a contract as an AsyncAPI 3.0 document, the
// format API catalogues and AsyncAPI tools read (outputs.asyncapi in the
// generator config). [Generate] writes one document per schema file that
// declares namespaces, P.asyncapi.json for package P.
//
// # Mapping
//
//	server     "socketio": protocol socket.io, protocolVersion 5, pathname
//	           /socket.io/, host from a variable (Options.Host by default)
//	channel    one per namespace, keyed by its Go name, address = the path
//	message    one per event, keyed by the event's Go name, name = the wire
//	           event name; an acknowledged event also has "<GoName>Ack", and
//	           a namespace with auth a "CONNECT" message carrying the auth
//	operation  one per event from the server's point of view: receive for
//	           from: client, send for from: server, both (".receive" and
//	           ".send") for from: both; acknowledged events have a reply
//	           with the ack message; a namespace with auth has a
//	           "<Namespace>.connect" receive operation for the CONNECT packet
//	payload    a $ref into components.schemas
//
// Payload schemas are gen/jsonschemagen's documents, not a second mapping:
// each is converted from JSON Schema 2020-12 to the AsyncAPI Schema format
// (a superset of draft 07, the only JSON Schema dialect @asyncapi/parser
// reads): $schema and $id are dropped, relative references become
// "#/components/schemas/pkg.Type" references, prefixItems tuples become
// draft 07 array items with additionalItems, and a $ref with assertions
// next to it is wrapped in an allOf. Components are named after the
// documents' paths: chat.Message, chat.Chat.MessageSend.payload,
// chat.Chat.MessageSend.ack, chat.Chat.auth.
//
// An ack's message is the envelope, whose error branch lists the event's
// declared error codes and fixes each error's details; its description
// and the "x-siogen-errors" extension list the errors, and its examples
// show a success and each declared error. Messages carry an example
// payload made from the schema (package gen/internal/example).
// Descriptions and deprecations carry over: a deprecated event's message
// has "deprecated": true (operations, which lack the field, get
// "x-deprecated"), and deprecation notes are appended to descriptions.
//
// Edge policies travel as extensions: "x-siogen-limits" on a channel (the
// namespace's defaults and disconnect_after) and on each operation the
// server receives ({"rate": "5/2s", "rate_per_second", "burst",
// "max_payload", "max_pending_acks", "refused_with": "resource_exhausted"
// or "drop"}), "x-siogen-backpressure" on each operation it sends
// ({"mode", "key", "max", "description"}); the ack of a limited event
// describes the resource_exhausted refusal and shows it as an example.
//
// The test runs the official @asyncapi/parser (pinned in package.json) on
// the documents of every example contract and requires no error and no
// warning, and validates every example against its converted schema.
package asyncapigen
