# Drift (issue 16, item 3): a setup applied once, then changed by hand over
# REST the way a person would (a right removed, an environment deleted, a
# pipeline edited to another branch or YAML path, the connection edited to
# another subscription or principal, its secret near its end, the
# connection, a pipeline or the ML repository deleted). `doctor --state`
# names each, read-only, with exit status 7; `apply` puts it back (all but
# the ML repository); `doctor --state` is clean after. One sandbox.
. "$top_srcdir/tests/lib.sh"
sim_start
V="api-version=7.1"
ADO_NS_BUILD=33344d9c-fc72-4d6f-aba5-fa317101a7e9
ADO_NS_GIT=2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87

answers="$tap_tmp/answers.yml"
state="$tap_tmp/setup.json"
out="$tap_tmp/out"
mt() { # COMMAND [ARGS...]: on the setup's state; sets $rc
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" timeout 100 "$MLOPS_TUI" --state "$state" \
	    "$@" --tenant "$SIM_TENANT" --azure-sign-in device >"$out" 2>&1 </dev/null
	rc=$?
}
apply() { mt apply --yes; [ "$rc" -eq 0 ] || diag "$(grep -v '^\[x\]' "$out")"; }
doctor() { mt doctor; }
recorded() { jq -r --arg id "$1" --arg k "$2" \
    '[.steps[] | select(.id == $id) | .created[$k] // empty][0] // empty' "$state"; }
line() { grep -F "$1" "$out" | head -n 1; }  # the doctor line naming $1
runs_started() { grep -cE '^ +run [0-9]+ of ' "$out"; }  # by the last apply
graph() { curl -s -H "Authorization: Bearer $GRAPH_TOKEN" -H 'Content-Type: application/json' \
    -X "$1" ${3:+--data "$3"} "${SIM_URL%/*}/_graph/v1.0/$2"; }
endpoint() { api GET "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=Azure-ARM-Prod&$V"
	printf '%s' "$body" | jq '.value[0]'; }
put_endpoint() { # JQ-FILTER [ARGS...]: the connection edited and saved back
	_filter=$1; shift
	api PUT "_apis/serviceendpoint/endpoints/$(endpoint | jq -r .id)?$V" \
	    "$(endpoint | jq -c "$@" "$_filter")"
}
put_definition() { # ID JQ-FILTER: a pipeline edited in the portal and saved
	api GET "mlops-v2/_apis/build/definitions/$1?$V"
	api PUT "mlops-v2/_apis/build/definitions/$1?$V" "$(printf '%s' "$body" | jq -c "$2")"
}

sim_answers "$answers"
# A principal with a secret (not the default federation): the secret's end
# is part of what drifts.
echo "principal_way: create" >> "$answers"
mt apply --yes --answers "$answers"
is "$rc" 0 "a whole setup is applied"
doctor
is "$rc" 0 "doctor --state: a setup as made, exit status 0"
contains "$(cat "$out")" "  as made      service connection Azure-ARM-Prod (prod)" \
    "one line per recorded resource"
lacks "$(cat "$out")" "missing      " "nothing missing"
contains "$(cat "$out")" "0 missing, 0 changed, 0 expiring" "the summary"
project=$(recorded project id)
taxi=$(recorded ml-repository id)
infra=$(recorded infra-pipeline pipeline)
training=$(recorded training-pipeline pipeline)
online=$(recorded online-endpoint pipeline)
enc=$(jq -rn --arg v "mlops-v2 Build Service ($(basename "$SIM_URL"))" '$v|@uri')
api GET "_apis/identities?searchFilter=General&filterValue=$enc&$V"
builder=$(printf '%s' "$body" | jq -r '.value[0].descriptor')
sim_tokens
other_sub=$(cat /proc/sys/kernel/random/uuid)

# --- round 1: rights, environment, a pipeline's branch and YAML path, the
# connection's subscription -------------------------------------------------
api DELETE "_apis/accesscontrolentries/$ADO_NS_BUILD?token=$project&descriptors=$builder&$V"
is "$status" 200 "the Build Service's pipeline rights removed"
api GET "mlops-v2/_apis/distributedtask/environments?name=prod&$V"
api DELETE "mlops-v2/_apis/distributedtask/environments/$(printf '%s' "$body" | jq -r '.value[0].id')?$V"
is "$status" 204 "the environment deleted"
put_definition "$training" '.repository.defaultBranch = "refs/heads/experiment"'
is "$status" 200 "the training pipeline edited to another branch"
put_definition "$online" '.process.yamlFilename = "/mlops/devops-pipelines/other.yml"'
is "$status" 200 "the endpoint pipeline edited to another YAML path"
put_definition "$online" '.revision = 1 | .process.yamlFilename = "/x.yml"'
is "$status $(printf '%s' "$body" | jq -r .typeKey)" "404 DefinitionNotFoundException" \
    "the sandbox refuses an edit from a stale revision, as the service does"
