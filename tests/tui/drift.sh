# Drift from the wizard (issue 16, item 3): once the guide is over on the
# sandbox, c shows what the state says was made against what exists now,
# one line per resource in the one legend, as doctor --state judges it,
# while keys are still answered (q stops it). Things
# changed over REST behind the wizard's back (the environment deleted, the
# connection pointed at another subscription, a pipeline moved to another
# branch) are each named with what changed; r re-runs the steps that
# drifted on the checklist, and the view shows all as made again. A
# deleted ML repository is said to be beyond repair, and nothing re-runs.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
# The environment's reads slowed (a few in the guide, one in a check), for
# keys to be tried while the check goes on.
sim_start --faults "latency=1000@*/distributedtask/environments*"
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
TUI_ARGS="--answers '$answers' --azure-sign-in device" \
    tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8 "AZURE_DEVOPS_EXT_PAT='$SIM_PAT'"
wait_for 120 shows "finished"
tap_result $? "the guide runs to its end on the sandbox"

state=$(ls "$XDG_STATE_HOME"/mlops-tui/*.json | head -n 1)
V="api-version=7.1"
recorded() { jq -r --arg id "$1" --arg k "$2" \
    '[.steps[] | select(.id == $id) | .created[$k] // empty][0] // empty' "$state"; }
endpoint() { api GET "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=Azure-ARM-Prod&$V"
	printf '%s' "$body" | jq '.value[0]'; }
# row TEXT: the view's line naming TEXT, its spaces squeezed.
row() { pane | grep -F -- "$1" | head -n 1 | tr -s ' '; }
# over TEXT: the check is over and its summary holds TEXT.
over() { shows "drift over" && shows "$1"; }

contains "$(pane | tail -n 1)" "c drift" "the footer offers drift once the run is over"
keys '?' PageDown
wait_for 5 shows_text "c once the run is over: compare what the setup made with what exists now"
tap_result $? "the checklist's help names c"
keys Escape
wait_for 5 shows "Up/Down select"
keys c
wait_for 5 shows "drift checking"
tap_result $? "c starts the check"
keys l
wait_for 5 shows "log, lines"
tap_result $? "keys are answered while the check goes on"
# Blocked by the check, the key would be read only after it, and the log
# would end with the summary.
lacks "$(pane)" "0 expiring," "the log shows while the check goes on"
keys Escape
wait_for 5 shows "Up/Down select"
keys c
wait_for 10 over "10 as made, 0 missing, 0 changed, 0 expiring, 0 cannot tell."
tap_result $? "the check ends: everything as made"
is "$(row "environment prod")" " [x] as made environment prod" "one line per resource: the environment"
is "$(row "service connection")" " [x] as made service connection Azure-ARM-Prod (prod)" \
    "the connection, with its environment"
contains "$(pane | tail -n 1)" "Enter check again" "nothing to repair: r is not offered"
keys r
wait_for 5 shows "Nothing to repair: every resource is as made."
tap_result $? "r with nothing drifted says so"

# ---- behind the wizard's back ---------------------------------------------
sub=$(endpoint | jq -r .data.subscriptionId)
other_sub=$(cat /proc/sys/kernel/random/uuid)
api GET "mlops-v2/_apis/distributedtask/environments?name=prod&$V"
api DELETE "mlops-v2/_apis/distributedtask/environments/$(printf '%s' "$body" | jq -r '.value[0].id')?$V"
is "$status" 204 "the environment deleted"
api PUT "_apis/serviceendpoint/endpoints/$(endpoint | jq -r .id)?$V" \
    "$(endpoint | jq -c --arg s "$other_sub" '.data.subscriptionId = $s')"
is "$status" 200 "the connection pointed at another subscription"
training=$(recorded training-pipeline pipeline)
api GET "mlops-v2/_apis/build/definitions/$training?$V"
api PUT "mlops-v2/_apis/build/definitions/$training?$V" \
    "$(printf '%s' "$body" | jq -c '.repository.defaultBranch = "refs/heads/experiment"')"
is "$status" 200 "the training pipeline moved to another branch"

keys Enter
wait_for 10 over "7 as made, 1 missing, 2 changed, 0 expiring, 0 cannot tell."
tap_result $? "Enter checks again: the summary counts the drift"
is "$(row "environment prod")" " [!] missing environment prod" "the environment is missing"
contains "$(pane)" "there is no environment 'prod'" "and why"
is "$(row "service connection")" " [!] changed service connection Azure-ARM-Prod (prod)" \
    "the connection is changed"
shows_text "Azure-ARM-Prod was changed: subscription $other_sub, made for $sub"
tap_result $? "with what changed"
is "$(row "deploy-model-training-pipeline")" \
    " [!] changed pipeline deploy-model-training-pipeline (prod)" "the pipeline is changed"
contains "$(pane)" "branch refs/heads/experiment, made on main" "with what changed"
is "$(row "bicep-ado-deploy-infra")" " [x] as made pipeline bicep-ado-deploy-infra (prod)" \
    "what was not touched is as made"
contains "$(pane | tail -n 1)" "r repair" "the footer offers the repair"
keys '?'
wait_for 5 shows_text "Drift, as mlops-tui doctor --state shows it"
tap_result $? "? shows the drift view's help"
contains "$(pane)" "repair: back to the checklist" "the help names the repair key"
keys Escape
wait_for 5 shows "drift over"

keys l
wait_for 5 shows "log, lines"
contains "$(pane)" "[!] missing environment prod: there is no environment 'prod'" \
    "each result is in the log"
keys Escape
wait_for 5 shows "Up/Down select"
keys c
wait_for 10 over "1 missing, 2 changed"
tap_result $? "c from the checklist checks again"

keys r
wait_for 5 shows "Up/Down select"
tap_result $? "r goes back to the checklist"
wait_for 60 shows "finished"
tap_result $? "the steps that drifted run again to their end"
keys c
wait_for 10 over "10 as made, 0 missing, 0 changed"
tap_result $? "the view shows all as made again"
is "$(row "environment prod")" " [x] as made environment prod" "the environment is as made"
is "$(row "service connection")" " [x] as made service connection Azure-ARM-Prod (prod)" \
    "the connection is as made"
is "$(endpoint | jq -r .data.subscriptionId)" "$sub" "over REST: the connection is on its subscription"
api GET "mlops-v2/_apis/build/definitions/$training?$V"
is "$(printf '%s' "$body" | jq -r .repository.defaultBranch)" refs/heads/main \
    "over REST: the pipeline is on main again"
api GET "mlops-v2/_apis/distributedtask/environments?name=prod&$V"
is "$(printf '%s' "$body" | jq .count)" 1 "over REST: the environment is there again"
keys Escape
wait_for 5 shows "Up/Down select"
keys l
wait_for 5 shows "log, lines"
keys /
type_text "Repairing environment"
keys Enter
wait_for 5 shows "Repairing environment prod: its step runs again."
tap_result $? "the log says what the repair runs again"
keys Escape

# ---- beyond repair -----------------------------------------------------------
api DELETE "mlops-v2/_apis/git/repositories/$(recorded ml-repository id)?$V"
is "$status" 204 "the ML repository deleted"
attempts() { jq -r '[.steps[] | .attempts // 0] | add' "$state"; }
before=$(attempts)
keys c
wait_for 10 over "1 missing"
tap_result $? "the deleted ML repository is found"
is "$(row "ML repository")" " [!] missing ML repository taxi-fare-regression" "and named"
shows_text "Beyond repair: the accelerator's initialisation cannot run twice"
tap_result $? "the view says it is beyond repair, and why"
contains "$(pane)" "r cannot repair it." "the summary line too"
keys r
wait_for 5 shows "Not repaired: ML repository taxi-fare-regression is missing"
tap_result $? "r says it cannot be repaired"
contains "$(pane)" "drift over" "the view stays"
is "$(attempts)" "$before" "and no step runs again"
keys l
wait_for 5 shows_text "apply cannot make it again: take the setup down"
tap_result $? "the log says why and what to do"
keys Escape
wait_for 5 shows "Up/Down select"
keys c
wait_for 5 shows "drift checking"
keys q
is "$(tui_quit_status)" 0 "q while the check goes on: it stops, exit status 0"
done_testing
