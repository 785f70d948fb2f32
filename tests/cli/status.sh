# mlops-tui status: the checklist as text and JSON, empty and partly done.
. "$top_srcdir/tests/lib.sh"

fixtures="$top_srcdir/tests/fixtures/state"
command -v jq >/dev/null || { echo "Bail out! jq is needed (apt-get install jq)"; exit 1; }

# --- no setup saved: the catalogue, every step pending --------------------
run status
is "$rc" 0 "status with no setup succeeds"
contains "$out" "No setup saved yet" "says no setup is saved"
for section in "Clone and Configure the MLOps V2 Solution Accelerator" \
    "Create and Configure a New ML Project Repo" \
    "Deploy and Execute Azure Machine Learning Pipelines"; do
	contains "$out" "$section" "shows the guide section: $section"
done
lacks "$out" "[x]" "no step is done"
contains "$out" "0 of " "the summary counts nothing done"

run status --json
is "$rc" 0 "status --json with no setup succeeds"
is "$(echo "$out" | jq -r '.state_file')" null "no state file"
is "$(echo "$out" | jq '.sections | length')" 3 "three sections"
total=$(echo "$out" | jq '[.sections[].steps[]] | length')
pending=$(echo "$out" | jq '.summary.pending')
na=$(echo "$out" | jq '.summary.not_applicable')
is "$((pending + na))" "$total" "every step pending (or not applicable)"
is "$(echo "$out" | jq -r '[.sections[].steps[] | select(.id == "terraform-extension")][0].status')" \
    "n/a" "the terraform check does not apply to the default bicep"
is "$(echo "$out" | jq -r '.environments | join(",")')" prod \
    "the default environment is prod"
# Every line of the text output corresponds to a JSON line.
run status
text_lines=$(echo "$out" | grep -c '^  \[')
is "$text_lines" "$total" "text and JSON list the same steps"

# --- a partly done setup -------------------------------------------------
run --state "$fixtures/partial.json" status
is "$rc" 0 "status of a partial setup succeeds"
contains "$out" "Setup:  mlops-v2 / taxi-fare-regression on https://dev.azure.com/contoso" \
    "the header names the setup"
contains "$out" "serial 7, saved 2026-11-20T09:12:30Z" "and its state file's serial and time"
json=$("$MLOPS_TUI" --state "$fixtures/partial.json" status --json)
title() { echo "$json" | jq -r --arg id "$1" \
    '[.sections[].steps[] | select(.id == $id)][0].title'; }
contains "$out" "[x] done    $(title project)  project_id=6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c" \
    "a done step shows what it created"
contains "$out" "[!] failed  $(title import-mlops-templates)" "a failed step is marked"
contains "$out" "last error: TF401019" "with its last error"
contains "$out" "[h] by hand $(title environment) (prod)" \
    "a step done by hand is marked, per environment"
contains "$out" "[ ] pending $(title terraform-extension)" \
    "the terraform check applies to a terraform setup"
contains "$out" "3 of " "the summary counts three steps done"
contains "$out" "(1 by hand), 1 failed" "the summary counts by hand and failed"

is "$(echo "$json" | jq '.summary.done')" 2 "JSON: two done"
is "$(echo "$json" | jq '.summary.manual')" 1 "JSON: one by hand"
is "$(echo "$json" | jq '.summary.failed')" 1 "JSON: one failed"
is "$(echo "$json" | jq -r '[.sections[].steps[] | select(.id == "project")][0].created.project_id')" \
    6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c "JSON: what a step created"
is "$(echo "$json" | jq -r '[.sections[].steps[] | select(.id == "project")][0].finished')" \
    2026-11-20T09:00:40Z "JSON: when it finished"
is "$(echo "$json" | jq -r '[.sections[].steps[] | select(.id == "import-mlops-templates")][0].attempts')" \
    2 "JSON: attempts"
is "$(echo "$json" | jq -r '.answers.infrastructure')" terraform "JSON: the answers"
is "$(echo "$json" | jq -r '.sections[0].steps[0].who | length > 0')" true \
    "JSON: who may do a step"

# --- the state directory ---------------------------------------------------
dir="$XDG_STATE_HOME/mlops-tui"
mkdir -p "$dir"
cp "$fixtures/partial.json" "$dir/one.json"
run status
is "$rc" 0 "one saved setup is shown without --state"
contains "$out" "State:  $dir/one.json" "it is the one in the state directory"
cp "$fixtures/partial.json" "$dir/two.json"
run status
is "$rc" 0 "several saved setups are listed"
contains "$out" "2 setups are saved" "the listing says how many"
contains "$out" "$dir/two.json" "and names each file"
run status --json
is "$(echo "$out" | jq '.setups | length')" 2 "JSON lists both setups"

# --- damaged and foreign files -------------------------------------------
cp "$fixtures/truncated.json" "$tap_tmp/t.json"
run --state "$tap_tmp/t.json" status
is "$rc" 3 "a truncated state file: exit status 3"
contains "$err" "t.json:6:0: not valid JSON" "names the file, line and column"
contains "$err" "left as it is" "says the file is kept"
cmp -s "$fixtures/truncated.json" "$tap_tmp/t.json"
tap_result $? "the truncated file is untouched"

run --state "$fixtures/newer.json" status
is "$rc" 3 "a newer format: exit status 3"
contains "$err" "written by a newer mlops-tui (state format 9" "says so"

run --state "$tap_tmp/none.json" status
is "$rc" 3 "a missing --state file: exit status 3"
contains "$err" "no such state file" "says so"

# --- answers that leave the project out: the default, not "?" ----------
jq 'del(.answers.project)' "$fixtures/partial.json" >"$tap_tmp/noproject.json"
run --state "$tap_tmp/noproject.json" status
contains "$out" "Setup:  mlops-v2 / taxi-fare-regression on https://dev.azure.com/contoso" \
    "a setup without a project answer shows the default project mlops-v2"
lacks "$out" "Setup:  ?" "not an unknown project"

done_testing
