# Each known problem of the guide (mlops-v2-facts.md section 5) that
# arises on the Azure DevOps or Azure side, switched on in the sandbox: it
# happens with the real error, and fixing the cause lets the run through.
. "$top_srcdir/tests/lib.sh"
sim_start
. "$top_srcdir/tests/guide.sh"
guide_setup
create_pipeline initialise-project "$mlops" /.azuredevops/initialise-project.yml
init=$pipeline
for r in "$tmpl" "$taxi"; do permit repository "$project.$r"; done

initialise() { # REPO PROJECT-TYPE INTERFACE PROVIDER
	queue_build "$init" refs/heads/main "{\"adoProjectName\":\"mlops-v2\",\"repoName\":\"$1\",\"projectType\":\"$2\",\"mlopsVersion\":\"$3\",\"infrastructure_version\":\"$4\"}"
	wait_for 30 finished "$build"
}
new_repo() { # NAME: an ML repository with a README, permitted and writable
	api POST "$R?$V" "{\"name\":\"$1\"}"
	first_commit "$1"
	permit repository "$project.$(repo_id "$1")"
	grant 2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87 "repoV2/$project/$(repo_id "$1")" 20
}

# 5: no hosted parallelism.
api PATCH _sandbox/settings '{"hosted_parallelism":false}'
new_repo p5
initialise p5 classical aml-cli-v2 bicep
is "$(echo "$body" | jq -r .result)" failed "5: without hosted parallelism the run fails"
contains "$(issues "$build")" "No hosted parallelism has been purchased or granted" "5: with the real message"
api PATCH _sandbox/settings '{"hosted_parallelism":true}'

# 8: a combination that does not exist is green but empty.
new_repo p8
initialise p8 cv python-sdk-v2 bicep
is "$(echo "$body" | jq -r .result)" succeeded "8: cv + python-sdk-v2 runs green"
api GET "$R/p8/items?path=/mlops/devops-pipelines/deploy-model-training-pipeline.yml&$V"
is "$status" 404 "8: but the repository has no ML pipelines"
api GET "$R/p8/items?path=/config-infra-prod.yml&$V"
is "$status" 200 "8: only the config files and infrastructure"
api GET "mlops-v2/_apis/build/builds/$build/logs?$V"
log=$(curl -s -K "$SIM_CURL" -H 'Accept: text/plain' "$SIM_URL/mlops-v2/_apis/build/builds/$build/logs/$(echo "$body" | jq -r '[.value[] | select(.lineCount > 2)][0].id')?$V")
contains "$log" "cp: cannot stat 'cv/python-sdk-v2'" "8: its log shows cp failing"

# 3: jobs run as the Project Collection Build Service when the job
# authorization scope is not limited, and that identity has no Contribute.
api PATCH "mlops-v2/_apis/build/generalsettings?$V" '{"enforceJobAuthScope":false}'
new_repo p3
initialise p3 classical aml-cli-v2 bicep
is "$(echo "$body" | jq -r .result)" failed "3: the collection identity was not granted: the run fails"
contains "$(issues "$build")" "TF401027" "3: TF401027"
contains "$(issues "$build")" "Project Collection Build Service" "3: naming the identity jobs really run as"
api PATCH "mlops-v2/_apis/build/generalsettings?$V" '{"enforceJobAuthScope":true}'

# 4: no right to create pipelines.
api POST "_apis/accesscontrolentries/33344d9c-fc72-4d6f-aba5-fa317101a7e9?$V" \
    "{\"token\":\"$project\",\"merge\":false,\"accessControlEntries\":[{\"descriptor\":\"$builder\",\"allow\":0,\"deny\":0}]}"
new_repo p4
# The revocation is read back once the sandbox's read lag has passed.
revoked() {
	api GET "_apis/accesscontrollists/33344d9c-fc72-4d6f-aba5-fa317101a7e9?token=$project&descriptors=$builder&includeExtendedInfo=true&$V"
	_allow=$(echo "$body" | jq -r --arg d "$builder" '.value[0].acesDictionary[$d].extendedInfo.effectiveAllow // 0')
	[ "$status" = 200 ] && [ $((_allow & 34816)) -eq 0 ]
}
wait_for 10 revoked
tap_result $? "4: the Build Service's Create/Edit build pipeline is revoked"
sleep 0.1
initialise p4 classical aml-cli-v2 bicep
is "$(echo "$body" | jq -r .result)" failed "4: without Create/Edit build pipeline the run fails"
contains "$(issues "$build")" "needs Edit build pipeline permissions" "4: at creating the pipelines"
grant 33344d9c-fc72-4d6f-aba5-fa317101a7e9 "$project" 34816

