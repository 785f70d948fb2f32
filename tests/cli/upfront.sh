# The operator's rights and capacity checked up front by plan (issue 14):
# creating the project, registering applications, assigning roles at the
# subscription, the Azure ML quota for the scenario's clusters - each
# both ways, with who can fix it and the manual route, and plan's exit
# status as apply's would be. One sandbox; plan changes nothing.
. "$top_srcdir/tests/lib.sh"
sim_start

out="$tap_tmp/plan.out"
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
echo "location: eastus" >> "$answers"
sim_principal admin-made        # for later: made while the operator may
plan() { # [ANSWERS]: plan with Azure; sets $rc
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" plan --answers "${1:-$answers}" \
	    --azure-sign-in device >"$out" 2>&1 </dev/null
	rc=$?
}
line() { grep -F "$1" "$out" | head -n 1 | sed "s/^ *//"; }
collection=3e65f728-f8bc-4ecd-8764-7e378b19bfa7

# Every right present: each checked, none a problem, nothing refused.
plan
is "$rc" 0 "all rights: plan exits 0 (apply would do every step)"
contains "$(cat "$out")" "Checked up front (your rights and capacity for the steps to do; read-only)" "the section is there"
is "$(line 'You may create the project:')" "[x] You may create the project: you may create the project mlops-v2 (Create new projects)" "project: may create"
is "$(line 'You may register applications (prod):')" "[x] You may register applications (prod): users may register applications in the tenant" "apps: allowed"
is "$(line 'You may assign roles at the subscription (prod):')" "[x] You may assign roles at the subscription (prod): you may write role assignments at the subscription" "roles: allowed"
is "$(line 'The Azure ML compute quota covers the clusters (prod):')" "[x] The Azure ML compute quota covers the clusters (prod): the Azure ML quota in eastus covers the clusters" "quota: enough"
api GET "_apis/permissions/$collection/4?tokens=NAMESPACE&api-version=7.1"
is "$status $body" '200 {"count":1,"value":[true]}' "sandbox: Create new projects evaluated for the caller, the real shape"

# Not a Project Collection Administrator.
api PATCH _sandbox/settings '{"operator_can_create_projects":false}'
plan
is "$rc" 1 "project: plan exits 1, as apply would fail at the project"
contains "$(line 'You may create the project:')" "[!] You may create the project: you may not create projects in sandbox (you lack Create new projects: you are not a Project Collection Administrator)" "project: said before anything changes"
contains "$(cat "$out")" "A Project Collection Administrator creates the project mlops-v2 (Organization settings > Projects > New project)" "project: who fixes it, the manual route"
contains "$(cat "$out")" "1. Ask a Project Collection Administrator of $SIM_URL to create the project" "project: the fix from errors.yml"
api GET "_apis/permissions/$collection/4?tokens=NAMESPACE&api-version=7.1"
is "$body" '{"count":1,"value":[false]}' "sandbox: the permission evaluates false"
api POST "_apis/projects?api-version=7.1" '{"name":"refused","capabilities":{"versioncontrol":{"sourceControlType":"Git"}}}'
is "$status" 403 "sandbox: creating a project is refused"
contains "$body" "TF50309: The following account does not have sufficient permissions to complete the operation: Sandbox Operator. The following permissions are needed to perform this operation: Create new projects." "sandbox: with the service's words"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" doctor --json --org "$SIM_URL" --repo taxi-fare-regression \
    >"$tap_tmp/doctor.json" 2>/dev/null </dev/null
is "$(jq -r '.checks[] | select(.id == "project-creation") | "\(.verdict) \(.known_error.id)"' "$tap_tmp/doctor.json")" \
    "problem project-creation-forbidden" "doctor says it too"

