# Known pitfalls in a real terminal (tmux, 80x24) against the sandbox on
# loopback, one wizard session: each breaks its step, which shows its
# explanation and fix from errors.yml; once the cause is fixed in the
# sandbox, r retries the step and the setup goes on to the finish.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"

# open_to TEXT: in the opened step, scroll down until TEXT shows.
open_to() { shows "$1" && return 0; keys Down; return 1; }
# pitfall NAME STEP WHY FIX: the step failed with its explanation and fix.
pitfall() {
	wait_for 120 shows "[!] $2"
	tap_result $? "$1: the step fails: $2"
	select_step "$2"
	keys Enter
	wait_for 10 open_to "$3"
	tap_result $? "$1: opened, it explains why"
	wait_for 10 open_to "$4"
	tap_result $? "$1: and how to fix it"
	keys Escape
	wait_for 5 shows "Up/Down select"
}

sim_start
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
# Pitfall 1: the import picks another default branch; pitfall 5: no hosted
# parallelism (a new organization has none).
# The sandbox at its real pace at first, to watch an import.
api PATCH _sandbox/settings '{"import_default_branch":"develop","hosted_parallelism":false,"time_scale":1}'
TUI_ARGS="--answers '$answers' --azure-sign-in device" \
    tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8 "AZURE_DEVOPS_EXT_PAT='$SIM_PAT'"
wait_for 30 shows "[>] Import the mlops-v2 repository"
select_step "Import the mlops-v2 repository"
wait_for 30 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -q '│ Now    importing: step [0-9] of [0-9]'"
tap_result $? "a running import shows its step live"
api PATCH _sandbox/settings '{"time_scale":0.02}'

pitfall "pitfall 5" "Fill the ML repository from the templates" \
    "no Microsoft-hosted parallel" "Parallel jobs"
# Asked of the organization, not of our state file.
for r in mlops-v2 mlops-templates mlops-project-template; do
	api GET "mlops-v2/_apis/git/repositories/$r?api-version=7.1"
	is "$status:$(echo "$body" | jq -r .defaultBranch)" 200:refs/heads/main \
	    "pitfall 1: main is made $r's default branch after all"
done

# Parallelism granted; pitfall 14: no quota for the workspace's compute.
api PATCH _sandbox/settings '{"hosted_parallelism":true,"quota_exhausted":true}'
select_step "Fill the ML repository from the templates"
keys r
wait_for 60 shows "[x] Fill the ML repository from the templates"
tap_result $? "pitfall 5 fixed: r retries the step, and it is done"
pitfall "pitfall 14" "Run the infrastructure pipeline (prod)" \
    "vCPU quota" "az vm list-usage"

# Fixed, and the runs slowed down to be watched: the selected running
# step shows its run's stages and jobs live, with their times.
api PATCH _sandbox/settings '{"quota_exhausted":false,"time_scale":0.3}'
select_step "Run the infrastructure pipeline (prod)"
keys r
wait_for 30 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -q '│ Now    Stage .*: running [0-9]:[0-9][0-9]'"
tap_result $? "a running pipeline shows its stages live, with their time"
wait_for 30 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -q '│        - Job .*: \(running\|succeeded\) [0-9]:[0-9][0-9]'"
tap_result $? "and its jobs under them"
api PATCH _sandbox/settings '{"time_scale":0.02}'
wait_for 120 shows "The setup is whole:"
tap_result $? "pitfall 14 fixed: r retries, and the setup goes on to the finish"
keys q
is "$(tui_quit_status)" 0 "q quits; exit status 0"
is "$(jq '[.builds[] | select(.result == "succeeded")] | length' "$tap_tmp/world.json")" 4 \
    "each pipeline ran to success once: initialise, infrastructure, training, online"
done_testing
