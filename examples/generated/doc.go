// Package generated holds what siogen generates from the example contracts
// in examples/schemas (config: examples/schemas/siogen.yaml). Do not edit
// the files below it; change the schemas and run
//
//	go generate ./...
//
// from the repository root. TestNoDrift fails when the files here differ
// from what the schemas generate.
//
// Layout:
//
//	ts/          TypeScript: P.ts (contract), P.client.ts (socket.io-client),
//	             P.server.ts (socket.io), siogen.types.ts (shared); the test
//	             kit's mocks P.mock.ts and siogen.mock.ts
//	jsonschema/  JSON Schema 2020-12: P/Type.json, P/Namespace/Event.payload.json,
//	             P/Namespace/Event.ack.json, P/Namespace/auth.json
//	go/          Go: P/P.siogen.go, typed server handlers and emitters, a typed
//	             client, payload types with validation (see package gogen);
//	             P/P.redis.siogen.go, typed Redis emitters (redis_emitter: true);
//	             the test kit P/Ptest/Ptest.siogen.go (fakes, contract tests)
//	asyncapi/    AsyncAPI 3.0: P.asyncapi.json per contract with namespaces
//	docs/        reference pages: P.html (self-contained) and P.md
package generated

//go:generate go run github.com/siogen/siogen/cmd/siogen generate -config ../schemas/siogen.yaml
