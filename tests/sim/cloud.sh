# The sandbox's Entra ID, Graph and ARM, and TestConnection of service
# connections against them.
. "$top_srcdir/tests/lib.sh"
sim_start
HOST="${SIM_URL%/*}"
tenant=$(sed -n 's/.*(tenant \(.*\))$/\1/p' "$tap_tmp/sim.out")
sub=$(sed -n 's/.*(subscription \(.*\))$/\1/p' "$tap_tmp/sim.out")
is "${#tenant} ${#sub}" "36 36" "the sandbox prints its tenant and subscription"

api PATCH _sandbox/settings '{"device_interval_s":0,"device_auto_approve_polls":2}'
is "$status" 200 "sandbox settings can be changed"
api PATCH _sandbox/settings '{"no_such_thing":1}'
is "$status" 400 "an unknown setting is refused"

form() { # PATH NAME=VALUE...: POST a form to Entra; sets $status and $body
	_path=$1; shift
	_form=$(for f in "$@"; do printf '%s=%s&' "${f%%=*}" \
	    "$(jq -rn --arg v "${f#*=}" '$v|@uri')"; done)
	body=$(curl -s -X POST --data "$_form" -w '\n%{http_code}' "$HOST/_entra/$_path")
	status=$(printf '%s' "$body" | tail -n 1)
	body=$(printf '%s' "$body" | sed '$d')
}
cli=04b07795-8ddb-461a-bbee-02f9e1bf7b46

# --- device code flow ----------------------------------------------------------
form "$tenant/oauth2/v2.0/devicecode" "client_id=$cli" "scope=https://management.azure.com//.default offline_access"
is "$status" 200 "a device code"
code=$(echo "$body" | jq -r .device_code)
user_code=$(echo "$body" | jq -r .user_code)
is "${#user_code}" 8 "with a user code to type"
contains "$(echo "$body" | jq -r .message)" "$user_code" "and a message that shows it"
is "$(echo "$body" | jq -r .expires_in)" 900 "valid for 15 minutes"
poll() { form "$tenant/oauth2/v2.0/token" "grant_type=urn:ietf:params:oauth:grant-type:device_code" "client_id=$cli" "device_code=$1"; }
poll "$code"
is "$status" 400 "the first poll: 400"
is "$(echo "$body" | jq -r .error)" authorization_pending "authorization_pending"
contains "$(echo "$body" | jq -r .error_description)" "AADSTS70016" "with AADSTS70016"
is "$(echo "$body" | jq -r '.error_codes[0]')" 70016 "and its error code"
poll "$code"
is "$status" 200 "approved after the second poll"
arm_token=$(echo "$body" | jq -r .access_token)
refresh=$(echo "$body" | jq -r .refresh_token)
is "$(echo "$body" | jq -r .token_type)" Bearer "a bearer token"
poll bogus
is "$(echo "$body" | jq -r .error)" bad_verification_code "an unknown device code"

form "$tenant/oauth2/v2.0/devicecode" "client_id=$cli" "scope=https://graph.microsoft.com/.default"
code2=$(echo "$body" | jq -r .device_code)
form decline "user_code=$(echo "$body" | jq -r .user_code)"
is "$status" 204 "the sandbox's page declines a sign-in"
poll "$code2"
is "$(echo "$body" | jq -r .error)" authorization_declined "the client sees authorization_declined"

api PATCH _sandbox/settings '{"device_interval_s":60}'
form "$tenant/oauth2/v2.0/devicecode" "client_id=$cli" "scope=https://graph.microsoft.com/.default"
code3=$(echo "$body" | jq -r .device_code)
poll "$code3"
is "$(echo "$body" | jq -r .error)" authorization_pending "a first poll"
poll "$code3"
is "$(echo "$body" | jq -r .error)" slow_down "polling faster than the interval: slow_down"
api PATCH _sandbox/settings '{"device_interval_s":0}'

# --- refresh tokens per resource ----------------------------------------------------
redeem() { form "$tenant/oauth2/v2.0/token" grant_type=refresh_token "client_id=$cli" "refresh_token=$refresh" "scope=$1"; }
redeem "https://graph.microsoft.com/.default"
is "$status" 200 "the refresh token gives a Graph token"
graph_token=$(echo "$body" | jq -r .access_token)
refresh=$(echo "$body" | jq -r .refresh_token)
redeem "499b84ac-1321-427f-aa17-267ca6975798/.default"
ado_token=$(echo "$body" | jq -r .access_token)
refresh=$(echo "$body" | jq -r .refresh_token)
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ado_token" \
    -H 'X-TFS-FedAuthRedirect: Suppress' "$SIM_URL/_apis/connectionData")
is "$code" 200 "and an Azure DevOps token that the organization accepts"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $graph_token" \
    -H 'X-TFS-FedAuthRedirect: Suppress' "$SIM_URL/_apis/connectionData")
is "$code" 401 "a Graph token is not accepted there"
form "$tenant/oauth2/v2.0/token" grant_type=refresh_token "client_id=$cli" "refresh_token=old" "scope=x"
is "$(echo "$body" | jq -r .error)" invalid_grant "an unknown refresh token: invalid_grant"

# --- Graph ------------------------------------------------------------------------------
graph() { # METHOD PATH [JSON]
	body=$(curl -s -X "$1" -H "Authorization: Bearer $graph_token" -H 'Content-Type: application/json' \
	    ${3:+--data-binary "$3"} -w '\n%{http_code}' "$HOST/_graph/v1.0/$2")
	status=$(printf '%s' "$body" | tail -n 1); body=$(printf '%s' "$body" | sed '$d')
}
arm() { # METHOD PATH [JSON]
	body=$(curl -s -X "$1" -H "Authorization: Bearer $arm_token" -H 'Content-Type: application/json' \
	    ${3:+--data-binary "$3"} -w '\n%{http_code}' "$HOST/_arm/$2")
	status=$(printf '%s' "$body" | tail -n 1); body=$(printf '%s' "$body" | sed '$d')
}
code=$(curl -s -o "$tap_tmp/b" -w '%{http_code}' "$HOST/_graph/v1.0/applications")
is "$code" 401 "Graph without a token: 401"
is "$(jq -r .error.code "$tap_tmp/b")" InvalidAuthenticationToken "in Graph's error shape"

# A delay of 250 s at the test's time scale (0.02) is 5 s: long enough for
# the three requests below to fall inside it on a loaded machine.
api PATCH _sandbox/settings '{"replication_delay_ms":250000}'
graph POST applications '{"displayName":"Azure-ARM-Prod-mlops-v2"}'
is "$status" 201 "create an application"
app=$(echo "$body" | jq -r .id)
app_id=$(echo "$body" | jq -r .appId)
graph GET "applications/$app"
is "$status" 404 "just after, it is not found (replication delay)"
is "$(echo "$body" | jq -r .error.code)" Request_ResourceNotFound "Request_ResourceNotFound"
graph POST servicePrincipals "{\"appId\":\"$app_id\"}"
contains "$(echo "$body" | jq -r .error.message)" "does not reference a valid application object" \
    "a service principal for it is refused meanwhile"
api PATCH _sandbox/settings '{"replication_delay_ms":0}'
filter=$(jq -rn '"displayName eq '"'"'Azure-ARM-Prod-mlops-v2'"'"'"|@uri')
replicated() { graph GET "applications?\$filter=$filter"; [ "$(echo "$body" | jq -r '.value | length')" = 1 ]; }
wait_for 20 replicated
tap_result $? "after the delay it is found by displayName"
graph POST "applications/$app/addPassword" '{"passwordCredential":{"displayName":"mlops-tui"}}'
is "$status" 200 "add a password"
secret=$(echo "$body" | jq -r .secretText)
is "${#secret}" 40 "its secret text is returned once"
graph GET "applications/$app"
is "$(echo "$body" | jq -r '.passwordCredentials[0].secretText')" null "and never again"
graph POST servicePrincipals "{\"appId\":\"$app_id\"}"
is "$status" 201 "create its service principal"
sp=$(echo "$body" | jq -r .id)

# --- ARM ----------------------------------------------------------------------------------
arm GET "subscriptions?api-version=2022-12-01"
is "$(echo "$body" | jq -r '.value[0].subscriptionId')" "$sub" "list subscriptions"
arm GET "subscriptions/$sub"
is "$status" 400 "ARM without api-version: 400"
arm GET "subscriptions/$sub/providers/Microsoft.Authorization/roleDefinitions?\$filter=roleName%20eq%20'Contributor'&api-version=2022-04-01"
role=$(echo "$body" | jq -r '.value[0].id')
contains "$role" b24988ac-6180-42a0-ab88-20f7382dd24c "Contributor has its real id"
assign() { arm PUT "subscriptions/$sub/providers/Microsoft.Authorization/roleAssignments/$1?api-version=2022-04-01" \
    "{\"properties\":{\"roleDefinitionId\":\"$role\",\"principalId\":\"$2\"${3:+,\"principalType\":\"$3\"}}}"; }

# TestConnection before the role: forbidden.
api GET "_apis/projects?api-version=7.1"
api POST "_apis/projects?api-version=7.1" '{"name":"p"}'
api GET "_apis/projects/p?api-version=7.1"
project=$(echo "$body" | jq -r .id)
endpoint() { # NAME SCHEME SECRET
	api POST "_apis/serviceendpoint/endpoints?api-version=7.1" "{\"name\":\"$1\",\"type\":\"azurerm\",\"authorization\":{\"scheme\":\"$2\",\"parameters\":{\"tenantid\":\"$tenant\",\"serviceprincipalid\":\"$app_id\",\"authenticationType\":\"spnKey\",\"serviceprincipalkey\":\"$3\"}},\"data\":{\"subscriptionId\":\"$sub\",\"subscriptionName\":\"Sandbox Subscription\"},\"serviceEndpointProjectReferences\":[{\"projectReference\":{\"id\":\"$project\"},\"name\":\"$1\"}]}"
}
test_connection() { api POST "p/_apis/serviceendpoint/endpointproxy?endpointId=$1&api-version=7.1" '{"dataSourceDetails":{"dataSourceName":"TestConnection"}}'; }
endpoint Azure-ARM-Prod ServicePrincipal "$secret"
ep=$(echo "$body" | jq -r .id)
test_connection "$ep"
is "$status" 200 "TestConnection answers 200"
is "$(echo "$body" | jq -r .statusCode)" forbidden "without the role: statusCode forbidden"
contains "$(echo "$body" | jq -r .errorMessage)" "does not have authorization" "with ARM's reason"
assign 11111111-1111-4111-8111-111111111111 "$sp"
is "$status" 201 "assign Contributor: 201"
assign 22222222-2222-4222-8222-222222222222 "$sp"
is "$status" 409 "the same assignment under another name: 409"
is "$(echo "$body" | jq -r .error.code)" RoleAssignmentExists "RoleAssignmentExists"
arm GET "subscriptions/$sub/providers/Microsoft.Authorization/roleAssignments?\$filter=principalId%20eq%20'$sp'&api-version=2022-04-01"
is "$(echo "$body" | jq -r '.value | length')" 1 "listed for the principal"
test_connection "$ep"
is "$(echo "$body" | jq -r .statusCode)" ok "with the role: ok"
endpoint Wrong-Secret ServicePrincipal "not-the-secret"
test_connection "$(echo "$body" | jq -r .id)"
is "$(echo "$body" | jq -r .statusCode)" unauthorized "a wrong secret: unauthorized"
contains "$(echo "$body" | jq -r .errorMessage)" "AADSTS7000215" "with AADSTS7000215"
api PATCH _sandbox/settings '{"secrets_expired":true}'
test_connection "$ep"
contains "$(echo "$body" | jq -r .errorMessage)" "AADSTS7000222" "expired secrets: AADSTS7000222"
api PATCH _sandbox/settings '{"secrets_expired":false}'

endpoint Wif WorkloadIdentityFederation ""
wif=$(echo "$body" | jq -r .id)
issuer=$(echo "$body" | jq -r .authorization.parameters.workloadIdentityFederationIssuer)
subject=$(echo "$body" | jq -r .authorization.parameters.workloadIdentityFederationSubject)
test_connection "$wif"
contains "$(echo "$body" | jq -r .errorMessage)" "AADSTS70021" "federation without a credential: AADSTS70021"
graph POST "applications/$app/federatedIdentityCredentials" "{\"name\":\"ado\",\"issuer\":\"$issuer\",\"subject\":\"$subject\",\"audiences\":[\"api://AzureADTokenExchange\"]}"
is "$status" 201 "add the federated credential"
graph POST "applications/$app/federatedIdentityCredentials" "{\"name\":\"ado\",\"issuer\":\"x\",\"subject\":\"y\",\"audiences\":[\"api://AzureADTokenExchange\"]}"
is "$status" 409 "the same name again: 409"
test_connection "$wif"
is "$(echo "$body" | jq -r .statusCode)" ok "then TestConnection passes"

# Client credentials, as the pipelines' Azure tasks sign in.
form "$tenant/oauth2/v2.0/token" grant_type=client_credentials "client_id=$app_id" \
    "client_secret=$secret" "scope=https://management.azure.com/.default"
is "$status" 200 "client credentials with the secret: a token"
form "$tenant/oauth2/v2.0/token" grant_type=client_credentials "client_id=$app_id" \
    "client_secret=nope" "scope=https://management.azure.com/.default"
is "$(echo "$body" | jq -r .error)" invalid_client "a wrong secret: invalid_client"

# PrincipalNotFound while a new principal replicates, unless principalType is given.
graph POST applications '{"displayName":"second"}'
app2=$(echo "$body" | jq -r .appId)
graph POST servicePrincipals "{\"appId\":\"$app2\"}"
sp2=$(echo "$body" | jq -r .id)
assign 33333333-3333-4333-8333-333333333333 "$sp2"
is "$status" 201 "a replicated principal can be assigned"
api PATCH _sandbox/settings '{"replication_delay_ms":50000}'
graph POST applications '{"displayName":"fourth"}'
app4=$(echo "$body" | jq -r .appId)
app4_seen() { graph POST servicePrincipals "{\"appId\":\"$app4\"}"; [ "$status" = 201 ]; }
wait_for 10 app4_seen
sp4=$(echo "$body" | jq -r .id)
assign 44444444-4444-4444-8444-444444444444 "$sp4"
is "$(echo "$body" | jq -r .error.code)" PrincipalNotFound "a principal still replicating: PrincipalNotFound"
assign 44444444-4444-4444-8444-444444444444 "$sp4" ServicePrincipal
is "$status" 201 "with principalType ServicePrincipal it is accepted"
api PATCH _sandbox/settings '{"replication_delay_ms":0,"operator_can_assign_roles":false}'
assign 55555555-5555-4555-8555-555555555555 "$sp4"
is "$status" 403 "without the right to assign roles: 403"
is "$(echo "$body" | jq -r .error.code)" AuthorizationFailed "AuthorizationFailed"

arm GET "subscriptions/$sub/resourcegroups/rg-none?api-version=2024-03-01"
is "$(echo "$body" | jq -r .error.code)" ResourceGroupNotFound "a missing resource group: ResourceGroupNotFound"

lacks "$(cat "$SIM_LOG" "$tap_tmp/world.json")" "$secret" \
    "the principal's secret is in neither the request log nor the world file"

# A device code expires (900 s, here scaled down to the 2 s floor).
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
sim_start --time-scale 0.001
HOST="${SIM_URL%/*}"
api PATCH _sandbox/settings '{"device_interval_s":0,"device_auto_approve_polls":0}'
form "$tenant/oauth2/v2.0/devicecode" "client_id=$cli" "scope=https://graph.microsoft.com/.default"
code=$(echo "$body" | jq -r .device_code)
sleep 2.2
poll "$code"
is "$(echo "$body" | jq -r .error)" expired_token "a device code past its lifetime: expired_token"

done_testing
