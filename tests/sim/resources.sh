# The sandbox's pipeline resources: service connections, environments,
# agent queues, installed extensions, pipeline permissions.
. "$top_srcdir/tests/lib.sh"
sim_start

api POST "_apis/projects?api-version=7.1" '{"name":"mlops-v2"}'
api GET "_apis/projects/mlops-v2?api-version=7.1"
project=$(echo "$body" | jq -r .id)
V="api-version=7.1"
P="api-version=7.1-preview.1"
secret="s3cr3t-$(date +%s%N)"

# --- service connections -----------------------------------------------------
endpoint_body() { # NAME SCHEME
	cat <<JSON
{"name":"$1","type":"azurerm","url":"https://management.azure.com/","owner":"library",
 "authorization":{"scheme":"$2","parameters":{"tenantid":"72f988bf-86f1-41af-91ab-2d7cd011db47",
   "serviceprincipalid":"11111111-2222-3333-4444-555555555555","authenticationType":"spnKey",
   "serviceprincipalkey":"$secret"}},
 "data":{"subscriptionId":"00000000-0000-0000-0000-0000000000aa","subscriptionName":"Sandbox",
   "environment":"AzureCloud","scopeLevel":"Subscription","creationMode":"Manual"},
 "isShared":false,"isReady":true,
 "serviceEndpointProjectReferences":[{"projectReference":{"id":"$project","name":"mlops-v2"},"name":"$1"}]}
JSON
}
api POST "_apis/serviceendpoint/endpoints?$V" "$(endpoint_body Azure-ARM-Prod ServicePrincipal)"
is "$status" 200 "create a service connection at the organization level: 200"
endpoint=$(echo "$body" | jq -r .id)
is "$(echo "$body" | jq -r .authorization.parameters.serviceprincipalkey)" null \
    "the secret is never returned"
is "$(echo "$body" | jq -r .isReady)" true "ready"
lacks "$body" "$secret" "the secret appears nowhere in the answer"
api POST "_apis/serviceendpoint/endpoints?$V" "$(endpoint_body azure-arm-prod ServicePrincipal)"
is "$status" 409 "the same name again in the project: refused"
api POST "_apis/serviceendpoint/endpoints?$V" \
    "$(endpoint_body Azure-ARM-Dev ServicePrincipal | jq -c '.serviceEndpointProjectReferences = []')"
is "$status" 400 "without a project reference: 400"
contains "$(echo "$body" | jq -r .message)" "at least one ServiceEndpointProjectReference" "the real reason"
api POST "mlops-v2/_apis/serviceendpoint/endpoints?$V" "$(endpoint_body X ServicePrincipal)"
is "$status" 400 "the project-level POST does not create one"
api GET "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=Azure-ARM-Prod&$V"
is "$(echo "$body" | jq -r '.count, .value[0].id' | tr '\n' ' ')" "1 $endpoint " "found by name in the project"
api GET "mlops-v2/_apis/serviceendpoint/endpoints/$endpoint?$V"
is "$(echo "$body" | jq -r .data.subscriptionName)" Sandbox "get by id"
api PUT "_apis/serviceendpoint/endpoints/$endpoint?$V" "$(endpoint_body Azure-ARM-Prod ServicePrincipal | jq -c '.description = "updated"')"
is "$(echo "$body" | jq -r .description)" updated "update with PUT"
api POST "_apis/serviceendpoint/endpoints?$V" "$(endpoint_body Azure-ARM-Wif WorkloadIdentityFederation)"
is "$(echo "$body" | jq -r .authorization.parameters.workloadIdentityFederationIssuer)" \
    "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0" \
    "workload identity federation: the issuer is read back"
contains "$(echo "$body" | jq -r .authorization.parameters.workloadIdentityFederationSubject)" \
    "/eid1/c/pub/t/" "and the subject, in the current format"
wif=$(echo "$body" | jq -r .id)
api DELETE "_apis/serviceendpoint/endpoints/$wif?projectIds=$project&$V"
is "$status" 204 "delete: 204"
api GET "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=Azure-ARM-Wif&$V"
is "$(echo "$body" | jq -r .count)" 0 "and it is gone"

