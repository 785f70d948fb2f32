# The sandbox panel in a real terminal (tmux, 80x24) against the sandbox
# on loopback: its key is in the footer, it lists the known problems with
# their state as the sandbox has it, and Enter or Space switches one over
# PATCH /_sandbox/settings (the time scale left as it was); a pitfall
# switched off there lets its failed step be retried to done.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"

setting() { api GET _sandbox/settings; echo "$body" | jq -c ".$1"; }
panel_line() { pane | grep -F -- "$1" | head -n 1; }

sim_start
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
api PATCH _sandbox/settings '{"hosted_parallelism":false}'
TUI_ARGS="--answers '$answers' --azure-sign-in device" \
    tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8 "AZURE_DEVOPS_EXT_PAT='$SIM_PAT'"
wait_for 60 shows "[!] Fill the ML repository"
tap_result $? "pitfall 5 switched on over REST: the initialisation fails"
contains "$(pane | tail -n 1)" "f sim" "the footer shows the sandbox panel's key"

keys f
wait_for 5 shows "Known problems the sandbox imitates"
tap_result $? "f opens the sandbox panel"
contains "$(pane | head -n 1)" "time scale 0.02" "it shows the sandbox's time scale"
contains "$(panel_line "Pitfall 5")" "[on ] Pitfall 5" "it reads pitfall 5 on from the sandbox"
contains "$(panel_line "Pitfall 5")" "no Microsoft-hosted parallel job" "with one line of what it does"
contains "$(panel_line "Pitfall 1 ")" "[off] Pitfall 1" "and pitfall 1 off"
contains "$(panel_line "Pitfall 6")" "[on ] Pitfall 6" "retired images: on, as a new sandbox has them"
contains "$(panel_line "PAT scopes")" "[off] PAT scopes" "a full-access PAT: PAT scopes off"
lacks "$(pane)" "…" "each line fits 80 columns, none cut"

# Space on pitfall 1 (the first line): on in the sandbox, and back off.
keys Space
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -qF '[on ] Pitfall 1 '"
tap_result $? "Space switches pitfall 1 on"
is "$(setting import_default_branch)" '"develop"' "the sandbox has it on"
keys Space
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -qF '[off] Pitfall 1 '"
is "$(setting import_default_branch)" '"main"' "Space again switches it off"

# Enter on pitfall 5: off, and the failed step retried to done.
focus "Pitfall 5"
tap_result $? "Down moves to pitfall 5"
keys Enter
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -qF '[off] Pitfall 5'"
tap_result $? "Enter switches pitfall 5 off"
is "$(setting hosted_parallelism)" true "the sandbox has hosted parallelism again"
is "$(setting time_scale)" 0.02 "the time scale is left as it was"

# Pitfall 18 by name: this setup's key vault, soft-deleted, and back.
focus "Pitfall 18"
keys Enter
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -qF '[on ] Pitfall 18'"
tap_result $? "Enter switches pitfall 18 on"
is "$(setting soft_deleted_names)" '["kv-contoso-4711prod"]' \
    "the sandbox lists this setup's key vault as soft-deleted"
keys Enter
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -qF '[off] Pitfall 18'"
is "$(setting soft_deleted_names)" '[]' "and none once it is off"

keys Escape
wait_for 5 shows "Up/Down select"
tap_result $? "Esc goes back to the run"
keys l
wait_for 5 shows "log, lines"
contains "$(pane)" "Sandbox: Pitfall 5 switched off" "the log says what was switched"
keys Escape
wait_for 5 shows "Up/Down select"
select_step "Fill the ML repository from the templates"
keys r
wait_for 60 shows "[x] Fill the ML repository from the templates"
tap_result $? "switched off in the panel, the step retried is done"
# e: the setup as commands (what export writes), scrolled, no secret.
keys e
wait_for 5 shows "commands, lines 1-"
tap_result $? "e shows the setup as commands"
contains "$(pane)" "#!/usr/bin/env bash" "the script, from its first line"
for _ in $(seq 1 40); do keys Down; done
wait_for 5 shows "step_"
tap_result $? "scrolled down, it shows the steps' functions"
lacks "$(pane)" "$SIM_PAT" "and never the PAT"
keys Escape
wait_for 5 shows "Up/Down select"
tap_result $? "Esc goes back to the run"
keys q
tui_quit_status >/dev/null

# --sandbox --time-scale: the embedded sandbox runs at the user's scale,
# which the panel shows (and, as above, leaves).
TUI_ARGS="--sandbox --time-scale 0.05" tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 30 shows "f sim"
tap_result $? "with --sandbox, the footer shows the panel's key"
keys f
wait_for 5 shows "Known problems the sandbox imitates"
contains "$(pane | head -n 1)" "time scale 0.05" "the embedded sandbox runs at --time-scale 0.05"
keys q
tui_quit_status >/dev/null
done_testing