# Initialise a terraform project for the terraform pitfalls.
new_repo tf
sleep 0.1
initialise tf classical aml-cli-v2 terraform
is "$(echo "$body" | jq -r .result)" succeeded "a terraform project initialises"
api GET "mlops-v2/_apis/build/definitions?path=%5Ctf%5Cinfrastructure&$V"
is "$(echo "$body" | jq -r .count)" 0 "but, as the real script, creates no terraform infra pipeline"
create_pipeline tf-ado-deploy-infra "$(repo_id tf)" /infrastructure/devops-pipelines/tf-ado-deploy-infra.yml
tfinfra=$pipeline
sim_principal Azure-ARM-Prod-mlops-v2
api POST "_apis/serviceendpoint/endpoints?$V" "{\"name\":\"Azure-ARM-Prod\",\"type\":\"azurerm\",\"authorization\":{\"scheme\":\"ServicePrincipal\",\"parameters\":{\"tenantid\":\"$SIM_TENANT\",\"serviceprincipalid\":\"$SP_APP_ID\",\"authenticationType\":\"spnKey\",\"serviceprincipalkey\":\"$SP_SECRET\"}},\"data\":{\"subscriptionId\":\"$SIM_SUB\"},\"serviceEndpointProjectReferences\":[{\"projectReference\":{\"id\":\"$project\"},\"name\":\"Azure-ARM-Prod\"}]}"
permit endpoint "$(echo "$body" | jq -r .id)"
permit repository "$project.$templates"
edit_file tf /config-infra-prod.yml 's/namespace: mlopsv2/namespace: tfns/; s/postfix: 0001/postfix: 77/'
edit_file tf /infrastructure/devops-pipelines/tf-ado-deploy-infra.yml 's/ubuntu-20.04/ubuntu-latest/'

# 12: the Terraform extension.
queue_build "$tfinfra"
is "$status" 400 "12: without the Terraform extension the run is refused"
contains "$(echo "$body" | jq -r .message)" "references a task called 'TerraformInstaller'" "12: the real message"
api POST "_apis/extensionmanagement/installedextensionsbyname/ms-devlabs/custom-terraform-tasks/0.1.0?$P"

# The snapshot's terraform defects (facts 2.6.1 and 2.6.2).
queue_build "$tfinfra"
wait_for 30 finished "$build"
contains "$(issues "$build")" "has no Terraform configuration files" \
    "terraform_workingdir still points at infrastructure/terraform"
edit_file tf /config-infra-prod.yml 's#terraform_workingdir: infrastructure/terraform#terraform_workingdir: infrastructure#'
queue_build "$tfinfra"
wait_for 30 finished "$build"
contains "$(issues "$build")" 'A variable named "client_secret" was assigned on the command line' \
    "then plan fails on the undeclared client_secret"
edit_file tf /infrastructure/variables.tf '$a variable "client_secret" {}'

# 13: names too long for the terraform state storage account.
edit_file tf /config-infra-prod.yml 's/namespace: tfns/namespace: averylongnamespace/'
queue_build "$tfinfra"
wait_for 30 finished "$build"
contains "$(issues "$build")" "AccountNameInvalid" "13: a long namespace breaks the state storage account"
edit_file tf /config-infra-prod.yml 's/namespace: averylongnamespace/namespace: tfns/'

# 20: the resource provider is not registered.
api PATCH _sandbox/settings '{"registered_providers":["Microsoft.Storage"]}'
queue_build "$tfinfra"
wait_for 30 finished "$build"
contains "$(issues "$build")" "MissingSubscriptionRegistration" "20: an unregistered provider"
api PATCH _sandbox/settings '{"registered_providers":["Microsoft.MachineLearningServices","Microsoft.KeyVault","Microsoft.Storage","Microsoft.ContainerRegistry","Microsoft.Insights"]}'

# 14: no quota.
api PATCH _sandbox/settings '{"quota_exhausted":true}'
queue_build "$tfinfra"
wait_for 30 finished "$build"
contains "$(issues "$build")" "Not enough quota available" "14: no vCPU quota"
api PATCH _sandbox/settings '{"quota_exhausted":false}'

# 18: a soft-deleted key vault of the same name.
api PATCH _sandbox/settings '{"soft_deleted_names":["kv-tfns-77prod"]}'
queue_build "$tfinfra"
wait_for 30 finished "$build"
contains "$(issues "$build")" "already exists in deleted state" "18: a soft-deleted vault"
api PATCH _sandbox/settings '{"soft_deleted_names":[]}'

queue_build "$tfinfra"
wait_for 30 finished "$build"
is "$(echo "$body" | jq -r .result)" succeeded "with every cause fixed, the terraform infrastructure deploys"