# --- environments -------------------------------------------------------------
api POST "mlops-v2/_apis/distributedtask/environments?$V" '{"name":"prod","description":"MLOps prod"}'
is "$status" 200 "create the prod environment: 200"
env_id=$(echo "$body" | jq -r .id)
is "$(echo "$body" | jq -r .project.name)" mlops-v2 "in the project"
api POST "mlops-v2/_apis/distributedtask/environments?$V" '{"name":"PROD"}'
is "$status" 409 "the same name again: refused"
api GET "mlops-v2/_apis/distributedtask/environments?name=prod&\$top=1&$V"
is "$(echo "$body" | jq -r '.count, .value[0].id' | tr '\n' ' ')" "1 $env_id " "found by name"
api GET "mlops-v2/_apis/distributedtask/environments/$env_id?$V"
is "$(echo "$body" | jq -r .name)" prod "get by id"

# --- queues ------------------------------------------------------------------------
api GET "mlops-v2/_apis/distributedtask/queues?queueName=Azure%20Pipelines&$V"
is "$(echo "$body" | jq -r '.count, .value[0].pool.isHosted' | tr '\n' ' ')" "1 true " \
    "the project has the hosted Azure Pipelines queue"
queue=$(echo "$body" | jq -r '.value[0].id')

# --- extensions ---------------------------------------------------------------------
X="_apis/extensionmanagement/installedextensionsbyname/ms-devlabs/custom-terraform-tasks"
api GET "$X?$P"
is "$status" 404 "a new organization has no Terraform extension"
api POST "$X/0.1.0?$P"
is "$status" 200 "install it"
api GET "$X?$P"
is "$(echo "$body" | jq -r .extensionId)" custom-terraform-tasks "now it is installed"

# --- pipeline permissions ------------------------------------------------------------
PP="mlops-v2/_apis/pipelines/pipelinepermissions"
api GET "$PP/endpoint/$endpoint?$V"
is "$status" 400 "pipelinePermissions has no GA version: 7.1 is refused"
api GET "$PP/endpoint/$endpoint?$P"
is "$(echo "$body" | jq -c '[.resource.type, (.allPipelines // null), (.pipelines | length)]')" \
    '["endpoint",null,0]' "nothing is authorised at first"
api PATCH "$PP/endpoint/$endpoint?$P" '{"allPipelines":{"authorized":true}}'
is "$(echo "$body" | jq -r .allPipelines.authorized)" true "grant to all pipelines"
is "$(echo "$body" | jq -r .allPipelines.authorizedBy.displayName)" "Sandbox Operator" "by the signed-in user"
api PATCH "$PP/environment/$env_id?$P" '{"pipelines":[{"id":7,"authorized":true}]}'
is "$(echo "$body" | jq -c '[.pipelines[] | [.id, .authorized]]')" '[[7,true]]' "permit one pipeline"
api PATCH "$PP/environment/$env_id?$P" '{"pipelines":[{"id":7,"authorized":false}]}'
is "$(echo "$body" | jq -c '[.pipelines[] | [.id, .authorized]]')" '[[7,false]]' "and revoke it"
api PATCH "$PP?$P" "[{\"resource\":{\"type\":\"queue\",\"id\":\"$queue\"},\"allPipelines\":{\"authorized\":true}},{\"resource\":{\"type\":\"repository\",\"id\":\"$project.abc\"},\"pipelines\":[{\"id\":3,\"authorized\":true}]}]"
is "$(echo "$body" | jq -r '.count')" 2 "a batch PATCH answers each resource"
api PATCH "$PP/repository/abc?$P" '{"allPipelines":{"authorized":true}}'
is "$status" 400 "a repository is {projectId}.{repositoryId}"
api GET "$PP/endpoint/$endpoint?$P"
is "$(echo "$body" | jq -r .allPipelines.authorized)" true "the grant is kept"

lacks "$(cat "$SIM_LOG")" "$secret" "the request log never holds the secret"
contains "$(cat "$SIM_LOG")" '"serviceprincipalkey":"(redacted)"' "it is redacted there"

done_testing
