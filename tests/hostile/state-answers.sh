# Answers read back from a hand-edited state file keep the answers file's
# rules (issue 17, item 11): an environment named ../../etc or a project
# a/b is refused (3), every problem named, the file left as it was.
. "$top_srcdir/tests/lib.sh"

state="$tap_tmp/setup.json"
cat > "$tap_tmp/answers.yml" <<ANSWERS
organization: http://127.0.0.1:1/org
repository: taxi
project: proj
environments:
  prod:
    namespace: contoso
    postfix: "4711"
ANSWERS
# Nothing listens on port 1: apply saves the answers, then stops at sign-in.
AZURE_DEVOPS_EXT_PAT=x timeout 20 "$MLOPS_TUI" --state "$state" apply --yes \
    --answers "$tap_tmp/answers.yml" </dev/null >/dev/null 2>&1
[ -s "$state" ]
tap_result $? "apply saved a state to edit"

# edit SED-SCRIPT: the saved state as a careless hand would leave it.
edit() {
	sed "$1" "$state" > "$tap_tmp/edited.json" &&
	    cp "$tap_tmp/edited.json" "$state"
}
edit 's|"project": "proj"|"project": "a/b"|;s|"name": "prod"|"name": "../../etc"|;s|"postfix": "4711"|"postfix": "47/11"|'
sum=$(cksum < "$state")

run --state "$state" status
is "$rc" 3 "status refuses the state (3)"
contains "$err" "answers.project: 'a/b' may not contain '/'" "naming the project"
contains "$err" "environments: '../../etc' is not allowed" \
    "naming the environment"
contains "$err" "postfix: '47/11' may only contain" "naming the postfix"
out=$(AZURE_DEVOPS_EXT_PAT=x timeout 20 "$MLOPS_TUI" --state "$state" plan \
    </dev/null 2>&1) && rc=0 || rc=$?
is "$rc" 3 "plan refuses it (3)"
out=$(AZURE_DEVOPS_EXT_PAT=x timeout 20 "$MLOPS_TUI" --state "$state" apply \
    --yes </dev/null 2>&1) && rc=0 || rc=$?
is "$rc" 3 "apply refuses it (3)"
contains "$out" "answers.project" "saying why"
is "$(cksum < "$state")" "$sum" "the state is unchanged on disk"

# A step recorded for an environment no rule allows is refused too.
AZURE_DEVOPS_EXT_PAT=x timeout 20 "$MLOPS_TUI" --state "$tap_tmp/s2.json" \
    apply --yes --answers "$tap_tmp/answers.yml" </dev/null >/dev/null 2>&1
state="$tap_tmp/s2.json"
edit '0,/"environment": "prod"/s|"environment": "prod"|"environment": "../x"|'
run --state "$state" status
is "$rc" 3 "a step's environment ../x is refused (3)"
contains "$err" "'../x' is not an environment" "saying so"

# The rules, not more: a state whose answers keep them still opens.
state="$tap_tmp/s3.json"
AZURE_DEVOPS_EXT_PAT=x timeout 20 "$MLOPS_TUI" --state "$state" \
    apply --yes --answers "$tap_tmp/answers.yml" </dev/null >/dev/null 2>&1
run --state "$state" status
is "$rc" 0 "a state as mlops-tui wrote it opens (0)"
done_testing
