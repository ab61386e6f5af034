// Package gobench holds go test -bench benchmarks of the runtime's hot
// paths through its public API: validation, decoding (reflective and
// generated) and generated encoding of a typical payload, the echo ack
// round trip and a broadcast to 1,000 sockets. The typed handler path
// without transport is BenchmarkTypedEcho in runtime/sio. Run
//
//	go test -run '^$' -bench . -benchmem ./examples/bench/gobench/
package gobench
