# `mlops-tui doctor` against the sandbox: a healthy setup is all ok, and
# each known problem switched on is reported, alone, with its fix.
. "$top_srcdir/tests/lib.sh"
sim_start
. "$top_srcdir/tests/guide.sh"

ADO_NS_BUILD=33344d9c-fc72-4d6f-aba5-fa317101a7e9
ADO_NS_GIT=2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87
out="$tap_tmp/doctor.out"
err="$tap_tmp/doctor.err"
log="$tap_tmp/doctor.log"
doctor() { # ARGS...: run doctor on the ML repository; sets $rc
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" doctor --org "$SIM_URL" \
	    --repo taxi-fare-regression --log "$log" "$@" >"$out" 2>"$err" </dev/null
	rc=$?
	cat "$out" "$err" >> "$tap_tmp/all-output"
}
problems() { # ARGS...: the ids of the checks that report a problem
	doctor --json "$@"
	jq -r '[.checks[] | select(.verdict == "problem") | .id] | join(" ")' "$out"
}
verdict() { jq -r --arg id "$1" '.checks[] | select(.id == $id) | .verdict' "$out"; }
fix_of() { jq -r --arg id "$1" '.checks[] | select(.id == $id) | .known_error.id' "$out"; }

# No project yet: the PAT works, everything after it is a problem or
# cannot be told, and nothing is created by looking.
doctor
is "$rc" 7 "a missing project: exit status 7"
contains "$(cat "$out")" "ok           Azure DevOps sign-in: signed in to sandbox as Sandbox Operator" "the signed-in user and the organization"
contains "$(cat "$out")" "problem      The project exists: there is no project 'mlops-v2'" "the project is missing"
contains "$(cat "$out")" "fix  1." "with the numbered fix from errors.yml"
contains "$(cat "$out")" "Nothing was changed." "and says it changed nothing"
is "$(problems)" "project" "the project is the one problem; what needs it cannot be told"
api GET "_apis/projects/mlops-v2?$V"
is "$status" 404 "doctor created no project"

guide_setup
sim_principal Azure-ARM-Prod-mlops-v2
edit_config() { # NAMESPACE: config-infra-prod.yml on main of the ML repository
	api GET "$R/taxi-fare-regression/refs?filter=heads/main&$V"
	_tip=$(echo "$body" | jq -r '.value[0].objectId')
	_content=$(printf 'variables:\n  namespace: %s\n  postfix: 0001\n  location: eastus\n' "$1" | jq -Rs .)
	_change=add
	api GET "$R/taxi-fare-regression/items?path=/config-infra-prod.yml&$V"
	[ "$status" = 200 ] && _change=edit
	api POST "$R/taxi-fare-regression/pushes?$V" "{\"refUpdates\":[{\"name\":\"refs/heads/main\",\"oldObjectId\":\"$_tip\"}],\"commits\":[{\"comment\":\"config\",\"changes\":[{\"changeType\":\"$_change\",\"item\":{\"path\":\"/config-infra-prod.yml\"},\"newContent\":{\"content\":$_content,\"contentType\":\"rawtext\"}}]}]}"
}
edit_config mlopsv2

# Sections 1 and 2 done; no service connection, no environment.
is "$(problems)" "connection environment" "before section 3: the connection and the environment are missing"
is "$(fix_of connection)" service-connection-missing "the connection's fix"
is "$(fix_of environment)" environment-missing "the environment's fix"

connection() { # SECRET: the guide's Azure-ARM-Prod as JSON
	printf '{"name":"Azure-ARM-Prod","type":"azurerm","url":"https://management.azure.com/","authorization":{"scheme":"ServicePrincipal","parameters":{"tenantid":"%s","serviceprincipalid":"%s","authenticationType":"spnKey","serviceprincipalkey":"%s"}},"data":{"subscriptionId":"%s","subscriptionName":"sandbox"},"serviceEndpointProjectReferences":[{"projectReference":{"id":"%s"},"name":"Azure-ARM-Prod"}]}' \
	    "$SIM_TENANT" "$SP_APP_ID" "$1" "$SIM_SUB" "$project"
}
api POST "_apis/serviceendpoint/endpoints?$V" "$(connection "$SP_SECRET")"
endpoint=$(echo "$body" | jq -r .id)
is "$(problems)" "connection environment" "a connection not granted to all pipelines is still a problem"
is "$(fix_of connection)" waiting-for-permit "whose fix is to permit it"
permit endpoint "$endpoint"
api POST "mlops-v2/_apis/distributedtask/environments?$V" '{"name":"prod"}'

