# The sandbox's git area over loopback HTTP: repositories, imports, refs,
# items, pushes, and clone and push with the git command line.
. "$top_srcdir/tests/lib.sh"
command -v git >/dev/null || { echo "Bail out! git is needed"; exit 1; }
sim_start

api POST "_apis/projects?api-version=7.1" '{"name":"mlops-v2"}'
op=$(echo "$body" | jq -r .id)
op_done() { api GET "_apis/operations/$op?api-version=7.1"; [ "$(echo "$body" | jq -r .status)" = succeeded ]; }
wait_for 10 op_done

R="mlops-v2/_apis/git/repositories"
V="api-version=7.1"

# --- repositories ------------------------------------------------------------
api GET "$R?$V"
is "$(echo "$body" | jq -r '.value | map(.name) | join(",")')" mlops-v2 \
    "a new project has a repository named after it"
is "$(echo "$body" | jq -r '.value[0] | has("defaultBranch")')" false "empty: no default branch"
is "$(echo "$body" | jq -r '.value[0].size')" 0 "and size 0"

api POST "$R?$V" '{"name":"mlops-templates"}'
is "$status" 201 "create a repository: 201"
templates_id=$(echo "$body" | jq -r .id)
is "$(echo "$body" | jq -r .project.name)" mlops-v2 "it belongs to the project"
contains "$(echo "$body" | jq -r .remoteUrl)" "/mlops-v2/_git/mlops-templates" "with a clone URL"
api POST "$R?$V" '{"name":"MLOPS-TEMPLATES"}'
is "$status" 409 "the same name again: refused"
api POST "$R?$V" '{"name":"bad/name"}'
is "$status" 400 "an invalid name: 400"
api GET "$R/$templates_id?$V"
is "$(echo "$body" | jq -r .name)" mlops-templates "get by id"
api GET "$R/nope?$V"
is "$status" 404 "a missing repository: 404"
is "$(echo "$body" | jq -r .typeKey)" GitRepositoryNotFoundException "the real typeKey"
contains "$(echo "$body" | jq -r .message)" "TF401019" "the real message"
contains "$(echo "$body" | jq -r .typeName)" "Microsoft.TeamFoundation.Git.Server" "from the git assembly"
api GET "nosuchproject/_apis/git/repositories?$V"
is "$status" 404 "a missing project: 404"

api POST "$R?$V" '{"name":"scratch"}'
scratch=$(echo "$body" | jq -r .id)
api DELETE "$R/$scratch?$V"
is "$status" 204 "delete: 204"
is "$body" "" "with no body"
api GET "$R/scratch?$V"
is "$status" 404 "and it is gone"

# --- imports ----------------------------------------------------------------------
import() { # REPO URL
	api POST "$R/$1/importRequests?$V" \
	    "{\"parameters\":{\"gitSource\":{\"url\":\"$2\",\"overwrite\":false}}}"
}
import mlops-templates https://example.com/other.git
is "$status" 400 "an import from an unknown URL: 400"
import mlops-templates https://github.com/Azure/mlops-templates
is "$status" 201 "an import request: 201"
is "$(echo "$body" | jq -r .status)" queued "queued"
is "$(echo "$body" | jq -r '.detailedStatus.allSteps | length')" 6 "with the six real steps"
imp=$(echo "$body" | jq -r .importRequestId)
rm -f "$tap_tmp/seen"
import_done() {
	api GET "$R/mlops-templates/importRequests/$imp?$V"
	echo "$body" | jq -r .status >> "$tap_tmp/seen"
	[ "$(echo "$body" | jq -r .status)" = completed ]
}
wait_for 10 import_done
tap_result $? "the import completes"
is "$(echo "$body" | jq -r .detailedStatus.currentStep)" 6 "at step 6"
is "$(echo "$body" | jq -r .repository.defaultBranch)" refs/heads/main "with main as the default branch"
[ "$(echo "$body" | jq -r .repository.size)" -gt 0 ]
tap_result $? "and a size"
import mlops-templates https://github.com/Azure/mlops-templates
is "$status" 400 "a second import into a repository that is not empty: 400"

api GET "$R/mlops-templates/refs?filter=heads/&$V"
is "$(echo "$body" | jq -r '[.value[].name] | sort | join(",")')" \
    "refs/heads/cindy-test,refs/heads/feathr,refs/heads/main" \
    "the stand-in has the real repository's extra branches"
api GET "$R/mlops-templates/refs?filter=heads/ma&$V"
is "$(echo "$body" | jq -r '.count')" 1 "refs filter is a prefix"
main_tip=$(echo "$body" | jq -r '.value[0].objectId')
is "${#main_tip}" 40 "with the commit id"

api GET "$R/mlops-templates/items?path=/templates/aml-cli-v2/install-az-cli.yml&includeContent=true&$V"
is "$status" 200 "an item of the import"
contains "$(echo "$body" | jq -r .content)" "pip pip install" \
    "the stand-in keeps the known install-az-cli defect"
api GET "$R/mlops-templates/items?path=/nope.yml&$V"
is "$status" 404 "a missing item: 404"
contains "$(echo "$body" | jq -r .message)" "TF401174" "the real message"

# The default branch after an import is a world setting (known problem 1).
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
jq '.settings.import_default_branch = "feathr"' "$tap_tmp/world.json" > "$tap_tmp/w" &&
    mv "$tap_tmp/w" "$tap_tmp/world.json"
