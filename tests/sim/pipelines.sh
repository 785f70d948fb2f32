# The deployment guide walked through the sandbox with curl: the accelerator
# imported, permissions granted, initialise-project run with its Permit
# gate, the project's pipelines run, failing where the real ones fail and
# succeeding once the cause is fixed.
. "$top_srcdir/tests/lib.sh"
sim_start

. "$top_srcdir/tests/guide.sh"
guide_setup

# --- initialise-project ---------------------------------------------------------------
api POST "mlops-v2/_apis/pipelines?$V" "{\"name\":\"initialise-project\",\"folder\":\"\\\\\",\"configuration\":{\"type\":\"yaml\",\"path\":\"/.azuredevops/initialise-project.yml\",\"repository\":{\"id\":\"$mlops\",\"type\":\"azureReposGit\"}}}"
is "$status" 200 "create the initialise-project pipeline"
init=$(echo "$body" | jq -r .id)
api POST "mlops-v2/_apis/pipelines?$V" "{\"name\":\"initialise-project\",\"configuration\":{\"type\":\"yaml\",\"path\":\"/.azuredevops/initialise-project.yml\",\"repository\":{\"id\":\"$mlops\",\"type\":\"azureReposGit\"}}}"
is "$status" 409 "a second pipeline of the same name in the folder: refused"
api POST "mlops-v2/_apis/pipelines?$V" "{\"name\":\"x\",\"configuration\":{\"type\":\"yaml\",\"repository\":{\"id\":\"$mlops\"}}}"
contains "$(echo "$body" | jq -r .message)" "Parameter name: Path" "without a path: the real error"

run_init() { # PARAMS-JSON
	api POST "mlops-v2/_apis/pipelines/$init/runs?$V" "{\"resources\":{\"repositories\":{\"self\":{\"refName\":\"refs/heads/main\"}}},\"templateParameters\":$1}"
}
params='{"adoProjectName":"mlops-v2","repoName":"taxi-fare-regression","projectType":"classical","mlopsVersion":"aml-cli-v2","infrastructure_version":"bicep"}'
run_init '{"adoProjectName":"mlops-v2","repoName":"taxi-fare-regression","colour":"blue"}'
is "$status" 400 "an unknown template parameter: 400"
is "$(echo "$body" | jq -r .message)" "Unexpected parameter 'colour'" "the real message"
run_init '{"adoProjectName":"mlops-v2","repoName":"taxi-fare-regression","projectType":"tabular"}'
contains "$(echo "$body" | jq -r .message)" "'projectType' parameter value 'tabular' is not a valid value" \
    "a value outside the allowed list: 400"
run_init '{"repoName":"taxi-fare-regression"}'
contains "$(echo "$body" | jq -r .message)" "A value for the 'adoProjectName' parameter must be provided" \
    "a required parameter left out: 400"

run_init "$params"
is "$status" 200 "run initialise-project"
run=$(echo "$body" | jq -r .id)
is "$(echo "$body" | jq -r .state)" inProgress "it is in progress"
timeline() { api GET "mlops-v2/_apis/build/builds/$run/timeline?$V"; }
timeline
is "$(echo "$body" | jq -r '[.records[] | select(.type == "Checkpoint.Authorization")] | length')" 1 \
    "it waits at a Checkpoint.Authorization for its Permit"
sleep 0.3
api GET "mlops-v2/_apis/pipelines/$init/runs/$run?$V"
is "$(echo "$body" | jq -r .state)" inProgress "and keeps waiting"
for r in "$tmpl" "$taxi"; do
	api PATCH "$PP/repository/$project.$r?$P" "{\"pipelines\":[{\"id\":$init,\"authorized\":true}]}"
done
run_over() { api GET "mlops-v2/_apis/pipelines/$1/runs/$2?$V"; [ "$(echo "$body" | jq -r .state)" = completed ]; }
wait_for 20 run_over "$init" "$run"
is "$(echo "$body" | jq -r .result)" succeeded "after the Permit, initialise-project succeeds"
timeline
is "$(echo "$body" | jq -r '[.records[].type] | unique | sort | join(",")')" "Job,Phase,Stage,Task" \
    "its timeline has Stage, Phase, Job and Task records"