# Healthy: everything ok but what no documented API tells.
doctor
is "$rc" 0 "a healthy setup: exit status 0"
doctor --json
is "$(jq -r '[.checks[] | select(.verdict != "ok") | .id] | join(" ")' "$out")" "parallelism subscription contributor providers app-registration role-assignments provider-registration quota" "all ok but parallelism, and Azure without --subscription"
is "$(jq -r .changed "$out")" false "the JSON says nothing changed"
is "$(verdict names)" ok "the names from config-infra-prod.yml fit"
contains "$(jq -r '.checks[] | select(.id == "job-identity") | .detail' "$out")" "mlops-v2 Build Service (sandbox)" "jobs run as the project's Build Service"
is "$(jq -r '.checks[] | select(.id == "parallelism") | .known_error.fix' "$out" | head -1)" "1. Check Organization settings > Pipelines > Parallel jobs: the Microsoft-hosted count" "cannot tell parallelism, but says where to look"

# Each known problem alone.
api PATCH "mlops-v2/_apis/build/generalsettings?$V" '{"enforceJobAuthScope":false}'
is "$(problems)" "pipeline-rights ml-repo-rights" "3: jobs run as the collection's identity, which has neither right"
contains "$(jq -r '.checks[] | select(.id == "pipeline-rights") | .detail' "$out")" "Project Collection Build Service (sandbox)" "3: naming that identity"
api PATCH "mlops-v2/_apis/build/generalsettings?$V" '{"enforceJobAuthScope":true}'

api POST "_apis/accesscontrolentries/$ADO_NS_BUILD?$V" "{\"token\":\"$project\",\"merge\":false,\"accessControlEntries\":[{\"descriptor\":\"$builder\",\"allow\":32768,\"deny\":0}]}"
sleep 0.1 # past the sandbox's read lag of new permissions, as the real one
is "$(problems)" "pipeline-rights" "4: without Edit build pipeline"
is "$(fix_of pipeline-rights)" build-pipeline-permissions "4: its fix"
contains "$(jq -r '.checks[] | select(.id == "pipeline-rights") | .detail' "$out")" "may not edit build pipelines" "4: naming the missing right"
grant "$ADO_NS_BUILD" "$project" 34816
sleep 0.1

api POST "_apis/accesscontrolentries/$ADO_NS_GIT?$V" "{\"token\":\"repoV2/$project/$taxi\",\"merge\":false,\"accessControlEntries\":[{\"descriptor\":\"$builder\",\"allow\":4,\"deny\":0}]}"
sleep 0.1
is "$(problems)" "ml-repo-rights" "without Create branch on the ML repository"
is "$(fix_of ml-repo-rights)" push-permission-denied "its fix"
contains "$(jq -r '.checks[] | select(.id == "ml-repo-rights") | .detail' "$out")" "lacks Create branch on taxi-fare-regression" "naming the missing right"
grant "$ADO_NS_GIT" "repoV2/$project/$taxi" 20
sleep 0.1

api GET "$R/mlops-templates/refs?filter=heads/main&$V"
api POST "$R/mlops-templates/refs?$V" "[{\"name\":\"refs/heads/other\",\"oldObjectId\":\"$zero\",\"newObjectId\":\"$(echo "$body" | jq -r '.value[0].objectId')\"}]"
api PATCH "$R/mlops-templates?$V" '{"defaultBranch":"refs/heads/other"}'
is "$(problems)" "repo-mlops-templates" "1: an accelerator repository that defaults to another branch"
contains "$(jq -r '.checks[] | select(.id == "repo-mlops-templates") | .detail' "$out")" "defaults to other, not main" "1: naming the branch"
api PATCH "$R/mlops-templates?$V" '{"defaultBranch":"refs/heads/main"}'

