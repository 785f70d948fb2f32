# The teardown from the wizard: once the sandbox guide is over, d opens
# its review - the lines of plan --destroy, grouped, in the one legend -
# which deletes nothing until the repository's name is typed; confirmed,
# each item is shown as it goes while keys are still answered, and over
# REST the ML repository and the environment are gone, the project kept.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
TUI_ARGS=--sandbox tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 120 shows "finished"
tap_result $? "the sandbox guide runs to its end"

state="$XDG_STATE_HOME/mlops-tui/sandbox.json"
org=$(jq -r '.answers.organization' "$state")
pat=$(jq -r '.pat' "$XDG_STATE_HOME/mlops-tui/sandbox/world.json")
ado() { # PATH: the HTTP status of a GET in the sandbox's organization
	curl -s -o /dev/null -w '%{http_code}' -u ":$pat" "$org/$1"
}
is "$(ado "mlops-v2/_apis/git/repositories/taxi-fare-regression?api-version=7.1")" 200 \
    "before: the ML repository is there"

contains "$(pane | tail -n 1)" "d teardown" "the footer offers the teardown once the run is over"
keys d
wait_for 5 shows "teardown review"
tap_result $? "d opens the teardown review"
review=$(pane)
contains "$review" "Azure DevOps" "grouped: Azure DevOps"
contains "$review" "Entra ID" "grouped: Entra ID"
contains "$review" "Azure" "grouped: Azure"
contains "$review" "[ ] the resource group rg-" "the resource group, to remove"
contains "$review" "Type taxi-fare-regression to delete" "it asks for the repository's name"
contains "$review" "--all off (project, imports)" "--all is off"
keys '?'
wait_for 5 shows_text "The teardown of this setup, as mlops-tui plan --destroy"
tap_result $? "? shows the review's help, not typed into the name"
keys Escape
wait_for 5 shows "teardown review"
keys PageDown PageDown
wait_for 5 shows "[.] the project mlops-v2"
tap_result $? "the project is listed as left (not asked for)"
contains "$(pane)" "the accelerator's: give --all" "with its note"
contains "$(pane)" "[ ] the ML repository taxi-fare-regression" "the ML repository, to remove"

keys Tab Tab Space
wait_for 5 shows "--all on (project, imports)"
tap_result $? "Tab and Space switch --all on"
keys PageDown PageDown
wait_for 5 shows "[ ] the project mlops-v2"
tap_result $? "with --all the project is to remove"
contains "$(pane)" "Type mlops-v2 to delete" "and the project's name is asked for"
keys Space Tab
wait_for 5 shows "--all off (project, imports)"
tap_result $? "and off again"

type_text "taxi-fare"
keys Enter
wait_for 5 shows "Type taxi-fare-regression exactly"
tap_result $? "a wrong name deletes nothing, and says why"
is "$(ado "mlops-v2/_apis/git/repositories/taxi-fare-regression?api-version=7.1")" 200 \
    "the ML repository is still there"

# Azure's deletes slowed, for the keys to be tried while they go on.
curl -s -o /dev/null -u ":$pat" -X PATCH -H 'Content-Type: application/json' \
    --data-binary '{"time_scale":0.1}' "$org/_sandbox/settings"
type_text "-regression"
keys Enter
wait_for 5 shows "teardown removing"
tap_result $? "the right name starts the teardown"
keys l
wait_for 5 shows "log, lines"
tap_result $? "keys are answered while it removes"
# Blocked by the removals, the key would be read only after them, and the
# log would end with the summary.
lacks "$(pane)" " removed, " "the log shows while the teardown goes on"
keys Escape
wait_for 5 shows "Up/Down select"
keys r
wait_for 5 shows "Not while the teardown removes the setup"
tap_result $? "the checklist takes no retry while the teardown goes on"
keys d
start=$(date +%s)
wait_for 60 shows "teardown over"
tap_result $? "the teardown comes to its end"
over=$(pane)
contains "$over" "[x] the ML repository taxi-fare-regression" "each item shown removed"
contains "$over" "0 failed, 0 kept (there before the setup)" "the final line: nothing failed"
lacks "$over" "[!]" "no item failed"

# Over, the checklist is judged again from the state: what was removed
# is to do, what is left stays done, and nothing says it is whole.
keys Escape
wait_for 10 shows "torn down"
tap_result $? "the checklist is judged again once the teardown is over"
lacks "$(pane | head -n 1)" "finished" "its header no longer says finished"
contains "$(pane | tail -n 2)" "After the teardown: " \
    "the log pane ends with what is left"
