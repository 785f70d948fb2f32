# `mlops-tui apply` of a finished setup pointed at a hostile server (the
# sandbox stopped, tests/unit/test-hostile --serve on its port): answers
# that are huge, cut short, not JSON, wrongly typed, never finished or
# never given. Each run ends with a clear error and an exit status (no
# crash, no hang), and the state file is left byte for byte as it was.
. "$top_srcdir/tests/lib.sh"
sim_start
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
state="$tap_tmp/setup.json"
printf '%s' "$SIM_PAT" > "$tap_tmp/pat"
chmod 600 "$tap_tmp/pat"
mt() {
	"$MLOPS_TUI" --state "$state" apply --yes --answers "$answers" \
	    --pat-file "$tap_tmp/pat" --azure-sign-in device \
	    >"$tap_tmp/out" 2>&1 </dev/null
	rc=$?
}
mt
is "$rc" 0 "a whole setup on the sandbox"
port=$(echo "$SIM_URL" | sed -n 's|^http://127.0.0.1:\([0-9]*\)/.*|\1|p')
kill "$SIM_PID"
wait "$SIM_PID" 2>/dev/null
cp "$state" "$tap_tmp/before.json"
mt
is "$rc" 8 "with the sandbox gone: a clean failure, exit status 8"
cmp -s "$state" "$tap_tmp/before.json"
tap_result $? "with the sandbox gone: the state file is untouched"

# Each attempt may take 1 s (MLOPS_TUI_HTTP_TIMEOUT_MS), so that the
# answers that never end are given up on quickly.
export MLOPS_TUI_HTTP_TIMEOUT_MS=1000
# (An answer cut short of its length, and a server that never answers,
# are retried like a dropped connection: tests/unit/test-hostile.)
for case in "huge-length:larger than 16 MiB" "huge-stream:larger than 16 MiB" \
    "cut-close:not JSON" "not-json:not JSON" \
    "wrong-type:does not name the user" "wrong-shape:does not name the user" \
    "trickle:Timeout was reached"; do
	mode=${case%%:*}
	want=${case#*:}
	"$top_builddir/tests/unit/test-hostile" --serve "$mode" "$port" \
	    >"$tap_tmp/hostile.out" 2>&1 &
	hostile=$!
	wait_for 5 grep -q '^port' "$tap_tmp/hostile.out"
	tap_result $? "$mode: the hostile server listens on the sandbox's port"
	start=$(date +%s)
	mt
	took=$(( $(date +%s) - start ))
	kill "$hostile"
	wait "$hostile" 2>/dev/null
	# The README: apply against them exits 8, the step named.
	is "$rc" 8 "$mode: a clean failure, exit status 8 (in ${took} s)"
	grep -q '^request GET /' "$tap_tmp/hostile.out"
	tap_result $? "$mode: apply's requests reached the hostile server"
	contains "$(cat "$tap_tmp/out")" "$want" "$mode: the error says: $want"
	contains "$(cat "$tap_tmp/out")" "Check the sign-in to the organization:" \
	    "$mode: the step it stopped at is named"
	cmp -s "$state" "$tap_tmp/before.json"
	tap_result $? "$mode: the state file is byte for byte as before"
done

# MLOPS_TUI_HTTP_TIMEOUT_MS: a number of ms from 100 to 600000, else the
# default 30 s. Against a server that never answers, the --log line of
# each attempt gives its duration: 100 ends the attempt at once; values
# that would end it as quickly if taken (99, 5, 100x) are not, so no
# attempt ends within 3 s (a lower bound, which load cannot break). The
# upper end (600001) cannot be told from the default without waiting 30 s.
"$top_builddir/tests/unit/test-hostile" --serve silent "$port" \
    >"$tap_tmp/hostile.out" 2>&1 &
hostile=$!
wait_for 5 grep -q '^port' "$tap_tmp/hostile.out"
tap_result $? "silent: the hostile server listens"
doctor_bg() { # TIMEOUT: doctor in the background with its log; sets $dpid
	rm -f "$tap_tmp/http.log"
	MLOPS_TUI_HTTP_TIMEOUT_MS=$1 "$MLOPS_TUI" doctor --org "$SIM_URL" \
	    --repo taxi-fare-regression --pat-file "$tap_tmp/pat" \
	    --log "$tap_tmp/http.log" >/dev/null 2>&1 </dev/null &
	dpid=$!
}
attempted() { grep -q ' attempt 1' "$tap_tmp/http.log" 2>/dev/null; }
doctor_bg 100
wait_for 20 attempted
tap_result $? "MLOPS_TUI_HTTP_TIMEOUT_MS=100: an attempt ends"
ms=$(sed -n 's/.* \([0-9]*\)ms attempt 1.*/\1/p' "$tap_tmp/http.log" | head -n 1)
[ -n "$ms" ] && [ "$ms" -ge 100 ] && [ "$ms" -lt 30000 ]
tap_result $? "after its 100 ms limit, not the default 30 s (${ms:-?} ms)"
kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null
for bad in 99 5 100x; do
	doctor_bg "$bad"
	sleep 3
	! attempted
	tap_result $? "MLOPS_TUI_HTTP_TIMEOUT_MS=$bad is not taken: no attempt ended within 3 s"
	kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null
done
kill "$hostile"
wait "$hostile" 2>/dev/null
done_testing
