# The detail pane follows the running step: as each step starts it is
# selected, until the operator moves the selection; from then on it stays
# where they put it, while later steps start, to the end of the run.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
# detail_title: the detail pane's first line, the selected step's title.
detail_title() { pane | sed -n '3p' | sed 's/.*│ //'; }
cursor_running() { cursor_line | grep -qF '[>] '; }
cursor_on() { cursor_line | grep -qF -- "$1"; }

TUI_ARGS=--sandbox tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 30 shows "Up/Down select"
tap_result $? "the run screen is up"
wait_for 30 cursor_running
tap_result $? "the selection has gone to a running step by itself"
# Waited for, not read once: a step may start and end between two reads
# of the screen (under load it did), its selection seen running and its
# detail done.
detail_running() { pane | sed -n '3,/ Log /p' | grep -qF "Status [>] running"; }
wait_for 30 detail_running
tap_result $? "the detail pane shows it running"
# A later step: the selection goes down the list as steps start, to the
# first pipeline run, with more to start after it.
wait_for 60 cursor_on "Run the infrastructure pipeline"
tap_result $? "it follows on to the infrastructure pipeline's run"
contains "$(detail_title)" "Run the infrastructure pipeline" \
    "and the detail pane with it"

keys Home
wait_for 5 cursor_on "Check the sign-in"
tap_result $? "Home selects the first step"
wait_for 120 shows "finished"
tap_result $? "the run goes on to its end"
cursor_on "Check the sign-in"
tap_result $? "the selection stayed where the operator put it"
diag "$(cursor_line)"
contains "$(detail_title)" "Check the sign-in" "and so did the detail pane"
keys q
is "$(tui_quit_status)" 0 "q quits"
done_testing
