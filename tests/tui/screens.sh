# The wizard's screens as a person meets them, in one session on the
# sandbox (tmux, 80x24): a running pipeline's stages in the step screen,
# the log with its times, pages, wrapping and search, each screen's own
# help, and a key that does nothing saying why.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"

row() { pane | sed -n "$1p"; }
title_has() { pane | head -n 1 | grep -qF -- "$1"; }

sim_start
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
# Slow enough for a pipeline run to be watched in the step screen.
api PATCH _sandbox/settings '{"time_scale":0.3}'
TUI_ARGS="--answers '$answers' --azure-sign-in device" \
    tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8 "AZURE_DEVOPS_EXT_PAT='$SIM_PAT'"

# A running pipeline's stages and jobs in the step screen too.
infra="Run the infrastructure pipeline (prod)"
wait_for 60 shows "[>] $infra"
tap_result $? "the infrastructure pipeline runs"
select_step "$infra"
keys Enter
wait_for 60 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -q '^Now     Stage [^:]*: [a-z]* [0-9]:[0-9][0-9]'"
tap_result $? "Enter on a running pipeline shows its stages live, with their time"
keys Escape
api PATCH _sandbox/settings '{"time_scale":0.02}'
wait_for 120 shows "finished"
tap_result $? "the setup runs to its end"

# A key that does nothing says why.
select_step "$infra"
keys m
wait_for 5 shows "m does nothing here: it is done already."
tap_result $? "m on a done step says why it does nothing"
keys j
wait_for 5 shows "Up/Down select"
tap_result $? "the next key brings the hints back"
keys p
wait_for 5 shows "p does nothing here: select a service principal step first."
tap_result $? "p off a service principal step says why, no paste screen opened"
select_step "Provide a service principal"
keys p
wait_for 5 shows "p does nothing here: the step is done already."
tap_result $? "p on a done principal step says so before a secret is pasted"

# Each screen's help lists its own keys.
keys '?'
wait_for 5 shows "select the step above"
tap_result $? "the run screen's help lists its keys"
lacks "$(pane; keys PageDown; sleep 0.3; pane)" "search" "and not the log's"
keys Escape
keys l
wait_for 5 shows "log, lines"
tap_result $? "l opens the log"
keys '?'
wait_for 5 shows "search: type the text"
tap_result $? "the log's help lists its keys"
lacks "$(pane; keys PageDown; sleep 0.3; pane)" "select the step above" \
    "and not the checklist's"
keys Escape
wait_for 5 shows "log, lines"

# Every line with the time it was logged; continuations under the text.
stamped=$(pane | sed -n '3,22p' | grep -cE '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] ')
loose=$(pane | sed -n '3,22p' | grep -cvE '^([0-2][0-9]:[0-5][0-9]:[0-5][0-9] |         )')
[ "$stamped" -ge 10 ] && [ "$loose" -eq 0 ]
tap_result $? "each log line starts with its time ($stamped stamped, $loose neither)"

# Pages.
keys Home
wait_for 5 title_has "log, lines 1-"
tap_result $? "Home goes to the log's start"
keys PageDown
wait_for 5 sh -c "! tmux -L '$sock' capture-pane -p -t w | head -n 1 | grep -qF 'log, lines 1-'"
tap_result $? "PgDn goes a page down"
keys PageUp
wait_for 5 title_has "log, lines 1-"
tap_result $? "PgUp back up"

# Search, and a long line wrapped with its address whole.
keys n
wait_for 5 shows "nothing searched for yet; / searches"
tap_result $? "n before any search says how to search"
keys / ; type_text "run 2 of"; keys Enter
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | sed -n 3p | grep -qF 'run 2 of'"
tap_result $? "/ brings the line that holds the text to the top"
contains "$(tmux -L "$sock" capture-pane -p -e -t w | sed -n 3p)" "$(printf '\033[7mrun 2 of')" \
    "the match is shown reversed"
url=$(pane | sed -n '3,6p' | grep -oE 'https?://[^ ]*_build/results\?buildId=2$')
contains "$url" "$SIM_URL/mlops-v2/_build/results?buildId=2" \
    "the line wraps, its address whole on a row of its own"
keys / ; type_text "buildId=2"; keys Enter
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | sed -n 3p | grep -qF 'run 2 of'"
tap_result $? "a search starts at the top line"
lacks "$(pane)" "Pipeline run 2:" "the finish's line for that run is further down"
keys n
wait_for 5 shows "Pipeline run 2:"
tap_result $? "n goes to the next line that holds the text"
keys / ; type_text "no such text anywhere"; keys Enter
wait_for 5 shows "not found: no such text anywhere"
tap_result $? "a text not in the log says so"
keys Escape
wait_for 5 shows "Up/Down select"
tap_result $? "Esc goes back to the checklist"

# w: the answers as a file, to repeat the setup headless.
saved="$tap_tmp/saved answers.yml"
keys w
wait_for 5 shows "Write the answers to: "
tap_result $? "w asks where to write the answers"
keys -N 300 BSpace
type_text "$saved"
keys Enter
wait_for 5 test -s "$saved"
tap_result $? "Enter writes the file"
is "$(stat -c %a "$saved")" 600 "readable by the operator alone"
lacks "$(cat "$saved")" "$SIM_PAT" "no token in it"
contains "$(cat "$saved")" 'postfix: "4711"' "the postfix kept as text"
echo "changed by hand" >> "$saved"
keys w
wait_for 5 shows "Write the answers to: "
keys -N 300 BSpace
type_text "$saved"
keys Enter
wait_for 5 shows "A file is there already: replace it? (y/n)"
tap_result $? "a file there already is not replaced without asking"
keys n Escape
wait_for 5 shows "Up/Down select"
contains "$(cat "$saved")" "changed by hand" "n leaves it as it was"
keys w
wait_for 5 shows "Write the answers to: "
keys -N 300 BSpace
type_text "$saved"
keys Enter
wait_for 5 shows "replace it? (y/n)"
keys y
wait_for 5 shows "Answers written to"
lacks "$(cat "$saved")" "changed by hand" "y replaces it"
mkdir -p "$HOME"
keys w
wait_for 5 shows "Write the answers to: "
keys -N 300 BSpace
type_text "~/home answers.yml"
keys Enter
wait_for 5 test -s "$HOME/home answers.yml"
tap_result $? "~/ is the operator's home, as in a shell"
# The round trip: the saved answers, planned from a new state on the same
# sandbox, find every step there.
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" --state "$tap_tmp/fresh.json" \
    plan --answers "$saved" --azure-sign-in device > "$tap_tmp/plan.out" 2>&1 </dev/null
is "$?" 0 "plan --answers of the saved file: exit status 0"
lacks "$(grep -E '^ *\[[ !?>]\]' "$tap_tmp/plan.out")" "[" "and nothing left to do"

keys q
is "$(tui_quit_status)" 0 "q quits; exit status 0"
done_testing
