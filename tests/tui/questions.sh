# The wizard's questions for a new setup, in a real terminal (tmux, a
# private socket, 80x24) against the sandbox server on loopback: typed,
# checked live, reviewed, confirmed, then run to the finish.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
unset AZURE_DEVOPS_EXT_PAT

# approve CODE: enter a device code on the sandbox's page; prints the status.
approve() {
	curl -s -o /dev/null -w '%{http_code}' -X POST --data "user_code=$1" \
	    "${SIM_URL%/*}/_entra/approve"
}

sim_start
sim_answers "$tap_tmp/unused.yml"
state_dir="$XDG_STATE_HOME/mlops-tui"
TUI_ARGS="--azure-sign-in device" tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8

wait_for 10 shows "Organization URL"
tap_result $? "with no answers, the wizard asks the questions"
contains "$(pane)" "mlops-v2" "with the guide's defaults"
contains "$(cursor_line)" "Organization URL" "the cursor sits on the focused field"
keys -N 22 BSpace
type_text "$SIM_URL"
wait_for 5 shows "$SIM_URL"
tap_result $? "the organization is typed"

# Entra is the default sign-in (tests/tui/signin.sh); this setup takes
# the other way, a PAT, chosen here.
focus "Azure DevOps sign-in"
tap_result $? "Down goes to the next field"
keys Right
focus "Personal access token"
wait_for 5 shows "personal access token: type it"
tap_result $? "an empty token says what to do"
type_text "$SIM_PAT"
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -q 'Personal access token.*\*\*\*\*'"
tap_result $? "the token is shown masked"
lacks "$(pane)" "$SIM_PAT" "and never in clear"

focus "Project type"
keys Right
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -e -t w | grep -F 'Project type' | grep -qF \"\$(printf '\033[7m') nlp\""
tap_result $? "Right takes the next choice that can be set up (nlp; cv cannot)"
contains "$(pane | grep -F 'Project type')" "(cv)" "a project type none of whose interfaces works is shown in brackets"
contains "$(pane | grep -F 'Azure ML interface')" "(python-sdk-v2)" "nlp's python-sdk-v2, whose training does not compile, is shown in brackets"
contains "$(pane | grep -F 'Azure ML interface')" "(rai-aml-cli-v2)" "and rai-aml-cli-v2, which nlp does not have"
keys Left
# The GitHub token is asked for rai-aml-cli-v2 alone, masked.
lacks "$(pane)" "GitHub token" "no GitHub token is asked for aml-cli-v2"
focus "Azure ML interface"
keys Right Right
wait_for 5 shows "GitHub token (optional)"
tap_result $? "choosing rai-aml-cli-v2 asks for the GitHub token its connection is made with"
focus "GitHub token"
wait_for 5 shows_text "For the GitHub connection rai's training checks out through"
tap_result $? "and says what it is for, and that empty means by hand"
type_text "ghp_wizardSecret42"
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -q 'GitHub token.*\*\*\*\*'"
tap_result $? "the GitHub token is shown masked"
lacks "$(pane)" "ghp_wizardSecret42" "and never in clear"
keys Home
focus "Azure ML interface"
keys Left Left
wait_for 5 sh -c "! tmux -L '$sock' capture-pane -p -t w | grep -q 'GitHub token'"
tap_result $? "back to aml-cli-v2, the GitHub token is no longer asked"
focus "Service principal"
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -e -t w | grep -F 'Service principal' | grep -qF \"\$(printf '\033[7m') federated\""
tap_result $? "the service principal is federated by default"
contains "$(pane)" "federated: workload identity federation, no secret to expire (recommended)" "the chosen way is explained in one line"
gone() { # TEXT: waits until the pane no longer shows it
	wait_for 5 sh -c "! tmux -L '$sock' capture-pane -p -t w | grep -qF -- '$1'"
}
keys Right
wait_for 5 shows "managed-identity: a user-assigned identity, federated; no app, no secret"
tap_result $? "a managed identity is a choice, explained in one line"
# Each way asks what it alone needs: a managed identity where it goes, a
# secret-based connection whether to convert it; federated neither.
wait_for 5 shows "Identity resource group"
tap_result $? "a managed identity asks for its resource group"
contains "$(pane | grep -F 'Identity resource group')" "rg-mlops-identities" "rg-mlops-identities by default"
lacks "$(pane)" "Convert to federation" "and no conversion: it has no secret"
keys Right
wait_for 5 shows "create: a principal with a secret, for backwards compatibility"
tap_result $? "a secret-based one stays a choice, explained as for backwards compatibility"
wait_for 5 shows "Convert to federation"
tap_result $? "a secret-based one asks whether to convert its connection"
lacks "$(pane)" "Identity resource group" "and no identity's resource group"
focus "Convert to federation"
wait_for 5 shows "no: Azure-ARM-<Env> keeps its secret, which expires (convert it later)"
tap_result $? "no conversion by default: the secret stays, and expires"
keys Right
wait_for 5 shows "yes: once made, Azure-ARM-<Env> is federated and its secret removed"
tap_result $? "yes: the connection converted once made, its secret removed"
# With rai-aml-cli-v2 too, 18 fields: the note keeps its line in 24 rows.
keys Up Up Up Up Right Right Down Down Down Down
wait_for 5 shows "GitHub token (optional)"
tap_result $? "create with rai-aml-cli-v2: the GitHub token asked too"
is "$(pane | sed -n 23p)" "  yes: once made, Azure-ARM-<Env> is federated and its secret removed" "the focused choice still said, above the hints"
keys Up Up Up Up Left Left Down Down Down Down
gone "GitHub token (optional)"
tap_result $? "back to aml-cli-v2"
keys Up Up Up Right Down Down Down
wait_for 5 shows "! convert_connections: 'yes': terraform's pipelines sign in with the secret"
tap_result $? "with terraform, yes is refused, as the convert step would"
contains "$(pane | grep -F 'Convert to federation')" "(yes)" "shown in brackets"
keys Up Up Up Left Down Down Down
gone "pipelines sign in with the secret"
tap_result $? "bicep again: yes is taken"
keys Up Left
gone "Convert to federation"
tap_result $? "back to managed-identity, the conversion is no longer asked"
focus "Identity resource group"
wait_for 5 shows "The group the managed identity goes in; made in the location when missing."
tap_result $? "the resource group says what it is for"
type_text "!"
wait_for 5 shows "identity_resource_group: 'rg-mlops-identities!' may not contain '!'"
tap_result $? "checked as it is typed by the answers file's rule"
keys BSpace Up Left
gone "Identity resource group"
tap_result $? "federated again: the identity's resource group is no longer asked"
lacks "$(pane)" "Convert to federation" "nor the conversion"
focus "Subscription id"
type_text "$SIM_SUB"
focus "Namespace"
type_text "Bad"
wait_for 5 shows "may only contain lowercase letters and digits"
tap_result $? "a wrong namespace names the rule it breaks, as it is typed"
keys -N 3 BSpace
# Beyond ASCII: kept as typed, never dropped; the field's rule judges it
# in place, and a backspace takes the whole character.
type_text "qä"
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -q 'Namespace.* qä\$'"
tap_result $? "a character beyond ASCII is shown as typed (qä), not dropped"
wait_for 5 shows "namespace: 'qä'"
tap_result $? "and the namespace's rule names it in place"
keys BSpace
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | grep -q 'Namespace.* q\$'"
tap_result $? "one backspace takes the whole character (two bytes)"
keys BSpace
type_text "qa"
focus "Postfix"
type_text "0042"
wait_for 5 shows "mlw-qa-0042prod"
tap_result $? "namespace and postfix show the Azure names they make"

