# What the state recorded, deleted by hand or with the whole organization
# (issue 17, item 8): an Entra application deleted, and a sandbox reset
# that takes the project's creation operation, the import requests and the
# runs with it. A recorded id that reads 404 is forgotten, said so, and the
# step done again: no two-minute wait blamed on replication, no step stuck.
. "$top_srcdir/tests/lib.sh"
sim_start

answers="$tap_tmp/answers.yml"
state="$tap_tmp/setup.json"
out="$tap_tmp/apply.out"
mt() { # apply with the sandbox's PAT and an Azure device sign-in, ≤ 100 s
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" timeout 100 "$MLOPS_TUI" --state "$state" \
	    apply --yes --answers "$answers" --tenant "$SIM_TENANT" \
	    --azure-sign-in device >"$out" 2>&1 </dev/null
	rc=$?
	[ "$rc" -eq 0 ] || diag "$(grep -v '^\[x\]' "$out")"
}
graph() { curl -s -H "Authorization: Bearer $GRAPH_TOKEN" -X "${2:-GET}" \
    "${SIM_URL%/*}/_graph/v1.0/$1"; }
apps() { graph "applications?\$filter=displayName%20eq%20'Azure-ARM-Prod-mlops-v2'"; }
# the state's record KEY of step ID
recorded() { jq -r --arg id "$1" --arg k "$2" \
    '.steps[] | select(.id == $id) | .created[$k] // empty' "$state"; }

sim_answers "$answers"
mt
is "$rc" 0 "a whole setup is applied"
app=$(recorded service-principal application)
[ -n "$app" ]
tap_result $? "the application is recorded in the state"

# --- the application deleted by hand, days later -------------------------------
sim_tokens
graph "applications/$app" DELETE >/dev/null
[ "$(apps | jq '.value | length')" = 0 ]
tap_result $? "the application is deleted"
# Days later: the attempt that recorded it is long past replication.
jq '(.steps[] | select(.id == "service-principal") | .started) =
    "2020-01-01T00:00:00Z"' "$state" > "$tap_tmp/s.json" && cp "$tap_tmp/s.json" "$state"
mt
contains "$(cat "$out")" "[x] Provide a service principal for the environment (prod)" \
    "the re-run makes the principal again"
contains "$(cat "$out")" "the application $app, recorded in the state, is gone" \
    "the forgotten record is said"
lacks "$(cat "$out")" "did not appear" "not blamed on replication"
is "$(apps | jq '.value | length')" 1 "one application again"
[ "$(recorded service-principal application)" != "$app" ]
tap_result $? "the new one is recorded"
# The connection still named the deleted application's client id: it is
# put back as made, on the new principal, keeping its id (issue 17).
is "$rc" 0 "the re-run ends with the setup whole"
contains "$(cat "$out")" "putting the connection back as made" \
    "the stale connection is said"
api GET "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=Azure-ARM-Prod&api-version=7.1"
is "$(printf '%s' "$body" | jq -r '.value[0].authorization.parameters.serviceprincipalid')" \
    "$(recorded service-principal app_id)" "the connection follows the new principal"
is "$(printf '%s' "$body" | jq -r '.value[0].id')" "$(recorded service-connection id)" \
    "and keeps its id"

# --- the sandbox reset: operation, imports and runs gone -----------------------
port=${SIM_URL#http://127.0.0.1:}
port=${port%%/*}
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
sim_start --reset --listen "127.0.0.1:$port"
sim_answers "$answers"
mt
is "$rc" 0 "after a reset, the whole setup is applied again"
contains "$(cat "$out")" "the project's creation operation" \
    "the gone operation is said"
contains "$(cat "$out")" "the import request" "and a gone import"
contains "$(cat "$out")" "[x] Create the mlops-v2 project" "the project is made"
done_testing
