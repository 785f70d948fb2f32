# Fault soak: whole sandbox setups with 30 % of the requests failing - 429
# with Retry-After, 500, 503, dropped connections, and stalls longer than
# apply's time limit for an attempt - and 200 +- 150 ms of latency on every
# request. Each finishes (resumed when a request kept failing) with the
# world of a run without faults: every resource once, no orphaned secret,
# every step done.
#
# Not in `make check` (minutes); .ci/run runs it once:
#   make check TESTS=tests/torture/soak.sh
# Knobs: SOAK_SETUPS (in parallel, each with its own seed; default 4),
# SOAK_SEED (default 7), TORTURE_ACCELERATOR=DIR (on that accelerator - its
# three repositories or their tarballs, e.g. ../shared/accelerator -
# instead of the stand-ins). An attempt may take 2 s here
# (MLOPS_TUI_HTTP_TIMEOUT_MS; 30 s by default) and a stall lasts 5 s, so
# that each stall is a timeout without costing half a minute.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/torture/lib.sh"

SETUPS=${SOAK_SETUPS:-4}
SEED=${SOAK_SEED:-7}
export MLOPS_TUI_HTTP_TIMEOUT_MS=2000
faults() { # SEED
	echo "seed=$1,latency=50+300,429=0.08,500=0.08,503=0.06,drop=0.05,stall=0.03,stall-ms=5000,retry-after=1"
}
diag "faults: $(faults "$SEED")"
stop_lanes() {
	for l in $(seq 0 "$SETUPS"); do lane_sim_stop "$l" KILL; done
}
trap stop_lanes EXIT
for l in $(seq 0 "$SETUPS"); do mkdir -p "$tap_tmp/lane$l"; done

lane_world 0
t0=$(ms_now)
lane_finish 0
is "$rc" 0 "without faults: the setup is whole in $(( $(ms_now) - t0 )) ms"
clean_world=$(world_of "$tap_tmp/lane0/world.json")
clean_steps=$(lane_steps 0)
lane_sim_stop 0

soak() { # LANE: a setup under faults until whole (at most 6 runs)
	local dir=$tap_tmp/lane$1 start runs=0
	start=$(ms_now)
	lane_world "$1" --faults "$(faults $((SEED + $1)))"
	rc=1
	while [ "$rc" -ne 0 ] && [ "$runs" -lt 6 ]; do
		runs=$((runs + 1))
		lane_apply "$1"
		wait "$apply_pid"
		rc=$?
	done
	echo "$rc $runs $(( $(ms_now) - start ))" > "$dir/soak"
	lane_verdict "$1" "$clean_world" "$clean_steps" > "$dir/verdict"
	lane_sim_stop "$1"
}
t0=$(ms_now)
for l in $(seq 1 "$SETUPS"); do
	soak "$l" 2>>"$tap_tmp/lane$l/shell.err" &
done
wait
diag "all $SETUPS setups under faults in $(( $(ms_now) - t0 )) ms"
for l in $(seq 1 "$SETUPS"); do
	dir=$tap_tmp/lane$l
	read -r rc runs took < "$dir/soak"
	log=$dir/requests.log
	total=$(wc -l < "$log")
	failed=$(jq -c 'select(.fault != null)' "$log" | wc -l)
	kinds=$(jq -r '.fault // empty' "$log" | sort | uniq -c |
	    awk '{printf "%s %s, ", $1, $2}')
	is "$rc" 0 "seed $((SEED + l)): the setup is whole after $runs run(s), in $took ms"
	is "$(cat "$dir/verdict")" ok "seed $((SEED + l)): the world of a run without faults, every resource once, no orphaned secret, every step done"
	pct=$(( failed * 100 / (total > 0 ? total : 1) ))
	[ "$pct" -ge 25 ] && [ "$pct" -le 35 ] &&
	    jq -e -s '[.[] | .fault] | (index("stall") != null) and (index("drop") != null) and (index("429") != null)' "$log" >/dev/null
	tap_result $? "seed $((SEED + l)): $failed of $total requests failed ($pct %: ${kinds%, })"
done
done_testing
