# Exit statuses and signals (issue 17, items 16-18; issue 15's "decide one
# rule"): plan's status says what apply would end with; a refused PAT is a
# failure, not a step to do; a reader that goes away (apply | head) stops
# apply as SIGINT does, saying so, instead of a silent SIGPIPE death; a
# signal stops apply and the wizard with 130, and what apply counts
# "interrupted" is what the state file keeps "running".
. "$top_srcdir/tests/lib.sh"
# Slow enough that a run can be caught mid-way.
sim_start --time-scale 0.3

answers="$tap_tmp/answers.yml"
sim_answers "$answers"
state_dir="$XDG_STATE_HOME/mlops-tui"

# mt PAT ARGS...: mlops-tui with PAT, at most 60 s; sets $out, $rc.
mt() {
	_pat=$1; shift
	out=$(AZURE_DEVOPS_EXT_PAT=$_pat timeout 60 "$MLOPS_TUI" "$@" \
	    </dev/null 2>&1) && rc=0 || rc=$?
}
# running_in FILE: how many steps the state file keeps running.
running_in() { jq '[.steps[] | select(.status == "running")] | length' "$1"; }

# --- 16. plan with a refused PAT -----------------------------------------------
mt not-the-pat plan --answers "$answers"
is "$rc" 1 "plan with a refused PAT: exit status 1 (a step failed)"
contains "$out" "[!] Check the sign-in to the organization" "the sign-in shows failed"
lacks "$out" "[ ] Check the sign-in" "not as a step to do"
contains "$out" "waits for 'Check the sign-in to the organization' (failed)" "what needs it is blocked by a failure"

# --- plan's status is what apply would end with --------------------------------
mt "$SIM_PAT" plan --answers "$answers"
is "$rc" 0 "plan of a new organization apply can do whole: 0"
lacks "$out" "blocked" "nothing blocked on a new organization"
contains "$out" "[ ] Fix the known defects of the shipped templates" \
    "the templates' defects are to do, not 'cannot tell', before the import"
grep -v subscription_id "$answers" > "$tap_tmp/nosub.yml"
mt "$SIM_PAT" plan --answers "$tap_tmp/nosub.yml"
is "$rc" 8 "plan that finds steps apply would leave (no subscription_id): 8"
contains "$out" "blocked" "and they are shown blocked"

# --- 18. SIGINT and SIGTERM: 130, interrupted = running -------------------------
for sig in INT TERM HUP; do
	s="$tap_tmp/sig-$sig.json"
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" -s "$s" apply --yes \
	    --answers "$answers" </dev/null >"$tap_tmp/sig.out" 2>&1 &
	pid=$!
	wait_for 30 grep -q '^\[>\] Import' "$tap_tmp/sig.out"
	kill -"$sig" $pid
	wait $pid && rc=0 || rc=$?
	is "$rc" 130 "apply stopped by SIG$sig: 130"
	n=$(running_in "$s")
	contains "$(cat "$tap_tmp/sig.out")" ", $n interrupted" \
	    "SIG$sig: apply counts interrupted what the state keeps running ($n)"
	lacks "$(cat "$tap_tmp/sig.out")" " failed" "SIG$sig: nothing counted failed"
	lacks "$(cat "$tap_tmp/sig.out")" "[!]" "SIG$sig: nothing shown failed"
done

# --- 17. apply | head -2 --------------------------------------------------------
s="$tap_tmp/pipe.json"
( AZURE_DEVOPS_EXT_PAT="$SIM_PAT" timeout 60 "$MLOPS_TUI" -s "$s" apply --yes \
    --answers "$answers" </dev/null 2>"$tap_tmp/pipe.err"
  echo $? > "$tap_tmp/pipe.rc" ) | head -2 > "$tap_tmp/pipe.out"
is "$(cat "$tap_tmp/pipe.rc")" 130 "apply | head -2: stops as on SIGINT (130), no SIGPIPE death (141)"
contains "$(cat "$tap_tmp/pipe.err")" "the output was closed: stopped" "and says so on stderr"
is "$(wc -l < "$tap_tmp/pipe.out")" 2 "head had its two lines"
mt "$SIM_PAT" -s "$s" status
is "$rc" 0 "the state it left is readable"
mt "$SIM_PAT" plan --answers "$answers" -s "$s"
plan_out=$out
( AZURE_DEVOPS_EXT_PAT="$SIM_PAT" timeout 60 "$MLOPS_TUI" -s "$s" plan \
    --answers "$answers" </dev/null 2>"$tap_tmp/plan-pipe.err"; echo $? > "$tap_tmp/pipe.rc" ) | head -1 >/dev/null
is "$(cat "$tap_tmp/pipe.rc")" 130 "plan | head -1: 130 too"
[ "$(cat "$tap_tmp/pipe.rc")" = 130 ] || diag "$(head -c 4000 "$tap_tmp/plan-pipe.err")"
contains "$plan_out" "Plan for" "(plan itself runs)"

# --- 18. the wizard on SIGTERM ----------------------------------------------------
. "$top_srcdir/tests/tui/tmux.sh"
rm -rf "$state_dir"
TUI_ARGS="--answers '$answers' --azure-sign-in device" \
    tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8 "AZURE_DEVOPS_EXT_PAT='$SIM_PAT'"
# running_now: the wizard's state file keeps a step running.
running_now() {
	for f in "$state_dir"/*.json; do
		[ -f "$f" ] && [ "$(running_in "$f")" -gt 0 ] && return 0
	done
	return 1
}
wait_for 60 running_now
tap_result $? "the wizard runs steps"
victim=$(tui_pid)
[ -n "$victim" ] && kill -TERM "$victim"
is "$(tui_quit_status)" 130 "the wizard stopped by SIGTERM: 130, as the man page says"

done_testing