focus "[ Review the plan ]"
keys Enter
wait_for 5 shows "What the setup will do"
tap_result $? "Enter on the last line shows the review"
# At 80 columns nothing is cut mid-word: the hints keep whole items, to
# quit, and the review's lines wrap short of the last column.
case $(pane | tail -n 1 | sed 's/ *$//') in
*"  F1 help  q quit") tap_result 0 "the review's hints are whole, to their last" ;;
*) tap_result 1 "the review's hints are whole, to their last"
   diag "$(pane | tail -n 1)" ;;
esac
wide=$(pane | sed -n '3,22p' | awk '{ if (length($0) > n) n = length($0) } END { print n }')
[ "$wide" -lt 79 ]
tap_result $? "no line of the review reaches the last column ($wide)"
# The plan's steps, in the guide's order: its first three, one a line.
contains "$(pane | sed 's/^ *//' | tr '\n' '|')" \
    "[ ] Check the sign-in to the organization|[ ] Create the mlops-v2 project|[ ] Import the mlops-v2 repository|" \
    "the plan lists the steps, in the guide's order"
lacks "$(pane)" "$SIM_PAT" "the review does not show the token"
is "$(ls "$state_dir"/*.json 2>/dev/null | wc -l | tr -d ' ')" 0 "nothing is saved before the confirmation"
api GET _apis/projects
is "$(echo "$body" | jq '.count')" 0 "nothing is made before the confirmation"
keys Escape
wait_for 5 shows "Organization URL"
tap_result $? "Esc goes back to the questions, answers kept"
contains "$(pane)" "0042" "the answers are kept"

# A token the organization refuses: said in place, the answers kept.
keys Home
focus "Personal access token"
type_text "x"
focus "[ Review the plan ]"
keys Enter
wait_for 5 shows "What the setup will do"
keys Enter
wait_for 20 shows "sign-in refused"
tap_result $? "a refused token is said in place"
contains "$(pane)" "Organization URL" "on the questions"
contains "$(pane)" "0042" "with the answers kept"
is "$(ls "$state_dir"/*.json 2>/dev/null | wc -l | tr -d ' ')" 0 "no setup is saved for a refused token"
keys Home
focus "Personal access token"
keys BSpace

