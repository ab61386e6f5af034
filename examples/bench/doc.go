// Package bench holds siogen's benchmark against the Node socket.io 4.8
// server and raw gorilla/websocket; it has no Go API.
//
//   - examples/schemas/bench.siogen.yaml is the contract: echo (plain ack,
//     the argument byte for byte) and bcast (to every socket of "/").
//   - server/ is the generated, validating server; untyped/ the same on
//     the untyped runtime API; node/server.js the reference; raw/ plain
//     gorilla/websocket, the physical limit.
//   - load/ is the load generator (scenarios echo, broadcast, ramp, conns,
//     polling; and the churn family: drops, avalanche, slow) and its report
//     command.
//   - churn/ and node/churn.js are the servers of the churn family (rooms,
//     sequence-numbered ticks, connection state recovery when RECOVERY=1);
//     internal/faultproxy is the fault-injecting TCP proxy the generator
//     puts between its clients and them (latency, jitter, resets, stalled
//     reads). run.sh -scenarios churn runs the family; load's
//     TestDropsQuick runs a few clients through resets in the tests.
//   - run.sh runs everything pinned to two CPUs and prints the table;
//     bench_test.go runs its -quick mode and checks correctness only.
//   - gobench/ holds go test -bench benchmarks of the runtime's hot paths.
//
// The Go servers take -pprof 127.0.0.1:6060 to serve net/http/pprof, e.g.
// for a CPU profile under load:
//
//	PORT=3100 taskset -c 0 go run ./examples/bench/untyped -pprof 127.0.0.1:6060
//	go tool pprof 'http://127.0.0.1:6060/debug/pprof/profile?seconds=8'
package bench
