# mlops-tui export: the setup's steps as a bash script - valid bash, every
# step named (per environment), the az command and REST calls of a step,
# the answers quoted into it, and no secret, though secrets are in the
# environment it runs in. Offline: no sandbox.
. "$top_srcdir/tests/lib.sh"
command -v jq >/dev/null || { echo "Bail out! jq is needed"; exit 1; }

answers="$tap_tmp/answers.yml"
cat > "$answers" <<EOF
organization: https://dev.azure.com/contoso
repository: taxi-fare-regression
environments:
  prod:
    namespace: contoso
    postfix: "4711"
    location: westeurope
  dev:
    namespace: contoso
    postfix: "4711"
    location: westeurope
EOF
pat="pat-secret-$$-value"
token="ghp_secret$$value"
script="$tap_tmp/setup.sh"
AZURE_DEVOPS_EXT_PAT="$pat" MLOPS_TUI_GITHUB_TOKEN="$token" \
    "$MLOPS_TUI" export --answers "$answers" >"$script" 2>"$tap_tmp/err"
is "$?" 0 "export --answers succeeds"
is "$(cat "$tap_tmp/err")" "" "and says nothing on stderr"
bash -n "$script"
tap_result $? "the script is valid bash (bash -n)"
lacks "$(cat "$script")" "$pat" "the PAT in the environment is not in the script"
lacks "$(cat "$script")" "$token" "nor the GitHub token"
contains "$(cat "$script")" 'AZURE_DEVOPS_EXT_PAT:?' "the PAT is read from the environment when it runs"

# The steps only some setups have (a condition in the catalogue) are in
# the script of a setup that has them, valid bash too.
sed 's/^repository: .*/&\nconvert_connections: "true"\ndeploy_batch: "true"\nproject_type: classical\ninterface: rai-aml-cli-v2/' \
    "$answers" > "$tap_tmp/all.yml"
"$MLOPS_TUI" export --answers "$tap_tmp/all.yml" >"$tap_tmp/all.sh" 2>"$tap_tmp/err"
is "$?" 0 "export of a setup with every conditional step succeeds" || diag "$(cat "$tap_tmp/err")"
bash -n "$tap_tmp/all.sh"
tap_result $? "and its script is valid bash"
for id in convert-connection batch-endpoint github-connection; do
	grep -q "($id): pending\$" "$tap_tmp/all.sh"
	tap_result $? "it holds $id"
done

# Every step of the catalogue that applies to every setup is named, each
# per-environment one once per environment.
"$MLOPS_TUI" status --json > "$tap_tmp/catalogue.json"
missing=""
for id in $(jq -r '.sections[].steps[] | select(.condition == null) |
    select(.environment | not) | .id' "$tap_tmp/catalogue.json"); do
	grep -q "($id): pending\$" "$script" || missing="$missing $id"
done
for id in $(jq -r '.sections[].steps[] | select(.condition == null) |
    select(.environment) | .id' "$tap_tmp/catalogue.json"); do
	for env in prod dev; do
		grep -q ", $env ($id): pending\$" "$script" || missing="$missing $id/$env"
	done
done
is "$missing" "" "every step is named in the script, per environment"
listed=$(bash "$script" | sed -n 's/^  //p' | sort)
defined=$(sed -n 's/^\(step_[a-z0-9_]*\)() {$/\1/p' "$script" | sort)
is "$listed" "$defined" "run without arguments, it lists every step's function"
[ "$(echo "$defined" | wc -l)" -ge 30 ]
tap_result $? "and there are the steps of two environments ($(echo "$defined" | wc -l))"

# A step's commands: the az command and the REST calls, with the answers.
body=$(sed -n '/^step_ml_repository() {$/,/^}$/p' "$script")
contains "$body" '# az repos create --org "$ORG" --project "$PROJECT" --name "$REPO"' \
    "a step shows its az command"
contains "$body" 'ado POST "$PROJECT/_apis/git/repositories?$API"' "and its REST call"
contains "$(cat "$script")" "ORG='https://dev.azure.com/contoso'" "the answers are set, quoted"
body=$(sed -n '/^step_service_connection_dev() {$/,/^}$/p' "$script")
contains "$body" "local SERVICE_CONNECTION='Azure-ARM-Dev'" "an environment's step gets its own names"
contains "$body" "local RESOURCE_GROUP='rg-contoso-4711dev'" "and its Azure names"

# From a state file: each step with its status.
run --state "$top_srcdir/tests/fixtures/state/partial.json" export
is "$rc" 0 "export --state succeeds"
contains "$out" "(project): done" "a done step says so"
contains "$out" "(import-mlops-templates): failed" "a failed one too"
contains "$out" "(terraform-extension): pending" "and the terraform check of a terraform setup"
printf '%s\n' "$out" | bash -n
tap_result $? "that script is valid bash too"

run --state "$tap_tmp/none.json" export
is "$rc" 3 "export of a state file that is not there: exit status 3"
contains "$err" "none.json: no such state file" "naming it"

# What a setup under way made: its ids set for the commands that need
# them, and a name the service gave, even with a line break, kept in its
# comment (never a command of its own).
jq '(.steps[] | select(.id == "project")).created = {"id": "11111111-2222-3333-4444-555555555555", "operation": "op-1"}
    | .steps += [{"id": "build-identity", "status": "done", "attempts": 1,
        "created": {"identity": "x\nrm -rf ~"}}]' \
    "$top_srcdir/tests/fixtures/state/partial.json" > "$tap_tmp/made.json"
run --state "$tap_tmp/made.json" export
is "$rc" 0 "export of a setup with ids made succeeds"
contains "$out" "PROJECT_ID='11111111-2222-3333-4444-555555555555'" "the project's id is set for the commands"
contains "$(printf '%s\n' "$out" | sed -n '/^step_project() {$/,/^}$/p')" \
    "local OPERATION_ID='op-1'" "the project's operation, in its step"
printf '%s\n' "$out" | grep -qx 'rm -rf ~'
[ $? -ne 0 ]
tap_result $? "a line break in a name the service gave ends no comment"
contains "$out" "# made: identity=x?rm -rf ~" "it is shown in the comment, as ?"
printf '%s\n' "$out" | bash -n
tap_result $? "and the script is valid bash"

# Nothing that signs in or reads a secret goes with export.
run export --answers "$answers" --pat-file /dev/null
is "$rc" 2 "export with --pat-file is a usage error"
contains "$err" "export takes --answers or --state only" "saying what it takes"
run export
is "$rc" 2 "export with no setup saved and no answers is a usage error"
contains "$err" "export needs --answers FILE or --state FILE" "saying what it needs"

done_testing
