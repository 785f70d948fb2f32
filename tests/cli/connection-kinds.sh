# The kinds of Azure Resource Manager connection (issue 14) on one
# sandbox: a user-assigned managed identity, federated, through the
# training pipeline; then a secret-based connection, listed by doctor with
# its secret's expiry, converted to federation with the secret removed,
# SIGKILLed at two points of the conversion and resumed each time, and
# re-run to no change. The
# federated, secret and pasted kinds are run end to end by apply-azure.sh.
. "$top_srcdir/tests/lib.sh"
# TestConnection and the removal of a federated credential answer late: a
# run killed while it waits for one is killed at a known point of the
# conversion, whatever the machine's speed.
sim_start --faults 'latency=800@POST:*endpointproxy*,latency=800@DELETE:*federatedIdentityCredentials*'

answers="$tap_tmp/answers.yml"
out="$tap_tmp/apply.out"
mt() { # ARGS...: apply with the sandbox's PAT and an Azure device sign-in
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" \
	    --tenant "$SIM_TENANT" --azure-sign-in device "$@" >"$out" 2>&1 </dev/null
	rc=$?
	cat "$out" >> "$tap_tmp/all-output"
}
plan() { # ANSWERS: plan with the sandbox's PAT and an Azure device sign-in
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" plan --answers "$1" \
	    --tenant "$SIM_TENANT" --azure-sign-in device >"$out" 2>&1 </dev/null
	cat "$out" >> "$tap_tmp/all-output"
}
line_of() { grep -F "$1" "$out" | tail -n 1; }
arm() { # PATH [METHOD]: ARM's answer to the signed-in operator; sets $status, $body
	body=$(curl -s -X "${2:-GET}" -w '\n%{http_code}' -H "Authorization: Bearer $ARM_TOKEN" \
	    "${SIM_URL%/*}/_arm/$1")
	status=$(printf '%s' "$body" | tail -n 1)
	body=$(printf '%s' "$body" | sed '$d')
}
graph() { curl -s -H "Authorization: Bearer $GRAPH_TOKEN" "${SIM_URL%/*}/_graph/v1.0/$1"; }
changes() { # what changed in Azure DevOps, Graph or ARM (not sign-ins,
	# the sandbox's settings or TestConnection, a POST that reads)
	jq -r 'select(.method != "GET" and (.path |
	    test("/_entra/|/_sandbox/|/endpointproxy$|/checkNameAvailability$") | not)) |
	    .method + " " + .path' "$SIM_LOG"
}
endpoint() { # PROJECT: the Azure-ARM-Prod connection as the service shows it
	api GET "$1/_apis/serviceendpoint/endpoints?endpointNames=Azure-ARM-Prod&$V"
	echo "$body" | jq -c '.value[0]'
}
V=api-version=7.1
sub="subscriptions/$SIM_SUB"
mi="$sub/resourceGroups/rg-mlops-ids/providers/Microsoft.ManagedIdentity/userAssignedIdentities/Azure-ARM-Prod-mlops-v2"
MI_V=api-version=2023-01-31

# ---- the answers are checked before anything runs ---------------------------
sim_answers "$answers"
printf 'principal_way: managed-identity\nidentity_resource_group: "rg mlops"\n' >> "$answers"
mt
is "$rc" 2 "a resource group name with a space: refused"
contains "$(cat "$out")" "identity_resource_group: 'rg mlops' may not contain ' '" "the error names the field and what it allows"
is "$(changes)" "" "and nothing was changed"

# ---- a user-assigned managed identity, federated ----------------------------
# An operator who may not register applications: an identity needs none.
sim_answers "$answers"
api PATCH _sandbox/settings '{"operator_can_register_apps":false}'
printf 'principal_way: managed-identity\nidentity_resource_group: rg-mlops-ids\ndeploy_online: "false"\n' >> "$answers"
plan "$answers"
lacks "$(cat "$out")" "may not register applications" "plan asks for no right to register applications"
mt
is "$rc" 0 "managed identity: the setup is whole in one run, by an operator who may not register applications"
contains "$(line_of '] Provide a service principal for the environment (prod)')" "[x] Provide a service principal for the environment (prod): the managed identity Azure-ARM-Prod-mlops-v2 is Contributor on subscription $SIM_SUB" "the identity is made, with Contributor"
contains "$(line_of '] Create the Azure Resource Manager service connection (prod)')" "Azure-ARM-Prod connects to subscription $SIM_SUB" "its connection is made and passes TestConnection"
contains "$(cat "$out")" "[x] Run the model training pipeline (prod): deploy-model-training-pipeline succeeded" "the training pipeline deploys with it"
sim_tokens
arm "$sub/resourcegroups/rg-mlops-ids?api-version=2024-03-01"
is "$status" 200 "the identity's resource group was made"
is "$(jq -r '.steps[] | select(.id == "service-principal") | .created.identity_resource_group' "$XDG_STATE_HOME"/mlops-tui/*.json)" created "and recorded as made, not found"
arm "$mi?$MI_V"
client=$(echo "$body" | jq -r .properties.clientId)
is "$(endpoint mlops-v2 | jq -r '[.authorization.scheme, .authorization.parameters.serviceprincipalid] | join(" ")')" "WorkloadIdentityFederation $client" "the connection is federated and names the identity's clientId"
arm "$mi/federatedIdentityCredentials/mlops-tui-Azure-ARM-Prod?$MI_V"
is "$(echo "$body" | jq -r '.properties.subject | .[0:7]')" "/eid1/c" "the identity trusts the connection's subject"
is "$(graph applications | jq '.value | length')" 0 "no application, so no secret anywhere"
is "$(graph "servicePrincipals?\$filter=appId%20eq%20'$client'" | jq -r '.value[0].servicePrincipalType')" \
    ManagedIdentity "the directory shows the identity's principal, by its clientId"

AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" doctor --json --org "$SIM_URL" \
    --repo taxi-fare-regression --subscription "$SIM_SUB" --tenant "$SIM_TENANT" \
    --azure-sign-in device >"$out" 2>"$tap_tmp/doctor.err" </dev/null
is "$(jq -r '[.checks[] | select(.id == "connection" or .id == "contributor") | .verdict] | join(" ")' "$out")" "ok ok" \
    "doctor: the identity's connection connects, and its principal holds Contributor"
is "$(jq -r '.checks[] | select(.id == "connection") | .detail' "$out")" "Azure-ARM-Prod is open to all pipelines and connects" "and has no secret to list"

# The trust removed (as a run stopped before it would leave it): the
# connection no longer connects, and a re-run puts the trust back.
arm "$mi/federatedIdentityCredentials/mlops-tui-Azure-ARM-Prod?$MI_V" DELETE
is "$status" 200 "someone removes the identity's federated credential"
arm "$mi/federatedIdentityCredentials/mlops-tui-Azure-ARM-Prod?$MI_V"
is "$status" 404 "ARM: a 404 for what is absent"
: > "$SIM_LOG"
mt
is "$rc" 0 "apply after the trust was removed: whole again"
contains "$(cat "$out")" "AADSTS70021: No matching federated identity record" "the connection's test failed first, with Entra's words"
is "$(changes | grep -c federatedIdentityCredentials)" 1 "the trust is put back, once"
: > "$SIM_LOG"
mt
is "$rc" 0 "a re-run: nothing to do"
is "$(changes)" "" "and not one change"

# ---- a secret-based connection: doctor lists it, apply converts it ----------
sim_answers "$answers"
api PATCH _sandbox/settings '{"operator_can_register_apps":true}'
printf 'project: conv\nprincipal_way: create\ndeploy_online: "false"\n' >> "$answers"
mt
is "$rc" 0 "a secret-based setup in a second project"
sim_tokens
app_of() { graph "applications?\$filter=displayName%20eq%20'Azure-ARM-Prod-conv'" | jq -c '.value[0]'; }
is "$(app_of | jq '.passwordCredentials | length')" 1 "its application has one secret"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" doctor --org "$SIM_URL" --project conv \
    --repo taxi-fare-regression --subscription "$SIM_SUB" --tenant "$SIM_TENANT" \
    --azure-sign-in device >"$out" 2>&1 </dev/null
end=$(app_of | jq -r '.passwordCredentials[0].endDateTime | .[0:10]')
contains "$(cat "$out")" "secret-based: mlops-tui expires $end; convert_connections: true converts it" "doctor lists the secret-based connection with its secret's expiry"

echo 'convert_connections: "true"' >> "$answers"
: > "$SIM_LOG"
plan "$answers"
contains "$(line_of '] Convert the service connection')" "[ ] Convert the service connection to workload identity federation (prod): convert Azure-ARM-Prod to workload identity federation, test it, then remove its secret" "plan: the conversion is to do"
cp "$answers" "$tap_tmp/terraform.yml"
echo 'infrastructure: terraform' >> "$tap_tmp/terraform.yml"
plan "$tap_tmp/terraform.yml"
contains "$(line_of '] Convert the service connection')" "[h] Convert the service connection to workload identity federation (prod): the terraform pipelines sign in with the connection's secret" "plan: not for terraform (left by hand), and why"
is "$(changes)" "" "plan changed nothing"
# killed_after WHAT PATTERN: apply SIGKILLed once the sandbox's log shows
# an answered request matching PATTERN (grep -E; the request after it is
# slowed by --faults, so the kill lands before that one is answered), then
# resumed.
killed_after() {
	: > "$SIM_LOG"
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" \
	    --tenant "$SIM_TENANT" --azure-sign-in device >"$out" 2>&1 </dev/null &
	victim=$!
	wait_for 60 grep -qE "$2" "$SIM_LOG"
	sleep 0.2
	kill -KILL "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null
	is "$?" 137 "apply is SIGKILLed $1"
	is "$(endpoint conv | jq -r .authorization.scheme)" WorkloadIdentityFederation "killed after the conversion..."
	is "$(app_of | jq '.passwordCredentials | length')" 1 "... and before the secret's removal: it is kept until the test passes"
	mt
	is "$rc" 0 "the resumed run finishes"
	contains "$(line_of '] Convert the service connection to workload identity federation (prod)')" "[x] Convert the service connection to workload identity federation (prod): Azure-ARM-Prod uses workload identity federation; 1 secret removed" "the conversion is finished and the secret removed"
	is "$(app_of | jq '.passwordCredentials | length')" 0 "no secret is left orphaned on the application"
	is "$(jq -c 'select(.method == "PUT" and .query.operation == "ConvertAuthenticationScheme")' "$SIM_LOG" | wc -l | tr -d ' ')" 1 "the conversion was asked for once in all"
}
killed_after "between the conversion and the application's trust" \
    '"method":"PUT",.*"operation":"ConvertAuthenticationScheme"'
