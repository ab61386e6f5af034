// Command load is the load generator of examples/bench. It speaks raw
// Engine.IO/Socket.IO frames (pre-built, no JSON decoding beyond the ack
// id and seq/ts) to a server on 127.0.0.1 and prints one JSON result line
// per run on stdout.
//
// On Linux the connections of echo, broadcast and ramp are driven by
// GOMAXPROCS epoll event loops (one when pinned to a CPU) with a minimal
// WebSocket client of their own (loop_linux.go, frame_linux.go), so that
// the generator stays well below the server it measures; elsewhere each
// connection has a reading goroutine over gorilla/websocket
// (driver_other.go), which is heavier. Polling clients run on goroutines
// with a minimal keep-alive HTTP/1.1 client of their own
// (polling_http.go). The broadcast sender and conns use goroutines and
// gorilla/websocket.
//
//	load -scenario echo      -addr 127.0.0.1:3100 -pid PID -clients 50 -duration 10s
//	load -scenario broadcast -receivers 1000 -rate 50 -duration 10s
//	load -scenario ramp      -receivers 1000 -rate 50 -step 3s   (raise the rate until p99 > 100 ms, then bisect)
//	load -scenario conns     -conns 10000
//	load -scenario polling   -clients 50 -duration 10s
//	load -scenario drops     -clients 1000 -rooms 10 -rate 20 -duration 60s -reset 0.05 [-recovery]
//	load -scenario slow      -clients 1000 -rate 50 -duration 30s -slow 0.1 -stall 10s
//	load -scenario avalanche -conns 10000 -server-cmd "path/to/server"
//	load report results.jsonl   (medians and ratios as a markdown table)
//
// Every result carries the CPU the generator used itself (gen_cores, 1 =
// one core saturated) next to the server's, read from /proc/<pid>, so that
// a saturated generator is not mistaken for a slow server.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// config holds the flags of a scenario run.
type config struct {
	scenario  string
	server    string
	addr      string
	pid       int
	clients   int
	receivers int
	conns     int
	rate      float64
	maxRate   float64
	duration  time.Duration
	warmup    time.Duration
	step      time.Duration
	settle    time.Duration
	p99Limit  time.Duration
	// The churn scenarios (drops, slow, avalanche).
	variant   string
	rooms     int
	resetFrac float64
	latency   time.Duration
	jitter    time.Duration
	recovery  bool
	slowFrac  float64
	stall     time.Duration
	serverCmd string
}

// Result is one run's outcome, printed as a JSON line.
type Result struct {
	Scenario string             `json:"scenario"`
	Server   string             `json:"server"`
	Metrics  map[string]float64 `json:"metrics"`
	// Errors are correctness failures: a wrong ack, a lost or reordered
	// broadcast, a failed connection.
	Errors []string `json:"errors,omitempty"`
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "report" {
		return report(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.scenario, "scenario", "echo", "echo, broadcast, ramp, conns, polling, drops, slow or avalanche")
	fs.StringVar(&c.server, "server", "", "name of the server under test, copied into the result")
	fs.StringVar(&c.addr, "addr", "127.0.0.1:3100", "server address; must be 127.0.0.1")
	fs.IntVar(&c.pid, "pid", 0, "server process id, for its CPU and memory (0: not measured)")
	fs.IntVar(&c.clients, "clients", 50, "echo, polling: concurrent clients, each in a closed loop")
	fs.IntVar(&c.receivers, "receivers", 1000, "broadcast, ramp: receiving connections")
	fs.IntVar(&c.conns, "conns", 10000, "conns: idle connections to open")
	fs.Float64Var(&c.rate, "rate", 50, "broadcast: messages per second; ramp: the first rate")
	fs.Float64Var(&c.maxRate, "max-rate", 100000, "ramp: the highest rate tried")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "echo, polling, broadcast: measured time")
	fs.DurationVar(&c.warmup, "warmup", time.Second, "echo, polling: unmeasured time before")
	fs.DurationVar(&c.step, "step", 3*time.Second, "ramp: time at each rate")
	fs.DurationVar(&c.settle, "settle", 3*time.Second, "conns: wait before sampling memory")
	fs.DurationVar(&c.p99Limit, "p99-limit", 100*time.Millisecond, "ramp: the p99 latency a sustainable rate stays under")
	fs.StringVar(&c.variant, "variant", "", "name of the scenario in the result (default: -scenario)")
	fs.IntVar(&c.rooms, "rooms", 10, "drops: rooms, the clients spread over them")
	fs.Float64Var(&c.resetFrac, "reset", 0.05, "drops: fraction of the connections the proxy resets every second")
	fs.DurationVar(&c.latency, "latency", 0, "drops: latency the proxy adds")
	fs.DurationVar(&c.jitter, "jitter", 0, "drops: random extra latency the proxy adds, up to this")
	fs.BoolVar(&c.recovery, "recovery", false, "drops: the server has connection state recovery on (every tick must arrive)")
	fs.Float64Var(&c.slowFrac, "slow", 0.1, "slow: fraction of the clients whose connections stall")
	fs.DurationVar(&c.stall, "stall", 10*time.Second, "slow: how long they stall")
	fs.StringVar(&c.serverCmd, "server-cmd", "", "avalanche: the server command line, which the generator starts, kills and restarts")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := checkLoopback(c.addr); err != nil {
		fmt.Fprintln(stderr, "load:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A hard bound on every run, whatever the flags.
	ctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	var res Result
	var err error
	switch c.scenario {
	case "echo":
		res, err = runEcho(ctx, c)
	case "broadcast":
		res, err = runBroadcast(ctx, c)
	case "ramp":
		res, err = runRamp(ctx, c, stderr)
	case "conns":
		res, err = runConns(ctx, c)
	case "polling":
		res, err = runPolling(ctx, c)
	case "drops":
		res, err = runDrops(ctx, c)
	case "slow":
		res, err = runSlow(ctx, c)
	case "avalanche":
		res, err = runAvalanche(ctx, c)
	default:
		fmt.Fprintf(stderr, "load: unknown scenario %q\n", c.scenario)
		return 2
	}
	res.Scenario, res.Server = c.scenario, c.server
	if c.variant != "" {
		res.Scenario = c.variant
	}
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
	}
	if res.Metrics == nil {
		res.Metrics = map[string]float64{}
	}
	line, _ := json.Marshal(res)
	fmt.Fprintln(stdout, string(line))
	if len(res.Errors) > 0 {
		return 1
	}
	return 0
}