is "$(problems --infrastructure terraform)" "terraform-extension" "12: terraform without the extension"
is "$(fix_of terraform-extension)" terraform-extension-missing "12: its fix"
api POST "_apis/extensionmanagement/installedextensionsbyname/ms-devlabs/custom-terraform-tasks/0.1.0?$P"
is "$(problems --infrastructure terraform)" "" "12: with it installed, terraform is fine"

api PATCH "$PP/endpoint/$endpoint?$P" '{"allPipelines":{"authorized":false}}'
is "$(problems)" "connection" "9: a connection not open to all pipelines"
permit endpoint "$endpoint"

api PUT "_apis/serviceendpoint/endpoints/$endpoint?$V" "$(connection not-the-secret)"
is "$(problems)" "connection" "a connection whose secret is wrong fails TestConnection"
contains "$(jq -r '.checks[] | select(.id == "connection") | .detail' "$out")" "AADSTS7000215" "with Entra's error"
is "$(fix_of connection)" client-secret-wrong "matched to its fix by the error text"
api PUT "_apis/serviceendpoint/endpoints/$endpoint?$V" "$(connection "$SP_SECRET")"

is "$(problems --namespace averyverylongnamespace)" "names" "13: a namespace too long for the storage account"
is "$(fix_of names)" resource-name-invalid "13: its fix"
edit_config "Bad-NS"
is "$(problems)" "names" "13: the repository's config-infra-prod.yml is read too"
edit_config mlopsv2
is "$(problems)" "" "every problem fixed: none left"

# Each environment named is checked, its connection by the guide's name;
# prod's are there, dev's not.
is "$(problems --environment dev)" "connection environment" "--environment dev: Azure-ARM-Dev and dev are checked, not prod's"
is "$(jq -r '.checks[] | select(.id == "connection") | .environment + ": " + .detail' "$out")" "dev: there is no service connection 'Azure-ARM-Dev'" "the dev connection is named, with its environment"
doctor --environment prod --environment dev --environment prod
is "$rc" 7 "prod and dev: exit status 7 for dev's problems"
contains "$(cat "$out")" "ok           The service connection (prod): Azure-ARM-Prod" "prod's connection checked, titled with its environment"
contains "$(cat "$out")" "problem      The service connection (dev): there is no service connection 'Azure-ARM-Dev'" "dev's too"
contains "$(cat "$out")" "problem      The environment (dev): there is no environment 'dev'" "and the dev environment"
is "$(grep -c 'The service connection (prod)' "$out")" 1 "an environment named twice is checked once"
doctor --environment staging
is "$rc" 2 "another environment: a usage error"
contains "$(cat "$err")" "--environment staging: expected prod or dev" "naming what is allowed"
# Azure-ARM-Dev made (the same principal) and open to all pipelines, and
# the dev environment: both environments ok.
api POST "_apis/serviceendpoint/endpoints?$V" "$(connection "$SP_SECRET" | sed 's/Azure-ARM-Prod/Azure-ARM-Dev/g')"
permit endpoint "$(echo "$body" | jq -r .id)"
api POST "mlops-v2/_apis/distributedtask/environments?$V" '{"name":"dev"}'
is "$(problems --environment prod --environment dev)" "" "Azure-ARM-Dev and dev made: both environments ok"
is "$(jq -r '[.checks[] | select(.id == "connection") | .environment + " " + (.detail | split(" ")[0])] | join(", ")' "$out")" "prod Azure-ARM-Prod, dev Azure-ARM-Dev" "each connection checked by its name, in the order named"

# Azure, signed in with a device code (the sandbox approves it after two
# polls), with tokens so short-lived that each Azure check renews them.
api PATCH _sandbox/settings '{"device_interval_s":0,"device_auto_approve_polls":2,"token_lifetime_s":60}'
before=$(wc -l < "$log")
is "$(problems --subscription "$SIM_SUB" --location eastus --tenant "$SIM_TENANT" --azure-sign-in device)" "" "Azure: subscription, Contributor, providers, the operator's rights and quota ok"
is "$(jq -r '[.checks[] | select(.verdict != "ok") | .id] | join(" ")' "$out")" "parallelism" "only parallelism left untold"
contains "$(jq -r '.checks[] | select(.id == "contributor") | .detail' "$out")" "is Contributor on the subscription" "the connection's principal holds Contributor"
contains "$(cat "$err")" "enter the code" "the device code is shown to the operator"
# Two polls and the Graph token at sign-in, then both tokens again before
# each of the eight Azure checks (the names asked of Azure among them).
is "$(tail -n +$((before + 1)) "$log" | grep -c '/oauth2/v2.0/token ')" 19 "tokens about to expire are renewed before each Azure check"
api PATCH _sandbox/settings '{"token_lifetime_s":3599}'