api GET "$R/taxi-fare-regression/items?path=/config-infra-prod.yml&\$format=text&$V"
contains "$body" "namespace: mlopsv2" "the ML repository now has config-infra-prod.yml"
api GET "$R/taxi-fare-regression/items?path=/mlops/devops-pipelines/deploy-model-training-pipeline.yml&$V"
is "$status" 200 "and the classical aml-cli-v2 pipelines, flattened"
api GET "$R/taxi-fare-regression/items?path=/infrastructure/main.bicep&$V"
is "$status" 200 "and the bicep infrastructure under infrastructure/"
api GET "$R/taxi-fare-regression/items?path=/README.md&$V"
is "$status" 404 "the README is gone, as the script deletes it"
api GET "mlops-v2/_apis/build/definitions?path=%5Ctaxi-fare-regression%5Cmlops&$V"
is "$(echo "$body" | jq -r '[.value[].name] | sort | join(",")')" \
    "deploy-batch-endpoint-pipeline,deploy-model-training-pipeline,deploy-online-endpoint-pipeline" \
    "the script created the three ML pipelines in their folder"
api GET "mlops-v2/_apis/build/definitions?name=bicep-ado-deploy-infra&$V"
infra=$(echo "$body" | jq -r '.value[0].id')
contains "$(echo "$body" | jq -r '.value[0].path')" 'taxi-fare-regression\infrastructure' \
    "and the bicep infrastructure pipeline"

run_init "$params"
run2=$(echo "$body" | jq -r .id)
wait_for 20 run_over "$init" "$run2"
is "$(echo "$body" | jq -r .result)" failed "a second initialise run fails, as the real one does"
api GET "mlops-v2/_apis/build/builds/$run2/logs?$V"
last=$(echo "$body" | jq -r '.value[-1].id')
code=$(curl -s -K "$SIM_CURL" -o "$tap_tmp/log" -w '%{http_code}' -H 'Accept: text/plain' \
    "$SIM_URL/mlops-v2/_apis/build/builds/$run2/logs/$last?$V")
contains "$(cat "$tap_tmp/log")" "already exists" "its log says the pipelines already exist"

# Without Contribute on the new repository: TF401027.
api POST "$R?$V" '{"name":"other"}'
api POST "$R/other/pushes?$V" "{\"refUpdates\":[{\"name\":\"refs/heads/main\",\"oldObjectId\":\"$zero\"}],\"commits\":[{\"comment\":\"README\",\"changes\":[{\"changeType\":\"add\",\"item\":{\"path\":\"/README.md\"},\"newContent\":{\"content\":\"x\",\"contentType\":\"rawtext\"}}]}]}"
api PATCH "$PP/repository/$project.$(repo_id other)?$P" '{"allPipelines":{"authorized":true}}'
run_init '{"adoProjectName":"mlops-v2","repoName":"other"}'
run3=$(echo "$body" | jq -r .id)
wait_for 20 run_over "$init" "$run3"
is "$(echo "$body" | jq -r .result)" failed "without Contribute on the repository the run fails"
timeline
api GET "mlops-v2/_apis/build/builds/$run3/timeline?$V"
contains "$(echo "$body" | jq -r '.records[].issues[].message')" "TF401027" \
    "with TF401027 in the failed task's issue"

