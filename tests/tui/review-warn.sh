# The wizard's review of a new setup, after the sign-in, warns of a right
# missing up front (issue 14): the operator may not register applications,
# so the review shows it - with who can make the principal instead - before
# anything changes, and Enter still starts the setup (a principal can be
# pasted at its step: tests/tui/manual.sh). A check the plan fails already
# shows there too: the Key Vault name taken in Azure (issue 16). A real
# terminal (tmux, 80x24).
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
unset AZURE_DEVOPS_EXT_PAT

sim_start
sim_answers "$tap_tmp/unused.yml"      # device sign-ins approve themselves
api PATCH _sandbox/settings '{"operator_can_register_apps":false,"taken_names":["kv-qa-0042prod"]}'

# answer: a new setup's questions typed, up to its first review.
answer() {
	TUI_ARGS="--azure-sign-in device" tui_start LANG=C.UTF-8 LC_ALL=C.UTF-8
	wait_for 10 shows "Organization URL" || return 1
	keys -N 22 BSpace
	type_text "$SIM_URL"
	focus "Azure DevOps sign-in"
	keys Right
	focus "Personal access token"
	type_text "$SIM_PAT"
	focus "Subscription id"
	type_text "$SIM_SUB"
	focus "Namespace"
	type_text "qa"
	focus "Postfix"
	type_text "0042"
	focus "[ Review the plan ]"
	keys Enter
	wait_for 5 shows "What the setup will do"
}
state_files() { ls "$XDG_STATE_HOME"/mlops-tui/*.json 2>/dev/null | wc -l | tr -d ' '; }

# Quit on the warnings: nothing was done, no setup is left to resume.
answer
keys Enter
wait_for 60 shows "Checked up front"
tap_result $? "first start: the warnings"
keys q
is "$(tui_quit_status)" 130 "q on the warnings quits (130)"
is "$(state_files)" 0 "and leaves no state file"

answer
tap_result $? "the review, before the sign-in"
lacks "$(pane)" "Checked up front" "no warning before the sign-in: nothing was asked yet"
keys Enter
wait_for 60 shows "Checked up front"
tap_result $? "after the sign-in, the review again, with what was checked up front"
contains "$(pane)" "[!] You may register applications (prod): you may not" "the missing right, as a warning"
contains "$(pane | tr -s '\n ' '  ')" "An administrator with one of them makes the" "with who can make the principal instead"
contains "$(pane | tr -s '\n ' '  ')" "[!] Check the namespace and postfix (prod): the Key Vault name kv-qa-0042prod is taken elsewhere in Azure" "the name taken in Azure, from the plan's names check"
contains "$(pane | tr -s '\n ' '  ')" "(Enter still starts the setup;" "a warning, not a refusal"
contains "$(pane)" "Your answers" "above the answers and the plan"
api GET "_apis/projects?api-version=7.1"
is "$(echo "$body" | jq '.count')" 0 "nothing was made yet"
keys Enter
wait_for 30 state_done project
tap_result $? "Enter starts the setup all the same"
keys q
is "$(tui_quit_status)" 130 "q while steps run stops them (130), as ever"
done_testing
