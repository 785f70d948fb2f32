# The operator's rights and capacity in Azure, read before anything
# changes (issue 14): registering applications, assigning roles at the
# subscription (conditions read), the Azure ML quota for the clusters -
# each both ways in doctor, which changes nothing.
. "$top_srcdir/tests/lib.sh"
sim_start

out="$tap_tmp/out"
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
doctor() { # ARGS...: doctor --json with Azure; sets $rc
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" doctor --json --org "$SIM_URL" \
	    --repo taxi-fare-regression --subscription "$SIM_SUB" --location eastus \
	    --tenant "$SIM_TENANT" --azure-sign-in device "$@" >"$out" 2>/dev/null </dev/null
	rc=$?
}
check() { jq -r --arg id "$1" '.checks[] | select(.id == $id) | "\(.verdict): \(.detail)"' "$out"; }
fix_of() { jq -r --arg id "$1" '.checks[] | select(.id == $id) | .known_error.id' "$out"; }

# Every right present.
doctor
is "$(check app-registration)" "ok: users may register applications in the tenant" "apps: allowed"
is "$(check role-assignments)" "ok: you may write role assignments at the subscription" "roles: allowed (Owner)"
is "$(check quota)" "ok: the Azure ML quota in eastus covers the clusters" "quota: enough"
lacks "$(jq -r '.checks[].id' "$out")" "azure-rights" "doctor says the three apart"

# A tenant without app registration for users.
api PATCH _sandbox/settings '{"operator_can_register_apps":false}'
doctor
contains "$(check app-registration)" "problem: you may not register applications: the tenant stops users (allowedToCreateApps is false)" "apps: forbidden, said why"
contains "$(check app-registration)" "An administrator with one of them makes the principal (az ad sp create-for-rbac)" "with who and the manual route"
is "$(fix_of app-registration)" app-registration-forbidden "matched to errors.yml"

# Contributor only: no role assignment.
api PATCH _sandbox/settings '{"operator_can_register_apps":true,"operator_can_assign_roles":false}'
doctor
contains "$(check role-assignments)" "problem: you may not write role assignments at subscription $SIM_SUB" "roles: Contributor is not enough"
is "$(fix_of role-assignments)" role-assignment-forbidden "matched to errors.yml"

# Role Based Access Control Administrator under a condition.
reader="acdd72a7-3385-48ef-bd42-f606fba81ae7"
cond="((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {$reader}))"
api PATCH _sandbox/settings "$(jq -cn --arg c "$cond" '{role_assignment_condition: $c}')"
doctor
contains "$(check role-assignments)" "problem: you may write role assignments at subscription $SIM_SUB only under a condition that does not name Contributor" "roles: a condition without Contributor"
contains "$(check role-assignments)" "$reader" "the condition is quoted"
is "$(fix_of role-assignments)" role-assignment-conditioned "matched to errors.yml"
api PATCH _sandbox/settings "$(jq -cn --arg c "${cond%\}))}, b24988ac-6180-42a0-ab88-20f7382dd24c}))" '{role_assignment_condition: $c}')"
doctor
contains "$(check role-assignments)" "ok: you may write role assignments under a condition that names Contributor" "roles: a condition that allows Contributor"

# Exhausted quota for one family in one region.
api PATCH _sandbox/settings '{"role_assignment_condition":null,"operator_can_assign_roles":true,"exhausted_quota":["standardDSv2Family@eastus"]}'
doctor
contains "$(check quota)" "problem: the Azure ML compute quota in eastus does not cover the clusters: standardDSv2Family for cpu-cluster (Standard_DS3_v2) needs 4 vCPUs, none free" "quota: exhausted, with the family and cluster"
is "$(fix_of quota)" quota-exhausted "matched to errors.yml"
doctor --location westeurope
is "$(check quota)" "ok: the Azure ML quota in westeurope covers the clusters" "quota: another region has it"
doctor --infrastructure terraform
is "$(check quota)" "ok: the Azure ML quota in eastus covers the clusters" "quota: terraform's cluster is of another family"
# The scenario's GPU clusters (--project-type): nlp's NV family exhausted.
api PATCH _sandbox/settings '{"exhausted_quota":["standardNVFamily@eastus"]}'
doctor --project-type cv
is "$(check quota)" "ok: the Azure ML quota in eastus covers the clusters" "quota: cv's NC family is there"
doctor --project-type nlp
contains "$(check quota)" "problem: the Azure ML compute quota in eastus does not cover the clusters: standardNVFamily for gpu-cluster (Standard_NV6) needs 6 vCPUs, none free" "quota: nlp's GPU family short"
doctor --project-type deep
is "$rc" 2 "--project-type: an unknown scenario is a usage error"
contains "$(AZURE_DEVOPS_EXT_PAT=x "$MLOPS_TUI" doctor --org "$SIM_URL" --repo r --project-type deep 2>&1)" \
    "--project-type deep: expected classical, cv or nlp" "naming what is allowed"

done_testing
