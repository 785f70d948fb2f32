# One organization, one state file and one lock, however its URL is
# spelled (issue 17, item 10): 127.0.0.1 and localhost (on the service,
# dev.azure.com/ORG and ORG.visualstudio.com) once gave two state files,
# two locks and two applies at once. A file named the old way is found.
. "$top_srcdir/tests/lib.sh"
sim_start

answers="$tap_tmp/answers.yml"
sim_answers "$answers"
port=${SIM_URL#http://127.0.0.1:}
port=${port%%/*}
org=${SIM_URL#http://127.0.0.1:$port}
sed "s|^organization: .*|organization: http://localhost:$port$org/|" \
    "$answers" > "$tap_tmp/local.yml"
dir="$XDG_STATE_HOME/mlops-tui"
lower=$(printf '%s' "$org" | tr 'A-Z' 'a-z' | sed 's|/|%2F|g')
canon="$dir/127.0.0.1%3A$port$lower+mlops-v2+taxi-fare-regression.json"
old="$dir/localhost%3A$port$lower+mlops-v2+taxi-fare-regression.json"

# apply_as ANSWERS: `apply --yes` with a PAT the sandbox refuses: it opens
# (and locks) the setup's state, then stops at the sign-in.
apply_as() {
	out=$(AZURE_DEVOPS_EXT_PAT=not-the-pat timeout 20 "$MLOPS_TUI" apply \
	    --yes --answers "$1" </dev/null 2>&1) && rc=0 || rc=$?
}

apply_as "$answers"
apply_as "$tap_tmp/local.yml"
is "$(ls "$dir" | grep -c '\.json$')" 1 "two spellings: one state file"
[ -f "$canon" ]
tap_result $? "named by the organization's identity (127.0.0.1)"
lacks "$out" "the state file is for organization" \
    "the other spelling is the same setup, not another"

# The lock: while one holds the setup, the other spelling is refused.
# -o: the lock is flock's own, not inherited by sleep, so that killing
# flock releases it.
flock -o "$canon.lock" sleep 30 &
holder=$!
at_exit "kill $holder 2>/dev/null"
wait_for 5 sh -c "! flock -n '$canon.lock' true"
apply_as "$tap_tmp/local.yml"
is "$rc" 3 "a second apply under the other spelling is refused (3)"
contains "$out" "another mlops-tui is working on this setup" "saying why"
kill "$holder"; wait "$holder" 2>/dev/null

# A state named the old way (localhost) is found and moved, never orphaned.
serial=$(jq .serial "$canon")
created=$(jq -r .created "$canon")
mv "$canon" "$old"
out=$(AZURE_DEVOPS_EXT_PAT=not-the-pat timeout 20 "$MLOPS_TUI" plan \
    --answers "$answers" </dev/null 2>&1) && rc=0 || rc=$?
[ -f "$old" ] && [ ! -f "$canon" ]
tap_result $? "plan reads the old name where it is, moving nothing"
apply_as "$answers"
[ ! -f "$old" ] && [ -f "$canon" ]
tap_result $? "apply moves the old name to the new one"
contains "$out" "moved from $old" "and says so"
[ "$(jq .serial "$canon")" -ge "$serial" ] &&
    [ "$(jq -r .created "$canon")" = "$created" ]
tap_result $? "the same state goes on (its serial and creation kept)"

# Both names at once (left by the bug): refused, both named.
cp "$canon" "$old"
apply_as "$answers"
is "$rc" 3 "two state files for one setup are refused (3)"
contains "$out" "$old" "naming the old one"
contains "$out" "$canon" "and the new one"
rm "$old"

# The wizard's sandbox state is never taken for an old name.
cp "$canon" "$dir/sandbox.json"
apply_as "$answers"
[ -f "$dir/sandbox.json" ]
tap_result $? "sandbox.json stays where it is"
# The organization renamed: its URL changes, its instance id does not. A
# new state file for the new URL would make everything again; the file
# holding the setup (its sign-in recorded the instance) is named instead.
rm -f "$dir/sandbox.json"
AZURE_DEVOPS_EXT_PAT=$SIM_PAT "$MLOPS_TUI" apply --yes --answers "$answers" \
    </dev/null >"$tap_tmp/first.out" 2>&1 &
first=$!
at_exit "kill $first 2>/dev/null"
recorded() { jq -e '.steps[] | select(.id == "sign-in") | .created.instance' "$canon"; }
wait_for 60 recorded >/dev/null
tap_result $? "apply records the organization's instance id with the sign-in" || diag "$(tail -n 5 "$tap_tmp/first.out")"
kill -TERM "$first"; wait "$first" 2>/dev/null
instance=$(recorded | jq -r .)
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
jq '.organization = "renamed"' "$tap_tmp/world.json" > "$tap_tmp/w" &&
    mv "$tap_tmp/w" "$tap_tmp/world.json"
sim_start
contains "$SIM_URL" "/renamed" "the sandbox answers under the new name"
sed "s|^organization: .*|organization: $SIM_URL|" "$answers" > "$tap_tmp/renamed.yml"
files=$(ls "$dir" | grep -c '\.json$')
out=$(AZURE_DEVOPS_EXT_PAT=$SIM_PAT timeout 60 "$MLOPS_TUI" apply --yes \
    --answers "$tap_tmp/renamed.yml" </dev/null 2>&1) && rc=0 || rc=$?
is "$rc" 3 "a new state file for the renamed organization is refused (3)"
contains "$out" "$canon already holds this setup" "naming the file that holds it"
contains "$out" "instance $instance" "and the instance id they share"
is "$(ls "$dir" | grep -c '\.json$')" "$files" "no second state file is left"
out=$(AZURE_DEVOPS_EXT_PAT=$SIM_PAT timeout 60 "$MLOPS_TUI" plan \
    --answers "$tap_tmp/renamed.yml" </dev/null 2>&1) && rc=0 || rc=$?
is "$rc" 3 "plan says the same (3), rather than planning a second setup"
done_testing
