# Headless apply as a person watches it: while a pipeline runs, a line
# now and then (--progress; 30 s by default) with how long it has run and
# its stage, wrapped to the terminal when the output is one; and at the
# end, what the setup made with the addresses to see it (the list the
# wizard's finish shows).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/guide.sh"

answers="$tap_tmp/answers.yml"
out="$tap_tmp/apply.out"
# fresh SCALE: a new sandbox world and no state, its runs at SCALE (slow
# enough to outlast a few periods, or not).
fresh() {
	kill "${SIM_PID:-}" 2>/dev/null
	wait "${SIM_PID:-}" 2>/dev/null
	sim_start --reset
	sim_answers "$answers"
	api PATCH _sandbox/settings "{\"time_scale\":$1}"
	rm -rf "$XDG_STATE_HOME/mlops-tui"
}
mt() { # ARGS...: apply with the sandbox's PAT and an Azure device sign-in
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" \
	    --tenant "$SIM_TENANT" --azure-sign-in device "$@"
}
fresh 0.1
# ---- piped: a line a period, each on one line -----------------------------
LC_ALL=C.UTF-8 mt --progress 0.5 >"$out" 2>&1 </dev/null
is "$?" 0 "apply: the setup is whole (exit status 0)"
still=$(grep -F ': still running… [' "$out")
diag "$(grep -F 'Run the infrastructure pipeline (prod): still' "$out" | tail -n 1)"
[ -n "$still" ]
tap_result $? "while steps run, lines say they still run"
contains "$still" "[>] Run the infrastructure pipeline (prod): still running… [" \
    "a running pipeline's line names it"
printf '%s\n' "$still" | grep -Eq '\[([0-9]+m)?[0-9]+s\], stage [A-Za-z]'
tap_result $? "with how long it has run and the stage that runs now"
contains "$(cat "$out")" "$(printf 'What the setup made, and where to see it:\nProject mlops-v2\n    %s/mlops-v2' "$SIM_URL")" \
    "at the end, what was made, the project with its address"
contains "$(cat "$out")" "/mlops-v2/_build/results?buildId=" \
    "the pipeline runs with theirs"
contains "$(cat "$out")" "Resource group rg-contoso-4711prod" "and Azure's resources"
tail -n 1 "$out" | grep -q "done"
tap_result $? "the summary stays the last line"

# ---- the default period is 30 s: a short run says nothing more ------------
fresh 0.02
LC_ALL=C mt >"$out" 2>&1 </dev/null
lacks "$(cat "$out")" "still running" "by default, no line before 30 s"

# ---- on a terminal 60 columns wide: wrapped; "..." outside UTF-8 ---------
fresh 0.1
LC_ALL=C AZURE_DEVOPS_EXT_PAT="$SIM_PAT" script -qec "stty cols 60; '$MLOPS_TUI' apply --yes --answers '$answers' --tenant '$SIM_TENANT' --azure-sign-in device --progress 0.5" /dev/null >"$out" 2>&1 </dev/null
tr -d '\r' < "$out" > "$out.text"
grep -q '^\[>\] Run the infrastructure pipeline (prod): still' "$out.text"
tap_result $? "on a terminal: the line starts as the piped one"
grep -A1 '^\[>\] Run the infrastructure pipeline (prod): still' "$out.text" |
    sed -n 2p | grep -Eq '^    .*running\.\.\. \['
tap_result $? "and goes on, indented, on the next line ('...' outside UTF-8)"
diag "$(grep -A1 '^\[>\] Run the infrastructure pipeline (prod): still' "$out.text" | tail -n 2)"
wide=$(grep -F 'still' "$out.text" | awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }')
[ "$wide" -lt 60 ]
tap_result $? "no still-running line reaches the terminal's width ($wide)"
done_testing
