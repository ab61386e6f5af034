package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// metric is one row of the report: a scenario's metric, and whether more
// is better.
type metric struct {
	scenario, key, label string
	higher               bool
}

var reportRows = []metric{
	{"echo", "acks_per_s", "echo: acks/s", true},
	{"echo", "p50_ms", "echo: p50 ms", false},
	{"echo", "p99_ms", "echo: p99 ms", false},
	{"echo", "server_cores", "echo: server cores", false},
	{"echo", "gen_cores", "echo: generator cores", false},
	{"broadcast", "deliveries_per_s", "broadcast: deliveries/s", true},
	{"broadcast", "p50_ms", "broadcast: p50 ms", false},
	{"broadcast", "p99_ms", "broadcast: p99 ms", false},
	{"broadcast", "drops", "broadcast: drops", false},
	{"broadcast", "server_us_per_deliv", "broadcast: server CPU µs/delivery", false},
	{"broadcast", "gen_cores", "broadcast: generator cores", false},
	{"ramp", "max_rate", "broadcast: max sustainable msgs/s", true},
	{"ramp", "gen_cores_at_max", "ramp: generator cores at max", false},
	{"conns", "connects_per_s", "conns: connects/s", true},
	{"conns", "kb_per_conn", "conns: server KiB/conn", false},
	{"conns", "gen_cores", "conns: generator cores", false},
	{"polling", "acks_per_s", "polling echo: acks/s", true},
	{"polling", "p99_ms", "polling echo: p99 ms", false},
	{"polling", "gen_cores", "polling: generator cores", false},
	// The churn family (run.sh -scenarios churn).
	{"drops+recovery", "delivered_pct", "drops, recovery on: delivered %", true},
	{"drops+recovery", "missed", "drops, recovery on: missed", false},
	{"drops+recovery", "duplicated", "drops, recovery on: duplicated", false},
	{"drops+recovery", "out_of_order", "drops, recovery on: out of order", false},
	{"drops+recovery", "clients_hit", "drops, recovery on: clients with any of these", false},
	{"drops+recovery", "resets", "drops, recovery on: connections reset", false},
	{"drops+recovery", "recovered", "drops, recovery on: recovered reconnections", false},
	{"drops+recovery", "failed_attempts", "drops, recovery on: failed reconnection attempts", false},
	{"drops+recovery", "settle_s", "drops, recovery on: s after the last tick until all caught up", false},
	{"drops+recovery", "server_cores", "drops, recovery on: server cores", false},
	{"drops-recovery", "delivered_pct", "drops, recovery off: delivered %", true},
	{"drops-recovery", "missed", "drops, recovery off: missed", false},
	{"drops-recovery", "duplicated", "drops, recovery off: duplicated", false},
	{"drops-recovery", "out_of_order", "drops, recovery off: out of order", false},
	{"avalanche-5000", "back_99_s", "avalanche 5k: s to 99% back", false},
	{"avalanche-5000", "back_100_s", "avalanche 5k: s to 100% back", false},
	{"avalanche-5000", "lost", "avalanche 5k: not back", false},
	{"avalanche-5000", "failed_handshake", "avalanche 5k: failed handshakes", false},
	{"avalanche-5000", "rss_peak_mb", "avalanche 5k: server peak RSS MiB", false},
	{"avalanche-5000", "server_cores", "avalanche 5k: server cores until back", false},
	{"avalanche-10000", "back_99_s", "avalanche 10k: s to 99% back", false},
	{"avalanche-10000", "back_100_s", "avalanche 10k: s to 100% back", false},
	{"avalanche-10000", "lost", "avalanche 10k: not back", false},
	{"avalanche-10000", "failed_handshake", "avalanche 10k: failed handshakes", false},
	{"avalanche-10000", "rss_peak_mb", "avalanche 10k: server peak RSS MiB", false},
	{"avalanche-10000", "server_cores", "avalanche 10k: server cores until back", false},
	{"avalanche-19000", "back_99_s", "avalanche 19k: s to 99% back", false},
	{"avalanche-19000", "back_100_s", "avalanche 19k: s to 100% back", false},
	{"avalanche-19000", "lost", "avalanche 19k: not back", false},
	{"avalanche-19000", "failed_handshake", "avalanche 19k: failed handshakes", false},
	{"avalanche-19000", "rss_peak_mb", "avalanche 19k: server peak RSS MiB", false},
	{"avalanche-19000", "server_cores", "avalanche 19k: server cores until back", false},
	{"slow-none", "p99_ms", "slow consumers, none: p99 ms", false},
	{"slow-none", "rss_peak_mb", "slow consumers, none: server peak RSS MiB", false},
	{"slow-10pct", "p99_ms", "slow consumers, 10%: others' p99 ms", false},
	{"slow-10pct", "rss_peak_mb", "slow consumers, 10%: server peak RSS MiB", false},
	{"slow-10pct", "slow_caught_up", "slow consumers, 10%: slow ones caught up", true},
	{"slow-10pct", "slow_missed", "slow consumers, 10%: ticks the slow ones missed", false},
	{"slow-10pct", "slow_disconnects", "slow consumers, 10%: slow ones disconnected", false},
	{"slow-10pct", "fast_missed", "slow consumers, 10%: ticks the others missed", false},
}