put_endpoint '.data.subscriptionId = $s' --arg s "$other_sub"
is "$status" 200 "the connection edited to another subscription"

doctor
is "$rc" 7 "doctor --state finds drift: exit status 7"
contains "$(line "rights on pipelines")" "changed" "the removed right is found"
contains "$(line "rights on pipelines")" "may not create or edit build pipelines" "and named"
is "$(line "environment prod")" "  missing      environment prod: there is no environment 'prod'" \
    "the deleted environment is missing"
contains "$(line "deploy-model-training-pipeline")" \
    "changed      pipeline deploy-model-training-pipeline (prod): branch refs/heads/experiment, made on main" \
    "the pipeline on another branch"
contains "$(line "deploy-online-endpoint-pipeline")" \
    "YAML path /mlops/devops-pipelines/other.yml, made with /mlops/devops-pipelines/deploy-online-endpoint-pipeline.yml" \
    "the pipeline on another YAML path"
contains "$(line "service connection")" "changed      service connection Azure-ARM-Prod (prod): Azure-ARM-Prod was changed: subscription $other_sub, made for $SIM_SUB" \
    "the connection on another subscription"
contains "$(line "as made      pipeline bicep")" "bicep-ado-deploy-infra" \
    "what was not touched is as made"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" --state "$state" doctor --json \
    --tenant "$SIM_TENANT" --azure-sign-in device >"$tap_tmp/doctor.json" \
    2>/dev/null </dev/null
is "$?" 7 "--json: exit status 7 too"
is "$(jq -r '[.resources[] | select(.verdict != "as made") | .step + ":" + .verdict] | join(" ")' "$tap_tmp/doctor.json")" \
    "pipeline-permissions:changed service-connection:changed environment:missing training-pipeline:changed online-endpoint:changed" \
    "--json: the same verdicts, by step"
is "$(jq -r '.summary | "\(.as_made) \(.missing) \(.changed) \(.expiring) \(.unknown)"' "$tap_tmp/doctor.json")" "5 1 4 0 0" "--json: the summary"
contains "$(cat "$out")" "1 missing, 4 changed, 0 expiring" "the summary counts them"
contains "$(cat "$out")" "Nothing was changed." "and says it changed nothing"
api GET "mlops-v2/_apis/distributedtask/environments?name=prod&$V"
is "$(printf '%s' "$body" | jq .count)" 0 "doctor --state created nothing"

apply
is "$rc" 0 "apply repairs round 1"
contains "$(cat "$out")" "putting pipeline $training back as made" "the branch is put back"
is "$(runs_started)" 0 "no pipeline is run again"
doctor
is "$rc" 0 "doctor --state is clean after apply"
is "$(endpoint | jq -r .data.subscriptionId)" "$SIM_SUB" "the connection is on its subscription again"
api GET "mlops-v2/_apis/build/definitions/$online?$V"
is "$(printf '%s' "$body" | jq -r .process.yamlFilename)" \
    /mlops/devops-pipelines/deploy-online-endpoint-pipeline.yml "the YAML path is put back"

# --- round 2: another principal, a pipeline deleted, the repository's rights,
# the secret near its end ---------------------------------------------------
sim_principal someone-else
put_endpoint '.authorization.parameters.serviceprincipalid = $a | .authorization.parameters.serviceprincipalkey = $k' \
    --arg a "$SP_APP_ID" --arg k "$SP_SECRET"
is "$status" 200 "the connection edited to another principal"
api DELETE "_apis/accesscontrolentries/$ADO_NS_GIT?token=repoV2/$project/$taxi&descriptors=$builder&$V"
is "$status" 200 "the Build Service's rights on the ML repository removed"
doctor
is "$rc" 7 "exit status 7"
contains "$(line "service connection")" "client id $SP_APP_ID, made with $(recorded service-principal app_id)" \
    "the connection on another principal"
contains "$(line "rights on taxi-fare-regression")" "changed" "the repository right removed"
apply
is "$rc" 0 "apply repairs round 2"
is "$(endpoint | jq -r .authorization.parameters.serviceprincipalid)" \
    "$(recorded service-principal app_id)" "the connection is on its principal again"