# A tenant without app registration for users; Contributor only.
api PATCH _sandbox/settings '{"operator_can_create_projects":true,"operator_can_register_apps":false,"operator_can_assign_roles":false}'
plan
is "$rc" 1 "apps and roles: plan exits 1"
contains "$(line 'You may register applications (prod):')" "[!] You may register applications (prod): you may not register applications: the tenant stops users" "apps: forbidden"
contains "$(line 'You may register applications (prod):')" "An administrator with one of them makes the principal (az ad sp create-for-rbac) and you give it" "apps: who, and the manual route"
contains "$(line 'You may assign roles at the subscription (prod):')" "[!] You may assign roles at the subscription (prod): you may not write role assignments at subscription $SIM_SUB" "roles: Contributor is not enough"
contains "$(cat "$out")" "az role assignment create --assignee <appId> --role Contributor" "roles: the manual route"
# Only Role Based Access Control Administrator, under a condition that
# allows Reader alone.
reader="acdd72a7-3385-48ef-bd42-f606fba81ae7"
cond="((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {$reader}))"
api PATCH _sandbox/settings "$(jq -cn --arg c "$cond" '{operator_can_register_apps: true, role_assignment_condition: $c}')"
plan
is "$rc" 1 "conditioned roles: plan exits 1"
contains "$(line 'You may assign roles at the subscription (prod):')" "[!] You may assign roles at the subscription (prod): you may write role assignments at subscription $SIM_SUB only under a condition that does not name Contributor" "roles: the condition read, said up front"
api PATCH _sandbox/settings '{"role_assignment_condition":null,"operator_can_register_apps":false}'

# The principal made by an administrator and given (principal_way
# existing): its step is done, and neither right is asked.
sed "s/^    postfix: .*/&\\n    client_id: $SP_APP_ID/" "$answers" >"$tap_tmp/existing.yml"
echo "principal_way: existing" >>"$tap_tmp/existing.yml"
plan "$tap_tmp/existing.yml"
lacks "$(cat "$out")" "You may register applications" "apps: not asked for a given principal"
lacks "$(cat "$out")" "You may assign roles" "roles: not asked for a given principal"
is "$rc" 0 "a given principal: plan exits 0"

# The scenario's GPU cluster: nlp's NV family exhausted in the region.
api PATCH _sandbox/settings '{"operator_can_register_apps":true,"operator_can_assign_roles":true,"exhausted_quota":["standardNVFamily@eastus"]}'
plan
is "$(line 'The Azure ML compute quota covers the clusters (prod):' | cut -c1-3)" "[x]" "quota: classical needs no GPU"
is "$rc" 0 "quota: plan exits 0"
cp "$answers" "$tap_tmp/nlp.yml"
echo "project_type: nlp" >> "$tap_tmp/nlp.yml"
plan "$tap_tmp/nlp.yml"
is "$rc" 1 "quota: nlp, plan exits 1"
contains "$(line 'The Azure ML compute quota covers the clusters (prod):')" "[!] The Azure ML compute quota covers the clusters (prod): the Azure ML compute quota in eastus does not cover the clusters: standardNVFamily for gpu-cluster (Standard_NV6) needs 6 vCPUs, none free" "quota: nlp's GPU family, said with cluster and size"
contains "$(cat "$out")" "The subscription's Owner asks for more" "quota: who fixes it"
api PATCH _sandbox/settings '{"exhausted_quota":["standardDv2Family"]}'
plan "$tap_tmp/nlp.yml"
contains "$(line 'The Azure ML compute quota covers the clusters (prod):')" "standardDv2Family for cpu-cluster-lg (Standard_D14_v2) needs 16 vCPUs" "quota: nlp's large CPU cluster too"

