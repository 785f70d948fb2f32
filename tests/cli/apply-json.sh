# plan --json and apply --json: every line is one JSON object, in the
# order a script needs (start, then the plan's entries or each step's
# started/progress/done/failed, then the summary); a failure carries its
# error, why and fix; the PAT never appears. One sandbox.
. "$top_srcdir/tests/lib.sh"
sim_start
command -v jq >/dev/null || { echo "Bail out! jq is needed"; exit 1; }

answers="$tap_tmp/answers.yml"
sim_answers "$answers"
json="$tap_tmp/out.jsonl"
mt() { # COMMAND ARGS...: plan or apply --json; sets $rc, output in $json
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" "$@" --json --answers "$answers" \
	    --azure-sign-in device >"$json" 2>"$tap_tmp/err" </dev/null
	rc=$?
}
every_line_parses() {
	_bad=0
	while IFS= read -r line; do
		printf '%s' "$line" | jq -e 'type == "object" and has("event")' \
		    >/dev/null 2>&1 || { _bad=1; diag "not an event: $line"; }
	done < "$json"
	return $_bad
}
events() { jq -r .event "$json" | uniq | tr '\n' ' '; }
count() { jq -r "select($1) | .event" "$json" | wc -l | tr -d ' '; }
summary() { tail -n 1 "$json" | jq -r "$1"; }

# --- plan -----------------------------------------------------------------
mt plan
every_line_parses
tap_result $? "plan --json: every line is a JSON object with an event"
echo "$(events)" | grep -qxE 'start (upfront )?plan summary '
tap_result $? "plan --json: start, what it checked up front, the plan's entries, the summary ($(events))"
is "$(count '.event == "upfront" and (.verdict | IN("ok", "problem", "cannot_tell"))')" \
    "$(count '.event == "upfront"')" "plan --json: each check up front has its verdict"
is "$(head -n 1 "$json" | jq -r '.command + " " + .repository + " " + .project')" \
    "plan taxi-fare-regression mlops-v2" "plan --json: start names the command and setup"
steps=$("$MLOPS_TUI" status --json | jq '[.sections[].steps[]] | length')
is "$(count '.event == "plan"')" "$steps" "plan --json: one entry for each step of the checklist"
is "$(count '.event == "plan" and .step == "project" and .outcome == "to_do"')" 1 \
    "plan --json: the project is to do"
is "$(summary '.counts.to_do > 0 and .changed == 0 and (.made | length) == 0')" true \
    "plan --json: the summary counts what is to do; nothing changed or made"

# --- apply that fails (pitfall 5: no hosted parallelism) ------------------
api PATCH _sandbox/settings '{"hosted_parallelism":false}'
mt apply --yes --progress 0.2
is "$rc" 1 "apply --json with a failing step: exit status 1"
every_line_parses
tap_result $? "apply --json: every line is a JSON object with an event"
is "$(head -n 1 "$json" | jq -r .event)/$(summary .event)" "start/summary" \
    "apply --json: start first, summary last"
is "$(count '.event == "plan"')" 0 "apply --json: no plan entries"
# Each step that started settled later, and nothing settled before it started.
order_ok=$(jq -s '[to_entries[] | {i: .key, e: .value.event,
    k: (.value.step + "/" + (.value.environment // ""))}] as $l |
    [$l[] | select(.e == "started") | .k as $k | .i as $i |
     ($l | map(select(.k == $k and (.e == "done" or .e == "failed" or
       .e == "settled"))) | map(.i) | max // -1) > $i] | all' "$json")
[ "$(count '.event == "started"')" -gt 5 ]
tap_result $? "apply --json: steps that change something say they started"
is "$order_ok" true "apply --json: every started step settles after it started"
is "$(count '.event == "progress" and .step != null')" "$(count '.event == "progress"')" \
    "apply --json: progress events name their step"
[ "$(count '.event == "progress"')" -gt 0 ]
tap_result $? "apply --json: a long step sends progress events"
failed=$(jq -c 'select(.event == "failed")' "$json" | head -n 1)
is "$(echo "$failed" | jq -r .step)" initialise "apply --json: the failed event names the step"
contains "$(echo "$failed" | jq -r .error)" "No hosted parallelism" "apply --json: with the service's error"
is "$(echo "$failed" | jq -r '(.why | length > 0) and (.fix | length > 0) and (.error_id | length > 0)')" \
    true "apply --json: with the known error's id, why and fix"
is "$(summary '.counts.failed')" 1 "apply --json: the summary counts the failure"
[ "$(summary '.not_started | length')" -gt 0 ]
tap_result $? "apply --json: and lists the steps not started"

# --- apply interrupted: the summary still comes, last, and says so --------
api PATCH _sandbox/settings '{"hosted_parallelism":true}'
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --json --answers "$answers" \
    --azure-sign-in device >"$json" 2>"$tap_tmp/err" </dev/null &
pid=$!
started() { grep -q '"event":"started"' "$json"; }
wait_for 30 started
kill -INT "$pid"
wait "$pid"
is "$?" 130 "apply --json interrupted (SIGINT): exit status 130"
every_line_parses
tap_result $? "apply --json interrupted: every line parses"
is "$(summary '.event + " " + (.interrupted | tostring)')" "summary true" \
    "the last line is the summary, saying it was interrupted"
contains "$(cat "$tap_tmp/err")" "interrupted: stopped" "stderr says how to go on"

# --- apply to the end -----------------------------------------------------
mt apply --yes
is "$rc" 0 "apply --json to the end: exit status 0"
every_line_parses
tap_result $? "apply --json again: every line parses"
is "$(summary '.whole and .counts.failed == 0 and .interrupted == false')" true \
    "apply --json: the summary says the setup is whole"
is "$(summary '[.made[] | select(.what == "Repository taxi-fare-regression")][0].url')" \
    "$SIM_URL/mlops-v2/_git/taxi-fare-regression" "apply --json: made lists what was made with its address"
for f in "$tap_tmp"/out.jsonl "$tap_tmp"/err; do
	lacks "$(cat "$f")" "$SIM_PAT" "the PAT is not in $(basename "$f")"
done

# --- usage ------------------------------------------------------------------
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --json --answers "$answers" \
    >/dev/null 2>"$tap_tmp/err" </dev/null
is "$?" 2 "apply --json without --yes is a usage error"
contains "$(cat "$tap_tmp/err")" "apply --json needs --yes" "saying so"

done_testing