# 16: the cv training pipeline does not compile.
new_repo cvp
initialise cvp cv aml-cli-v2 bicep
api GET "mlops-v2/_apis/build/definitions?path=%5Ccvp%5Cmlops&name=deploy-model-training-pipeline&$V"
queue_build "$(echo "$body" | jq -r '.value[0].id')"
is "$status" 400 "16: cv training is refused"
contains "$(echo "$body" | jq -r .message)" "Unexpected parameter 'build_type'" "16: Unexpected parameter 'build_type'"

# 21: rai needs a GitHub connection.
new_repo rai
initialise rai classical rai-aml-cli-v2 bicep
api GET "mlops-v2/_apis/build/definitions?path=%5Crai%5Cmlops&name=deploy-model-training-pipeline&$V"
queue_build "$(echo "$body" | jq -r '.value[0].id')"
contains "$(echo "$body" | jq -r .message)" "references endpoint github-connection which does not exist" \
    "21: rai training needs github-connection"

# 10: a run from another branch takes config-infra-dev.yml and Azure-ARM-Dev.
api GET "$R/tf/refs?filter=heads/main&$V"
tip=$(echo "$body" | jq -r '.value[0].objectId')
api POST "$R/tf/refs?$V" "[{\"name\":\"refs/heads/dev\",\"oldObjectId\":\"$zero\",\"newObjectId\":\"$tip\"}]"
is "$(echo "$body" | jq -r '.value[0].success')" true "a dev branch made with the refs API"
queue_build "$tfinfra" refs/heads/dev
contains "$(echo "$body" | jq -r .message)" "Azure-ARM-Dev which could not be found" \
    "10: a dev branch needs Azure-ARM-Dev"

# 2: a run waits for its Permit and gives up after the timeout.
restart_fast() { kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null; sim_start --time-scale 0.001; }
api POST "$R?$V" '{"name":"unpermitted"}'
first_commit unpermitted
grant 2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87 "repoV2/$project/$(repo_id unpermitted)" 20
restart_fast
queue_build "$init" refs/heads/main '{"adoProjectName":"mlops-v2","repoName":"unpermitted"}'
wait_for 20 finished "$build"
is "$(echo "$body" | jq -r .result)" failed "2: a run never permitted fails after the timeout"
api GET "mlops-v2/_apis/build/builds/$build/timeline?$V"
is "$(echo "$body" | jq -r '[.records[] | select(.type == "Checkpoint.Authorization")][0].result')" \
    failed "2: at its Checkpoint.Authorization"

# Git permissions are enforced for the operator too.
api GET "_apis/identities?searchFilter=General&filterValue=Sandbox%20Operator&$V"
operator=$(echo "$body" | jq -r '.value[0].descriptor')
api POST "_apis/accesscontrolentries/2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87?$V" \
    "$(jq -cn --arg t "repoV2/$project/$taxi" --arg d "$operator" \
    '{token: $t, merge: true, accessControlEntries: [{descriptor: $d, allow: 0, deny: 4}]}')"
is "$status" 200 "deny the operator Contribute on the ML repository"
sleep 0.1
edit_file taxi-fare-regression /README.md 's/taxi/cab/'
is "$status" 403 "a push denied Contribute: 403"
contains "$(echo "$body" | jq -r .message)" "TF401027: You need the Git 'GenericContribute' permission" "with TF401027"
auth=$(printf ':%s' "$SIM_PAT" | base64 -w0)
printf '[http]\n\textraHeader = Authorization: Basic %s\n[user]\n\tname = T\n\temail = t@example.com\n' "$auth" > "$tap_tmp/gitconfig"
export GIT_CONFIG_GLOBAL="$tap_tmp/gitconfig" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
git clone -q "$SIM_URL/mlops-v2/_git/taxi-fare-regression" "$tap_tmp/clone" 2>/dev/null
tap_result $? "reading is still allowed: git clone works"
(cd "$tap_tmp/clone" && echo x >> f && git add f && git commit -qm x &&
    GIT_TRACE_CURL="$tap_tmp/push.trace" GIT_TRACE_CURL_NO_DATA=1 \
    git push -q origin main) 2>"$tap_tmp/push.err"
[ $? -ne 0 ]
tap_result $? "git push over smart HTTP is refused"
# By the server, at the push itself: the ref advertisement for
# git-receive-pack is answered 403, not a dead server nor a local failure.
grep -q '<= Recv header: HTTP/[0-9.]* 403' "$tap_tmp/push.trace"
tap_result $? "with 403 from the server"
contains "$(cat "$tap_tmp/push.err")" "403" "git says 403"

done_testing