# The resource providers: every one registered, registering is not asked
# of ARM; one unregistered, the operator's right to register it is.
is "$(line 'You may register the resource providers (prod):')" "" "providers all registered: the step is done, no right asked"
arm() { # METHOD PATH: the sandbox's ARM as the operator; sets $status, $body
	_r=$(curl -s -w '\n%{http_code}' -X "$1" -H "Authorization: Bearer $ARM_TOKEN" \
	    -H 'Content-Length: 0' "${SIM_URL%/*}/_arm/subscriptions/$SIM_SUB/$2")
	status=${_r##*
}
	body=${_r%
*}
}
api PATCH _sandbox/settings '{"exhausted_quota":[],"registered_providers":["Microsoft.KeyVault","Microsoft.Storage","Microsoft.ContainerRegistry","Microsoft.Insights"]}'
plan
is "$(line 'You may register the resource providers (prod):')" "[x] You may register the resource providers (prod): you may register the providers still unregistered: Microsoft.MachineLearningServices" "providers: one unregistered, the operator may register it"
is "$rc" 0 "providers: plan exits 0"
# A role without register/action (as a narrow custom role): said before
# anything changes, with who registers them and how.
api PATCH _sandbox/settings '{"operator_can_register_providers":false}'
plan
is "$rc" 1 "providers: plan exits 1, as apply would fail at the providers"
contains "$(line 'You may register the resource providers (prod):')" "[!] You may register the resource providers (prod): you may not register the resource providers Microsoft.MachineLearningServices at subscription $SIM_SUB (no role of yours grants their register/action; Owner and Contributor do): an Owner or Contributor of it registers them (az provider register --namespace NAME --subscription $SIM_SUB, for each)" "providers: said up front, who and how"
contains "$(cat "$out")" "1. Ask an Owner or Contributor of subscription $SIM_SUB to register them:" "providers: the fix from errors.yml"
arm GET "providers/Microsoft.Authorization/permissions?api-version=2022-04-01"
is "$(echo "$body" | jq -c '.value[0].notActions | index("*/register/action") != null')" true "sandbox: the permissions list leaves register/action out"
arm POST "providers/Microsoft.MachineLearningServices/register?api-version=2021-04-01"
is "$status" 403 "sandbox: registering is refused"
is "$(echo "$body" | jq -r .error.code)" AuthorizationFailed "sandbox: ARM's error code"
contains "$(echo "$body" | jq -r .error.message)" "does not have authorization to perform action 'Microsoft.MachineLearningServices/register/action' over scope '/subscriptions/$SIM_SUB' or the scope is invalid." "sandbox: ARM's words"
arm GET "providers/Microsoft.MachineLearningServices?api-version=2021-04-01"
is "$(echo "$body" | jq -r .registrationState)" NotRegistered "sandbox: nothing registered"
api PATCH _sandbox/settings '{"operator_can_register_providers":true}'
arm POST "providers/Microsoft.MachineLearningServices/register?api-version=2021-04-01"
is "$status $(echo "$body" | jq -r .registrationState)" "200 Registered" "sandbox: a Contributor registers it"

# A right is asked only for a step still to do: the project made, its
# creation is no longer checked, even for one who could not.
api PATCH _sandbox/settings '{"exhausted_quota":[]}'
api POST "_apis/projects?api-version=7.1" '{"name":"mlops-v2","capabilities":{"versioncontrol":{"sourceControlType":"Git"}}}'
api PATCH _sandbox/settings '{"operator_can_create_projects":false}'
wait_for 30 sh -c "curl -s -K '$SIM_CURL' '$SIM_URL/_apis/projects/mlops-v2?api-version=7.1' | grep -q wellFormed"
plan
lacks "$(cat "$out")" "You may create the project" "project there: creating it is not checked"
is "$rc" 0 "project there: plan exits 0"

# apply, told all the same, fails at the project with the service's words
# (another project, as mlops-v2 is there now; last, as apply makes the
# steps that do not need the project).
cp "$answers" "$tap_tmp/other.yml"
echo "project: other" >> "$tap_tmp/other.yml"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$tap_tmp/other.yml" \
    --azure-sign-in device >"$tap_tmp/apply.out" 2>&1 </dev/null
is "$?" 1 "apply fails as plan said"
contains "$(grep -F '[!]' "$tap_tmp/apply.out" | head -n 1)" "project: creating the project: not allowed: TF50309: The following account" "at the project, with the service's words"
contains "$(cat "$tap_tmp/apply.out")" "Ask a Project Collection Administrator of" "explained from errors.yml"
# Several ML projects in one plan: the rights are the operator's, the same
# for every project, so each is asked once and every project's plan shows
# the answer (a problem too).
api PATCH _sandbox/settings '{"operator_can_create_projects":true,"operator_can_register_apps":false}'
for p in taxi-a:1001 taxi-b:1002; do
	sed -e "s/taxi-fare-regression/${p%:*}/; s/\"4711\"/\"${p#*:}\"/" \
	    -e "/postfix:/a\\    service_connection: Azure-ARM-Prod-${p%:*}" \
	    "$answers" > "$tap_tmp/${p%:*}.yml"
done
: > "$SIM_LOG"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" plan --answers "$tap_tmp/taxi-a.yml" \
    --answers "$tap_tmp/taxi-b.yml" --azure-sign-in device >"$out" 2>&1 </dev/null
is "$(grep -c '\[!\] You may register applications (prod): you may not register applications' "$out")" 2 \
    "two projects: each plan shows the right missing"
is "$(grep -c 'You may assign roles at the subscription (prod)' "$out")" 2 \
    "two projects: each plan shows the subscription's right"
is "$(jq -r 'select(.path | test("authorizationPolicy$|Authorization/permissions$")) | .path' "$SIM_LOG" | wc -l)" 2 \
    "two projects: each right asked once (the directory's policy, the subscription's permissions)"
done_testing
