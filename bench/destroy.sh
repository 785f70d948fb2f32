#!/bin/bash
# Whole teardown: a full setup made by `mlops-tui apply`, then
# `mlops-tui destroy --yes --purge` timed, on the sandbox with 100 ms added
# to every request (--faults latency=100) and everything it simulates
# instant (--time-scale 0: ARM deletes and purges, operations), against
# the lower bound measured as bench/setup.sh measures apply's: the longest
# chain of the destroy's requests that happened one after another (each
# started when or after the one before it ended) x 100 ms; target: wall
# time <= 1.25 x the bound. Retry-After is 0 at --time-scale 0, so no
# wait beside the requests is unavoidable.
. "$(dirname "$0")/lib.sh"
latency=100

sim_up --time-scale 0 --faults "latency=$latency"
sim_settings '{"device_interval_s":0,"device_auto_approve_polls":2,"replication_delay_ms":0}'
sim_answers "$bench_tmp/answers.yml"

# ---- the setup to take down (not timed) -----------------------------------
apply_whole "$bench_tmp/answers.yml"
if [ "$rc" -ne 0 ]; then
	echo "destroy: the setup before it failed (exit status $rc):"
	tail -n 20 "$bench_tmp/apply.out"
	exit 1
fi
apply_ms=$wall_ms

# ---- mlops-tui destroy --purge --------------------------------------------
: > "$SIM_LOG"
t0=$(now_ms)
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" destroy --yes --purge \
    --answers "$bench_tmp/answers.yml" --azure-sign-in device \
    >"$bench_tmp/destroy.out" 2>&1 </dev/null
rc=$?
wall_ms=$(( $(now_ms) - t0 ))
if [ "$rc" -ne 0 ]; then
	echo "destroy: destroy failed (exit status $rc):"
	tail -n 20 "$bench_tmp/destroy.out"
	exit 1
fi
requests "$SIM_LOG" > "$bench_tmp/destroy.tsv"
n=$(wc -l < "$bench_tmp/destroy.tsv")
deletes=$(awk -F'\t' '$3 == "DELETE"' "$bench_tmp/destroy.tsv" | wc -l)
chain=$(longest_chain < "$bench_tmp/destroy.tsv")
bound_ms=$((chain * latency))
at_once=$(most_at_once < "$bench_tmp/destroy.tsv")
busy_ms=$(awk -F'\t' '{t += $2 - $1} END {print t}' "$bench_tmp/destroy.tsv")
# Where the time beside the requests went: before the first (start,
# state, sign-in's set-up), between them (the ARM polls' share apart: the
# client waits at least POLL_MIN_MS even when Azure says Retry-After: 0),
# after the last.
read -r lead gaps poll_gaps tail_ms <<<"$(awk -F'\t' -v t0="$t0" \
    -v t1="$((t0 + wall_ms))" '
    NR == 1 {lead = $1 - t0}
    NR > 1 && $1 > last {g = $1 - last; gaps += g
        if ($4 ~ /\/operationresults\//) polls += g}
    {if ($2 > last) last = $2}
    END {print lead + 0, gaps + 0, polls + 0, t1 - last}' \
    "$bench_tmp/destroy.tsv")"
summary=$(grep -o '[0-9]* removed, [0-9]* failed' "$bench_tmp/destroy.out" | tail -n 1)
sim_down

figure "destroy: wall time / lower bound" "$(ratio "$wall_ms" "$bound_ms")" \
    "target <= 1.25"
note "destroy --purge took $wall_ms ms for $n requests ($deletes DELETEs)," \
    "at most $at_once at once; it said: ${summary:-no summary line}"
note "the longest chain of requests one after another is $chain long:" \
    "bound $chain x $latency ms = $bound_ms ms"
note "beside the requests: $lead ms before the first, $gaps ms between" \
    "them ($poll_gaps ms of it before reads of ARM operations), $tail_ms ms" \
    "after the last"
note "every request's time at the sandbox added up: $busy_ms ms;" \
    "the apply before it took $apply_ms ms"