# --- a right is met when the task that needs it starts ---------------------------------
# Not when the run is queued: the replication lag hides a fresh ACE from
# reads only. The world runs slower here, so that a right can change
# between the queueing and the script's task (three checkouts first).
api PATCH _sandbox/settings '{"time_scale":0.25}'
GIT=2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87
fresh_repo() { # NAME: a repository with a README, every pipeline permitted; sets $fresh
	api POST "$R?$V" "{\"name\":\"$1\"}"
	first_commit "$1"
	fresh=$(repo_id "$1")
	api PATCH "$PP/repository/$project.$fresh?$P" '{"allPipelines":{"authorized":true}}'
}
set_ace() { # TOKEN ALLOW DENY: the Build Service's entry, replaced
	api POST "_apis/accesscontrolentries/$GIT?$V" "{\"token\":\"$1\",\"merge\":false,\"accessControlEntries\":[{\"descriptor\":\"$builder\",\"allow\":$2,\"deny\":$3}]}"
}
# failed_task: the name and first issue of the failed Task record of $run.
failed_task() {
	timeline
	echo "$body" | jq -r '[.records[] | select(.type == "Task" and .result == "failed")][0] | .name + ": " + (.issues[0].message // "")'
}
fresh_repo granted-early
set_ace "repoV2/$project/$fresh" 4 0
api GET "_apis/accesscontrollists/$GIT?token=repoV2/$project/$fresh&descriptors=$builder&$V"
is "$(echo "$body" | jq -r '[.value[].acesDictionary[]?.allow] | add // 0')" 0 \
    "a Contribute granted a moment ago is not seen yet by a read (replication)"
run_init '{"adoProjectName":"mlops-v2","repoName":"granted-early"}'
run=$(echo "$body" | jq -r .id)
wait_for 20 run_over "$init" "$run"
is "$(echo "$body" | jq -r .result)" succeeded "yet a run queued right after the grant does not fail on it" ||
    diag "$(failed_task)"

fresh_repo granted-late
run_init '{"adoProjectName":"mlops-v2","repoName":"granted-late"}'
run=$(echo "$body" | jq -r .id)
set_ace "repoV2/$project/$fresh" 4 0
wait_for 20 run_over "$init" "$run"
is "$(echo "$body" | jq -r .result)" succeeded "Contribute missing at the queueing, granted before the script's task: the run succeeds" ||
    diag "$(failed_task)"

fresh_repo revoked
set_ace "repoV2/$project/$fresh" 4 0
run_init '{"adoProjectName":"mlops-v2","repoName":"revoked"}'
run=$(echo "$body" | jq -r .id)
set_ace "repoV2/$project/$fresh" 0 4
wait_for 20 run_over "$init" "$run"
is "$(echo "$body" | jq -r .result)" failed "Contribute there at the queueing, denied before the script's task: the run fails"
contains "$(failed_task)" "Copy template files into the ML repository (initialise_repo.sh): remote: TF401027: You need the Git 'GenericContribute' permission" \
    "at the script's task, with TF401027"
timeline
is "$(echo "$body" | jq -r '[.records[] | select(.type == "Task" and (.name | startswith("Checkout"))) | .result] | unique | join(",")')" succeeded \
    "and its checkouts before it succeeded"

fresh_repo unreadable-template
set_ace "repoV2/$project/$fresh" 4 0
run_init '{"adoProjectName":"mlops-v2","repoName":"unreadable-template"}'
run=$(echo "$body" | jq -r .id)
set_ace "repoV2/$project/$tmpl" 0 2
wait_for 20 run_over "$init" "$run"
contains "$(failed_task)" "Checkout git://mlops-v2/mlops-project-template: remote: TF401019: The Git repository with name or identifier mlops-project-template does not exist or you do not have permissions" \
    "Read on the template repository denied after the queueing: the run fails at its checkout, with TF401019"
set_ace "repoV2/$project/$tmpl" 0 0
api PATCH _sandbox/settings '{"time_scale":0.02}'

# --- infrastructure ---------------------------------------------------------------------
queue_infra() { api POST "mlops-v2/_apis/build/builds?$V" "{\"definition\":{\"id\":$infra},\"sourceBranch\":\"refs/heads/main\"}"; }
queue_infra
is "$status" 400 "the infra pipeline without the service connection is refused"
contains "$(echo "$body" | jq -r .message)" "references service connection Azure-ARM-Prod which could not be found" \
    "with the real message"
