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
# for each; sets $wall_ms and $t0_ms (its start, ms since the epoch),
# stops the benchmark if it fails.
run_apply() {
	_label=$1
	shift
	_args=()
	for _a in "$@"; do
		_args+=(--answers "$_a")
	done
	t0_ms=$(now_ms)
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes "${_args[@]}" \
	    --azure-sign-in device >"$bench_tmp/apply.out" 2>&1 </dev/null
	_rc=$?
	wall_ms=$(( $(now_ms) - t0_ms ))
	if [ "$_rc" -ne 0 ]; then
		echo "many: $_label failed (exit status $_rc):"
		tail -n 20 "$bench_tmp/apply.out"
		exit 1
	fi
}

# first_change T0: from requests' lines on stdin, "MS N": ms from T0 to
# the first request that changes something (not a read, nor the POSTs
# that change nothing: the sign-in's, TestConnection's) and how many
# requests came before it (sign-in, reads, and in a run of several the
# plans and the rights checked up front).
first_change() {
	awk -F'\t' -v t0="$1" '$3 != "GET" && $4 !~ /\/oauth2\/|\/endpointproxy/ {
	    print $1 - t0, NR - 1; found = 1; exit}
	    END {if (!found) print "n/a n/a"}'
}

# at_most_one_ms [UNTIL]: from requests' lines on stdin, the ms between
# the first request's start and the last one's end (or UNTIL) with one
# request in flight or none: where the run went one request at a time.
at_most_one_ms() {
	awk -F'\t' '{print $1 "\t1"; print $2 "\t-1"}' | sort -n -k1,1 -k2,2 |
	    awk -F'\t' -v until="${1:-}" '
	    until != "" && $1 > until + 0 {if (n <= 1) t += until - prev; exit}
	    NR > 1 && n <= 1 {t += $1 - prev} {n += $2; prev = $1}
	    END {print t + 0}'
}

# measure NAME T0: the sandbox's log as request lines in
# $bench_tmp/NAME.tsv (appended), emptied; sets n_NAME, at_once_NAME,
# change_ms_NAME, before_change_NAME and serial_ms_NAME (time one request
# at a time, all of it) and serial_pre_NAME (of it before the first change).
measure() {
	requests "$SIM_LOG" > "$bench_tmp/last.tsv"
	: > "$SIM_LOG"
	cat "$bench_tmp/last.tsv" >> "$bench_tmp/$1.tsv"
	read -r _change_ms _before < <(first_change "$2" < "$bench_tmp/last.tsv")
	printf -v "n_$1" '%s' "$(wc -l < "$bench_tmp/$1.tsv")"
	printf -v "at_once_$1" '%s' "$(most_at_once < "$bench_tmp/$1.tsv")"
	printf -v "change_ms_$1" '%s' "$_change_ms"
	printf -v "before_change_$1" '%s' "$_before"
	printf -v "serial_ms_$1" '%s' "$(at_most_one_ms < "$bench_tmp/last.tsv")"
	printf -v "serial_pre_$1" '%s' "$(at_most_one_ms \
	    "$(($2 + ${_change_ms/n\/a/0}))" < "$bench_tmp/last.tsv")"
}

# project_end TSV T0 I: ms from T0 to the end of the last request of
# project I (taxi-II: its repository, its pipelines' folder, its Azure
# names with postfix 10II) in TSV.
project_end() {
	awk -F'\t' -v t0="$2" -v name="$(printf 'taxi-%02d' "$3")" \
	    -v azure="$((1000 + $3))prod" 'index($4, name) || index($4, azure) {
	    if ($2 > end) end = $2} END {print end ? end - t0 : "n/a"}' "$1"
}

# ---- one project alone ------------------------------------------------------
fresh_sandbox
run_apply "one project alone" "$projects/taxi-01.yml"
one_ms=$wall_ms
measure one "$t0_ms"
end_one=$(project_end "$bench_tmp/one.tsv" "$t0_ms" 1)
chain_one=$(longest_chain < "$bench_tmp/one.tsv")
sim_down

# ---- ten projects in one run --------------------------------------------------
fresh_sandbox
run_apply "$count projects in one run" "$projects"
ten_ms=$wall_ms
grep -q "$count ML projects in one run" "$bench_tmp/apply.out" || {
	echo "many: the run did not say it ran $count projects:"
	tail -n 20 "$bench_tmp/apply.out"
	exit 1
}
measure ten "$t0_ms"
end_first=$(project_end "$bench_tmp/ten.tsv" "$t0_ms" 1)
ends_others=$(for i in $(seq 2 "$count"); do
	project_end "$bench_tmp/ten.tsv" "$t0_ms" "$i"; done | sort -n)
sim_down

# ---- the baseline: the ten one after another -----------------------------------
fresh_sandbox
seq_ms=0
for f in "$projects"/*.yml; do
	run_apply "$(basename "$f" .yml) alone (baseline)" "$f"
	seq_ms=$((seq_ms + wall_ms))
	measure seq "$t0_ms"
	[ -n "${n_seq_first:-}" ] || n_seq_first=$n_seq
done
sim_down

# ---- figures ------------------------------------------------------------------------
figure "many: wall time, $count in one run / one alone" \
    "$(ratio "$ten_ms" "$one_ms")" \
    "target <= 2: $ten_ms ms / $one_ms ms"
note "one alone: $(ratio "$one_ms" "$((chain_one * latency))") x its" \
    "lower bound ($chain_one requests one after another x $latency ms, as" \
    "setup.sh computes it)"
note "before the first change: $change_ms_ten ms and $before_change_ten" \
    "requests for $count (sign-in, every project's plan, the rights" \
    "checked up front); $change_ms_one ms and $before_change_one for one"
note "with one request in flight or none: $serial_ms_ten ms of the $count" \
    "($serial_pre_ten ms of it before the first change), $serial_ms_one ms" \
    "of one ($serial_pre_one ms)"
note "each project's last request ended: the first's at $end_first ms," \
    "the others' from $(head -n 1 <<<"$ends_others") to" \
    "$(tail -n 1 <<<"$ends_others") ms (one alone: $end_one ms)"
figure "many: requests, $count in one run / one alone" \
    "$(ratio "$n_ten" "$n_one")" \
    "$n_ten / $n_one; the shared part counted once: < $count.00"
note "each project beyond the first added" \
    "$(ratio "$((n_ten - n_one))" "$((count - 1))" 1) requests;" \
    "applied one after another, $(ratio "$((n_seq - n_seq_first))" \
    "$((count - 1))" 1) (the first $n_seq_first)"
figure "many: most requests at once, $count in one run" "$at_once_ten" \
    "one alone: $at_once_one; one after another: $at_once_seq"
figure "many: wall time, $count in one run / $count applies one after another" \
    "$(ratio "$ten_ms" "$seq_ms")" \
    "$ten_ms ms / $seq_ms ms; lower is better"
figure "many: requests, $count in one run / $count applies one after another" \
    "$(ratio "$n_ten" "$n_seq")" "$n_ten / $n_seq; at most 1.00"
