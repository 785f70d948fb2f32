# Several ML projects in one run (issue 16): `apply --answers FOLDER` or
# --answers given more than once. Files that collide are refused, every
# problem at once, before any sign-in and with nothing changed; three
# projects then run at once on one sign-in, the accelerator's steps done
# by the first only (counted in the sandbox's request log) and recorded
# as found by the others; each project has its own state file and a
# whole setup; a second run changes nothing; destroying one project
# leaves the others and the shared part working.
. "$top_srcdir/tests/lib.sh"
sim_start

projects="$tap_tmp/projects"
out="$tap_tmp/out"
mkdir -p "$projects"
sim_answers "$tap_tmp/base.yml"
# project NAME POSTFIX [CONNECTION]: an answers file in the folder.
project() {
	sed -e "s/taxi-fare-regression/$1/; s/\"4711\"/\"$2\"/" \
	    "$tap_tmp/base.yml" > "$projects/$1.yml"
	[ -n "${3:-}" ] && printf '    service_connection: %s\n' "$3" \
	    >> "$projects/$1.yml"
	return 0
}
mt() { # ARGS...: mlops-tui with the sandbox's PAT and device sign-in
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" "$@" --azure-sign-in \
	    device --tenant "$SIM_TENANT" >"$out" 2>&1 </dev/null
	rc=$?
}
changes() { # the requests that changed something: not GET, nor the
	# POSTs that change nothing (the sign-in's, TestConnection's)
	jq -r 'select(.method != "GET" and (.path |
	    test("/oauth2/|/endpointproxy|/checkNameAvailability$") | not)) | .method + " " + .path' \
	    "$SIM_LOG"
}
state_dir="$XDG_STATE_HOME/mlops-tui"

# ---- collisions: refused before anything, every one at once --------------
project taxi-a 1001
project taxi-b 1001                       # same names in Azure as taxi-a
sed -e 's/taxi-fare-regression/taxi-a/' "$tap_tmp/base.yml" > "$tap_tmp/again.yml"
printf 'organization: http://127.0.0.1:9/other\nrepository: taxi-c\n' > "$tap_tmp/other.yml"
printf 'repository: [\n' > "$tap_tmp/broken.yml"
: > "$SIM_LOG"
mt apply --yes --answers "$projects" --answers "$tap_tmp/again.yml" \
    --answers "$tap_tmp/other.yml" --answers "$tap_tmp/broken.yml"
is "$rc" 2 "colliding projects: exit status 2"
contains "$(cat "$out")" "broken.yml" "a file that does not parse is named"
contains "$(cat "$out")" "taxi-b.yml: namespace contoso and postfix 1001 (prod) are $projects/taxi-a.yml's too" \
    "the same Azure names in one environment"
contains "$(cat "$out")" "taxi-b.yml: service_connection (prod) Azure-ARM-Prod is $projects/taxi-a.yml's too (prod): each project deploys with its own connection and principal; set environments.prod.service_connection, e.g. Azure-ARM-Prod-taxi-b" \
    "the same service connection, with what to set"
contains "$(cat "$out")" "again.yml: repository taxi-a is $projects/taxi-a.yml's too" \
    "the same repository"
contains "$(cat "$out")" "other.yml: organization http://127.0.0.1:9/other, but $projects/taxi-a.yml says $SIM_URL" \
    "another organization"
contains "$(cat "$out")" "mlops-tui: nothing was changed" "it says nothing was changed"
lacks "$(cat "$out")" "To sign in" "no sign-in was asked for"
is "$(wc -l < "$SIM_LOG")" 0 "not one request reached the organization"
is "$(ls "$state_dir" 2>/dev/null)" "" "no state file was written"
mt apply --yes --answers "$projects/taxi-a.yml" --answers "$projects/taxi-a.yml"
contains "$(cat "$out")" "taxi-a.yml: given twice" "a file given twice is said so"
mkdir "$tap_tmp/empty"
mt plan --answers "$tap_tmp/empty"
is "$rc" 2 "a folder with no answers file: exit status 2"
contains "$(cat "$out")" "empty: a folder with no answers file in it (*.yml, *.yaml)" "and why"

