# The PAT typed at the masked prompt, in a real terminal (tmux): it is
# never shown, it signs in, and an interrupted prompt gives the terminal
# its echo back.
. "$top_srcdir/tests/lib.sh"
sim_start

sock="mt-prompt-$$"
pane() { tmux -L "$sock" capture-pane -p -t t; }
shows() { pane | grep -q "$1"; }
trap 'tmux -L "$sock" kill-server 2>/dev/null; kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null' EXIT
unset TMUX
env -u AZURE_DEVOPS_EXT_PAT tmux -L "$sock" -f /dev/null new-session -d -s t -x 120 -y 30 sh
tmux -L "$sock" send-keys -t t "PS1='$ '; '$MLOPS_TUI' doctor --ado-auth pat --org '$SIM_URL' --repo taxi --json > '$tap_tmp/out'; echo \"exit:\"\$?" Enter
wait_for 10 shows "personal access token (not shown)"
tap_result $? "doctor asks for the PAT on the terminal"

# Typed through a tmux buffer, so the PAT is on no command line.
printf '%s' "$SIM_PAT" > "$tap_tmp/pat"
tmux -L "$sock" load-buffer -b pat "$tap_tmp/pat"
rm "$tap_tmp/pat"
tmux -L "$sock" paste-buffer -d -b pat -t t
tmux -L "$sock" send-keys -t t Enter
wait_for 20 shows "^exit:[0-9]"
is "$(pane | grep -o '^exit:[0-9]*')" "exit:7" "it runs the checks (the project is missing: 7)"
is "$(jq -r '.checks[0].verdict' "$tap_tmp/out")" ok "signed in with the typed PAT"
lacks "$(pane)" "$SIM_PAT" "the PAT never shows on the screen"

# Ctrl-C at the prompt: the terminal echoes again.
tmux -L "$sock" send-keys -t t "clear; '$MLOPS_TUI' doctor --ado-auth pat --org '$SIM_URL' --repo taxi" Enter
wait_for 10 shows "personal access token (not shown)"
tmux -L "$sock" send-keys -t t C-c
# The shell's prompt back first: typed sooner (a loaded machine), the
# next line would go to the prompt mlops-tui has not yet left.
prompt_back() { pane | grep -v '^$' | tail -n 1 | grep -q '^\$ *$'; }
wait_for 10 prompt_back
tap_result $? "Ctrl-C at the prompt ends doctor, back to the shell"
tmux -L "$sock" send-keys -t t "stty -a | tr ' ' '\\n' | grep -x -e echo -e -echo > '$tap_tmp/echo'" Enter
wait_for 10 test -s "$tap_tmp/echo"
is "$(cat "$tap_tmp/echo")" echo "after Ctrl-C at the prompt, echo is on again"

# No PAT given and no --ado-auth: on a terminal, Entra (a device code,
# approved by the sandbox after two polls), never the PAT prompt.
api PATCH _sandbox/settings '{"device_interval_s":0,"device_auto_approve_polls":2}'
tmux -L "$sock" send-keys -t t "clear; '$MLOPS_TUI' doctor --org '$SIM_URL' --repo taxi --azure-sign-in device --tenant '$SIM_TENANT' --json > '$tap_tmp/entra'; echo \"exit:\"\$?" Enter
wait_for 20 shows "^exit:[0-9]"
contains "$(pane)" "To sign in, use a web browser" "no PAT: the Entra sign-in by default"
lacks "$(pane)" "personal access token (not shown)" "no PAT: never the PAT prompt"
is "$(jq -r '.checks[0].verdict' "$tap_tmp/entra")" ok "signed in to Azure DevOps with Entra"
done_testing
