#!/usr/bin/env bash
# Runs the examples/bench scenarios against the generated (typed) server,
# the same without the checks of what it sends (typed-nocheck, for their
# cost), the untyped-API server, the Node socket.io 4.8 reference and raw
# gorilla/websocket, the server pinned to CPU 0 and the load generator to
# CPU 1, and prints a markdown table of medians and ratios to Node.
#
#   examples/bench/run.sh [-quick] [-n REPEATS] [-servers typed,typed-nocheck,untyped,node,raw]
#                         [-scenarios echo,broadcast,ramp,conns,polling] [-out DIR]
#                         [-base SERVER]
#   examples/bench/run.sh -scenarios churn [-n REPEATS] [-servers go,node]
#                         [-variants drops+recovery,slow-none,...]
#
# Servers typed-quiet and typed-otel are the typed server with a logger that
# discards everything, and with runtime/siootel enabled (see
# examples/bench/server): -servers typed-quiet,typed,typed-otel -base
# typed-quiet shows the cost of the default logging and of OpenTelemetry.
# Server typed-limits is the typed server with a limit on echo that never
# triggers (rate 1e9/s, 1 MiB payloads, 1,000 pending acks): -servers
# typed,typed-limits -base typed -scenarios echo shows the cost of limits.
# -base is the server the ratios are computed against (default node).
#
# -quick runs every scenario briefly (about a minute in all) to check the
# pipeline; its figures mean nothing.
#
# -scenarios churn runs the churn family instead (about 15 minutes a
# repeat), against the Go server of examples/bench/churn ("go") and
# node/churn.js ("node"), the clients going through the fault-injecting
# proxy of internal/faultproxy inside the generator:
#   drops: 1,000 clients in 10 rooms, each room ticked 20 times a second for
#     60 s, 5% of the connections reset every second; connection state
#     recovery on (drops+recovery: every tick must arrive once, in order)
#     and off (drops-recovery);
#   avalanche: 5,000, 10,000 and 19,000 connected clients; the server is
#     killed (SIGKILL) and restarted; time until 99% and 100% are back
#     (19,000 rather than 20,000: one process may open at most 20,000
#     descriptors where this was written, and the limit cannot be raised);
#   slow: 1,000 clients in one room ticked 50 times a second for 30 s, 10%
#     of them stalled (nothing read; only they go through the proxy) for
#     10 s from the 10th second (slow-10pct), against the same without
#     stalls (slow-none).
# With -quick the churn family runs small and short; -variants runs only the
# variants named (as in the table: slow-none, avalanche-5000, ...).
# Results go to DIR/results.jsonl (one JSON line per run) and DIR/table.md.
# BENCH_PORT (default 3100) is the server port. Exits 1 when any run reported a correctness error.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
quick=0
repeats=3
servers=typed,typed-nocheck,untyped,node,raw
servers_given=0
scenarios=echo,broadcast,ramp,conns,polling
out=""
base=node
variants=""
while [ $# -gt 0 ]; do
	case "$1" in
	-quick) quick=1 ;;
	-n) repeats=$2; shift ;;
	-servers) servers=$2; servers_given=1; shift ;;
	-scenarios) scenarios=$2; shift ;;
	-out) out=$2; shift ;;
	-base) base=$2; shift ;;
	-variants) variants=$2; shift ;;
	*) echo "usage: $0 [-quick] [-n REPEATS] [-servers LIST] [-scenarios LIST] [-variants LIST] [-out DIR] [-base SERVER]" >&2; exit 2 ;;
	esac
	shift
done
if [ "$quick" = 1 ] && [ "$repeats" = 3 ]; then repeats=1; fi
out=${out:-$(mktemp -d /tmp/siogen-bench.XXXXXX)}
mkdir -p "$out/bin"
port=${BENCH_PORT:-3100}
results=$out/results.jsonl
: >"$results"

