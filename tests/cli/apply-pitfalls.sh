# Known pitfalls switched on in the sandbox, one after another, on one
# setup: apply stops at the step they break, explains them from
# errors.yml, and once the cause is fixed in the sandbox, the next apply
# goes on from there to the end.
. "$top_srcdir/tests/lib.sh"
sim_start
. "$top_srcdir/tests/guide.sh"

answers="$tap_tmp/answers.yml"
out="$tap_tmp/apply.out"
sim_answers "$answers"
# Pitfall 19 is a secret's: a secret-based connection, asked for by name
# (federation, the default, has no secret to expire).
echo 'principal_way: create' >> "$answers"
mt() {
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" \
	    --azure-sign-in device >"$out" 2>&1 </dev/null
	rc=$?
}
failed_line() { grep -F '[!]' "$out" | head -n 1; }
# parallelism: doctor's verdict on hosted parallel jobs, and its detail.
parallelism() {
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" doctor --json --org "$SIM_URL" \
	    --repo taxi-fare-regression </dev/null 2>/dev/null |
	    jq -r '.checks[] | select(.id == "parallelism") | "\(.verdict): \(.detail)"'
}

# Pitfall 1: the import picks another default branch; pitfall 5: no hosted
# parallelism (a new organization has none).
api PATCH _sandbox/settings '{"import_default_branch":"develop","hosted_parallelism":false}'
mt
is "$rc" 1 "pitfall 5: apply stops with a failed step"
for r in mlops-v2 mlops-project-template mlops-templates; do
	api GET "$R/$r?$V"
	is "$(echo "$body" | jq -r .defaultBranch)" refs/heads/main "pitfall 1: $r defaults to main after all"
done
contains "$(failed_line)" "Fill the ML repository from the templates" "pitfall 5: the first run that needs an agent fails"
contains "$(cat "$out")" "No hosted parallelism has been purchased or granted" "pitfall 5: with the service's message"
contains "$(cat "$out")" "The organization has no Microsoft-hosted parallel job" "pitfall 5: explained from errors.yml"
contains "$(parallelism)" "problem: run" "pitfall 5: doctor tells it from the refused run"

# Pitfall 14: no quota for the workspace's compute.
api PATCH _sandbox/settings '{"hosted_parallelism":true,"quota_exhausted":true}'
mt
is "$rc" 1 "pitfall 14: with parallelism granted, apply goes on to the next pitfall"
contains "$(failed_line)" "Run the infrastructure pipeline (prod)" "pitfall 14: the infrastructure run fails"
contains "$(cat "$out")" "Not enough quota available" "pitfall 14: with ARM's message"
contains "$(cat "$out")" "$(grep -A3 'id: quota-exhausted' "$top_srcdir/templates/errors.yml" | sed -n 's/^      - "\(.*\)"$/\1/p' | head -n 1)" "pitfall 14: matched in errors.yml"
grep -q "fix  1\." "$out"
tap_result $? "pitfall 14: with a numbered fix"

# Pitfall 19: the principal's secret expired between two runs: the
# connection test says so before any pipeline runs.
api PATCH _sandbox/settings '{"quota_exhausted":false,"secrets_expired":true}'
mt
is "$rc" 1 "pitfall 19: an expired secret stops apply"
contains "$(failed_line)" "Create the Azure Resource Manager service connection (prod)" "pitfall 19: at the connection, whose test fails"
contains "$(cat "$out")" "AADSTS7000222" "pitfall 19: with Entra's message"

# All fixed: the next apply goes on to the end.
api PATCH _sandbox/settings '{"secrets_expired":false}'
mt
is "$rc" 0 "every cause fixed: apply goes on to a whole setup"
contains "$(cat "$out")" "[x] Check the deployed resources in Azure (prod)" "and Azure holds what the pipelines made"
contains "$(parallelism)" "ok: run" "doctor: the newest run got an agent"
done_testing
