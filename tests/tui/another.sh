# Another ML project from the wizard's finish (issue 16 item 2): once the
# sandbox guide is over, a asks for a repository and a postfix; a name the
# first project has is refused in place, every problem said, nothing
# started; a new one runs beside it on the same sign-in, the accelerator
# taken from the first (not made again), with its own state file; quit
# names both states.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
TUI_ARGS=--sandbox tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 120 shows "finished"
tap_result $? "the sandbox guide runs to its end"
contains "$(pane)" "a adds another ML project beside it." "the finish line in the log offers a"

state_dir="$XDG_STATE_HOME/mlops-tui"
org=$(jq -r '.answers.organization' "$state_dir/sandbox.json")
pat=$(jq -r '.pat' "$state_dir/sandbox/world.json")
ado() { # PATH: a GET in the sandbox's organization
	curl -s -u ":$pat" "$org/$1"
}

keys a
wait_for 5 shows "Another ML project, sharing the accelerator and sign-in of taxi-fare-regression"
tap_result $? "a asks for another ML project"
contains "$(pane)" "Postfix (every environment): 0043" "the postfix after the first one's is offered"
keys Enter Enter
wait_for 5 shows "give the new ML project's repository"
tap_result $? "no repository: said, nothing started"
type_text "taxi-fare-regression"
keys Tab BSpace BSpace
type_text "42"
keys Enter
wait_for 5 shows_text "the new project: repository taxi-fare-regression is taxi-fare-regression's too"
tap_result $? "the first one's repository is refused"
contains "$(pane | tr -s '\n ' '  ')" "namespace sandbox and postfix 0042 (prod) are taxi-fare-regression's too" \
    "and its Azure names, said with it"
is "$(ado "mlops-v2/_apis/git/repositories?api-version=7.1" | jq '.count')" 4 \
    "nothing was started: still the three imports and one ML repository"
keys Tab
for _ in $(seq 20); do keys BSpace; done
type_text "taxi-two"
keys Tab BSpace BSpace
type_text "77"
contains "$(pane)" "Service connection: Azure-ARM-Prod-taxi-two" "its own service connection, named after it"
imports_before=$(ado "mlops-v2/_apis/git/repositories?api-version=7.1" | jq '[.value[] | select(.name | startswith("mlops-"))] | length')
keys Enter
wait_for 10 shows "taxi-two"
tap_result $? "Enter starts it"
wait_for 120 shows "finished"
tap_result $? "its run comes to its end"
keys l
wait_for 5 shows "log, lines"
keys /
type_text "Another ML project: taxi-two"
keys Enter
wait_for 5 shows_text "Another ML project: taxi-two (state"
tap_result $? "the log says it started, with its state file"
keys Escape
wait_for 5 shows "Up/Down select"
contains "$(pane)" "24/24 done" "every step of it done"
contains "$(pane)" "The setup is whole: every step is done." "the new project is whole"
is "$(ado "mlops-v2/_apis/git/repositories/taxi-two?api-version=7.1" | jq -r '.name')" "taxi-two" \
    "over REST: its repository"
is "$(ado "mlops-v2/_apis/git/repositories?api-version=7.1" | jq '[.value[] | select(.name | startswith("mlops-"))] | length')" \
    "$imports_before" "the accelerator's repositories were not imported again"
new_state=$(ls "$state_dir"/*+taxi-two.json)
is "$(jq -r '[.steps[] | select(.status != "done")] | length' "$new_state")" 0 \
    "its own state file, every step done"
is "$(jq -r '.steps[] | select(.id == "project") | .created["found.id"]' "$new_state")" "true" \
    "the project recorded as found there, not made"
is "$(ado "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=Azure-ARM-Prod-taxi-two&api-version=7.1" | jq '.count')" 1 \
    "over REST: its own service connection"
keys q
is "$(tui_quit_status)" 0 "q quits with exit status 0: both whole"
shell=$(tmux -L "$sock" capture-pane -p -S -20 -t w | tr -d '\n')
contains "$shell" "sandbox.json" "the shell is told the first state"
contains "$shell" "taxi-two.json" "and the new one's"
contains "$shell" "Every setup is whole." "and that both are whole"
done_testing
