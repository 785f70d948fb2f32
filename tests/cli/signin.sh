# Signing in to Azure DevOps, headless, both ways (issue 14): an
# organization that accepts PATs, and one whose policy restricts them -
# the refusal said in those words with Entra offered, and the Entra sign-in
# (--ado-auth entra, a device code the sandbox approves) working there.
. "$top_srcdir/tests/lib.sh"
sim_start

out="$tap_tmp/out"
err="$tap_tmp/err"
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
doctor() { # ARGS...: doctor --json with the sandbox's PAT; sets $rc
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" doctor --json --org "$SIM_URL" \
	    --repo taxi-fare-regression "$@" >"$out" 2>"$err" </dev/null
	rc=$?
}
signin() { jq -r '.checks[] | select(.id == "sign-in") | "\(.verdict): \(.detail)"' "$out"; }
fix_of() { jq -r '.checks[] | select(.id == "sign-in") | .known_error.id' "$out"; }

# PATs allowed: the PAT signs in.
doctor
contains "$(signin)" "ok: signed in to sandbox as Sandbox Operator" "PATs allowed: the PAT signs in"

# PATs restricted by the organization's policy.
git_refs() { # git's first request over smart HTTP, with the PAT
	curl -s -u ":$SIM_PAT" -w '\n%{http_code}' \
	    "$SIM_URL/mlops-v2/_git/mlops-v2/info/refs?service=git-upload-pack"
}
lacks "$(git_refs | tail -n 1)" 401 "git over HTTP takes the PAT while PATs are allowed"
api PATCH _sandbox/settings '{"pats_restricted":true}'
is "$(git_refs | tail -n 1)" 401 "PATs restricted: git over HTTP refuses the PAT too"
contains "$(git_refs)" "Your ability to create and regenerate personal access tokens (PATs) is restricted by your organization" "with the policy's words"
is "$status" 200 "the organization now restricts PATs"
doctor
is "$rc" 7 "PATs restricted: doctor finds a problem (7)"
contains "$(signin)" "problem: the organization or its tenant restricts personal access tokens (PATs), so this PAT was refused" "said in those words"
contains "$(signin)" "sign in to Azure DevOps with Entra instead (--ado-auth entra" "with Entra offered"
contains "$(signin)" "restricted by your organization" "and the service's own text"
is "$(fix_of)" ado-pats-restricted "matched to its entry in errors.yml"

AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" plan --answers "$answers" >"$out" 2>&1 </dev/null
is "$?" 1 "plan with the refused PAT: exit status 1"
contains "$(cat "$out")" "restricts personal access tokens" "plan says why too"

# Entra for Azure DevOps: the device code, approved by the sandbox.
env -u AZURE_DEVOPS_EXT_PAT "$MLOPS_TUI" doctor --json --org "$SIM_URL" \
    --repo taxi-fare-regression --ado-auth entra --azure-sign-in device \
    --tenant "$SIM_TENANT" >"$out" 2>"$err" </dev/null
contains "$(signin)" "ok: signed in to sandbox as Sandbox Operator" "PATs restricted: --ado-auth entra signs in with the device code"
contains "$(cat "$err")" "enter the code" "the device code is shown"
env -u AZURE_DEVOPS_EXT_PAT "$MLOPS_TUI" plan --answers "$answers" --ado-auth entra \
    --azure-sign-in device >"$out" 2>&1 </dev/null
lacks "$(cat "$out")" "restricts personal access tokens" "plan with Entra: no refusal"
contains "$(cat "$out")" "Create the mlops-v2 project" "and it plans the setup"
done_testing