sim_principal Azure-ARM-Prod-mlops-v2
api POST "_apis/serviceendpoint/endpoints?$V" "{\"name\":\"Azure-ARM-Prod\",\"type\":\"azurerm\",\"url\":\"https://management.azure.com/\",\"authorization\":{\"scheme\":\"ServicePrincipal\",\"parameters\":{\"tenantid\":\"$SIM_TENANT\",\"serviceprincipalid\":\"$SP_APP_ID\",\"authenticationType\":\"spnKey\",\"serviceprincipalkey\":\"$SP_SECRET\"}},\"data\":{\"subscriptionId\":\"$SIM_SUB\",\"subscriptionName\":\"Sandbox Subscription\"},\"serviceEndpointProjectReferences\":[{\"projectReference\":{\"id\":\"$project\",\"name\":\"mlops-v2\"},\"name\":\"Azure-ARM-Prod\"}]}"
endpoint=$(echo "$body" | jq -r .id)
api PATCH "$PP/endpoint/$endpoint?$P" '{"allPipelines":{"authorized":true}}'
queue_infra
contains "$(echo "$body" | jq -r .message)" "Environment prod could not be found" \
    "then without the prod environment: refused"
api POST "mlops-v2/_apis/distributedtask/environments?$V" '{"name":"prod"}'
envid=$(echo "$body" | jq -r .id)
edit_file taxi-fare-regression /config-infra-prod.yml 's/namespace: mlopsv2/namespace: contosoverylongname/'
queue_infra
build=$(echo "$body" | jq -r .id)
is "$(echo "$body" | jq -r .status)" inProgress "now it is queued"
build_over() { api GET "mlops-v2/_apis/build/builds/$1?$V"; [ "$(echo "$body" | jq -r .status)" = completed ]; }
sleep 0.3
api GET "mlops-v2/_apis/build/builds/$build?$V"
is "$(echo "$body" | jq -r .status)" inProgress "it waits for the environment's Permit"
api PATCH "$PP/environment/$envid?$P" "{\"pipelines\":[{\"id\":$infra,\"authorized\":true}]}"
wait_for 20 build_over "$build"
is "$(echo "$body" | jq -r .result)" failed "a namespace too long for the key vault fails the deployment"
api GET "mlops-v2/_apis/build/builds/$build/timeline?$V"
contains "$(echo "$body" | jq -r '.records[].issues[].message')" "VaultNameNotValid" \
    "with the vault name error"
edit_file taxi-fare-regression /config-infra-prod.yml 's/namespace: contosoverylongname/namespace: contoso/; s/postfix: 0001/postfix: 4711/'
queue_infra
build=$(echo "$body" | jq -r .id)
wait_for 20 build_over "$build"
is "$(echo "$body" | jq -r .result)" succeeded "with valid names the infrastructure deploys"

# --- training and the online endpoint -----------------------------------------------------
api GET "mlops-v2/_apis/build/definitions?name=deploy-model-training-pipeline&$V"
training=$(echo "$body" | jq -r '.value[0].id')
api PATCH "$PP/repository/$project.$templates?$P" '{"allPipelines":{"authorized":true}}'
queue_training() { api POST "mlops-v2/_apis/build/builds?$V" "{\"definition\":{\"id\":$training},\"sourceBranch\":\"refs/heads/main\"}"; build=$(echo "$body" | jq -r .id); }
queue_training
wait_for 20 build_over "$build"
is "$(echo "$body" | jq -r .result)" failed "training on the retired ubuntu-20.04 image fails"
api GET "mlops-v2/_apis/build/builds/$build/timeline?$V"
contains "$(echo "$body" | jq -r '.records[].issues[].message')" "No image label found to route agent pool" \
    "with the real message"
