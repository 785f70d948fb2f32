# The finish of the sandbox guide as a person meets it: every step done,
# the parallelism check settled by the pipelines that got an agent, what
# was made listed by its real names with addresses, the clock stopped,
# and nothing stale left in the shell after quit.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
TUI_ARGS=--sandbox tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 120 shows "finished"
tap_result $? "the sandbox guide runs to its end"
header=$(pane | head -n 1)
contains "$header" "24/24 done" "every step done, none left as cannot tell"
select_step "Check that pipelines can get an agent"
contains "$(cursor_line)" "[x] Check that pipelines can get" \
    "the parallelism check is settled by the pipelines that ran"
contains "$(pane)" "shown by 'Run the" "its detail says what showed it"
clock() { pane | head -n 1 | sed -n 's/.*finished \([0-9:]*\).*/\1/p'; }
first=$(clock)
sleep 2
is "$(clock)" "$first" "the elapsed time stops when the run ends"

keys l
wait_for 5 shows "log, lines"
tap_result $? "l shows the log"
keys Home
log=$(for _ in $(seq 1 10); do pane; keys PageDown; sleep 0.2; done)
contains "$log" "What the setup made, and where to see it" "the finish lists what was made"
lacks "$log" "<namespace>" "no unfilled placeholder in the finish"
ws=$(jq -r '.environments[0].answers | "mlw-\(.namespace)-\(.postfix)prod"' "$XDG_STATE_HOME/mlops-tui/sandbox.json")
contains "$log" "workspace $ws" "the workspace by its real name"
contains "$log" "Resource group rg-" "the resource group"
contains "$log" "Online endpoint taxi-online-" "the endpoint"
contains "$log" "/mlops-v2/_git/taxi-fare-regression" "the ML repository's address"
contains "$log" "Service connection Azure-ARM-Prod" "the connection"
contains "$log" "Environment prod" "the environment"
runs=$(printf '%s\n' "$log" | grep -o '_build/results?buildId=[0-9]*' | sort -u | wc -l)
is "$runs" "$(jq '[.steps[] | select(.created.run)] | length' "$XDG_STATE_HOME/mlops-tui/sandbox.json")" \
    "each pipeline run with its address"
keys Escape
wait_for 5 shows "Up/Down select"
contains "$(pane)" "The setup is whole: every step is done." "and says the setup is whole, at 24/24 only"
keys q
is "$(tui_quit_status)" 0 "q quits a whole setup with exit status 0"
shell=$(tmux -L "$sock" capture-pane -p -S -100 -t w)
lacks "$shell" "enter the code" "no stale sign-in message is left in the shell"
contains "$shell" "The setup is whole." "the shell is told the setup is whole"
done_testing
