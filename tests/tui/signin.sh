# Signing in to Azure DevOps in the wizard (tmux, 80x24) on a sandbox
# whose organization restricts PATs (issue 14): Entra is the default and
# explained; a PAT chosen anyway is refused in those words, Entra offered
# and chosen for the next try, whose device code is shown large and,
# once approved, signs in and starts the setup.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
unset AZURE_DEVOPS_EXT_PAT

approve() {
	curl -s -o /dev/null -w '%{http_code}' -X POST --data "user_code=$1" \
	    "${SIM_URL%/*}/_entra/approve"
}
reversed() { # FIELD VALUE: whether VALUE is the chosen one of FIELD
	tmux -L "$sock" capture-pane -p -e -t w | grep -F "$1" |
	    grep -qF "$(printf '\033[7m') $2"
}

sim_start
sim_answers "$tap_tmp/unused.yml"
api PATCH _sandbox/settings '{"pats_restricted":true,"device_auto_approve_polls":100000}'
is "$status" 200 "the organization restricts PATs"
TUI_ARGS="--azure-sign-in device" tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8

wait_for 10 shows "Organization URL"
keys -N 22 BSpace
type_text "$SIM_URL"
focus "Azure DevOps sign-in"
wait_for 5 reversed "Azure DevOps sign-in" entra
tap_result $? "Entra is the default way to sign in to Azure DevOps"
contains "$(pane)" "entra: sign in with Microsoft Entra (a device code or az); no PAT to make" "explained in one line"
focus "Personal access token"
contains "$(pane)" "Not needed: Azure DevOps sign-in is entra" "with Entra, no PAT is asked for"
lacks "$(pane)" "personal access token: type it" "and an empty one is no problem"
focus "Subscription id"
type_text "$SIM_SUB"
focus "Namespace"
type_text "qa"
focus "Postfix"
type_text "0042"

# A PAT chosen anyway: refused by the organization's policy, said so.
keys Home
focus "Azure DevOps sign-in"
keys Right
wait_for 5 reversed "Azure DevOps sign-in" pat
tap_result $? "Right chooses the PAT"
contains "$(pane)" "pat: a personal access token, typed below (some organizations restrict PATs)" "explained too"
focus "Personal access token"
type_text "$SIM_PAT"
focus "[ Review the plan ]"
keys Enter
wait_for 5 shows "What the setup will do"
keys Enter
wait_for 20 shows_text "restricts personal access tokens (PATs), so it refused the PAT"
tap_result $? "the refused PAT is said in those words"
contains "$(pane | sed 's/^ *//' | tr -s '\n ' '  ')" "Azure DevOps sign-in is now entra" "Entra is offered, chosen for the next try"
lacks "$(pane)" "$SIM_PAT" "the PAT is never on the screen"
reversed "Azure DevOps sign-in" entra
tap_result $? "the choice shows entra"

# Entra: the device code shown large, approved, signed in.
keys Enter
wait_for 5 shows "What the setup will do"
keys Enter
wait_for 20 shows "Code"
tap_result $? "signing in with Entra shows the device code"
code=$(pane | tr '\n' ' ' | sed -n 's/.*enter the code \([A-Z0-9]*\).*/\1/p')
[ -n "$code" ] && pane | grep -q "Code  *$(echo "$code" | sed 's/./ &/g')"
tap_result $? "large: the code spaced out ($code)"
is "$(approve "$code")" 204 "the code is entered on the sandbox's page"
wait_for 60 state_done project
tap_result $? "Entra signs in to Azure DevOps where PATs are refused: the setup starts"
# (The sandbox's API refuses the PAT too now: its world file is read.)
is "$(jq -r '.projects[0].name' "$tap_tmp/world.json")" mlops-v2 "the project was made with the Entra token"
keys C-c
tui_quit_status >/dev/null
done_testing
