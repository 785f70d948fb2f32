# The manual path in a real terminal (tmux, 80x24) against the sandbox on
# loopback: the operator may not register applications in Entra, so the
# service principal step fails with its explanation; the principal is
# made by hand (as az ad sp create-for-rbac does) and its JSON pasted into
# the wizard, which marks the step done by hand and goes on to the finish
# with the pasted secret in the service connection - and never shows it.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"

sim_start
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
sim_principal "made-by-hand"
api PATCH _sandbox/settings '{"operator_can_register_apps":false}'
is "$status" 200 "the operator may no longer register applications"
json=$(printf '{\n  "appId": "%s",\n  "displayName": "made-by-hand",\n  "password": "%s",\n  "tenant": "%s"\n}' \
    "$SP_APP_ID" "$SP_SECRET" "$SIM_TENANT")

TUI_ARGS="--answers '$answers' --azure-sign-in device" \
    tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8 "AZURE_DEVOPS_EXT_PAT='$SIM_PAT'"
wait_for 120 shows "[!] Provide a service principal"
tap_result $? "the service principal step fails without the right to register applications"
select_step "Provide a service principal"
tap_result $? "it can be selected"
# errors.yml's explanation of graph-insufficient-privileges, filled in.
wait_for 5 shows "Why"
tap_result $? "its detail says why"
# (Spaces dropped: the pane wraps the tenant id anywhere.)
contains "$(detail | tr -d ' ')" "WhyMicrosoftEntraIDrefusedtocreateorchangetheappregistration:usersintenant${SIM_TENANT}maynotregisterapplications" \
    "the known failure's explanation, with the tenant filled in"

keys p
wait_for 5 shows "Paste what az ad sp create-for-rbac printed"
tap_result $? "p opens the paste screen"
keys -l -- "$json"
wait_for 10 shows "[h] Provide a service principal"
tap_result $? "once its braces close, the step is marked done by hand"
lacks "$(pane)" "$SP_SECRET" "the pasted password is never on the screen"
wait_for 180 shows "finished"
tap_result $? "the setup goes on to the finish"
contains "$(pane)" "The setup is whole:" "with the pasted principal in the service connection"
keys q
is "$(tui_quit_status)" 0 "q quits; exit status 0"
state=$(ls "$XDG_STATE_HOME"/mlops-tui/*.json)
is "$(jq -r '.environments[] | select(.name == "prod") | .answers.client_id' "$state")" "$SP_APP_ID" \
    "the state names the pasted principal"
lacks "$(cat "$XDG_STATE_HOME"/mlops-tui/*)" "$SP_SECRET" "its password is in no file of the state directory"
is "$(jq '[.endpoints[] | select(.name == "Azure-ARM-Prod")] | length' "$tap_tmp/world.json")" 1 \
    "one service connection"
# Asked of the organization: the connection signs in as the pasted principal.
api GET "mlops-v2/_apis/serviceendpoint/endpoints?endpointNames=Azure-ARM-Prod&api-version=7.1"
is "$(echo "$body" | jq -r '.value[0].authorization.parameters.serviceprincipalid')" "$SP_APP_ID" \
    "the service connection's principal is the pasted one"
is "$(echo "$body" | jq -r '.value[0].authorization.parameters.tenantid')" "$SIM_TENANT" \
    "in the pasted tenant"
is "$(jq --arg app "$SP_APP_ID" '[.graph.applications[] | select(.appId == $app) | .passwords[]] | length' "$tap_tmp/world.json")" 1 \
    "the principal made by hand still has its one secret: none was added"
done_testing