// counts are the metrics that are counts of events, for which a ratio
// to the base server means nothing.
var counts = map[string]bool{
	"drops": true, "delivered_pct": true, "missed": true, "duplicated": true, "out_of_order": true,
	"clients_hit": true, "resets": true, "failed_attempts": true, "recovered": true, "lost": true, "failed_handshake": true,
	"slow_caught_up": true, "slow_missed": true, "slow_disconnects": true, "fast_missed": true,
}

// report reads result lines and prints a markdown table of medians, with
// each server's ratio to the -base server (node by default).
func report(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "node", "the server ratios are computed against")
	order := fs.String("servers", "typed,untyped,node,raw", "column order")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	vals := map[string]map[string][]float64{} // server → scenario/key → values
	var errs []string
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(stderr, "load report:", err)
			return 1
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var r Result
			if json.Unmarshal(sc.Bytes(), &r) != nil || r.Server == "" {
				continue
			}
			for _, e := range r.Errors {
				errs = append(errs, fmt.Sprintf("%s %s: %s", r.Server, r.Scenario, e))
			}
			if vals[r.Server] == nil {
				vals[r.Server] = map[string][]float64{}
			}
			for k, v := range r.Metrics {
				vals[r.Server][r.Scenario+"/"+k] = append(vals[r.Server][r.Scenario+"/"+k], v)
			}
		}
		f.Close()
	}
	var servers []string
	for _, s := range strings.Split(*order, ",") {
		if vals[s] != nil {
			servers = append(servers, s)
		}
	}
	fmt.Fprintf(stdout, "| metric (median) | %s |", strings.Join(servers, " | "))
	for _, s := range servers {
		if s != *base {
			fmt.Fprintf(stdout, " %s/%s |", s, *base)
		}
	}
	fmt.Fprintln(stdout)
	fmt.Fprint(stdout, "| --- |", strings.Repeat(" ---: |", 2*len(servers)-1), "\n")
	for _, row := range reportRows {
		med := map[string]float64{}
		have := false
		for _, s := range servers {
			if v, ok := median(vals[s][row.scenario+"/"+row.key]); ok {
				med[s] = v
				have = true
			}
		}
		if !have {
			continue
		}
		fmt.Fprintf(stdout, "| %s |", row.label)
		for _, s := range servers {
			if v, ok := med[s]; ok && v < 0 {
				fmt.Fprint(stdout, " not reached |") // a time the run did not reach
			} else if ok {
				fmt.Fprintf(stdout, " %s |", num(v))
			} else {
				fmt.Fprint(stdout, " n/a |")
			}
		}
		b, okb := med[*base]
		for _, s := range servers {
			if s == *base {
				continue
			}
			v, ok := med[s]
			if !ok || !okb || b <= 0 || v < 0 || strings.Contains(row.key, "cores") || counts[row.key] {
				fmt.Fprint(stdout, " |")
				continue
			}
			fmt.Fprintf(stdout, " %.2f× |", v/b)
		}
		fmt.Fprintln(stdout)
	}
	if len(errs) > 0 {
		fmt.Fprintln(stdout, "\nErrors:")
		for _, e := range errs {
			fmt.Fprintln(stdout, "-", e)
		}
	}
	return 0
}

func median(v []float64) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2], true
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2, true
}

func num(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}
