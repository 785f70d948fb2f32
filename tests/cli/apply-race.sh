# Issue 13 item 4: terraform's prod and dev infrastructure steps run at
# once and both need the pipeline tf-ado-deploy-infra. Both find none and
# both create it; the service refuses the second ("Build pipeline
# tf-ado-deploy-infra already exists"), whose step adopts the first's, so
# there is one definition per name and the setup goes on.
. "$top_srcdir/tests/lib.sh"
# Creations of pipelines answer late, so that both steps look before either
# has created.
sim_start --faults 'latency=1500@POST:*/_apis/pipelines'
answers="$tap_tmp/answers.yml"
out="$tap_tmp/apply.out"
sim_answers "$answers"
printf '  dev:\n    namespace: contoso\n    postfix: "4712"\n    subscription_id: %s\n    tenant_id: %s\ninfrastructure: terraform\n' \
    "$SIM_SUB" "$SIM_TENANT" >> "$answers"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" \
    --tenant "$SIM_TENANT" --azure-sign-in device >"$out" 2>&1 </dev/null
rc=$?
lacks "$(cat "$out")" "already exists" "no step fails on the other's pipeline"
is "$rc" 0 "prod and dev on terraform: the setup is whole in one run" || diag "$(tail -n 20 "$out")"
contains "$(cat "$out")" "[x] Run the infrastructure pipeline (prod)" "prod's infrastructure runs"
contains "$(cat "$out")" "[x] Run the infrastructure pipeline (dev)" "dev's infrastructure runs"
is "$(jq '[.definitions[] | select(.name == "tf-ado-deploy-infra")] | length' "$tap_tmp/world.json")" 1 \
    "one tf-ado-deploy-infra definition"
refused=$(jq -c 'select(.method == "POST" and (.path | endswith("/_apis/pipelines")) and .status == 409)' "$SIM_LOG" | wc -l)
[ "$refused" -ge 1 ]
tap_result $? "the two creations did race: the service refused one ($refused)"
done_testing
