#!/bin/bash
# Memory: the peak resident set size of a full `mlops-tui apply` on the
# sandbox, the ML repository composed locally and pushed with libgit2
# (initialise_way: local: clones of the template repositories included),
# as GNU time's "Maximum resident set size" (target <= 24 MB). Everything
# the sandbox simulates is instant (--time-scale 0); the sandbox runs in
# its own process, outside the figure.
. "$(dirname "$0")/lib.sh"
if [ ! -x /usr/bin/time ]; then
	echo "memory: skipped: /usr/bin/time is missing (apt-get install time)"
	exit 0
fi

sim_up --time-scale 0
sim_settings '{"device_interval_s":0,"device_auto_approve_polls":2,"replication_delay_ms":0}'
sim_answers "$bench_tmp/answers.yml"
: > "$SIM_LOG"
apply_whole "$bench_tmp/answers.yml" /usr/bin/time -v -o "$bench_tmp/time.out"
if [ "$rc" -ne 0 ]; then
	echo "memory: apply failed (exit status $rc):"
	tail -n 20 "$bench_tmp/apply.out"
	exit 1
fi
kb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$bench_tmp/time.out")
clones=$(jq -r 'select(.path | test("/info/refs$")) | .query.service' "$SIM_LOG" | sort | uniq -c | tr -s ' \n' '  ' | sed 's/ *$//')
figure "memory: peak RSS of a full apply" "$(awk -v k="$kb" 'BEGIN {printf "%.1f MB", k * 1024 / 1e6}')" \
    "target <= 24 MB; $kb KiB"
note "git over smart HTTP during the apply:${clones:- none} (info/refs requests by service)"
