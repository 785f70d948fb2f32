# The curses wizard in a real terminal (tmux, a private socket, 80x24):
# driven by keys, read back as text, waiting for what it should show -
# never for a fixed time.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
# start ENV...: the wizard on the embedded sandbox, in a new window.
start() { TUI_ARGS=--sandbox tui_start "$@"; }
world() { jq "$1" "$XDG_STATE_HOME/mlops-tui/sandbox/world.json"; }

# ---- the whole guide on the sandbox, to the finish ---------------------------
start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 60 state_done project
keys Home
wait_for 5 shows "[x] Create the mlops-v2 project"
tap_result $? "the checklist shows the project created"
contains "$(pane | head -n 1)" "SANDBOX" "the SANDBOX badge is on the screen"
contains "$(pane | sed -n 2p)" "────" "UTF-8 line drawing in a UTF-8 locale"
[ -n "$(pane_colours)" ]
tap_result $? "colours are drawn when NO_COLOR is not set"
# The selection follows the running steps; Home takes it to the first.
tmux -L "$sock" send-keys -t w Home j
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | sed -n 3p | grep -qF '│ Create the mlops-v2 project'"
tap_result $? "Down selects the next step: its detail is shown beside the list"
is "$(tmux -L "$sock" display -p -t w '#{cursor_y}')" 3 "the cursor sits on the selected step (for screen readers)"
tmux -L "$sock" send-keys -t w '?'
wait_for 5 shows "Keys"
tap_result $? "? shows the help, the legend, then the key table"
help_to() { shows "$1" && return 0; tmux -L "$sock" send-keys -t w Down; return 1; }
wait_for 10 help_to "Ctrl-C"
tap_result $? "every key of the table is listed, Down scrolling to the last"
tmux -L "$sock" send-keys -t w Escape
wait_for 5 shows "Up/Down select"
tap_result $? "Esc goes back to the checklist"
tmux -L "$sock" resize-window -t w -x 60 -y 20
wait_for 5 shows "enlarge the terminal to 80x24"
tap_result $? "a terminal smaller than 80x24 asks to be enlarged"
tmux -L "$sock" resize-window -t w -x 80 -y 24
wait_for 5 shows "Up/Down select"
tap_result $? "resized back, the screen is redrawn"
wait_for 120 shows "finished"
tap_result $? "the whole guide runs to the end"
contains "$(pane)" "The setup is whole: every step is done." "the finish says the setup is whole"
tmux -L "$sock" send-keys -t w l
wait_for 5 shows "log, lines"
tap_result $? "l shows the whole log"
contains "$(pane)" "/mlops-v2/_git/taxi-fare-regression" "with the repository's URL"
contains "$(pane)" "The setup is whole: every step is done." "at its end"
tmux -L "$sock" send-keys -t w Home
wait_for 5 shows "log, lines 1-"
tap_result $? "Home goes to its start"
contains "$(pane | sed -n 3,4p)" "[x] Check" "where the first checks are (after the sign-in)"
tmux -L "$sock" send-keys -t w Escape
wait_for 5 shows "Up/Down select"
tap_result $? "Esc goes back to the checklist"
tmux -L "$sock" send-keys -t w q
wait_for 10 test -s "$tap_tmp/status"
is "$(cat "$tap_tmp/status")" 0 "q quits; exit status 0 for a whole setup"
is "$(jq -r '[.steps[] | select(.id == "verify-azure") | .status] | join("")' "$XDG_STATE_HOME/mlops-tui/sandbox.json")" done \
    "the state file says it is done"

# ---- killed mid-run, started again: it resumes, nothing made twice ------------
rm -rf "$XDG_STATE_HOME/mlops-tui"
start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 60 state_done import-mlops-templates
victim=$(tui_pid)
[ -n "$victim" ] && kill -KILL "$victim"
wait_for 20 test -s "$tap_tmp/status"
is "$(cat "$tap_tmp/status")" 137 "SIGKILLed mid-run"
start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 120 shows "finished"
tap_result $? "started again, it resumes and runs to the end"
is "$(world '[.projects[] | select(.name == "mlops-v2")] | length')" 1 "one project"
is "$(world '[.definitions[] | select(.name == "initialise-project")] | length')" 1 "one initialise-project pipeline"
is "$(world '(.definitions[] | select(.name == "initialise-project") | .id) as $d | [.builds[] | select(.definition_id == $d)] | length')" 1 "initialise-project run once"
tmux -L "$sock" send-keys -t w C-c
wait_for 10 test -s "$tap_tmp/status"
is "$(cat "$tap_tmp/status")" 0 "Ctrl-C quits as q does"

