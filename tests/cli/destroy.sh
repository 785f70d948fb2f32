# `mlops-tui plan --destroy` and `destroy` against the sandbox: a setup
# taken down leaves the world as it was before it (compared as the torture
# compares worlds), through a SIGKILL and a resume; what existed before the
# setup - a principal, the project, a repository, an environment - is
# never touched; what was deleted by hand counts as gone; a second destroy
# changes nothing; and the state file ends saying what was removed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/torture/lib.sh"
sim_start
sim_tokens

answers="$tap_tmp/answers.yml"
sim_answers "$answers"
output="$tap_tmp/out"
mt() { # COMMAND ARGS...: with the sandbox's PAT and a device sign-in; $rc
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" "$@" --answers "$answers" \
	    --tenant "$SIM_TENANT" --azure-sign-in device >"$output" 2>&1 </dev/null
	rc=$?
	cat "$output" >> "$tap_tmp/all-output"
}
changes() { # what changed in Azure DevOps, Graph or ARM (not sign-ins)
	jq -r 'select(.method != "GET" and (.path | test("/_entra/|/checkNameAvailability$") | not)) |
	    .method + " " + .path' "$SIM_LOG"
}
world() { # the world as the torture compares it, empty Azure kinds left out
	world_of "$tap_tmp/world.json" |
	    jq -c '.azure |= with_entries(select(.value | length > 0))'
}
state_file() { ls "$XDG_STATE_HOME"/mlops-tui/*.json | head -n 1; }
record() { # STEP ENV KEY: the value the state holds
	jq -r --arg id "$1" --arg env "$2" --arg key "$3" '.steps[] |
	    select(.id == $id and (.environment // "") == $env) |
	    .created[$key] // empty' "$(state_file)"
}
graph() { curl -s -H "Authorization: Bearer $GRAPH_TOKEN" "${SIM_URL%/*}/_graph/v1.0/$1"; }
V="api-version=7.1"

# ---- the options go with their commands ---------------------------------
run apply --purge --answers "$answers"
is "$rc" 2 "apply --purge: a usage error"
contains "$err" "--purge and --all go with the destroy command and with plan --destroy" "naming the commands they go with"
run destroy --destroy
is "$rc" 2 "destroy --destroy: a usage error"
contains "$err" "--destroy goes with the plan command" "saying where --destroy goes"

# ---- a principal made before the setup: never touched -------------------
sim_tokens # fresh: the sandbox's tokens live a scaled hour
sim_principal keep-me
before=$(world)

# ---- a whole setup, and what destroy would do with it --------------------
mt apply --yes
is "$rc" 0 "the setup is whole"
[ "$rc" -eq 0 ] || diag "$(grep -A4 '^\[!\]' "$output")"
: > "$SIM_LOG"
mt plan --destroy --purge --all
is "$rc" 0 "plan --destroy: exit status 0"
contains "$(cat "$output")" "[ ] the resource group rg-contoso-4711prod, with its workspace mlw-contoso-4711prod (purged, not kept soft-deleted) and the online and batch endpoints first (prod)" "plan --destroy: the resource group, endpoints first"
contains "$(cat "$output")" "[ ] the soft-deleted Key Vault kv-contoso-4711prod (its purge) (prod)" "plan --destroy: the Key Vault's purge"
contains "$(cat "$output")" "[ ] the application $(record service-principal prod application)" "plan --destroy: the Entra application"
contains "$(cat "$output")" "[ ] the ML repository taxi-fare-regression" "plan --destroy: the ML repository"
contains "$(cat "$output")" "[ ] the project mlops-v2, with everything in it" "plan --destroy --all: the project it made"
contains "$(cat "$output")" "Nothing was changed." "plan --destroy: says it changed nothing"
is "$(changes)" "" "plan --destroy: not one request that changes anything"
mt plan --destroy
contains "$(cat "$output")" "$(printf '[.] the project mlops-v2, with everything in it\n    the accelerator'"'"'s: give --all')" "plan --destroy without --all: the project is left, and says why"
contains "$(cat "$output")" "[.] the soft-deleted Key Vault kv-contoso-4711prod (its purge) (prod)" "plan --destroy without --purge: the vault is left soft-deleted"

# ---- destroy needs --yes without a terminal --------------------------------
mt destroy --purge --all
is "$rc" 2 "destroy without --yes and without a terminal: a usage error"
contains "$(cat "$output")" "give --yes" "saying what to give"
lacks "$(cat "$output")" "enter the code" "before any sign-in"
# On a terminal it shows the plan and asks; no is no.
echo n | AZURE_DEVOPS_EXT_PAT="$SIM_PAT" script -qec "'$MLOPS_TUI' destroy --purge --answers '$answers' --tenant '$SIM_TENANT' --azure-sign-in device" /dev/null >"$output" 2>&1
contains "$(cat "$output")" "the ML repository taxi-fare-regression" "on a terminal, destroy shows what it would delete..."
contains "$(cat "$output")" "Delete these? [y/N]" "... and asks"
contains "$(cat "$output")" "Nothing was changed." "answered no, it deletes nothing"
is "$(changes)" "" "not one request that changes anything"

# ---- destroy stopped (SIGTERM) while Azure deletes, SIGKILLed at seeded ----
# ---- moments, then resumed ------------------------------------------------
destroy_bg() {
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" destroy --yes --purge --all \
	    --answers "$answers" --tenant "$SIM_TENANT" --azure-sign-in device \
	    >"$output" 2>&1 </dev/null &
	pid=$!
}
destroy_bg
arm_busy() { jq -e '(.arm.operations // []) | length > 0' "$tap_tmp/world.json" >/dev/null 2>&1; }
wait_for 30 arm_busy
tap_result $? "destroy starts a long-running ARM delete"
kill -TERM "$pid" 2>/dev/null
wait "$pid"
is "$?" 130 "SIGTERM while Azure deletes: exit status 130"
contains "$(cat "$output")" "stopped while Azure deletes it; run destroy again to go on" "saying so, and how to go on"
is "$(record infra-pipeline prod resource_group)" "rg-contoso-4711prod" "stopped mid-delete: the resource group is still recorded as to remove"
seed=${DESTROY_SEED:-$$}
diag "SIGKILL moments from seed $seed (DESTROY_SEED)"
loads=0
for _ in 1 2 3; do
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	destroy_bg
	sleep "$(printf '0.%03d' $(( seed % 1000 )))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	"$MLOPS_TUI" --state "$(state_file)" status --json >/dev/null && loads=$((loads + 1))
done
is "$loads" 3 "after each SIGKILL the state file loads"
mt destroy --yes --purge --all
is "$rc" 0 "resumed: destroy finishes, exit status 0"
# Deleted by the resumed run, or already by a killed one (the kills fall
# at random moments): either way Azure no longer has it.
is "$(jq -r '[.azure.resource_groups[]? | select(.name == "rg-contoso-4711prod")] | length' \
    "$tap_tmp/world.json")" 0 "resumed: the resource group is deleted"
contains "$(cat "$output")" "[x] the project mlops-v2, with everything in it" "resumed: the project is deleted"
lacks "$(cat "$tap_tmp/all-output")" "$SIM_PAT" "the PAT is never printed"
is "$(world)" "$before" "the world is as it was before the setup"
is "$(jq -c '[.azure.deleted_vaults[]?, .azure.deleted_workspaces[]?]' "$tap_tmp/world.json")" "[]" "nothing is left soft-deleted (--purge)"
is "$(graph "applications?\$filter=displayName%20eq%20'keep-me'" | jq '.value | length')" 1 "the principal made before the setup is still there"

# ---- the state says what was removed; a second destroy changes nothing ---
is "$(record infra-pipeline prod removed.resource_group)" "rg-contoso-4711prod" "the state records the resource group as removed"
is "$(record infra-pipeline prod resource_group)" "" "... and no longer as there"
is "$(jq -r '.steps[] | select(.id == "service-principal") | .status' "$(state_file)")" "pending" "a step whose making was removed is pending again"
: > "$SIM_LOG"
mt destroy --yes --purge --all
is "$rc" 0 "a second destroy: exit status 0"
contains "$(cat "$output")" "0 removed, 0 failed" "a second destroy removes nothing"
is "$(changes)" "" "a second destroy: not one request that changes anything"

# ---- a setup in a project that existed, beside an environment and a ------
# ---- repository that existed: none of them touched ------------------------
api POST "_apis/projects?$V" '{"name":"mlops-v2"}'
well_formed() { api GET "_apis/projects/mlops-v2?$V"; [ "$(echo "$body" | jq -r .state)" = wellFormed ]; }
wait_for 30 well_formed
tap_result $? "a project made by hand before the setup"
api POST "mlops-v2/_apis/distributedtask/environments?$V" '{"name":"prod"}'
api POST "mlops-v2/_apis/git/repositories?$V" '{"name":"keep-repo"}'
is "$status" 201 "a repository made by hand before the setup"
# An application of the name the setup gives its own, made before it with
# a secret of its own: the setup (a connection with a secret, this time)
# adopts it and adds its secret to it.
sim_tokens # fresh: the sandbox's tokens live a scaled hour
sim_principal Azure-ARM-Prod-mlops-v2
adopted=$(graph "applications?\$filter=appId%20eq%20'$SP_APP_ID'" | jq -r '.value[0].id')
echo 'principal_way: create' >> "$answers"
secrets_of_adopted() { graph "applications/$adopted" | jq -r '[.passwordCredentials[] |
    (.displayName // "") | if . == "" then "unnamed" else . end] | sort | join(" ")'; }
before=$(world)
mt apply --yes
is "$rc" 0 "the setup, again from the same state file, is whole"
[ "$rc" -eq 0 ] || diag "$(grep -A4 '^\[!\]' "$output")"
mt plan --destroy --all
contains "$(cat "$output")" "$(printf '[.] the imported repository mlops-v2\n    it was there before the setup: kept')" "plan --destroy: the project's own repository, there before, is kept"
lacks "$(cat "$output")" "the project mlops-v2" "plan --destroy: a project that was there is not the setup's"
lacks "$(cat "$output")" "the environment prod" "plan --destroy: an environment that was there is not the setup's"
contains "$(cat "$output")" "[ ] the secrets named mlops-tui and federated credentials named mlops-tui-* the connection added to the application $SP_APP_ID" "plan --destroy: of an application that was there, only what the setup added to it"
lacks "$(cat "$output")" "[ ] the application" "plan --destroy: the application that was there is not the setup's"
is "$(secrets_of_adopted)" "mlops-tui unnamed" "the setup added its secret to the application that was there"
# The operator deletes the service connection by hand first.
api DELETE "_apis/serviceendpoint/endpoints/$(record service-connection prod id)?projectIds=$(record project '' id)&$V"
is "$status" 204 "the service connection deleted by hand"
api DELETE "mlops-v2/_apis/git/repositories/$(record ml-repository '' id)?$V"
is "$status" 204 "and the ML repository"
# A state from before the resource group was recorded: Azure is not
# touched, as nobody can tell whether the setup made it.
jq '(.steps[] | select(.id == "infra-pipeline") | .created) |= with_entries(select(.key |
    test("resource_group|workspace|key_vault|location") | not))' \
    "$(state_file)" > "$tap_tmp/old.json"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" --state "$tap_tmp/old.json" plan --destroy \
    --tenant "$SIM_TENANT" --azure-sign-in device >"$output" 2>&1 </dev/null
contains "$(cat "$output")" "$(printf '[.] the Azure resources of prod (prod)\n    the state does not say that the setup made its resource group')" "a state with no record of the resource group: Azure is kept"
mt destroy --yes --all
is "$rc" 0 "destroy without --purge: exit status 0"
contains "$(cat "$output")" "[x] the Azure Resource Manager service connection" "the connection deleted by hand counts as removed (404)"
contains "$(cat "$output")" "[x] the ML repository taxi-fare-regression" "so does the repository"
is "$(secrets_of_adopted)" "unnamed" "the secret the setup added is removed; the application and its own secret kept"
contains "$(cat "$output")" "[.] the soft-deleted Key Vault kv-contoso-4711prod (its purge) (prod)" "without --purge the vault is left, and said so"
is "$(jq -c '[.azure.deleted_vaults[].name, .azure.deleted_workspaces[].name]' "$tap_tmp/world.json")" '["kv-contoso-4711prod","mlw-contoso-4711prod"]' "Azure keeps the vault and the workspace soft-deleted"
mt destroy --yes --purge
is "$rc" 0 "destroy --purge afterwards: exit status 0"
contains "$(cat "$output")" "[x] the soft-deleted Key Vault kv-contoso-4711prod (its purge) (prod)" "the vault is purged"
is "$(jq -c '[.azure.deleted_vaults[].name]' "$tap_tmp/world.json")" '[]' "no vault is left soft-deleted"
# What existed is all there; the import into the repository that existed,
# and the workspace soft-deleted with its resource group, stay.
is "$(world | jq -c 'del(.imports, .azure.deleted_workspaces)')" "$(echo "$before" | jq -c 'del(.imports)')" "the world is as before the setup: the project, its repositories and environment kept"
is "$(world | jq -c '.imports')" '["mlops-v2"]' "the import into the repository that existed stays with it"

# ---- the other kinds at once: terraform, local, dev+prod, a principal ----
# ---- that existed (its role too): the world comes back whole --------------
sim_tokens # fresh: the sandbox's tokens live a scaled hour
sim_principal existing-principal
printf '{"appId":"%s","displayName":"existing-principal","password":"%s","tenant":"%s"}\n' \
    "$SP_APP_ID" "$SP_SECRET" "$SIM_TENANT" > "$tap_tmp/principal.json"
answers="$tap_tmp/answers-c.yml"
cat > "$answers" <<EOF
organization: $SIM_URL
project: mlops-c
repository: taxi-c
infrastructure: terraform
initialise_way: local
principal_way: existing
client_id: $SP_APP_ID
environments:
  prod:
    namespace: contoso
    postfix: "4721"
    subscription_id: $SIM_SUB
    tenant_id: $SIM_TENANT
  dev:
    namespace: contoso
    postfix: "4722"
    subscription_id: $SIM_SUB
    tenant_id: $SIM_TENANT
    branch: dev
    service_connection: Azure-ARM-Dev
EOF
before=$(world)
mt apply --yes --principal-file "$tap_tmp/principal.json"
is "$rc" 0 "terraform, local, dev and prod, an existing principal: the setup is whole"
[ "$rc" -eq 0 ] || diag "$(grep -A4 '^\[!\]' "$output")"
# The operator deletes the prod resource group in the portal first: ARM
# accepts it (202) with a Location to follow.
curl -s -o /dev/null -D "$tap_tmp/headers" -X DELETE -H "Authorization: Bearer $ARM_TOKEN" \
    "${SIM_URL%/*}/_arm/subscriptions/$SIM_SUB/resourcegroups/rg-contoso-4721prod?api-version=2024-03-01"
contains "$(head -n 1 "$tap_tmp/headers")" " 202" "a resource group's DELETE: 202 Accepted"
grep -qi "^location: ${SIM_URL%/*}/_arm/subscriptions/$SIM_SUB/operationresults/" "$tap_tmp/headers"
tap_result $? "with a Location to poll"
location=$(sed -n 's/^[Ll]ocation: //p' "$tap_tmp/headers" | tr -d '\r')
deleted() { [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ARM_TOKEN" "$location")" = 200 ]; }
wait_for 30 deleted
tap_result $? "which answers 200 once the group is gone"
mt destroy --yes --purge --all
is "$rc" 0 "its destroy: exit status 0"
contains "$(cat "$output")" "[x] the resource group rg-contoso-4722dev" "the dev resource group is deleted"
contains "$(cat "$output")" "the pipeline tf-ado-deploy-infra (id " "a pipeline named as the portal lists it, not by step id"
contains "$(cat "$output")" "with its runs), the same as above (dev)" "a pipeline both environments run is said to be the same"
lacks "$(cat "$output")" "infra-pipeline" "no step id in what destroy says"
lacks "$(cat "$output")" "the service principal" "a principal that existed is not the setup's: not listed"
contains "$(cat "$output")" "$(printf '[.] the soft-deleted Key Vault kv-contoso-4721prod (its purge) (prod)\n    purge protection is on')" "terraform's vault has purge protection: kept soft-deleted, and said why"
is "$(jq -c '[.azure.deleted_vaults[].name]' "$tap_tmp/world.json")" '["kv-contoso-4721prod","kv-contoso-4722dev"]' "Azure keeps both vaults until their retention is over"
is "$(jq -c '[.azure.deleted_workspaces[].name] | sort' "$tap_tmp/world.json")" '["mlw-contoso-4711prod","mlw-contoso-4721prod"]' "the workspace of the group deleted by hand is kept soft-deleted, as Azure does"
is "$(world | jq -c 'del(.azure.deleted_vaults, .azure.deleted_workspaces)')" "$(echo "$before" | jq -c 'del(.azure.deleted_workspaces)')" "the world is as it was before this setup, the existing principal and its role kept"

done_testing
