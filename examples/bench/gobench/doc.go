// Package gobench holds go test -bench benchmarks of the runtime's hot
// paths through its public API: validation and decoding of a typical
// payload, the echo ack round trip and a broadcast to 1,000 sockets. Run
//
//	go test -run '^$' -bench . -benchmem ./examples/bench/gobench/
package gobench