lacks "$(pane)" "The setup is whole" "nor that the setup is whole"
lacks "$(pane | tail -n 1)" "r retry" "the footer offers no retry"
keys Home
wait_for 5 at_first
contains "$(pane)" "[ ] Create the ML project repository" \
    "the ML repository, removed, is to do"
contains "$(pane)" "[ ] Let the build identity create and" \
    "the rights granted, removed, are to do"
contains "$(pane)" "[x] Create the mlops-v2 project" "the project, kept, is done"
keys r
wait_for 5 shows "Not after the teardown: this checklist only shows what is left."
tap_result $? "r sets nothing up again after the teardown"
keys Down     # a key that clears the note, for the next to say its own
wait_for 5 eval '! shows "Not after the teardown"'
keys c
wait_for 5 shows "Not after the teardown: this checklist only shows what is left."
tap_result $? "nor does c check drift on it"

keys l
wait_for 5 shows "log, lines"
type_text "/[x] the ML repository taxi"
keys Enter
wait_for 5 shows "[x] the ML repository taxi-fare-regression"
tap_result $? "each removal is in the log"
type_text "/removed, 0 failed, 0 kept"
keys Enter
wait_for 5 shows "0 failed, 0 kept"
tap_result $? "the log has the summary"
log=$(pane | tr -s '\n ' '  ')
contains "$log" "not asked for). $(date +%H):" \
    "the summary is the teardown's last line" # the next is stamped
contains "$log" "judged again from what the teardown left" \
    "then the checklist judged again"
lacks "$log" "still shows the run before the teardown" \
    "no line says the checklist shows the old run"
keys Escape
wait_for 5 shows "torn down"
keys d
wait_for 5 shows "teardown over"
tap_result $? "d shows the teardown's outcome again"
keys Enter
wait_for 5 shows "teardown review"
tap_result $? "and Enter reviews what is left"
contains "$(pane)" "[.] the project mlops-v2" "the project, left"
lacks "$(pane)" "the ML repository taxi-fare-regression" "the ML repository, removed, is no longer listed"
keys Escape

is "$(ado "mlops-v2/_apis/git/repositories/taxi-fare-regression?api-version=7.1")" 404 \
    "over REST: the ML repository is gone"
is "$(curl -s -u ":$pat" "$org/mlops-v2/_apis/distributedtask/environments?api-version=7.1" |
    jq '[.value[] | select(.name == "prod")] | length')" 0 \
    "over REST: the environment is gone"
is "$(ado "_apis/projects/mlops-v2?api-version=7.1")" 200 \
    "over REST: the project is kept (no --all)"
keys q
is "$(tui_quit_status)" 0 "q quits with exit status 0 after a teardown with no failure"
shell=$(tmux -L "$sock" capture-pane -p -S -20 -t w)
contains "$shell" "The teardown is over." "the shell is told"

# ---- quit while it removes: stopped after the item in hand --------------
XDG_STATE_HOME="$tap_tmp/again"
mkdir -p "$XDG_STATE_HOME"
state="$XDG_STATE_HOME/mlops-tui/sandbox.json"
TUI_ARGS=--sandbox tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 120 shows "finished"
tap_result $? "a second sandbox guide runs to its end"
org=$(jq -r '.answers.organization' "$state")
pat=$(jq -r '.pat' "$XDG_STATE_HOME/mlops-tui/sandbox/world.json")
curl -s -o /dev/null -u ":$pat" -X PATCH -H 'Content-Type: application/json' \
    --data-binary '{"time_scale":0.1}' "$org/_sandbox/settings"
keys d
wait_for 5 shows "teardown review"
type_text "taxi-fare-regression"
keys Enter
wait_for 5 shows "Removing the resource group"
tap_result $? "the teardown starts with the resource group"
keys q
is "$(tui_quit_status)" 130 "q while it removes: exit status 130"
shell=$(tmux -L "$sock" capture-pane -p -S -20 -t w)
contains "$shell" "The teardown was stopped: run mlops-tui destroy to go on." \
    "the shell is told how to go on"
repo_id=$(jq -r '.steps[] | select(.id == "ml-repository") | .created.id // empty' "$state")
[ -n "$repo_id" ]
tap_result $? "the ML repository, after the item in hand, is still recorded for destroy"
done_testing
