# classical/rai-aml-cli-v2 on the sandbox: its training pipeline checks
# out GitHub's Azure/rai-vnext-preview through the service connection
# github-connection. Without a GitHub token plan says so before anything
# changes (the step is by hand, with where the token goes); with the token
# in MLOPS_TUI_GITHUB_TOKEN apply makes the connection once, opens it to
# all pipelines, and the setup reaches a deployed model; a re-run changes
# nothing; a connection made by hand is adopted, never duplicated; the
# token is in no state file, log, output or request log.
. "$top_srcdir/tests/lib.sh"
sim_start
. "$top_srcdir/tests/guide.sh"

answers="$tap_tmp/answers.yml"
sim_answers "$answers"
cat >> "$answers" <<EOA
project_type: classical
interface: rai-aml-cli-v2
EOA
out="$tap_tmp/out"
token="ghp_mlopsTuiRaiTest$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
mt() { # COMMAND ARGS...: with the sandbox's PAT and a device sign-in
	local cmd=$1
	shift
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" "$cmd" --answers "$answers" \
	    --tenant "$SIM_TENANT" --azure-sign-in device --log "$tap_tmp/mt.log" \
	    "$@" >"$out" 2>&1 </dev/null
	rc=$?
	cat "$out" >> "$tap_tmp/all-output"
}
changes() { # what changed in Azure DevOps, Graph or ARM (not sign-ins,
	# the sandbox's settings, or a connection's test, which reads)
	jq -r 'select(.method != "GET" and (.path |
	    test("/_entra/|/_sandbox/|/endpointproxy|/checkNameAvailability$") | not)) |
	    .method + " " + .path' "$SIM_LOG"
}
connections() { # sets $body: the project's github-connection
	api GET "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=github-connection&$V"
}
github_endpoints() { # how many github-connection the project holds
	connections
	echo "$body" | jq '[.value[] | select(.type == "github")] | length'
}

# ---- no token: said by plan, up front ---------------------------------------
mt plan
is "$rc" 8 "plan without a GitHub token: 8, as apply would end (a step left by hand)"
contains "$(cat "$out")" "[h] Create the GitHub service connection: there is no project 'mlops-v2', and no GitHub token to make github-connection with: set MLOPS_TUI_GITHUB_TOKEN or give --github-token-file FILE" \
    "the GitHub connection is by hand, with where the token goes, before anything is made"
contains "$(cat "$out")" "Project settings > Service connections > New service connection > GitHub" \
    "and the portal's way"
lacks "$(cat "$out")" "create it first" "the scenario no longer warns: a step makes it"
is "$(changes)" "" "plan changed nothing"

mt plan --github-token-file "$tap_tmp/nowhere"
is "$rc" 2 "--github-token-file naming no file: a usage error"
contains "$(cat "$out")" "there is no such GitHub token file" "and says which file"

echo "github_token: $token" >> "$answers"
mt plan
is "$rc" 2 "a GitHub token in the answers file: refused"
contains "$(cat "$out")" "github_token: secrets never go in answers; the GitHub token comes from MLOPS_TUI_GITHUB_TOKEN" \
    "and where it comes from instead"
sed -i '/^github_token:/d' "$answers"

printf '%s\n' "$token" > "$tap_tmp/token"
chmod 600 "$tap_tmp/token"
mt plan --github-token-file "$tap_tmp/token"
contains "$(cat "$out")" "[ ] Create the GitHub service connection: there is no project 'mlops-v2': github-connection is made with it" \
    "with --github-token-file, plan says apply makes it"

# ---- with the token: made once, the setup whole -----------------------------
MLOPS_TUI_GITHUB_TOKEN="$token" mt apply --yes
[ "$rc" = 0 ] || MLOPS_TUI_GITHUB_TOKEN="$token" mt apply --yes # Entra's replication
is "$rc" 0 "apply with MLOPS_TUI_GITHUB_TOKEN: the rai setup is whole" || diag "$(tail -n 30 "$out")"
contains "$(cat "$tap_tmp/all-output")" "[x] Create the GitHub service connection: github-connection connects to GitHub, open to all pipelines" \
    "the GitHub connection is made and opened to all pipelines"
contains "$(cat "$tap_tmp/all-output")" "[x] Run the model training pipeline (prod): deploy-model-training-pipeline succeeded" \
    "the rai training pipeline, which checks out GitHub through it, runs"
is "$(github_endpoints)" 1 "one GitHub connection"
connections
id=$(echo "$body" | jq -r '.value[0].id')
is "$(echo "$body" | jq -r '.value[0].url') $(echo "$body" | jq -r '.value[0].authorization.scheme')" \
    "https://github.com PersonalAccessToken" "to https://github.com, with a personal access token"
is "$(echo "$body" | jq -r '.value[0].authorization.parameters.accessToken')" null "whose token the service never returns"
api GET "mlops-v2/_apis/pipelines/pipelinePermissions/endpoint/$id?api-version=7.1-preview.1"
is "$(echo "$body" | jq -r .allPipelines.authorized)" true "open to all pipelines"

: > "$SIM_LOG"
MLOPS_TUI_GITHUB_TOKEN="$token" mt apply --yes
is "$rc" 0 "a second apply: whole"
contains "$(cat "$out")" "Nothing needed changing." "and it changes nothing"
is "$(changes)" "" "not one change request"
mt apply --yes
is "$rc" 0 "without the token, once the connection exists: whole too"
contains "$(cat "$out")" "[x] Create the GitHub service connection: github-connection connects to GitHub, open to all pipelines" \
    "the connection is found, no token needed"

# ---- a connection made by hand, not yet open: adopted -----------------------
api GET "_apis/projects/mlops-v2?$V"
project=$(echo "$body" | jq -r .id)
api DELETE "_apis/serviceendpoint/endpoints/$id?projectIds=$project&$V"
is "$status" 204 "the operator deletes it"
is "$(github_endpoints)" 0 "the connection deleted"
api POST "_apis/serviceendpoint/endpoints?$V" "{\"name\":\"github-connection\",\"type\":\"github\",\"url\":\"https://github.com\",\"authorization\":{\"scheme\":\"PersonalAccessToken\",\"parameters\":{\"accessToken\":\"$token\"}},\"serviceEndpointProjectReferences\":[{\"projectReference\":{\"id\":\"$project\",\"name\":\"mlops-v2\"},\"name\":\"github-connection\"}]}"
is "$status" 200 "the operator makes github-connection by hand, not open to all pipelines"
mt plan
contains "$(cat "$out")" "[ ] Create the GitHub service connection: github-connection connects to GitHub but is not open to all pipelines" \
    "plan sees it, and only the permission to do"
: > "$SIM_LOG"
mt apply --yes
is "$rc" 0 "apply without a token adopts it"
is "$(github_endpoints)" 1 "still one GitHub connection: not duplicated"
is "$(changes | grep -c serviceendpoint)" 0 "no connection made"
contains "$(changes)" "/_apis/pipelines/pipelinepermissions/endpoint/" "it is opened to all pipelines"

# ---- the token is kept nowhere ---------------------------------------------
hits=$(grep -rlaF "$token" "$tap_tmp/all-output" "$tap_tmp/mt.log" "$SIM_LOG" \
    "$tap_tmp/world.json" "$XDG_STATE_HOME" 2>/dev/null)
is "$hits" "" "the GitHub token is in no output, log, state, request log or world file"
printf 'x%sx\n' "$token" > "$tap_tmp/planted"
grep -qaF "$token" "$tap_tmp/planted"
tap_result $? "the search finds it when it is there (it can fail)"

done_testing