# 10,000 connections need as many descriptors on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 11000 ]; then
	echo "warning: ulimit -n is $(ulimit -n); the conns scenario needs more than 10,000" >&2
fi

pin_server=() pin_load=() pinned=no
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
	pin_server=(taskset -c 0) pin_load=(taskset -c 1) pinned=yes
fi

echo "building into $out/bin" >&2
(cd "$root" && go build -o "$out/bin/" ./examples/bench/server ./examples/bench/untyped ./examples/bench/raw ./examples/bench/churn ./examples/bench/load)

srv_pid=""
start_server() { # name
	local cmd variant=""
	case "$1" in
	typed) cmd=("$out/bin/server") ;;
	typed-quiet) cmd=("$out/bin/server") variant=quiet ;;
	typed-otel) cmd=("$out/bin/server") variant=otel ;;
	typed-limits) cmd=("$out/bin/server") variant=limits ;;
	typed-nocheck) cmd=(env BENCH_SKIP_OUTGOING_CHECKS=1 "$out/bin/server") ;;
	untyped) cmd=("$out/bin/untyped") ;;
	raw) cmd=("$out/bin/raw") ;;
	node) cmd=(node "$root/examples/bench/node/server.js") ;;
	churn-go) cmd=("$out/bin/churn") ;;
	churn-node) cmd=(node "$root/examples/bench/node/churn.js") ;;
	*) echo "unknown server $1" >&2; exit 2 ;;
	esac
	: >"$out/server.log"
	(cd "$root" && PORT=$port BENCH_VARIANT=$variant exec "${pin_server[@]}" "${cmd[@]}") >"$out/server.log" 2>&1 &
	srv_pid=$!
	for _ in $(seq 100); do
		grep -q '^listening' "$out/server.log" && return 0
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "server $1 did not start:" >&2
	cat "$out/server.log" >&2
	exit 1
}
stop_server() {
	if [ -n "$srv_pid" ]; then
		kill "$srv_pid" 2>/dev/null || true
		wait "$srv_pid" 2>/dev/null || true
		srv_pid=""
	fi
}
trap stop_server EXIT

scenario_args() { # scenario
	if [ "$quick" = 1 ]; then
		case "$1" in
		echo) echo "-scenario echo -clients 10 -warmup 200ms -duration 1s" ;;
		broadcast) echo "-scenario broadcast -receivers 100 -rate 20 -duration 1s" ;;
		ramp) echo "-scenario ramp -receivers 100 -rate 100 -step 500ms -max-rate 400" ;;
		conns) echo "-scenario conns -conns 500 -settle 200ms" ;;
		polling) echo "-scenario polling -clients 10 -warmup 200ms -duration 1s" ;;
		esac
	else
		case "$1" in
		echo) echo "-scenario echo -clients 50 -warmup 2s -duration 10s" ;;
		broadcast) echo "-scenario broadcast -receivers 1000 -rate 50 -duration 10s" ;;
		ramp) echo "-scenario ramp -receivers 1000 -rate 50 -step 3s" ;;
		conns) echo "-scenario conns -conns 10000 -settle 3s" ;;
		polling) echo "-scenario polling -clients 50 -warmup 2s -duration 10s" ;;
		esac
	fi
}

# churn_cmd prints the command line of a churn server.
churn_cmd() { # go|node
	case "$1" in
	go) echo "${pin_server[*]} $out/bin/churn" ;;
	node) echo "${pin_server[*]} node $root/examples/bench/node/churn.js" ;;
	*) echo "unknown churn server $1" >&2; exit 2 ;;
	esac
}

