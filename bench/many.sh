#!/bin/bash
# Several ML projects in one run (issue 16: "ten ML projects in one run in
# about the time of one"): on a sandbox adding 100 ms to every request
# (--faults latency=100) with everything it simulates instant
# (--time-scale 0), each of these on a fresh sandbox:
#  - one project alone: `apply --yes --answers one.yml`;
#  - ten projects in one run: `apply --yes --answers FOLDER` (ten files,
#    the first of them one.yml's twin);
#  - the baseline: the same ten, one `apply` after another.
# Printed, all from the measured times and the sandbox's request logs:
# ten / one in wall time (target <= 2) and in requests (with the requests
# each project beyond the first added), the most requests at once, the
# one-run's wall time against its longest chain of requests one after
# another, and the one-run against the baseline.
. "$(dirname "$0")/lib.sh"
latency=100
count=10
projects="$bench_tmp/projects"

fresh_sandbox() {
	rm -rf "$XDG_STATE_HOME/mlops-tui"
	sim_up --time-scale 0 --faults "latency=$latency"
	sim_settings '{"device_interval_s":0,"device_auto_approve_polls":2,"replication_delay_ms":0}'
	write_projects
	: > "$SIM_LOG"
}

# write_projects: $projects/p01.yml ... p10.yml for this sandbox, each with
# what a run of several must not share (tests/cli/apply-many.sh): its own
# repository, postfix and service connection.
write_projects() {
	rm -rf "$projects"
	mkdir -p "$projects"
	sim_answers "$bench_tmp/base.yml"
	for i in $(seq 1 "$count"); do
		name=$(printf 'taxi-%02d' "$i")
		sed -e "s/taxi-fare-regression/$name/; s/\"4711\"/\"$((1000 + i))\"/" \
		    "$bench_tmp/base.yml" > "$projects/$name.yml"
		printf '    service_connection: Azure-ARM-Prod-%s\n' "$name" \
		    >> "$projects/$name.yml"
	done
}

# run_apply LABEL ANSWERS...: one `mlops-tui apply --yes` with --answers
# for each; sets $wall_ms, stops the benchmark if it fails.
run_apply() {
	_label=$1
	shift
	_args=()
	for _a in "$@"; do
		_args+=(--answers "$_a")
	done
	_t0=$(now_ms)
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes "${_args[@]}" \
	    --azure-sign-in device >"$bench_tmp/apply.out" 2>&1 </dev/null
	_rc=$?
	wall_ms=$(( $(now_ms) - _t0 ))
	if [ "$_rc" -ne 0 ]; then
		echo "many: $_label failed (exit status $_rc):"
		tail -n 20 "$bench_tmp/apply.out"
		exit 1
	fi
}

# measure NAME: the sandbox's log as request lines in $bench_tmp/NAME.tsv;
# sets n_NAME, at_once_NAME, chain_NAME.
measure() {
	requests "$SIM_LOG" > "$bench_tmp/$1.tsv"
	printf -v "n_$1" '%s' "$(wc -l < "$bench_tmp/$1.tsv")"
	printf -v "at_once_$1" '%s' "$(most_at_once < "$bench_tmp/$1.tsv")"
	printf -v "chain_$1" '%s' "$(longest_chain < "$bench_tmp/$1.tsv")"
}

# before_first NAME T0: ms from T0 (the apply's start) to its first request.
before_first() {
	awk -F'\t' -v t0="$2" 'NR == 1 {print $1 - t0}' "$bench_tmp/$1.tsv"
}

# ---- one project alone ------------------------------------------------------
fresh_sandbox
t0_one=$(now_ms)
run_apply "one project alone" "$projects/taxi-01.yml"
one_ms=$wall_ms
measure one
first_one=$(before_first one "$t0_one")
sim_down

# ---- ten projects in one run --------------------------------------------------
fresh_sandbox
t0_ten=$(now_ms)
run_apply "$count projects in one run" "$projects"
ten_ms=$wall_ms
measure ten
first_ten=$(before_first ten "$t0_ten")
grep -q "$count ML projects in one run" "$bench_tmp/apply.out" || {
	echo "many: the run did not say it ran $count projects:"
	tail -n 20 "$bench_tmp/apply.out"
	exit 1
}
sim_down

# ---- the baseline: the ten one after another -----------------------------------
fresh_sandbox
serial_ms=0
for f in "$projects"/*.yml; do
	run_apply "$(basename "$f" .yml) alone (baseline)" "$f"
	serial_ms=$((serial_ms + wall_ms))
done
measure serial
sim_down

extra=$(( (n_ten - n_one) ))
per_extra=$(ratio "$extra" "$((count - 1))" 1)
figure "many: wall time, $count in one run / one alone" \
    "$(ratio "$ten_ms" "$one_ms")" \
    "target <= 2: $ten_ms ms / $one_ms ms"
figure "many: requests, $count in one run / one alone" \
    "$(ratio "$n_ten" "$n_one")" \
    "$n_ten / $n_one; the shared part counted once: <= $count.00"
note "each project beyond the first added $per_extra requests," \
    "$(ratio "$extra" "$((n_one * (count - 1)))") of one alone's $n_one"
figure "many: most requests at once, $count in one run" "$at_once_ten" \
    "one alone: $at_once_one"
figure "many: wall time / lower bound, $count in one run" \
    "$(ratio "$ten_ms" "$((chain_ten * latency))")" \
    "the longest chain of requests one after another is $chain_ten long: $chain_ten x $latency ms; one alone: $(ratio "$one_ms" "$((chain_one * latency))") of $chain_one x $latency ms"
note "before the first request (answers read, plans, sign-in's start):" \
    "$first_ten ms for $count, $first_one ms for one"
figure "many: wall time, $count in one run / $count applies one after another" \
    "$(ratio "$ten_ms" "$serial_ms")" \
    "$ten_ms ms / $serial_ms ms; lower is better"
figure "many: requests, $count in one run / $count applies one after another" \
    "$(ratio "$n_ten" "$n_serial")" "$n_ten / $n_serial"
note "one after another: at most $at_once_serial request(s) at once," \
    "$(ratio "$serial_ms" "$count" 0) ms an apply"