api PATCH _sandbox/settings '{"registered_providers":["Microsoft.MachineLearningServices","Microsoft.Storage","Microsoft.ContainerRegistry","Microsoft.Insights"]}'
is "$(problems --subscription "$SIM_SUB" --azure-sign-in device)" "providers" "19: an unregistered resource provider"
is "$(jq -r '.checks[] | select(.id == "providers") | .detail' "$out")" "not registered: Microsoft.KeyVault" "19: naming it"
is "$(fix_of providers)" provider-not-registered "19: its fix"
api PATCH _sandbox/settings '{"registered_providers":["Microsoft.MachineLearningServices","Microsoft.KeyVault","Microsoft.Storage","Microsoft.ContainerRegistry","Microsoft.Insights"]}'

is "$(problems --subscription 00000000-0000-0000-0000-000000000000 --azure-sign-in device)" "subscription" "a subscription that cannot be seen: that is the problem"
is "$(fix_of subscription)" subscription-not-usable "its fix"

# A principal without a role: the connection's test fails, and why.
_host="${SIM_URL%/*}"
_app=$(curl -s -X POST -H "Authorization: Bearer $GRAPH_TOKEN" -H 'Content-Type: application/json' --data '{"displayName":"no-role"}' "$_host/_graph/v1.0/applications")
_secret=$(curl -s -X POST -H "Authorization: Bearer $GRAPH_TOKEN" -H 'Content-Type: application/json' --data '{}' "$_host/_graph/v1.0/applications/$(echo "$_app" | jq -r .id)/addPassword" | jq -r .secretText)
curl -s -o /dev/null -X POST -H "Authorization: Bearer $GRAPH_TOKEN" -H 'Content-Type: application/json' --data "{\"appId\":\"$(echo "$_app" | jq -r .appId)\"}" "$_host/_graph/v1.0/servicePrincipals"
_saved_app=$SP_APP_ID
SP_APP_ID=$(echo "$_app" | jq -r .appId)
api PUT "_apis/serviceendpoint/endpoints/$endpoint?$V" "$(connection "$_secret")"
is "$(problems --subscription "$SIM_SUB" --azure-sign-in device)" "connection contributor" "7: a principal without Contributor: no connection, no role"
is "$(fix_of contributor)" principal-lacks-role "7: the role's fix"
SP_APP_ID=$_saved_app
api PUT "_apis/serviceendpoint/endpoints/$endpoint?$V" "$(connection "$SP_SECRET")"

# Azure DevOps through the Entra sign-in: no PAT at all.
before=$(wc -l < "$log")
env -u AZURE_DEVOPS_EXT_PAT "$MLOPS_TUI" doctor --org "$SIM_URL" --repo taxi-fare-regression \
    --ado-auth entra --azure-sign-in device --tenant "$SIM_TENANT" --json --log "$log" >"$out" 2>"$err" </dev/null
is "$?" 0 "--ado-auth entra: no PAT needed"
is "$(jq -r '.checks[0].verdict' "$out")" ok "signed in to Azure DevOps with an Entra token"
is "$(tail -n +$((before + 1)) "$log" | grep -c '/oauth2/v2.0/token ')" 4 "two polls, then Graph's and Azure DevOps's tokens from the refresh token"
cat "$out" "$err" >> "$tap_tmp/all-output"