# churn_runs prints the runs of the churn family, one a line:
# "variant recovery(0|1) starts-own-server(0|1) load-arguments".
churn_runs() {
	if [ "$quick" = 1 ]; then
		echo "drops+recovery 1 0 -scenario drops -clients 50 -rooms 5 -rate 20 -duration 5s -reset 0.1 -recovery -settle 20s"
		echo "drops-recovery 0 0 -scenario drops -clients 50 -rooms 5 -rate 20 -duration 5s -reset 0.1 -settle 20s"
		echo "avalanche-5000 0 1 -scenario avalanche -conns 500 -duration 30s"
		echo "slow-none 0 0 -scenario slow -clients 100 -rate 50 -duration 6s -slow 0 -settle 5s"
		echo "slow-10pct 0 0 -scenario slow -clients 100 -rate 50 -duration 6s -slow 0.1 -stall 2s -settle 5s"
		return
	fi
	echo "drops+recovery 1 0 -scenario drops -clients 1000 -rooms 10 -rate 20 -duration 60s -reset 0.05 -recovery -settle 60s"
	echo "drops-recovery 0 0 -scenario drops -clients 1000 -rooms 10 -rate 20 -duration 60s -reset 0.05 -settle 60s"
	for n in 5000 10000 19000; do
		echo "avalanche-$n 0 1 -scenario avalanche -conns $n -duration 60s"
	done
	echo "slow-none 0 0 -scenario slow -clients 1000 -rate 50 -duration 30s -slow 0 -settle 15s"
	echo "slow-10pct 0 0 -scenario slow -clients 1000 -rate 50 -duration 30s -slow 0.1 -stall 10s -settle 15s"
}

failed=0
if [ "$scenarios" = churn ]; then
	[ "$servers_given" = 1 ] || servers=go,node
	for rep in $(seq "$repeats"); do
		while read -r variant recovery own args; do
			if [ -n "$variants" ] && [[ ",$variants," != *",$variant,"* ]]; then
				continue
			fi
			for s in ${servers//,/ }; do
				echo "run $rep/$repeats: $variant on $s" >&2
				export RECOVERY=$recovery PORT=$port
				extra=(-pid 0)
				if [ "$own" = 1 ]; then
					extra=(-server-cmd "$(churn_cmd "$s")")
				else
					start_server "churn-$s"
					extra=(-pid "$srv_pid")
				fi
				# shellcheck disable=SC2086
				if ! "${pin_load[@]}" "$out/bin/load" $args -variant "$variant" -server "$s" \
					-addr "127.0.0.1:$port" "${extra[@]}" >>"$results" 2>>"$out/load.log"; then
					failed=1
					tail -n 1 "$results" >&2
				fi
				stop_server
			done
		done < <(churn_runs)
	done
	{
		echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3), node $(node --version), $(date -u +%Y-%m-%d)."
		echo "Server pinned to CPU 0, load generator and proxy to CPU 1: $pinned. Repeats: $repeats$([ "$quick" = 1 ] && echo ' (quick mode: small and short runs)'). Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
		echo
		"$out/bin/load" report -servers "$servers" "$results"
	} | tee "$out/table.md"
	echo "results: $results" >&2
	exit $failed
fi

for rep in $(seq "$repeats"); do
	for sc in ${scenarios//,/ }; do
		for s in ${servers//,/ }; do
			if [ "$s" = raw ] && [ "$sc" = polling ]; then continue; fi
			start_server "$s"
			echo "run $rep/$repeats: $sc on $s" >&2
			# shellcheck disable=SC2046
			if ! "${pin_load[@]}" "$out/bin/load" $(scenario_args "$sc") -server "$s" \
				-addr "127.0.0.1:$port" -pid "$srv_pid" >>"$results" 2>>"$out/load.log"; then
				failed=1
				tail -n 1 "$results" >&2
			fi
			stop_server
		done
	done
done

{
	echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(go version | cut -d' ' -f3), node $(node --version)."
	echo "Server pinned to CPU 0, load generator to CPU 1: $pinned. Repeats: $repeats$([ "$quick" = 1 ] && echo ' (quick mode: figures are meaningless)'). Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
	echo
	"$out/bin/load" report -servers "$servers" -base "$base" "$results"
} | tee "$out/table.md"
echo "results: $results" >&2
exit $failed
