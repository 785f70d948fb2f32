# Azure's global names asked before anything changes (issue 16 item 2):
# the `names` check asks Microsoft.KeyVault and Microsoft.Storage whether
# the Key Vault and storage account names are free, and for a
# soft-deleted vault of that name. A name taken elsewhere, or held by a
# soft-deleted vault, is refused by plan and by apply before the
# infrastructure runs; the setup's own vault (a re-run) is not a problem.
# One sandbox: its answers first, then plan, apply, a re-run, and a
# teardown without --purge whose soft-deleted vault holds the name.
. "$top_srcdir/tests/lib.sh"
sim_start

out="$tap_tmp/out"
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
echo "location: eastus" >> "$answers"
mt() { # COMMAND [ARGS...]: plan or apply with Azure; sets $rc
	_cmd=$1; shift
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" "$_cmd" --answers "$answers" \
	    --azure-sign-in device "$@" >"$out" 2>&1 </dev/null
	rc=$?
}
line() { grep -F "$1" "$out" | head -n 1 | sed "s/^ *//"; }
changes() { # what changed in Azure DevOps, Graph or ARM (not sign-ins)
	jq -r 'select(.method != "GET" and (.path |
	    test("/_entra/|/_sandbox/|/checkNameAvailability$") | not)) |
	    .method + " " + .path' "$SIM_LOG"
}
arm_post() { # PROVIDER NAME TYPE: a checkNameAvailability, as its answer
	curl -s -X POST -H "Authorization: Bearer $ARM_TOKEN" -H 'Content-Type: application/json' \
	    --data "{\"name\":\"$2\",\"type\":\"$3\"}" \
	    "${SIM_URL%/*}/_arm/subscriptions/$SIM_SUB/providers/$1/checkNameAvailability?api-version=2023-01-01"
}
vault() { arm_post Microsoft.KeyVault "$1" Microsoft.KeyVault/vaults; }
storage() { arm_post Microsoft.Storage "$1" Microsoft.Storage/storageAccounts; }
title="Check the namespace and postfix (prod)"

# ---- the sandbox's answers, from its world ----------------------------------
sim_tokens
is "$(vault kv-contoso-4711prod)" '{"nameAvailable":true}' "sandbox: a free vault name"
is "$(vault 1kv | jq -r .reason)" AccountNameInvalid "sandbox: a vault name that breaks the rule"
is "$(storage 'St-x' | jq -r .reason)" AccountNameInvalid "sandbox: a storage name that breaks the rule"
is "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $ARM_TOKEN" \
    -H 'Content-Type: application/json' --data '{"name":"x"}' \
    "${SIM_URL%/*}/_arm/subscriptions/$SIM_SUB/providers/Microsoft.Storage/checkNameAvailability?api-version=2023-01-01")" \
    400 "sandbox: no type is a bad request"
api PATCH _sandbox/settings '{"taken_names":["kv-contoso-4711prod","stcontoso4711prodtf"]}'
is "$(vault kv-contoso-4711prod | jq -c '[.nameAvailable, .reason]')" '[false,"AlreadyExists"]' "sandbox: a vault name taken elsewhere"
contains "$(vault kv-contoso-4711prod | jq -r .message)" "The vault name 'kv-contoso-4711prod' is already in use." "sandbox: with Key Vault's words"
is "$(storage stcontoso4711prodtf | jq -r .message)" "The storage account named stcontoso4711prodtf is already taken." "sandbox: a storage name taken, with Storage's words"

# ---- taken elsewhere: plan refuses, changing nothing -------------------------
: > "$SIM_LOG"
mt plan
is "$rc" 1 "taken: plan exits 1"
is "$(line "$title")" "[!] $title: the Key Vault name kv-contoso-4711prod is taken elsewhere in Azure (not by resource group rg-contoso-4711prod of subscription $SIM_SUB; a vault soft-deleted in another subscription holds its name too): choose another namespace or postfix" "taken: plan names the vault, says it is someone else's and what to do"
contains "$(cat "$out")" "Key Vault and storage account names are unique across all of Azure" "taken: the why of errors.yml"
lacks "$(line "$title")" "stcontoso4711prodtf" "bicep: the terraform state account is not asked"
is "$(changes)" "" "taken: plan changes nothing"
contains "$(jq -r '.method + " " + .path' "$SIM_LOG")" "POST /_arm/subscriptions/$SIM_SUB/providers/Microsoft.KeyVault/checkNameAvailability" "taken: Azure was asked"

