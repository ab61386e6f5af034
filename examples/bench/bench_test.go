package bench_test

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/siogen/siogen/internal/nodetest"
)

// TestQuickRun runs run.sh -quick against every server and checks
// correctness only, never timings: every server answers echo byte for byte
// and delivers a low-rate broadcast in order without drops.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every server for about a minute")
	}
	root := nodetest.Require(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	out := t.TempDir()
	cmd := exec.Command("bash", filepath.Join(root, "examples/bench/run.sh"), "-quick", "-out", out,
		"-scenarios", "echo,broadcast,conns,polling")
	cmd.Env = append(os.Environ(), "BENCH_PORT="+strconv.Itoa(port))
	cmd.Dir = root
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("run.sh -quick failed: %v\n%s", err, b)
	}
	f, err := os.Open(filepath.Join(out, "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type result struct {
		Scenario, Server string
		Metrics          map[string]float64
		Errors           []string
	}
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad result line %q: %v", sc.Bytes(), err)
		}
		seen[r.Server+" "+r.Scenario] = true
		for _, e := range r.Errors {
			t.Errorf("%s %s: %s", r.Server, r.Scenario, e)
		}
		m := r.Metrics
		switch r.Scenario {
		case "echo", "polling":
			if m["acks_per_s"] <= 0 || m["bad_acks"] != 0 {
				t.Errorf("%s %s: %v acks/s, %v bad acks", r.Server, r.Scenario, m["acks_per_s"], m["bad_acks"])
			}
		case "broadcast":
			if m["sent"] <= 0 || m["drops"] != 0 || m["out_of_order"] != 0 {
				t.Errorf("%s broadcast: sent %v, %v drops, %v out of order", r.Server, m["sent"], m["drops"], m["out_of_order"])
			}
		case "conns":
			if m["connects_per_s"] <= 0 {
				t.Errorf("%s conns: no connections", r.Server)
			}
		}
	}
	for _, s := range []string{"typed", "untyped", "node", "raw"} {
		for _, scn := range []string{"echo", "broadcast", "conns", "polling"} {
			if s == "raw" && scn == "polling" {
				continue
			}
			if !seen[s+" "+scn] {
				t.Errorf("no result for %s %s", s, scn)
			}
		}
	}
}