# ---- a failure, and the manual path ---------------------------------------------
# A new organization without hosted parallelism (pitfall 5): the
# initialisation fails; its detail says why, how to fix it, and how to do
# it by hand; m marks it done by hand.
tmux -L "$sock" kill-server 2>/dev/null
rm -rf "$XDG_STATE_HOME/mlops-tui"
mkdir -p -m 700 "$XDG_STATE_HOME/mlops-tui/sandbox"
sim_start --world "$XDG_STATE_HOME/mlops-tui/sandbox/world.json"
api PATCH _sandbox/settings '{"hosted_parallelism":false}'
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 60 shows "[!] Fill the ML repository"
tap_result $? "the initialisation fails without hosted parallelism"
select_step "Fill the ML repository"
tap_result $? "the failed step can be selected"
# The detail gives errors.yml's explanation and fix of pitfall 5.
contains "$(detail)" "Why" "its detail says why"
contains "$(detail)" "Why The organization has no Microsoft-hosted parallel" \
    "with the known failure's explanation"
tmux -L "$sock" send-keys -t w Enter
wait_for 10 shows "Up/Down scroll"
tap_result $? "Enter opens the step"
scrolled_to() {
	shows "$1" && return 0
	tmux -L "$sock" send-keys -t w j
	return 1
}
wait_for 10 scrolled_to "Hand    "
tap_result $? "which shows how to do it by hand, scrolled to"
wait_for 10 scrolled_to "/.azuredevops/initialise-project.yml"
tap_result $? "the manual steps, filled in, name the pipeline's file"
tmux -L "$sock" send-keys -t w Escape
wait_for 10 shows "Up/Down select"
tap_result $? "Esc goes back to the checklist"
tmux -L "$sock" send-keys -t w m
wait_for 10 shows "[h] Fill the ML repository"
tap_result $? "m marks it done by hand"
wait_for 10 sh -c "jq -e '.steps[] | select(.id == \"initialise\") | .status == \"manual\"' '$XDG_STATE_HOME/mlops-tui/sandbox.json' >/dev/null"
tap_result $? "and the state file says so"
tmux -L "$sock" send-keys -t w r
wait_for 10 sh -c "jq -e '.steps[] | select(.id == \"initialise\") | .status != \"manual\"' '$XDG_STATE_HOME/mlops-tui/sandbox.json' >/dev/null"
tap_result $? "r undoes the mark"
# s skips it (README: a failed step can be skipped), r undoes that too.
wait_for 10 shows "[!] Fill the ML repository"
tap_result $? "undone, the step is failed again"
tmux -L "$sock" send-keys -t w s
# (The checklist shows a step the operator marked, skipped or by hand,
# as "[h] kept"; its detail and the state file tell which.)
skipped_shown() { shows "marked skipped by the operator" && ! shows "[!] Fill the ML repository"; }
wait_for 10 skipped_shown
tap_result $? "s marks it skipped: its detail says so"
wait_for 10 sh -c "jq -e '.steps[] | select(.id == \"initialise\") | .status == \"skipped\"' '$XDG_STATE_HOME/mlops-tui/sandbox.json' >/dev/null"
tap_result $? "and the state file says so"
contains "$("$MLOPS_TUI" --state "$XDG_STATE_HOME/mlops-tui/sandbox.json" status)" \
    "[-] skipped Fill the ML repository" "and status shows it [-] skipped"
tmux -L "$sock" send-keys -t w r
wait_for 10 sh -c "jq -e '.steps[] | select(.id == \"initialise\") | .status != \"skipped\"' '$XDG_STATE_HOME/mlops-tui/sandbox.json' >/dev/null"
tap_result $? "r undoes the skip"
# Quit once the run is over, nothing running: steps left is 8 (130 is for
# a run interrupted).
wait_for 60 shows "The run is over"
tap_result $? "the run is over, with steps left"
tmux -L "$sock" send-keys -t w q
is "$(tui_quit_status)" 8 "q quits; exit status 8, steps left to do"

# ---- ASCII and no colour ----------------------------------------------------------
start LANG=C LC_ALL=C NO_COLOR=1
wait_for 60 shows "Up/Down select"
tap_result $? "it starts in the C locale"
contains "$(pane | sed -n 2p)" "------" "ASCII line drawing outside a UTF-8 locale"
is "$(pane_colours | sort -u | tr '\n' ' ')" "" "NO_COLOR: no colour escapes on the screen, of any colour"
wait_for 60 shows "The run is over"
tap_result $? "the run is over, with steps left"
tmux -L "$sock" send-keys -t w q
is "$(tui_quit_status)" 8 "q quits; exit status 8, steps left to do"

# ---- without a terminal, or without answers ------------------------------------
run --sandbox </dev/null
is "$rc" 2 "no terminal: exit status 2"
contains "$err" "use 'mlops-tui plan' and 'mlops-tui apply' instead" "and a pointer to plan and apply"
out=$(TERM=dumb script -qec "'$MLOPS_TUI' --sandbox" /dev/null 2>&1) && rc=0 || rc=$?
is "$rc" 2 "TERM=dumb: exit status 2"
contains "$out" "TERM other than dumb" "TERM=dumb: the same message"
done_testing
