#!/bin/bash
# Whole setup: a full `mlops-tui apply` on the sandbox with 100 ms added
# to every request (--faults latency=100) and everything the sandbox
# simulates instant (--time-scale 0: operations, imports, runs), against
#  - the lower bound: the longest chain of requests in the sandbox's log
#    that happened one after another (each started when or after the one
#    before it ended) x 100 ms; target: wall time <= 1.25 x the bound;
#  - the sequential baseline: the same setup through the same setup,
#    connection, API layer and engine, one job and so one request at a
#    time, in the guide's order (bench/serial-apply); our wall time and
#    request count as ratios to it.
. "$(dirname "$0")/lib.sh"
latency=100

fresh_sandbox() {
	rm -rf "$XDG_STATE_HOME/mlops-tui"
	sim_up --time-scale 0 --faults "latency=$latency"
	sim_settings '{"device_interval_s":0,"device_auto_approve_polls":2,"replication_delay_ms":0}'
	sim_answers "$bench_tmp/answers.yml"
	: > "$SIM_LOG"
}

# ---- mlops-tui apply ----------------------------------------------------------
fresh_sandbox
apply_whole "$bench_tmp/answers.yml"
if [ "$rc" -ne 0 ]; then
	echo "setup: apply failed (exit status $rc):"
	tail -n 20 "$bench_tmp/apply.out"
	exit 1
fi
requests "$SIM_LOG" > "$bench_tmp/apply.tsv"
n=$(wc -l < "$bench_tmp/apply.tsv")
chain=$(longest_chain < "$bench_tmp/apply.tsv")
bound_ms=$((chain * latency))
at_once=$(most_at_once < "$bench_tmp/apply.tsv")
busy_ms=$(awk -F'\t' '{t += $2 - $1} END {print t}' "$bench_tmp/apply.tsv")
sim_down

figure "setup: wall time / lower bound" "$(ratio "$wall_ms" "$bound_ms")" \
    "target <= 1.25"
note "apply took $wall_ms ms for $n requests, at most $at_once at once;" \
    "the longest chain of requests one after another is $chain long:" \
    "bound $chain x $latency ms = $bound_ms ms"
note "every request's time at the sandbox added up: $busy_ms ms"

# ---- the sequential baseline ------------------------------------------------------
if [ ! -x "$SERIAL_APPLY" ]; then
	echo "setup: the sequential baseline needs $SERIAL_APPLY (make bench builds it)"
	exit 1
fi
fresh_sandbox
t0=$(now_ms)
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" MLOPS_TUI_TEMPLATES="$top_srcdir/templates" "$SERIAL_APPLY" "$bench_tmp/answers.yml" \
    >"$bench_tmp/serial.out" 2>&1 </dev/null
src=$?
serial_ms=$(( $(now_ms) - t0 ))
if [ "$src" -ne 0 ]; then
	echo "setup: the sequential baseline failed (exit status $src):"
	tail -n 20 "$bench_tmp/serial.out"
	exit 1
fi
requests "$SIM_LOG" > "$bench_tmp/serial.tsv"
sn=$(wc -l < "$bench_tmp/serial.tsv")
sat_once=$(most_at_once < "$bench_tmp/serial.tsv")
sim_down

figure "setup: wall time / sequential baseline's" \
    "$(ratio "$wall_ms" "$serial_ms")" "$wall_ms ms / $serial_ms ms; lower is better"
figure "setup: requests / sequential baseline's" "$(ratio "$n" "$sn")" \
    "$n / $sn; at most 1.00"
note "the baseline made at most $sat_once request(s) at once"
