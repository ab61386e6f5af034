// Package siovalidate is a [sio.Validator] backed by JSON Schema 2020-12
// (github.com/santhosh-tekuri/jsonschema/v6): it compiles the documents
// gen/jsonschemagen writes, once, and validates raw payloads against them
// by $id.
//
// Entry points: [New] compiles documents given as bytes (generated code
// embeds them); [NewFS] compiles every *.json file of a directory;
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
// A [Validator] is immutable and safe for concurrent use. Valid payloads
// take a fast path (fast.go) for the keywords the generator writes: a
// strict JSON scan into a reused node array, checked against a mirror of
// the compiled schema, with integers compared as int64 and no allocation
// in the common case; a typical 100-byte payload costs well under a
// microsecond (BenchmarkValidate). Invalid payloads, and anything the fast
// path cannot judge exactly (non-integer or huge numbers against bounds,
// duplicate keys, keywords outside the subset), go through the library,
// so violations are always the library's. TestFastPathAgrees and
// FuzzFastPathAgrees check that the fast path never accepts a payload the
// library rejects.
//
// The cross-check test validates testdata/samples.json with ajv (the npm
// packages pinned in package.json) and with this package, and requires the
// same verdict for every sample.
package siovalidate