# A subscription the signed-in user cannot see: said in place too.
focus "Subscription id"
keys -N 36 BSpace
type_text "00000000-0000-4000-8000-000000000042"
focus "[ Review the plan ]"
keys Enter
wait_for 5 shows "What the setup will do"
keys Enter
wait_for 30 shows_text "00000000-0000-4000-8000-000000000042 is not a subscription Sandbox Operator can see"
tap_result $? "a subscription the user cannot see is said in place, after the sign-in"
contains "$(pane)" "Organization URL" "on the questions, answers kept"
keys Home
focus "Subscription id"
keys -N 36 BSpace
type_text "$SIM_SUB"
focus "[ Review the plan ]"
keys Enter
wait_for 5 shows "What the setup will do"
# The sign-in to Azure waits until its code is entered on the sandbox's page.
api PATCH _sandbox/settings '{"device_auto_approve_polls":100000}'
keys Enter
wait_for 20 shows "Code"
tap_result $? "Enter on the review signs in: the device code is shown"
code=$(pane | tr '\n' ' ' | sed -n 's/.*enter the code \([A-Z0-9]*\).*/\1/p')
[ -n "$code" ] && pane | grep -q "Code  *$(echo "$code" | sed 's/./ &/g')"
tap_result $? "large: the code spaced out ($code)"
contains "$(pane)" "Open  ${SIM_URL%/*}/_entra/device" "with the page to open"
is "$(approve "$code")" 204 "the code is entered on the sandbox's page"
wait_for 30 state_done project
tap_result $? "then the setup starts"
wait_for 180 shows "finished"
tap_result $? "and it runs to the finish"
contains "$(pane)" "The setup is whole:" "the finish says the setup is whole"
keys q
is "$(tui_quit_status)" 0 "q quits; exit status 0"
state=$(ls "$state_dir"/*.json)
is "$(jq -r '.environments[] | select(.name == "prod") | .answers.namespace' "$state" | head -n 1)" qa \
    "the state file holds the answers typed"
lacks "$(cat "$state_dir"/* 2>/dev/null)" "$SIM_PAT" "the token is in no file of the state directory"

# ---- started again: the saved setup is offered, and resumed ---------------
TUI_ARGS="--azure-sign-in device" tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 10 shows "Resume a saved setup, or start a new one"
tap_result $? "started again, the wizard offers the saved setup"
contains "$(pane)" "$SIM_URL" "with its organization"
contains "$(pane)" "mlops-v2 / taxi-fare-regression" "its project and repository"
# What the state file says: its done steps, and when it was saved.
done_steps=$(jq '[.steps[] | select(.status == "done")] | length' "$state")
saved=$(jq -r .updated "$state")
contains "$(pane | sed 's/^ *//' | tr -s '\n ' '  ')" "mlops-v2 / taxi-fare-regression: $done_steps steps done, last saved $saved" \
    "how far it got ($done_steps steps done), and when ($saved)"
contains "$(cursor_line)" "$SIM_URL" "the cursor sits on the selected setup"
# The whole entry shows the selection, not only its organization (one
# organization is often shared by several setups).
entry=$(tmux -L "$sock" capture-pane -p -e -t w | sed -n "$(( $(cursor_y) + 2 )),$(( $(cursor_y) + 3 ))p")
[ "$(printf '%s\n' "$entry" | grep -c "$(printf '\033\\[7m')")" -eq 2 ]
tap_result $? "the selected entry is reversed on its every row"
wide=$(pane | sed -n '3,21p' | awk '{ if (length($0) > n) n = length($0) } END { print n }')
[ "$wide" -lt 80 ]
tap_result $? "no line of the list reaches the last column ($wide)"
keys Down
wait_for 5 sh -c "tmux -L '$sock' capture-pane -p -t w | sed -n \"\$(( \$(tmux -L '$sock' display -p -t w '#{cursor_y}') + 1 ))p\" | grep -qF 'Start a new setup'"
tap_result $? "the last line starts a new setup"
keys Up Enter
wait_for 5 shows "[ Resume the setup ]"
tap_result $? "resuming asks for the token alone"
contains "$(pane | head -n 1)" "resume a setup" "titled as a resume"
lacks "$(pane | head -n 1)" "a new setup" "not as a new setup"
lacks "$(pane)" "Namespace" "and nothing else"
keys Escape
wait_for 5 shows "Resume a saved setup"
tap_result $? "Esc goes back to the saved setups"
keys Enter
wait_for 5 shows "[ Resume the setup ]"
type_text "$SIM_PAT"
keys Enter Enter
wait_for 20 shows "Code"
tap_result $? "resuming signs in again"
is "$(approve "$(pane | tr '\n' ' ' | sed -n 's/.*enter the code \([A-Z0-9]*\).*/\1/p')")" 204 \
    "its code is entered"
wait_for 60 shows "finished"
tap_result $? "the saved setup is resumed and looked at again"
contains "$(pane)" "The setup is whole:" "it is still whole"
is "$(jq '[.projects[] | select(.name == "mlops-v2")] | length' "$tap_tmp/world.json")" 1 \
    "nothing was made twice"
keys q
is "$(tui_quit_status)" 0 "q quits; exit status 0"
done_testing
