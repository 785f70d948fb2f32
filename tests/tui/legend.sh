# One legend of status symbols and words: the help screen shows it from
# the core's table, and the wizard's checklist, status, the README and
# mlops-tui(1) use it and nothing else. A skipped step is "[-] skipped"
# everywhere, and not counted done.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
start() { TUI_ARGS=--sandbox tui_start "$@"; }
state="$XDG_STATE_HOME/mlops-tui/sandbox.json"

# Without hosted parallelism the initialisation fails and what needs it
# is blocked: failed, blocked, n/a and done on one screen.
mkdir -p -m 700 "$XDG_STATE_HOME/mlops-tui/sandbox"
sim_start --world "$XDG_STATE_HOME/mlops-tui/sandbox/world.json"
api PATCH _sandbox/settings '{"hosted_parallelism":false}'
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 60 shows "[!] Fill the ML repository"
tap_result $? "the initialisation fails without hosted parallelism"
wait_for 30 shows "finished"
tap_result $? "and the run is over"

keys '?'
wait_for 5 shows "Symbols"
tap_result $? "? shows the legend on the help screen"
# The legend as the help screen draws it: "[x] done", one per line.
pane | sed -n 's/^    \(\[.\] [a-z/ ]*[a-z/]\)  .*/\1/p' > "$tap_tmp/legend"
is "$(wc -l < "$tap_tmp/legend")" 9 "nine marks, each with its word"
for mark in "[ ] pending" "[>] running" "[x] done" "[!] failed" \
    "[-] skipped" "[h] by hand" "[.] n/a" "[?] cannot tell"; do
	grep -qxF -- "$mark" "$tap_tmp/legend"
	tap_result $? "the legend has $mark"
done
blocked=$(grep ' blocked$' "$tap_tmp/legend" | cut -c1-3)
isnt_pending() { [ -n "$blocked" ] && [ "$blocked" != "[ ]" ]; }
isnt_pending
tap_result $? "blocked is drawn distinctly ($blocked), not as pending"
while read -r line; do
	symbol=$(printf '%s' "$line" | cut -c1-3)
	word=$(printf '%s' "$line" | cut -c5-)
	grep -qF -- "| \`$symbol\` | $word |" "$top_srcdir/README.md"
	tap_result $? "the README's legend has $line"
	grep -qF -- ".It Li \"$line\"" "$top_srcdir/man/mlops-tui.1"
	tap_result $? "mlops-tui(1)'s legend has $line"
done < "$tap_tmp/legend"
keys Escape
wait_for 5 shows "Up/Down select"

# Every line of the checklist starts with a symbol of the legend.
cut -c1-3 "$tap_tmp/legend" > "$tap_tmp/symbols"
pane | sed -n '3,16p' | cut -c1-3 | grep -vxF -f "$tap_tmp/symbols" > "$tap_tmp/strays"
is "$(cat "$tap_tmp/strays")" "" "the checklist's symbols are all in the legend"
# What waits for it is below, past the 80x24 list's fold.
select_step "Let the build identity push"
keys Down Down
contains "$(pane)" "$blocked " "what waits for the failure is drawn blocked"

done_before=$(pane | head -n 1 | sed -n 's|.* \([0-9]*\)/[0-9]* done.*|\1|p')
select_step "Fill the ML repository"
tap_result $? "the failed step is selected"
keys s
wait_for 10 shows "[-] Fill the ML repository"
tap_result $? "s marks it [-], as the legend says skipped"
wait_for 10 shows "finished"
lacks "$(pane)" "[h] Fill the ML repository" "not [h]: skipped is not by hand"
wait_for 10 sh -c "jq -e '.steps[] | select(.id == \"initialise\") | .status == \"skipped\"' '$state' >/dev/null"
tap_result $? "the state file says skipped"
# What the skip let go on may run: count the skipped step alone.
done_after=$(pane | head -n 1 | sed -n 's|.* \([0-9]*\)/[0-9]* done.*|\1|p')
newly=$(jq '[.steps[] | select(.status == "done")] | length' "$state")
is "$done_after" "$newly" "the header counts done steps alone, the skipped one not among them ($done_before before)"
keys q
tui_quit_status >/dev/null

run -s "$state" status
contains "$out" "[-] skipped Fill the ML repository" "status says [-] skipped too"
printf '%s\n' "$out" | sed -n 's/^  \(\[.\]\) .*/\1/p' | sort -u |
    grep -vxF -f "$tap_tmp/symbols" > "$tap_tmp/strays"
is "$(cat "$tap_tmp/strays")" "" "status's symbols are all in the legend"
done_testing
