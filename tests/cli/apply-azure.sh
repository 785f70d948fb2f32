# `mlops-tui apply` through the whole guide on the sandbox, Azure
# included: the service principal and its connection, config-infra, the
# infrastructure, training and online endpoint pipelines, and the check of
# what Azure holds. The accelerator's shipped defects fail the runs as they
# do for real; each failure is explained, fixed as the operator would, and
# apply resumed until the setup is whole.
. "$top_srcdir/tests/lib.sh"
sim_start
. "$top_srcdir/tests/guide.sh"

answers="$tap_tmp/answers.yml"
sim_answers "$answers"
echo 'fix_defects: "false"' >> "$answers"
# A principal with a secret, asked for by name: federation is the default
# (below), and the secret's lifecycle is what this part is about.
echo 'principal_way: create' >> "$answers"
out="$tap_tmp/apply.out"
mt() { # ARGS...: apply with the sandbox's PAT and an Azure device sign-in
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" \
	    --tenant "$SIM_TENANT" --azure-sign-in device "$@" >"$out" 2>&1 </dev/null
	rc=$?
	cat "$out" >> "$tap_tmp/all-output"
}
graph() { curl -s -H "Authorization: Bearer $GRAPH_TOKEN" "${SIM_URL%/*}/_graph/v1.0/$1"; }
arm() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ARM_TOKEN" "${SIM_URL%/*}/_arm/$1"; }
ours() { # the passwords mlops-tui made on the principal's application
	graph "applications?\$filter=displayName%20eq%20'Azure-ARM-Prod-mlops-v2'" |
	    jq '[.value[0].passwordCredentials[] | select(.displayName == "mlops-tui")] | length'
}
changes() { # what changed in Azure DevOps, Graph or ARM (not sign-ins)
	jq -r 'select(.method != "GET" and (.path | test("/_entra/|/checkNameAvailability$") | not)) |
	    .method + " " + .path' "$SIM_LOG"
}

# ---- first run: everything up to the training pipeline ----------------------
mt
is "$rc" 1 "first run: exit status 1, a step failed"
contains "$(cat "$out")" "enter the code" "the device code is shown to the operator"
contains "$(cat "$out")" "[x] Provide a service principal for the environment (prod): the principal of Azure-ARM-Prod-mlops-v2 is Contributor on subscription $SIM_SUB" "the principal is created with Contributor"
contains "$(cat "$out")" "[x] Create the Azure Resource Manager service connection (prod): Azure-ARM-Prod connects to subscription $SIM_SUB, open to all pipelines" "the connection is created, open to all pipelines, and passes its test"
contains "$(cat "$out")" "[x] Check the subscription, providers and quota (prod)" "the resource providers are registered"
contains "$(cat "$out")" "[x] Run the infrastructure pipeline (prod): bicep-ado-deploy-infra succeeded" "the infrastructure pipeline runs to success"
contains "$(cat "$out")" "[!] Run the model training pipeline (prod): run " "training fails on the shipped template..."
contains "$(cat "$out")" "No image label found to route agent pool" "... with the timeline's message"
contains "$(cat "$out")" 'change "vmImage: ubuntu-20.04" to' "... and the fix from errors.yml"
contains "$(cat "$out")" "$(printf 'Stopped at the first failure; not started:\n  Run the online endpoint deployment pipeline (prod)')" "it stops at the first failure and says what was not started"
contains "$(cat "$out")" "of deploy-model-training-pipeline: $SIM_URL/mlops-v2/_build/results?buildId=" "each run's web address is shown"
sim_tokens
is "$(ours)" 1 "one secret made, held by the connection"
ws="subscriptions/$SIM_SUB/resourceGroups/rg-contoso-4711prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-contoso-4711prod"
is "$(arm "$ws?api-version=2024-04-01")" 200 "Azure holds the workspace, with the answers' names"

# ---- the operator fixes the pipeline file; apply goes on -------------------
edit_file taxi-fare-regression /mlops/devops-pipelines/deploy-model-training-pipeline.yml 's/vmImage: ubuntu-20.04/vmImage: ubuntu-latest/'
: > "$SIM_LOG"
mt
is "$rc" 1 "second run: the next shipped defect"
contains "$(cat "$out")" "satisfies the requirement install" "the pip defect of mlops-templates, from the timeline"
lacks "$(changes)" "bicep" "the infrastructure is not run again: Azure holds it"
is "$(changes | grep -c '/runs$')" 1 "only the training pipeline runs"
edit_file mlops-templates /templates/aml-cli-v2/install-az-cli.yml 's/pip pip install/pip install/'
edit_file taxi-fare-regression /mlops/devops-pipelines/deploy-online-endpoint-pipeline.yml 's/vmImage: ubuntu-20.04/vmImage: ubuntu-latest/'
mt
is "$rc" 0 "third run: the setup is whole, exit status 0"
contains "$(cat "$out")" "[x] Run the model training pipeline (prod): deploy-model-training-pipeline succeeded" "training succeeds"
contains "$(cat "$out")" "[x] Run the online endpoint deployment pipeline (prod): deploy-online-endpoint-pipeline succeeded" "the online endpoint deploys"
contains "$(cat "$out")" "[x] Check the deployed resources in Azure (prod): Azure holds the workspace, the model and the endpoints chosen" "and Azure holds all of it"
is "$(arm "$ws/onlineEndpoints/taxi-online-contoso4711prod?api-version=2024-04-01")" 200 "the endpoint is there"

# ---- a finished setup: a re-run changes nothing ------------------------------
: > "$SIM_LOG"
mt
is "$rc" 0 "re-run of a finished setup: exit status 0"
contains "$(cat "$out")" "Nothing needed changing." "and nothing needed changing"
is "$(changes | grep -v 'endpointproxy')" "" "not one request that changes anything (the connection test aside)"

# ---- the connection deleted: made again, and no secret left orphaned ---------
api GET "_apis/projects/mlops-v2?$V"
project=$(echo "$body" | jq -r .id)
api GET "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=Azure-ARM-Prod&$V"
api DELETE "_apis/serviceendpoint/endpoints/$(echo "$body" | jq -r '.value[0].id')?projectIds=$project&$V"
is "$status" 204 "someone deletes the service connection"
mt
is "$rc" 0 "apply makes it again"
contains "$(cat "$out")" "[x] Create the Azure Resource Manager service connection (prod): Azure-ARM-Prod connects" "the connection is back"
is "$(ours)" 1 "the old secret was removed before a new one was made: none orphaned"

# ---- the other two ways to a principal, each in a new world -------------------
new_world() { # PRINCIPAL-WAY: a fresh sandbox and answers for it
	kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
	rm -f "$SIM_LOG" "$XDG_STATE_HOME"/mlops-tui/*
	sim_start --reset
	GRAPH_TOKEN=
	sim_answers "$answers"
	[ -z "$1" ] || echo "principal_way: $1" >> "$answers"
}
connection_line() { grep -F '] Create the Azure Resource Manager service connection (prod)' "$out" | tail -n 1; }

# Workload identity federation, the default when principal_way is not
# given: no secret at all. And the shipped defects fixed first (the
# default too): the whole guide in one run.
new_world ""
mt
is "$rc" 0 "federated, defects fixed first: the setup is whole in one run"
contains "$(cat "$out")" "[x] Fix the known defects of the shipped templates: fixed the known defects on main of taxi-fare-regression and mlops-templates" "the shipped defects are fixed on main"
api GET "$R/mlops-templates/items?path=/templates/aml-cli-v2/install-az-cli.yml&\$format=text&$V"
contains "$body" "$(printf 'force-reinstall pip\n        pip install azure-cli')" "the pip line is split in two, indentation kept"
contains "$(cat "$out")" "[x] Check the deployed resources in Azure (prod): Azure holds the workspace, the model and the endpoints chosen" "and Azure holds everything"
contains "$(connection_line)" "[x] Create the Azure Resource Manager service connection (prod): Azure-ARM-Prod connects" "federated: the connection is created and passes its test"
sim_tokens
app=$(graph "applications?\$filter=displayName%20eq%20'Azure-ARM-Prod-mlops-v2'" | jq -r '.value[0].id')
is "$(graph "applications/$app/federatedIdentityCredentials" | jq -r '.value[0].subject' | cut -c1-7)" "/eid1/c" "federated: the application trusts the connection's subject"
is "$(graph "applications?\$filter=displayName%20eq%20'Azure-ARM-Prod-mlops-v2'" | jq '.value[0].passwordCredentials | length')" 0 "federated: and has no secret"

# An existing principal, from the JSON az ad sp create-for-rbac prints.
new_world existing
sim_principal existing-principal
printf '{"appId":"%s","displayName":"existing-principal","password":"%s","tenant":"%s"}\n' \
    "$SP_APP_ID" "$SP_SECRET" "$SIM_TENANT" > "$tap_tmp/principal.json"
chmod 600 "$tap_tmp/principal.json"
mt --principal-file "$tap_tmp/principal.json"
contains "$(cat "$out")" "[x] Provide a service principal for the environment (prod): $SP_APP_ID is Contributor" "existing: the principal is found with its role"
contains "$(connection_line)" "[x] Create the Azure Resource Manager service connection (prod): Azure-ARM-Prod connects" "existing: the connection holds its secret and passes its test"
jq -r '.answers.client_id' "$XDG_STATE_HOME"/mlops-tui/*.json | grep -qx "$SP_APP_ID"
tap_result $? "existing: its application id is kept as an answer"
lacks "$(cat "$out" "$XDG_STATE_HOME"/mlops-tui/*.json)" "$SP_SECRET" "existing: its secret is in no output or state file"
rm -f "$tap_tmp/principal.json"
printf '{"appId":"x"}' > "$tap_tmp/bad.json"
mt --principal-file "$tap_tmp/bad.json"
is "$rc" 2 "a principal file without the secret: refused"
contains "$(cat "$out")" "expected the JSON that az ad sp create-for-rbac prints" "and says what it wants"

# Terraform: the extension installed, the infrastructure pipeline that
# initialisation does not register created, its working directory and the
# shipped variables.tf fixed.
new_world create
echo "infrastructure: terraform" >> "$answers"
mt
is "$rc" 0 "terraform: the setup is whole in one run"
contains "$(cat "$out")" "[x] Check that the Terraform extension is installed: installed the Terraform extension" "terraform: the extension is installed"
api GET "mlops-v2/_apis/build/definitions?name=tf-ado-deploy-infra&$V"
is "$(echo "$body" | jq -r '.value[0].path')" '\taxi-fare-regression\infrastructure' "terraform: its infrastructure pipeline is created where the others are"
api GET "$R/taxi-fare-regression/items?path=/infrastructure/variables.tf&\$format=text&$V"
contains "$body" 'variable "client_secret"' "terraform: variables.tf declares client_secret"
api GET "$R/taxi-fare-regression/items?path=/config-infra-prod.yml&\$format=text&$V"
contains "$body" "terraform_workingdir: infrastructure" "terraform: the working directory is the initialised layout's"

# prod and dev: two principals, two connections, two environments, and
# dev deployed from its own branch with config-infra-dev.yml.
new_world create
sim_answers "$answers"
printf '  dev:\n    namespace: contoso\n    postfix: "4712"\n    subscription_id: %s\n    tenant_id: %s\n' \
    "$SIM_SUB" "$SIM_TENANT" >> "$answers"
mt
is "$rc" 0 "prod and dev: the setup is whole in one run"
contains "$(cat "$out")" "[x] Create the Azure Resource Manager service connection (dev): Azure-ARM-Dev connects" "dev: its own connection"
contains "$(cat "$out")" "[x] Run the online endpoint deployment pipeline (dev)" "dev: its endpoint is deployed"
sim_tokens
is "$(arm "subscriptions/$SIM_SUB/resourceGroups/rg-contoso-4712dev/providers/Microsoft.MachineLearningServices/workspaces/mlw-contoso-4712dev?api-version=2024-04-01")" 200 \
    "dev: its workspace has dev's names (the run read config-infra-dev.yml)"
is "$(arm "subscriptions/$SIM_SUB/resourceGroups/rg-contoso-4711prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-contoso-4711prod?api-version=2024-04-01")" 200 \
    "prod: its workspace is there too"
is "$(graph "applications" | jq '[.value[].displayName] | sort | join(" ")')" '"Azure-ARM-Dev-mlops-v2 Azure-ARM-Prod-mlops-v2"' \
    "one principal per environment"

# deploy_batch: true (README): the batch endpoint pipeline runs too, and
# Azure holds the batch endpoint the pipeline's variables name.
new_world create
echo 'deploy_batch: "true"' >> "$answers"
mt
is "$rc" 0 "deploy_batch: the setup is whole"
contains "$(cat "$out")" "[x] Run the batch endpoint deployment pipeline (prod): deploy-batch-endpoint-pipeline succeeded" \
    "deploy_batch: the batch endpoint pipeline runs and succeeds"
sim_tokens
is "$(arm "subscriptions/$SIM_SUB/resourceGroups/rg-contoso-4711prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-contoso-4711prod/batchEndpoints/taxi-batch-contoso4711prod?api-version=2024-04-01")" 200 \
    "deploy_batch: Azure holds taxi-batch-contoso4711prod"

# A second ML repository with the same namespace and postfix: Azure holds
# the first one's workspace and endpoint, yet the second's own pipelines
# have never run. They are run, not taken as done.
sed 's/^repository: .*/repository: second-repo/' "$answers" > "$tap_tmp/second.yml"
cp "$tap_tmp/second.yml" "$answers"
mt
is "$rc" 0 "a second ML repository, same names: the setup is whole"
for p in deploy-model-training-pipeline deploy-online-endpoint-pipeline; do
	contains "$(cat "$out")" "$p succeeded (run" "second repository: its own $p ran"
	def=$(curl -s -K "$SIM_CURL" "$SIM_URL/mlops-v2/_apis/build/definitions?name=$p&path=%5Csecond-repo%5Cmlops&api-version=7.1" |
	    jq '.value[0].id')
	is "$(curl -s -K "$SIM_CURL" "$SIM_URL/mlops-v2/_apis/pipelines/$def/runs?api-version=7.1" |
	    jq '[.value[] | select(.result == "succeeded")] | length')" 1 	    "second repository: $p in \\second-repo\\mlops has a succeeded run of its own"
done
mt
is "$rc" 0 "run again: nothing to do"
contains "$(cat "$out")" "[x] Run the model training pipeline (prod): deploy-model-training-pipeline succeeded (run"     "run again: done, by its own run and what Azure holds"
contains "$(cat "$out")" "(0 changed now)" "run again: nothing changed"

lacks "$(cat "$tap_tmp/all-output" "$XDG_STATE_HOME"/mlops-tui/*.json)" "$SIM_PAT" "the PAT is in no output or state file"
done_testing