# ---- three projects, one run ---------------------------------------------
rm -f "$projects"/*.yml
project taxi-a 1001
project taxi-b 1002 Azure-ARM-Prod-b
project taxi-c 1003 Azure-ARM-Prod-c
# A folder is several projects: with one --state each would open that
# file, and the second find it locked by the first, after a sign-in.
: > "$SIM_LOG"
mt apply --yes --answers "$projects" --state "$tap_tmp/one.json"
is "$rc" 2 "a folder with --state: refused (exit status 2)"
contains "$(cat "$out")" "take no --state (each has its own)" "and why"
is "$(wc -l < "$SIM_LOG")" 0 "before any request"
[ ! -e "$tap_tmp/one.json" ]
tap_result $? "and no state file written"
: > "$SIM_LOG"
mt apply --yes --answers "$projects"
is "$rc" 0 "three projects in one run: exit status 0"
is "$(grep -c "To sign in" "$out")" 1 "one sign-in for all three"
contains "$(cat "$out")" "3 ML projects in one run" "the run says how many"
for p in taxi-a taxi-b taxi-c; do
	contains "$(sed -n "/^== $p\$/,/^== /p" "$out")" "done (" "$p: its counts under its name"
	lacks "$(sed -n "/^== $p\$/,/ done (/p" "$out")" "failed" "$p: nothing failed"
	is "$(jq -r '[.steps[] | select(.status != "done")] | length' \
	    "$state_dir"/*+"$p".json)" 0 "$p: its own state file, every step done"
done
is "$(jq -r 'select(.method == "POST" and (.path | test("_apis/projects$"))) | .path' "$SIM_LOG" | wc -l)" 1 \
    "the project was created once"
is "$(jq -r 'select(.method == "POST" and (.path | test("importRequests"))) | .path' "$SIM_LOG" | wc -l)" 3 \
    "each accelerator repository imported once (three imports for three projects)"
contains "$(grep '^taxi-b: \[x\] Create the mlops-v2 project' "$out")" "shared with taxi-a, done once for this run: created the project mlops-v2" \
    "the second project takes the first one's project step"
is "$(jq -r '.steps[] | select(.id == "project") | .created | to_entries[] | select(.key | startswith("found.")) | .key' \
    "$state_dir"/*+taxi-b.json | sort | tr "\n" " ")" "found.id found.operation " \
    "and records the project as found, not made"
is "$(jq -r '.steps[] | select(.id == "project") | .created | keys[] | select(startswith("found."))' \
    "$state_dir"/*+taxi-a.json)" "" "the first records it as made"
envs=$(jq -r 'select(.method == "POST" and (.path | test("environments$"))) | .path' "$SIM_LOG" | wc -l)
[ "$envs" -ge 1 ]
tap_result $? "the shared ADO environment prod: created by one project ($envs POSTs), taken by the others"
is "$(jq -r '.steps[] | select(.id == "environment") | .status' "$state_dir"/*.json | sort -u)" "done" \
    "every project has the environment done"

# ---- again: nothing to change --------------------------------------------
: > "$SIM_LOG"
mt apply --yes --answers "$projects"
is "$rc" 0 "a second run: exit status 0"
is "$(grep -c "Nothing needed changing." "$out")" 3 "each project: nothing needed changing"
is "$(changes)" "" "not one request changed anything"

# ---- a plan of several ---------------------------------------------------
mt plan --answers "$projects/taxi-a.yml" --answers "$projects/taxi-c.yml"
is "$rc" 0 "plan of two: exit status 0"
is "$(grep -c "^Plan for" "$out")" 2 "a plan for each"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" plan --json --answers "$projects/taxi-a.yml" \
    --answers "$projects/taxi-c.yml" --azure-sign-in device --tenant "$SIM_TENANT" \
    >"$out" 2>"$tap_tmp/err" </dev/null
is "$?" 0 "plan --json of two: exit status 0"
jq -c . < "$out" > /dev/null 2>&1
tap_result $? "every line of its output is JSON (the device code went to stderr)"
is "$(jq -r 'select(.event == "start") | .repository' "$out" | sort | tr '\n' ' ')" "taxi-a taxi-c " \
    "a start event for each project"
is "$(jq -r 'select(.event == "summary") | .repository' "$out" | sort | tr '\n' ' ')" "taxi-a taxi-c " \
    "and a summary for each"
is "$(jq -r 'select(.repository == null) | .event' "$out")" "" "every event names its project"

# ---- destroy one, the others stay ----------------------------------------
# The project whose state says it made the shared environment prod (in a
# run of several, whichever came first): its destroy must still keep it.
maker=$(for f in "$state_dir"/*.json; do jq -r 'select(any(.steps[];
    .id == "environment" and (.created | has("id")) and
    (.created | has("found.id") | not))) | .answers.repository' "$f"; done)
is "$(printf '%s\n' "$maker" | grep -c .)" 1 "one project made the environment prod: $maker"
others=$(printf 'taxi-a\ntaxi-b\ntaxi-c\n' | grep -vx "$maker")
mt destroy --yes --state "$state_dir"/*+"$maker".json
is "$rc" 0 "$maker destroyed"
contains "$(cat "$out")" "the environment prod" "its destroy lists the environment"
contains "$(grep -A1 -F "the environment prod" "$out")" "uses it too: kept" \
    "and keeps it: another project's setup uses it"
for p in $others; do
	status=$(curl -s -o /dev/null -w '%{http_code}' -K "$SIM_CURL" \
	    "$SIM_URL/mlops-v2/_apis/git/repositories/$p?api-version=7.1")
	is "$status" 200 "$p's repository is still there"
done
api GET "mlops-v2/_apis/distributedtask/environments?name=prod&api-version=7.1"
is "$(printf '%s' "$body" | jq '.count')" 1 "the shared environment prod is still there"
# shellcheck disable=SC2046
mt apply --yes $(for p in $others; do printf -- '--answers %s ' "$projects/$p.yml"; done)
is "$rc" 0 "the two left: still whole"
is "$(grep -c "Nothing needed changing." "$out")" 2 "nothing to repair in either"
done_testing
