# classical/rai-aml-cli-v2 on the real accelerator (`mlops-tui sim
# --accelerator DIR`, the tarballs of ../shared/accelerator unpacked):
# the real training pipeline checks out Azure/rai-vnext-preview through the
# GitHub service connection github-connection. With a GitHub token, apply
# makes the connection once and the setup reaches a deployed model; a
# second apply changes nothing.
. "$top_srcdir/tests/lib.sh"

skip_without_real_accelerator
acc="$tap_tmp/accelerator"
unpack_real_accelerator "$acc"
sim_start --accelerator "$acc"
. "$top_srcdir/tests/guide.sh"

answers="$tap_tmp/answers.yml"
sim_answers "$answers"
cat >> "$answers" <<EOA
project_type: classical
interface: rai-aml-cli-v2
infrastructure: bicep
EOA
out="$tap_tmp/apply.out"
token="ghp_mlopsTuiRealRai$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
mt() { # apply with the sandbox's PAT, a device sign-in and the token
	MLOPS_TUI_GITHUB_TOKEN="$token" AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" \
	    apply --yes --answers "$answers" --tenant "$SIM_TENANT" \
	    --azure-sign-in device >"$out" 2>&1 </dev/null
	rc=$?
	cat "$out" >> "$tap_tmp/all-output"
}
changes() { # what changed (not sign-ins, settings, or a connection test)
	jq -r 'select(.method != "GET" and (.path |
	    test("/_entra/|/_sandbox/|/endpointproxy|/checkNameAvailability$") | not)) |
	    .method + " " + .path' "$SIM_LOG"
}

mt
[ "$rc" = 0 ] || mt # a step that waits on Entra's replication is resumed
is "$rc" 0 "rai-aml-cli-v2 on the real accelerator: the setup is whole" || diag "$(tail -n 30 "$out")"
all=$(cat "$tap_tmp/all-output")
contains "$all" "[x] Create the GitHub service connection: github-connection connects to GitHub, open to all pipelines" \
    "the GitHub connection the real pipeline names is made"
contains "$all" "[x] Run the model training pipeline (prod): deploy-model-training-pipeline succeeded" \
    "the real rai training pipeline, with its type: github resource, runs"
contains "$all" "[x] Run the online endpoint deployment pipeline (prod): deploy-online-endpoint-pipeline succeeded" \
    "and the real online endpoint pipeline"
api GET "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=github-connection&$V"
is "$(echo "$body" | jq '[.value[] | select(.type == "github")] | length')" 1 "one GitHub connection"
sim_tokens
arm() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ARM_TOKEN" "${SIM_URL%/*}/_arm/$1"; }
ws="subscriptions/$SIM_SUB/resourceGroups/rg-contoso-4711prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-contoso-4711prod"
is "$(arm "$ws/onlineEndpoints/taxi-online-contoso4711prod?api-version=2024-04-01")" 200 \
    "Azure holds the real pipeline's online endpoint"

: > "$SIM_LOG"
mt
is "$rc" 0 "a second apply: whole"
is "$(changes)" "" "and it changes nothing"
grep -rlaF "$token" "$tap_tmp/all-output" "$SIM_LOG" "$tap_tmp/world.json" "$XDG_STATE_HOME" >/dev/null
is "$?" 1 "the token is in no output, request log, world or state file"

done_testing