# The secret: a person rotates it to one that ends at END.
rotate() { # END
	app=$(recorded service-principal application)
	for key in $(graph GET "applications/$app" | jq -r '.passwordCredentials[].keyId'); do
		graph POST "applications/$app/removePassword" "{\"keyId\":\"$key\"}" >/dev/null
	done
	secret=$(graph POST "applications/$app/addPassword" \
	    "{\"passwordCredential\":{\"displayName\":\"rotated\",\"endDateTime\":\"$1\"}}" | jq -r .secretText)
	put_endpoint '.authorization.parameters.serviceprincipalkey = $k' --arg k "$secret"
}
soon=$(date -u -d '+10 days' +%Y-%m-%dT%H:%M:%SZ)
rotate "$soon"
is "$status" 200 "the connection holds a secret that ends in ten days"
doctor
is "$rc" 7 "exit status 7"
contains "$(line "service connection")" "expiring     service connection Azure-ARM-Prod (prod): Azure-ARM-Prod connects with a secret that ends $soon (in" \
    "the secret near its end"
apply
is "$rc" 0 "apply renews the secret"
doctor
is "$rc" 0 "doctor --state is clean after apply"
past=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)
rotate "$past"
doctor
is "$(line "service connection")" "  expiring     service connection Azure-ARM-Prod (prod): Azure-ARM-Prod connects with a secret that ended $past" \
    "a secret past its end: said so, not as a failed test"
api POST "mlops-v2/_apis/serviceendpoint/endpointproxy?endpointId=$(endpoint | jq -r .id)&$V" \
    '{"dataSourceDetails":{"dataSourceName":"TestConnection"}}'
contains "$(printf '%s' "$body" | jq -r .errorMessage)" "AADSTS7000222: The provided client secret keys" \
    "the sandbox's TestConnection refuses it as Entra does"
apply
is "$rc" 0 "apply renews it"
doctor
is "$rc" 0 "doctor --state is clean after apply"

# --- round 3: deleted ----------------------------------------------------------
ep=$(endpoint | jq -r .id)
api DELETE "_apis/serviceendpoint/endpoints/$ep?projectIds=$project&$V"
is "$status" 204 "the connection deleted"
api DELETE "mlops-v2/_apis/build/definitions/$infra?$V"
is "$status" 204 "the infrastructure pipeline deleted"
doctor
is "$rc" 7 "exit status 7"
is "$(line "service connection")" "  missing      service connection Azure-ARM-Prod (prod): there is no service connection 'Azure-ARM-Prod'" \
    "the deleted connection is missing"
is "$(line "pipeline $infra ")" "  missing      pipeline $infra (prod): deleted" \
    "the deleted pipeline is missing"
apply
is "$rc" 0 "apply makes them again"
# A pipeline is done when its own run succeeded, not by Azure alone.
is "$(grep -cE '^ +run [0-9]+ of bicep-ado-deploy-infra' "$out")/$(runs_started)" 1/1 \
    "the pipeline made again runs, alone"
[ "$(recorded infra-pipeline pipeline)" != "$infra" ]
tap_result $? "the new pipeline is recorded"
doctor
is "$rc" 0 "doctor --state is clean after apply"
contains "$(line "service connection")" "as made" "the connection is as made"
contains "$(line "bicep-ado-deploy-infra")" "as made" "the pipeline is as made"

# --- the ML repository deleted: found (apply cannot make it again: the
# accelerator's initialisation cannot run twice over the pipelines left) ---
api DELETE "mlops-v2/_apis/git/repositories/$taxi?$V"
is "$status" 204 "the ML repository deleted"
doctor
is "$rc" 7 "exit status 7"
is "$(line "ML repository")" "  missing      ML repository taxi-fare-regression: there is no repository 'taxi-fare-regression' in mlops-v2" \
    "the deleted ML repository is missing"
contains "$(line "rights on taxi-fare-regression")" "cannot tell" \
    "its rights cannot be told, not reported twice"

# --- doctor --state's own errors ---------------------------------------------
jq '.steps |= map(.status = "pending")' "$state" > "$tap_tmp/pending.json"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" --state "$tap_tmp/pending.json" doctor \
    --tenant "$SIM_TENANT" --azure-sign-in device >"$out" 2>&1 </dev/null
is "$?" 0 "nothing made yet: exit status 0"
contains "$(cat "$out")" "The state records nothing made yet" "said"
"$MLOPS_TUI" --state "$tap_tmp/none.json" doctor >"$out" 2>&1 </dev/null
is "$?" 3 "no state file: exit status 3"
contains "$(cat "$out")" "none.json: no state file there" "said"
"$MLOPS_TUI" --state "$state" doctor --repo x >"$out" 2>&1 </dev/null
is "$?" 2 "--repo with --state: a usage error"
contains "$(cat "$out")" "doctor --state takes the organization" "said"
done_testing