# A new secret-based connection, as one made by hand before the setup.
api DELETE "_apis/serviceendpoint/endpoints/$(endpoint conv | jq -r .id)?projectIds=$(endpoint conv | jq -r '.serviceEndpointProjectReferences[0].projectReference.id')&$V"
sed -i 's/^convert_connections: "true"/convert_connections: "false"/' "$answers"
mt
is "$(endpoint conv | jq -r .authorization.scheme)/$(app_of | jq '.passwordCredentials | length')" ServicePrincipal/1 "a secret-based connection again, with one secret"
sed -i 's/^convert_connections: "false"/convert_connections: "true"/' "$answers"
killed_after "between the trust and TestConnection's answer" \
    '"method":"POST","path":"[^"]*/federatedIdentityCredentials"'
api POST "conv/_apis/serviceendpoint/endpointproxy?endpointId=$(endpoint conv | jq -r .id)&$V" \
    '{"dataSourceDetails":{"dataSourceName":"TestConnection"},"resultTransformationDetails":{}}'
is "$(echo "$body" | jq -r .statusCode)" ok "the converted connection passes TestConnection"
: > "$SIM_LOG"
mt
is "$rc" 0 "a re-run after the conversion"
contains "$(line_of '] Convert the service connection')" "Azure-ARM-Prod uses workload identity federation, with no secret left" "finds it done"
is "$(changes)" "" "and changes nothing"

# ---- the sandbox's conversion call, as the service answers it --------------
id=$(endpoint conv | jq -r .id)
convert='{"id":"'$id'","type":"azurerm","authorization":{"scheme":"WorkloadIdentityFederation"}}'
api PUT "_apis/serviceendpoint/endpoints/$id?operation=ConvertAuthenticationScheme&api-version=7.2-preview.4" "$convert"
is "$status" 400 "converting a federated connection again: 400"
contains "$body" "already uses the authentication scheme WorkloadIdentityFederation" "and says why"
api PUT "_apis/serviceendpoint/endpoints/$id?operation=ConvertAuthenticationScheme&api-version=7.1" "$convert"
is "$status" 400 "the preview operation without -preview: 400"
contains "$body" "VssInvalidPreviewVersionException" "with Azure DevOps' exception"

# ---- the sandbox's managed identities, as ARM answers them -----------------
put() { # PATH JSON: a PUT to ARM; sets $status, $body
	body=$(curl -s -X PUT -w '\n%{http_code}' -H "Authorization: Bearer $ARM_TOKEN" \
	    -H 'Content-Type: application/json' --data "$2" "${SIM_URL%/*}/_arm/$1")
	status=$(printf '%s' "$body" | tail -n 1)
	body=$(printf '%s' "$body" | sed '$d')
}
other="$sub/resourceGroups/rg-other/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-other"
put "$other?$MI_V" '{"location":"eastus"}'
is "$status/$(echo "$body" | jq -r .error.code)" 404/ResourceGroupNotFound "an identity in a resource group that does not exist: 404"
put "$sub/resourcegroups/rg-other?api-version=2024-03-01" '{"location":"eastus"}'
is "$status" 201 "a resource group made: 201"
put "$sub/resourcegroups/rg-other?api-version=2024-03-01" '{"location":"eastus"}'
is "$status" 200 "made again: 200, the same one"
put "$other?$MI_V" '{"location":"eastus"}'
first=$(echo "$body" | jq -r '.properties.principalId')
is "$status/$(echo "$body" | jq -r .type)" 201/Microsoft.ManagedIdentity/userAssignedIdentities "an identity made: 201"
put "$other?$MI_V" '{"location":"eastus"}'
is "$status/$(echo "$body" | jq -r .properties.principalId)" "200/$first" "made again: 200, the same principal"
put "$other/federatedIdentityCredentials/fic?$MI_V" '{"properties":{"issuer":"https://example.org","subject":"s"}}'
is "$status" 400 "a federated credential without its audience: 400"

lacks "$(cat "$tap_tmp/all-output" "$XDG_STATE_HOME"/mlops-tui/*.json)" "$SIM_PAT" "the PAT is in no output or state file"
done_testing