sim_start
import mlops-v2 https://github.com/Azure/mlops-v2.git
imp=$(echo "$body" | jq -r .importRequestId)
import_done() { api GET "$R/mlops-v2/importRequests/$imp?$V"; [ "$(echo "$body" | jq -r .status)" = completed ]; }
wait_for 10 import_done
is "$(echo "$body" | jq -r .repository.defaultBranch)" refs/heads/feathr \
    "with the setting on, an import defaults to another branch"
api PATCH "$R/mlops-v2?$V" '{"defaultBranch":"refs/heads/main"}'
is "$status" 200 "PATCH the default branch: 200"
is "$(echo "$body" | jq -r .defaultBranch)" refs/heads/main "now main"

# --- pushes --------------------------------------------------------------------
api POST "$R?$V" '{"name":"taxi-fare-regression"}'
T="$R/taxi-fare-regression"
zero=0000000000000000000000000000000000000000
push() { # OLD CHANGETYPE PATH CONTENT
	api POST "$T/pushes?$V" "{\"refUpdates\":[{\"name\":\"refs/heads/main\",\"oldObjectId\":\"$1\"}],\"commits\":[{\"comment\":\"c\",\"changes\":[{\"changeType\":\"$2\",\"item\":{\"path\":\"$3\"},\"newContent\":{\"content\":\"$4\",\"contentType\":\"rawtext\"}}]}]}"
}
push $zero add /README.md '# taxi'
is "$status" 201 "the first push: 201"
tip=$(echo "$body" | jq -r '.refUpdates[0].newObjectId')
is "$(echo "$body" | jq -r '.refUpdates[0].oldObjectId')" $zero "from nothing"
is "$(echo "$body" | jq -r .repository.defaultBranch)" refs/heads/main \
    "the first push makes the default branch"
push $zero edit /README.md 'again'
is "$status" 409 "a stale oldObjectId: 409"
is "$(echo "$body" | jq -r .typeKey)" GitReferenceStaleException "the real typeKey"
contains "$(echo "$body" | jq -r .message)" "has already been updated by another client" \
    "the text clients retry on"
push "$tip" add /README.md 'again'
is "$status" 400 "adding a file that exists: 400"
push "$tip" edit /missing.md 'x'
is "$status" 404 "editing a file that does not exist: 404"
push "$tip" edit /README.md '# taxi fare'
is "$status" 201 "an edit on the live tip: 201"
api GET "$T/items?path=/README.md&\$format=text&$V"
is "$body" "# taxi fare" "the item has the new content, raw"

# --- many clients at once ----------------------------------------------------------
for i in $(seq 1 24); do
	curl -s -K "$SIM_CURL" -o /dev/null -X POST -H 'Content-Type: application/json' \
	    --data "{\"name\":\"parallel-$i\"}" "$SIM_URL/$R?$V" &
done
wait_clients() { for job in $(jobs -p); do [ "$job" = "$SIM_PID" ] || wait "$job"; done; }
wait_clients
api GET "$R?$V"
is "$(echo "$body" | jq -r '[.value[].name | select(startswith("parallel-"))] | length')" 24 \
    "24 concurrent creations: every repository exists once"
jq -e . "$tap_tmp/world.json" >/dev/null
tap_result $? "and the world file is whole"

# --- git over smart HTTP -------------------------------------------------------------
# The PAT goes in a config file, never on a command line.
auth=$(printf ':%s' "$SIM_PAT" | base64 -w0)
printf '[http]\n\textraHeader = Authorization: Basic %s\n[user]\n\tname = T\n\temail = t@example.com\n' \
    "$auth" > "$tap_tmp/gitconfig"
export GIT_CONFIG_GLOBAL="$tap_tmp/gitconfig" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
git clone -q "$SIM_URL/mlops-v2/_git/taxi-fare-regression" "$tap_tmp/clone" 2>"$tap_tmp/git.err"
tap_result $? "git clone over smart HTTP"
is "$(cat "$tap_tmp/clone/README.md")" "# taxi fare" "the clone has the pushed content"
( cd "$tap_tmp/clone" && echo "line" >> README.md && git commit -qam "from git" &&
    git push -q origin main ) 2>>"$tap_tmp/git.err"
tap_result $? "git push over smart HTTP"
api GET "$T/items?path=/README.md&\$format=text&$V"
contains "$body" "line" "the REST side sees the pushed commit"
# Refused by the server, with 401, not failing for any other reason (a
# dead server fails too): git's own trace of the HTTP exchange says.
GIT_CONFIG_GLOBAL=/dev/null GIT_TRACE_CURL="$tap_tmp/noauth.trace" \
    GIT_TRACE_CURL_NO_DATA=1 git clone -q \
    "$SIM_URL/mlops-v2/_git/taxi-fare-regression" "$tap_tmp/noauth" 2>/dev/null
[ $? -ne 0 ]
tap_result $? "a clone without the PAT is refused"
grep -q '<= Recv header: HTTP/[0-9.]* 401' "$tap_tmp/noauth.trace"
tap_result $? "with 401 from the server"
git clone -q "$SIM_URL/mlops-v2/_git/mlops-templates" "$tap_tmp/templates" 2>>"$tap_tmp/git.err"
tap_result $? "an imported repository clones"
[ -f "$tap_tmp/templates/templates/aml-cli-v2/run-pipeline.yml" ]
tap_result $? "with the stand-in's files"
lacks "$(cat "$tap_tmp/git.err")" "$SIM_PAT" "git's messages never show the PAT"

done_testing