# terraform: the state storage account too.
sed 's/^location:/infrastructure: terraform\nlocation:/' "$answers" > "$tap_tmp/tf.yml"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" plan --answers "$tap_tmp/tf.yml" \
    --azure-sign-in device >"$out" 2>&1 </dev/null
contains "$(line "$title")" "the terraform state storage account name stcontoso4711prodtf is taken elsewhere in Azure (not by resource group rg-contoso-4711prod-tf" "terraform: the state account is asked too"

# ---- apply of a taken name: refused at the check, Azure's infra untouched ----
: > "$SIM_LOG"
mt apply --yes
is "$rc" 1 "taken: apply exits 1"
contains "$(line "$title")" "[!] $title: the Key Vault name kv-contoso-4711prod is taken" "taken: apply fails at the names check"
contains "$(cat "$out")" "[~] Set the names and region in config-infra (prod): waits for '$title' (failed)" "taken: config-infra waits for it"
lacks "$(cat "$out")" "[x] Run the infrastructure pipeline" "taken: the infrastructure is not run"
lacks "$(changes)" "resourceGroups" "taken: nothing made in a resource group (no infrastructure)"
is "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ARM_TOKEN" \
    "${SIM_URL%/*}/_arm/subscriptions/$SIM_SUB/resourceGroups/rg-contoso-4711prod?api-version=2024-03-01")" \
    404 "taken: Azure has no resource group of the setup"
lacks "$(changes)" "config-infra" "taken: config-infra is not written"
api GET "mlops-v2/_apis/build/builds?api-version=7.1"
is "$(echo "$body" | jq '[.value[] | select(.definition.name | test("infra"))] | length')" 0 "taken: no infrastructure run queued"

# ---- soft-deleted in the subscription: purge it, or another postfix ---------
api PATCH _sandbox/settings '{"taken_names":[],"soft_deleted_names":["kv-contoso-4711prod"]}'
mt plan
is "$rc" 1 "soft-deleted: plan exits 1"
contains "$(line "$title")" "[!] $title: the Key Vault name kv-contoso-4711prod is held by a soft-deleted vault in subscription $SIM_SUB (eastus): purge it (az keyvault purge --name kv-contoso-4711prod --location eastus) or choose another postfix" "soft-deleted: said, with the purge"
contains "$(cat "$out")" "still holds the name" "soft-deleted: the why of errors.yml"

# ---- free: the whole setup; a re-run's names are its own ---------------------
api PATCH _sandbox/settings '{"soft_deleted_names":[]}'
mt apply --yes
is "$rc" 0 "free: apply makes the whole setup"
contains "$(line "$title")" "[x] $title: namespace contoso and postfix 4711 give valid names; Azure has the global names free" "free: the names are asked and free"
mt plan
is "$rc" 0 "re-run: plan exits 0"
contains "$(line "$title")" "Azure has the global names free or held by this setup" "re-run: the setup's own vault and storage account are no problem"
is "$(vault kv-contoso-4711prod | jq -r .nameAvailable)" false "re-run: though Azure says the vault name is taken (by the setup)"

# ---- taken down without --purge: the world's own soft-deleted vault ---------
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" destroy --yes --answers "$answers" \
    --azure-sign-in device >"$out" 2>&1 </dev/null
is "$?" 0 "destroyed, the vault kept soft-deleted"
mt plan
is "$rc" 1 "after the teardown: plan exits 1"
contains "$(line "$title")" "[!] $title: the Key Vault name kv-contoso-4711prod is held by a soft-deleted vault in subscription $SIM_SUB (eastus): purge it" "after the teardown: the vault it left soft-deleted holds the name"

done_testing
