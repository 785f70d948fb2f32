# `mlops-tui plan` and `apply` against the sandbox: plan changes nothing,
# apply does the guide's steps once, a re-run changes nothing, a resume
# after a kill or a deletion finishes without making anything twice, and
# bad answers are refused before anything changes.
. "$top_srcdir/tests/lib.sh"
sim_start
. "$top_srcdir/tests/guide.sh"

answers="$tap_tmp/answers.yml"
out="$tap_tmp/apply.out"
log="$tap_tmp/apply.log"
cat > "$answers" <<EOF
# The guide's choices; the PAT never goes here.
organization: $SIM_URL
repository: taxi-fare-regression
project_type: classical
interface: aml-cli-v2
infrastructure: bicep
environments:
  prod:
    namespace: contoso
    postfix: "4711"
    location: westeurope
EOF

mt() { # COMMAND ARGS...: plan or apply with the sandbox's PAT; sets $rc
	[ "$1" = apply ] && set -- "$@" --yes
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" "$@" --log "$log" \
	    >"$out" 2>&1 </dev/null
	rc=$?
	cat "$out" >> "$tap_tmp/all-output"
}
changes() { # the requests that changed something, from the sandbox's log
	jq -r 'select(.method != "GET" and (.path |
	    test("/checkNameAvailability$") | not)) | .method + " " + (.path |
	    sub("/[0-9a-f-]{36}"; "/ID"; "g"))' "$SIM_LOG" | sort | uniq -c |
	    sed 's/^ *//'
}
line_of() { grep -F "$1" "$out" | head -n 1; }
state_dir="$XDG_STATE_HOME/mlops-tui"
state_file() { ls "$state_dir"/*.json 2>/dev/null | head -n 1; }
status_of() { # STEP [ENV]: its status in the state file
	jq -r --arg id "$1" --arg env "${2:-}" '.steps[] | select(.id == $id
	    and ((.environment // "") == $env)) | .status' "$(state_file)"
}

# ---- plan: says what apply would do, changes nothing, saves nothing ----
: > "$SIM_LOG"
mt plan --answers "$answers"
is "$rc" 8 "plan: exit status 8, as apply will leave what needs subscription_id"
contains "$(cat "$out")" "[ ] Create the mlops-v2 project: there is no project 'mlops-v2'" "plan: the project is to be created"
contains "$(cat "$out")" "[ ] Import the mlops-project-template repository: create the repository mlops-project-template and import github.com/Azure/mlops-project-template into it" "plan: each import says what it would do"
contains "$(cat "$out")" "[x] Check the sign-in to the organization: signed in to sandbox as Sandbox Operator" "plan: the sign-in is checked for real"
contains "$(cat "$out")" "[ ] Fill the ML repository from the templates: to do after 'Make main the default branch of the imported repos'" "plan: the initialisation is to be done, after what it needs"
contains "$(cat "$out")" "[ ] Create the ML project repository: to do after 'Create the mlops-v2 project'" "plan: a step whose subject an earlier step makes says after which"
contains "$(cat "$out")" "[?] Check that pipelines can get an agent: can be told after 'Create the mlops-v2 project'" "plan: so does a check that cannot tell before it"
is "$(grep -c "there is no project" "$out")" 1 "plan: 'there is no project' only where the project is made, not as an error on every step after it"
contains "$(cat "$out")" "[?] Provide a service principal for the environment (prod): give subscription_id for prod in the answers" "plan: what needs an answer not given cannot be told, and says which"
contains "$(cat "$out")" "Nothing was changed." "plan: says it changed nothing"
is "$(changes)" "" "plan: not one request that changes anything"
is "$(state_file)" "" "plan: no state file written"

# ---- apply asks first, on a terminal; without one it needs --yes ----------
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --answers "$answers" </dev/null >"$out" 2>&1
is "$?" 2 "apply without --yes and without a terminal: exit status 2"
contains "$(cat "$out")" "give --yes when there is no terminal to confirm on" "and says why"
requests_before=$(wc -l < "$SIM_LOG")
"$MLOPS_TUI" apply --ado-auth entra --answers "$answers" </dev/null >"$out" 2>&1
is "$?" 2 "the same with an Entra sign-in to Azure DevOps"
lacks "$(cat "$out")" "enter the code" "refused before signing in: no device code shown for nothing"
is "$(wc -l < "$SIM_LOG")" "$requests_before" "and not one request sent"
is "$(state_file)" "" "and no state file left behind"
echo n | AZURE_DEVOPS_EXT_PAT="$SIM_PAT" script -qec "'$MLOPS_TUI' apply --answers '$answers'" /dev/null >"$out" 2>&1
contains "$(cat "$out")" "[ ] Create the mlops-v2 project" "on a terminal, apply shows the plan first..."
contains "$(cat "$out")" "Apply these changes? [y/N]" "... and asks"
contains "$(cat "$out")" "Nothing was changed." "answered no, it changes nothing"
is "$(changes)" "" "not one request that changes anything"

# ---- apply: the steps it can do, each once ------------------------------
: > "$SIM_LOG"
mt apply --answers "$answers"
is "$rc" 8 "apply: exit status 8 while steps are left to do by hand"
contains "$(line_of '[x] Create the mlops-v2 project')" "created the project mlops-v2" "apply: the project is created"
for r in mlops-v2 mlops-project-template mlops-templates; do
	contains "$(line_of "[x] Import the $r repository")" "imported github.com/Azure/$r" "apply: $r is imported"
	api GET "$R/$r?$V"
	is "$(echo "$body" | jq -r .defaultBranch)" refs/heads/main "apply: $r defaults to main"
done
contains "$(cat "$out")" "[x] Make main the default branch of the imported repos" "apply: the default branches are checked"
contains "$(cat "$out")" "[x] Let the build identity create and edit pipelines: mlops-v2 Build Service (sandbox) may create and edit build pipelines" "apply: the pipeline rights are granted and read back"
contains "$(cat "$out")" "[x] Create the ML project repository: taxi-fare-regression exists with a first commit on main" "apply: the ML repository gets its first commit"
contains "$(cat "$out")" "[x] Let the build identity push to the ML repository" "apply: Contribute and Create branch are granted"
contains "$(cat "$out")" "[x] Create the Azure DevOps environment (prod): created the environment prod" "apply: the environment is created"
contains "$(cat "$out")" "[x] Fill the ML repository from the templates: initialise-project filled taxi-fare-regression" "apply: initialise-project fills the ML repository"
api GET "$R/taxi-fare-regression/items?path=/mlops/devops-pipelines/deploy-model-training-pipeline.yml&$V"
is "$status" 200 "apply: the ML repository has the scenario's pipelines"
contains "$(cat "$out")" "[x] Set the names and region in config-infra (prod): set namespace contoso, postfix 4711 and location westeurope in config-infra-prod.yml" "apply: config-infra-prod.yml is set"
api GET "$R/taxi-fare-regression/items?path=/config-infra-prod.yml&\$format=text&$V"
printf '%s\n' "$body" > "$tap_tmp/config.got"
sed -e 's/^  namespace: mlopsv2 /  namespace: contoso /' -e 's/^  postfix: 0001$/  postfix: 4711/' \
    -e 's/^  location: eastus$/  location: westeurope/' \
    "$top_srcdir/templates/sandbox/mlops-project-template/config-infra-prod.yml" > "$tap_tmp/config.want"
cmp -s "$tap_tmp/config.got" "$tap_tmp/config.want"
tap_result $? "apply: every other byte of config-infra-prod.yml, comments and spacing, is as it was"
want_listing=$(script_listing "$top_srcdir/templates/sandbox" classical aml-cli-v2 bicep contoso 4711 westeurope)
contains "$want_listing" "	mlops/devops-pipelines/deploy-model-training-pipeline.yml" "reference: the stand-in script composes the ML pipelines"
same_listing "$(sandbox_listing)" "$want_listing" \
    "apply: the ML repository is, file by file (names, modes, contents), what the stand-in's initialise_repo.sh makes, with the documented fixes and names"
contains "$(cat "$out")" "[?] Provide a service principal for the environment (prod): give subscription_id for prod in the answers" "apply: without a subscription the principal cannot be made..."
contains "$(cat "$out")" "[~] Create the Azure Resource Manager service connection (prod): waits for 'Provide a service principal for the environment (prod)' (cannot tell)" "... and what needs it waits"
first_changes=$(changes)
is "$(echo "$first_changes" | grep -c ' POST /sandbox/_apis/projects$')" 1 "apply: one project created"
is "$(echo "$first_changes" | grep ' POST /sandbox/ID/_apis/git/repositories$' | cut -d' ' -f1)" 3 "apply: three repositories created (mlops-v2 comes with the project)"
is "$(echo "$first_changes" | grep 'importRequests$' | awk '{n += $1} END {print n}')" 3 "apply: three imports asked for"
is "$(echo "$first_changes" | grep 'pushes$' | awk '{n += $1} END {print n}')" 6 "apply: six pushes: the first commit, four defect fixes, the config"
is "$(echo "$first_changes" | grep -c 'pipelines/ID/runs$\|pipelines/[0-9]*/runs$')" 1 "apply: one initialise-project run"
is "$(status_of project)" done "state: project is done"
is "$(status_of environment prod)" done "state: environment (prod) is done"
is "$(status_of service-principal prod)" pending "state: the principal is still pending"
jq -r '.steps[] | select(.id == "import-mlops-templates") | .created.import' "$(state_file)" | grep -Eq '^[0-9]+$'
tap_result $? "state: the import request id is recorded"
is "$(stat -c %a "$(state_file)")" 600 "state: the file is 0600"
"$MLOPS_TUI" status > "$tap_tmp/status.out"
contains "$(cat "$tap_tmp/status.out")" "[x] done    Create the mlops-v2 project" "status shows what apply did"

# ---- a re-run changes nothing ---------------------------------------------
: > "$SIM_LOG"
mt apply --answers "$answers"
is "$rc" 8 "re-run: the same exit status"
contains "$(cat "$out")" "(0 changed now)" "re-run: nothing changed now"
contains "$(cat "$out")" "Nothing needed changing." "re-run: says so"
is "$(changes)" "" "re-run: not one request that changes anything"

# ---- resume with the state alone; someone deleted things meanwhile -------
taxi=$(repo_id taxi-fare-regression)
api DELETE "$R/$taxi?$V"
is "$status" 204 "someone deletes the ML repository"
: > "$SIM_LOG"
mt apply --state "$(state_file)"
contains "$(line_of '[x] Create the ML project repository')" "taxi-fare-regression exists with a first commit on main" "resume: the deleted repository is made again"
contains "$(line_of '[x] Let the build identity push to the ML repository')" "may contribute" "resume: and its rights granted again"
is "$(changes | grep -c 'git/repositories$')" 1 "resume: only that repository is created"
lacks "$(changes)" "projects" "resume: the project is not created again"
lacks "$(changes)" "importRequests" "resume: nothing is imported again"
contains "$(cat "$out")" "[!] Fill the ML repository from the templates: run " "resume: a second initialise run over the first one's pipelines fails, as the real one does"
contains "$(cat "$out")" "initialise-project was run again after an earlier run" "resume: and is explained from errors.yml"
contains "$(cat "$out")" "delete the pipelines and the folder \\taxi-fare-regression" "resume: with the fix, filled in"
is "$rc" 1 "resume: exit status 1, a step failed"

# ---- killed mid-run, then resumed: nothing made twice -------------------
# A new world with latency, so that the kill lands while imports run.
rm -f "$state_dir"/*
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
rm -f "$SIM_LOG"
sim_start --reset --faults 'latency=150'
sed -i "s|^organization: .*|organization: $SIM_URL|" "$answers"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" >"$tap_tmp/killed.out" 2>&1 </dev/null &
victim=$!
started_imports() { grep -q 'importRequests' "$SIM_LOG"; }
wait_for 30 started_imports
kill -9 "$victim"; wait "$victim" 2>/dev/null
is "$(status_of import-mlops-templates)" running "killed: the state keeps the import as running (interrupted)"
mt apply --answers "$answers"
is "$rc" 8 "killed, resumed: apply goes on to the by-hand steps"
contains "$(line_of '[x] Import the mlops-templates repository')" "mlops-templates" "killed, resumed: the imports finish"
is "$(changes | grep -c ' POST /sandbox/_apis/projects$')" 1 "killed, resumed: one project"
is "$(changes | grep ' POST /sandbox/ID/_apis/git/repositories$' | cut -d' ' -f1)" 3 "killed, resumed: each repository created once"
is "$(changes | grep 'importRequests$' | awk '{n += $1} END {print n}')" 3 "killed, resumed: each repository imported once"
is "$(changes | grep 'pushes$' | awk '{n += $1} END {print n}')" 6 "killed, resumed: one first commit, four defect fixes, one config push"
is "$(changes | grep '/runs$' | awk '{n += $1} END {print n}')" 1 "killed, resumed: one initialise-project run"

# ---- interrupted: stops at the running steps' next wait, resumes -----------
# SIGINT, then SIGTERM as SIGINT (README: 130, interrupted by either).
for sig in INT TERM; do
	kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
	rm -f "$SIM_LOG" "$state_dir"/*
	# Imports that take 600 ms, so that the signal lands while they run.
	sim_start --reset --time-scale 0.1
	sed -i "s|^organization: .*|organization: $SIM_URL|" "$answers"
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" >"$out" 2>&1 </dev/null &
	victim=$!
	wait_for 30 started_imports
	kill -"$sig" "$victim"
	wait "$victim"
	is "$?" 130 "SIG$sig: exit status 130"
	contains "$(cat "$out")" "Stopped; run apply again to go on." "SIG$sig: says how to go on"
	is "$(jq -r '[.steps[] | select(.id | startswith("import-")) | .status] | unique | join(" ")' "$(state_file)")" running \
	    "SIG$sig: the interrupted imports stay running in the state"
	mt apply --answers "$answers"
	contains "$(line_of '[x] Import the mlops-templates repository')" "mlops-templates" "SIG$sig, resumed: the import finishes"
	is "$(changes | grep 'importRequests$' | awk '{n += $1} END {print n}')" 3 "SIG$sig, resumed: each repository imported once"
done

# ---- the local way: the same repository, composed here and pushed ------------
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
rm -f "$SIM_LOG" "$state_dir"/*
sim_start --reset
sed -i "s|^organization: .*|organization: $SIM_URL|" "$answers"
echo "initialise_way: local" >> "$answers"
# Its clones go to $TMPDIR: a directory of this test's own, which other
# tests running at once do not write to.
mkdir -m 700 "$tap_tmp/tmpdir"
TMPDIR=$tap_tmp/tmpdir mt apply --answers "$answers"
is "$rc" 8 "local: apply goes on to the Azure steps"
contains "$(cat "$out")" "[x] Fill the ML repository from the templates: filled taxi-fare-regression locally (commit " "local: the ML repository is filled and pushed"
same_listing "$(sandbox_listing)" "$want_listing" \
    "local: the ML repository is, file by file, what the stand-in's initialise_repo.sh makes, with the documented fixes and names"
api GET "mlops-v2/_apis/build/definitions?$V"
is "$(echo "$body" | jq -r '[.value[] | .path + "\\" + .name] | sort | join(" ")')" \
    '\taxi-fare-regression\infrastructure\bicep-ado-deploy-infra \taxi-fare-regression\mlops\deploy-batch-endpoint-pipeline \taxi-fare-regression\mlops\deploy-model-training-pipeline \taxi-fare-regression\mlops\deploy-online-endpoint-pipeline' \
    "local: the project's pipelines registered in their folders"
lacks "$(changes)" "/runs" "local: no pipeline run"
lacks "$(changes)" "pipelinepermissions" "local: no permit needed"
is "$(ls -A "$tap_tmp/tmpdir")" "" "local: the clones are removed from \$TMPDIR"
sed -i '/^initialise_way:/d' "$answers"

# ---- a dev environment beside prod ---------------------------------------------
printf '  dev:\n    namespace: contoso\n    postfix: "4712"\n' >> "$answers"
mt apply --answers "$answers"
contains "$(cat "$out")" "[x] Create the Azure DevOps environment (dev): created the environment dev" "dev: its environment is created"
contains "$(cat "$out")" "[x] Set the names and region in config-infra (dev): set namespace contoso, postfix 4712 and location eastus in config-infra-dev.yml" "dev: config-infra-dev.yml is set"
api GET "$R/taxi-fare-regression/refs?filter=heads/develop&$V"
is "$(echo "$body" | jq -r '.value[0].name')" refs/heads/develop "dev: its branch, develop, is made from main (runs from main read the prod file)"
api GET "$R/taxi-fare-regression/items?path=/config-infra-dev.yml&versionDescriptor.version=develop&versionDescriptor.versionType=branch&\$format=text&$V"
contains "$body" "ado_service_connection_rg: Azure-ARM-Dev" "dev: the file names the Azure-ARM-Dev connection"
contains "$(cat "$out")" "[x] Create the Azure DevOps environment (prod)" "prod is still there"
contains "$(cat "$out")" "[?] Provide a service principal for the environment (dev): give subscription_id for dev in the answers" "dev: its own principal, once it has a subscription"

# ---- bad answers are refused before anything changes ------------------------
bad() { # DESCRIPTION YAML-LINE EXPECTED-MESSAGE [ORGANIZATION]
	printf 'organization: %s\nrepository: taxi-fare-regression\n%s\n' "${4:-$SIM_URL}" "$2" > "$tap_tmp/bad.yml"
	: > "$SIM_LOG"
	mt apply --answers "$tap_tmp/bad.yml"
	is "$rc" 2 "bad answers ($1): exit status 2"
	contains "$(cat "$out")" "$3" "bad answers ($1): the message names the field and what is allowed"
	is "$(changes)" "" "bad answers ($1): nothing changed"
}
bad "postfix" 'environments: {prod: {namespace: contoso, postfix: "47_11"}}' "environments.prod.postfix: '47_11' may only contain lowercase letters and digits"
bad "region" 'environments: {prod: {location: "West Europe"}}' "'West Europe' is not an Azure region name"
bad "combination" 'project_type: cv
interface: python-sdk-v2' "cv exists only with aml-cli-v2"
bad "unknown key" 'colour: blue' "colour: not an answer mlops-tui knows"
bad "secret" 'client_secret: hunter2' "secrets never go in answers"
bad "environment" 'environments: {staging: {}}' "'staging' is not allowed; use prod or dev"
bad "names too long" 'environments: {prod: {namespace: averyveryverylongnamespace, postfix: "4711"}}' "environments.prod:"
bad "plain http" '' "plain http is only for this machine" http://dev.azure.com/contoso
bad "given twice" 'organization: http://dev.azure.com/contoso' "organization: given twice (first on line 1)"
printf 'organization: %s\nrepository: other\n' "$SIM_URL" > "$tap_tmp/other.yml"
mt apply --answers "$tap_tmp/other.yml" --state "$(state_file)"
is "$rc" 2 "answers for another setup with this state file: refused"
contains "$(cat "$out")" "the state file is for repository 'taxi-fare-regression'; the answers say 'other'" "and says why"
mt apply
is "$rc" 2 "apply without answers or state: usage error"
contains "$(cat "$out")" "give --answers FILE" "and says what to give"

# ---- one apply at a time ----------------------------------------------------
exec 9>"$(state_file).lock"
flock -n 9 || true
mt apply --state "$(state_file)"
is "$rc" 3 "a second apply on a locked state: exit status 3"
exec 9>&-

# ---- the PAT appears nowhere -------------------------------------------------
lacks "$(cat "$tap_tmp/all-output" "$log" "$state_dir"/*.json)" "$SIM_PAT" "the PAT is in no output, log or state file"
done_testing