edit_file taxi-fare-regression /mlops/devops-pipelines/deploy-model-training-pipeline.yml 's/vmImage: ubuntu-20.04/vmImage: ubuntu-latest/'
queue_training
wait_for 20 build_over "$build"
is "$(echo "$body" | jq -r .result)" failed "then the install-az-cli defect of mlops-templates fails it"
api GET "mlops-v2/_apis/build/builds/$build/timeline?$V"
contains "$(echo "$body" | jq -r '.records[].issues[].message')" "satisfies the requirement install" \
    "with pip's message"
is "$(echo "$body" | jq -r '.records[] | select(.type == "Task" and .result == "failed") | .name')" \
    "Install AZ ML dependencies" "in the step install-az-cli.yml contributes, named by its displayName"
# Each `- template:` step stands for the template's own steps, as Azure
# Pipelines lists them (the stand-in templates' displayNames, their
# parameters filled in), not one record per template reference.
is "$(echo "$body" | jq -r '[.records[] | select(.type == "Task")] | sort_by(.order) | map(.name) | join(" | ")')" \
    "Checkout self | Checkout mlops-templates | Install AZ ML dependencies | Azure ML extension of the az CLI | Connect to AML workspace using CLI v2 | Environment taxi-train-env | Compute cluster cpu-cluster | Data asset taxi-data | Run Azure ML pipeline" \
    "the timeline lists the steps the templates contribute"
edit_file mlops-templates /templates/aml-cli-v2/install-az-cli.yml 's/pip pip install/pip install/'
queue_training
wait_for 30 build_over "$build"
is "$(echo "$body" | jq -r .result)" succeeded "with both fixed, training succeeds"

api GET "mlops-v2/_apis/build/definitions?name=deploy-online-endpoint-pipeline&$V"
online=$(echo "$body" | jq -r '.value[0].id')
edit_file taxi-fare-regression /mlops/devops-pipelines/deploy-online-endpoint-pipeline.yml 's/vmImage: ubuntu-20.04/vmImage: ubuntu-latest/'
api POST "mlops-v2/_apis/build/builds?$V" "{\"definition\":{\"id\":$online},\"sourceBranch\":\"refs/heads/main\"}"
build=$(echo "$body" | jq -r .id)
wait_for 30 build_over "$build"
is "$(echo "$body" | jq -r .result)" succeeded "the online endpoint deploys"

arm() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ARM_TOKEN" "${SIM_URL%/*}/_arm/$1"; }
ws="subscriptions/$SIM_SUB/resourceGroups/rg-contoso-4711prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-contoso-4711prod"
is "$(arm "$ws?api-version=2024-04-01")" 200 "ARM shows the workspace with the guide's naming"
list() { curl -s -H "Authorization: Bearer $ARM_TOKEN" "${SIM_URL%/*}/_arm/$1" | jq -r '[.value[].name] | join(",")'; }
is "$(list "subscriptions/$SIM_SUB/resourcegroups?api-version=2024-03-01")" rg-contoso-4711prod \
    "ARM lists the resource group"
is "$(list "subscriptions/$SIM_SUB/resourceGroups/rg-contoso-4711prod/providers/Microsoft.MachineLearningServices/workspaces?api-version=2024-04-01")" \
    mlw-contoso-4711prod "and the workspaces in it"
is "$(list "${ws}/onlineEndpoints?api-version=2024-04-01")" taxi-online-contoso4711prod \
    "and the workspace's online endpoints"
is "$(arm "$ws/onlineEndpoints/taxi-online-contoso4711prod?api-version=2024-04-01")" 200 \
    "and the online endpoint"
is "$(arm "$ws/batchEndpoints/taxi-batch-contoso4711prod?api-version=2024-04-01")" 404 \
    "but no batch endpoint, which was not deployed"

# An expired secret fails the Azure login of the next run (known problem 19).
api PATCH _sandbox/settings '{"secrets_expired":true}'
queue_training
wait_for 30 build_over "$build"
api GET "mlops-v2/_apis/build/builds/$build/timeline?$V"
contains "$(echo "$body" | jq -r '.records[].issues[].message')" "AADSTS7000222" \
    "an expired principal secret fails the run with AADSTS7000222"

done_testing
