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
}

// report reads result lines and prints a markdown table of medians, with
// each server's ratio to the -base server (node by default).
func report(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "node", "the server ratios are computed against")
	order := fs.String("servers", "typed,typed-nocheck,untyped,node,raw", "column order")
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
			if v, ok := med[s]; ok {
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
			if !ok || !okb || b == 0 || strings.Contains(row.key, "cores") || row.key == "drops" {
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