# The Azure CLI's tokens instead: an az on PATH that hands out the
# sandbox's tokens and notes the environment it was given.
mkdir -p "$tap_tmp/bin"
printf '%s' "$ARM_TOKEN" > "$tap_tmp/arm.token"
printf '%s' "$GRAPH_TOKEN" > "$tap_tmp/graph.token"
cat > "$tap_tmp/bin/az" <<AZ
#!/bin/sh
env > "$tap_tmp/az.env"
case "\$*" in
*ms-graph*) t=\$(cat "$tap_tmp/graph.token") ;;
*) t=\$(cat "$tap_tmp/arm.token") ;;
esac
printf '{"accessToken":"%s","expires_on":%s,"tokenType":"Bearer"}\n' "\$t" "\$(( \$(date +%s) + 3600 ))"
AZ
chmod +x "$tap_tmp/bin/az"
is "$(PATH="$tap_tmp/bin:$PATH" problems --subscription "$SIM_SUB")" "" "with az installed, its tokens are used"
is "$(jq -r '.checks[] | select(.id == "subscription") | .verdict' "$out")" ok "and the subscription is checked with them"
lacks "$(cat "$tap_tmp/az.env")" "$SIM_PAT" "the PAT is not in the environment of az"
printf '#!/bin/sh\necho "Please run az login" >&2\nexit 1\n' > "$tap_tmp/bin/az"
is "$(PATH="$tap_tmp/bin:$PATH" problems --subscription "$SIM_SUB")" "" "az not signed in: no problem claimed"
contains "$(jq -r '.checks[] | select(.id == "subscription") | .detail' "$out")" "run 'az login'" "but the Azure checks say why they cannot tell"

# A refused PAT: said once, the rest cannot be told.
AZURE_DEVOPS_EXT_PAT=not-a-pat "$MLOPS_TUI" doctor --org "$SIM_URL" --repo taxi-fare-regression --json >"$out" 2>"$err" </dev/null
is "$(jq -r '.checks[0].verdict + " " + .checks[0].known_error.id' "$out")" "problem ado-credentials-rejected" "a refused PAT: the problem, with the fix for bad credentials"
is "$(jq -r '[.checks[] | select(.verdict == "problem") | .id] | join(" ")' "$out")" "sign-in" "said once: what needs it cannot tell"

is "$(jq -r '[.checks[] | select(.verdict == "ok") | .id] | join(" ")' "$out")" "terraform-extension" "nothing that needs the PAT is ok"

# A PAT whose custom scopes leave out Build: signed in, but refused there.
api PATCH _sandbox/settings '{"pat_scopes":["vso.project_manage","vso.code_full","vso.environment_manage","vso.serviceendpoint_manage","vso.pipelineresources_manage","vso.extension"]}'
is "$(problems)" "job-identity" "a PAT without the Build scope: said once, by the first check that reads build settings"
is "$(verdict ml-repo-rights)" unknown "the others that need them cannot tell"
is "$(fix_of job-identity)" pat-scope-missing "with the fix that names the scopes"
contains "$(jq -r '.checks[] | select(.id == "job-identity") | .detail' "$out")" "may not read the build settings" "naming what it could not read"
api PATCH _sandbox/settings '{"pat_scopes":null}'

# The PAT from a file, and none at all.
printf '%s\n' "$SIM_PAT" > "$tap_tmp/pat"
chmod 600 "$tap_tmp/pat"
env -u AZURE_DEVOPS_EXT_PAT "$MLOPS_TUI" doctor --org "$SIM_URL" --repo taxi-fare-regression --pat-file "$tap_tmp/pat" >"$out" 2>&1 </dev/null
is "$?" 0 "--pat-file: the PAT from a file"
env -u AZURE_DEVOPS_EXT_PAT "$MLOPS_TUI" doctor --org "$SIM_URL" --repo taxi-fare-regression >"$out" 2>&1 </dev/null
is "$?" 2 "no PAT anywhere: a usage error"
contains "$(cat "$out")" "no Azure DevOps PAT" "saying so"

# Read-only: every request doctor made reads, but TestConnection's proxy
# and the sign-in's token requests.
is "$(awk '$2 != "GET" && $3 !~ /_apis\/serviceendpoint\/endpointproxy|\/checkNameAvailability\?|\/oauth2\/v2.0\/(token|devicecode)$/' "$log" | wc -l)" 0 "doctor sent nothing but reads"
contains "$(cat "$log")" " GET $SIM_URL/_apis/connectionData" "its log names each request"
for s in "$SIM_PAT" "$SP_SECRET" "$ARM_TOKEN" "$GRAPH_TOKEN" "$_secret"; do
	lacks "$(cat "$tap_tmp/all-output" "$out" "$err" "$log")" "$s" "no secret in doctor's output or log"
done
done_testing
