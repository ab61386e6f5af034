// Package siovalidate is a [sio.Validator] backed by JSON Schema 2020-12
// (github.com/santhosh-tekuri/jsonschema/v6): it compiles the documents
// gen/jsonschemagen writes, once, and validates raw payloads against them
// by $id.
//
// Entry points: [New] compiles documents given as bytes; [NewFS] compiles every *.json file of a directory;
// [Validator.Validate] checks one payload.
//
//	v, err := siovalidate.NewFS(os.DirFS("generated/jsonschema"))
//	…
//	for _, viol := range v.Validate("https://siogen.dev/schemas/chat/Chat/MessageSend.payload.json", raw) {
//		fmt.Println(viol.Path, viol.Message) // "/text must be at least 1 characters long, got 0"
//	}
//
// Behaviour:
//   - Formats (uuid, email, uri, hostname, ipv4, ipv6, date, date-time) are
//     asserted, not just annotated.
//   - Numbers are decoded exactly (as json.Number, compared as rationals),
//     so int64 bounds hold beyond 2^53.
//   - No document is ever fetched: a reference to a document not given to
//     New is a compile error.
//   - Each violation is one leaf of the library's error tree, with a JSON
//     pointer; failed anyOf/oneOf branches are pruned to the ones the
//     payload was meant for (the union variant its discriminator names,
//     the non-null side of a nullable value); see flatten.go.
//
// A [Validator] is immutable and safe for concurrent use.
//
// Generated Go code does not use this package: its decoders check the
// contract while they decode (see gen/gogen). This package is the
// reference they are held to (examples/generated's agreement tests and
// fuzz target), and the way to check payloads for code without generated
// types, such as a relay or a gateway.
//
// The cross-check test validates testdata/samples.json with ajv (the npm
// packages pinned in package.json) and with this package, and requires the
// same verdict for every sample.
package siovalidate
