# The sandbox on the real accelerator (`mlops-tui sim --accelerator DIR`):
# the three repositories unpacked from the tarballs in ../shared/accelerator
# (beside the source tree) are imported whole, big files and file modes
# included, and a classical aml-cli-v2 setup is applied headless on them to
# a deployed model, the Azure names being the real pipelines' own.
. "$top_srcdir/tests/lib.sh"

skip_without_real_accelerator
acc="$tap_tmp/accelerator"
unpack_real_accelerator "$acc"

# ---- the option is checked --------------------------------------------------
run sim --accelerator "$tap_tmp/nowhere" --world "$tap_tmp/w0.json"
is "$rc" 6 "sim --accelerator on a directory without the repositories: refused"
contains "$err" "no $tap_tmp/nowhere/mlops-v2 directory" "and says which is missing"
run status --accelerator "$acc"
is "$rc" 2 "--accelerator goes with sim and --sandbox only"

sim_start --accelerator "$acc"
. "$top_srcdir/tests/guide.sh"

# ---- imports: the real trees, byte for byte -----------------------------
guide_setup
auth=$(printf ':%s' "$SIM_PAT" | base64 -w0)
printf '[http]\n\textraHeader = Authorization: Basic %s\n[user]\n\tname = T\n\temail = t@example.com\n' \
    "$auth" > "$tap_tmp/gitconfig"
export GIT_CONFIG_GLOBAL="$tap_tmp/gitconfig" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
for r in mlops-v2 mlops-project-template mlops-templates; do
	git clone -q "$SIM_URL/mlops-v2/_git/$r" "$tap_tmp/clone-$r" 2>"$tap_tmp/git.err"
	tap_result $? "$r: imported and cloned"
	rm -rf "$tap_tmp/clone-$r/.git"
	diff -r --no-dereference "$acc/$r" "$tap_tmp/clone-$r" >"$tap_tmp/diff" 2>&1
	tap_result $? "$r: the import is byte for byte the tarball's tree" || diag "$(head -n 20 "$tap_tmp/diff")"
done
is "$(stat -c %s "$tap_tmp/clone-mlops-templates/read_yaml_action/node_modules/@octokit/openapi-types/types.d.ts")" 2083552 \
    "the 2 MB types.d.ts is imported whole"
is "$(stat -c %s "$tap_tmp/clone-mlops-project-template/cv/python-sdk-v1/data/training/image_labels.csv")" 1323029 \
    "and the 1.3 MB image_labels.csv"
test -x "$tap_tmp/clone-mlops-templates/read_yaml_action/node_modules/uuid/dist/bin/uuid"
tap_result $? "executable files stay executable"
test -L "$tap_tmp/clone-mlops-templates/read_yaml_action/node_modules/.bin/uuid"
tap_result $? "symbolic links stay links"

# ---- a file over Azure Repos' 100 MB fails the import, named --------------
big="$tap_tmp/big-accelerator"
mkdir -p "$big/mlops-v2/data" "$big/mlops-project-template" "$big/mlops-templates"
echo small > "$big/mlops-v2/README.md"
truncate -s 100000001 "$big/mlops-v2/data/huge.bin" # sparse: no disk used
"$MLOPS_TUI" sim --world "$tap_tmp/big.json" --time-scale 0 --accelerator "$big" \
    >"$tap_tmp/big.out" 2>&1 &
big_pid=$!
at_exit 'kill $big_pid 2>/dev/null; wait $big_pid 2>/dev/null'
sandbox_wait "$tap_tmp/big.out" "$big_pid"
big_url=$(sed -n 's/^Sandbox Azure DevOps at //p' "$tap_tmp/big.out")
big_pat=$(sed -n 's/^PAT: //p' "$tap_tmp/big.out")
bapi() { body=$(curl -s -u ":$big_pat" -X "$1" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$big_url/$2"); }
bapi POST "_apis/projects?$V" '{"name":"mlops-v2"}'
sleep 0.2
bapi POST "$R/mlops-v2/importRequests?$V" '{"parameters":{"gitSource":{"url":"https://github.com/Azure/mlops-v2"}}}'
imp=$(echo "$body" | jq -r .importRequestId)
big_done() { bapi GET "$R/mlops-v2/importRequests/$imp?$V"; [ "$(echo "$body" | jq -r .status)" != queued ] && [ "$(echo "$body" | jq -r .status)" != inProgress ]; }
wait_for 10 big_done
is "$(echo "$body" | jq -r .status)" failed "a file over 100 MB: the import fails"
contains "$(echo "$body" | jq -r .detailedStatus.errorMessage)" "The file /data/huge.bin is 100000001 bytes; Azure Repos takes files of up to 100 MB" \
    "and its error names the file and the limit"
bapi GET "$R/mlops-v2/refs?$V"
is "$(echo "$body" | jq -r .count)" 0 "and the repository stays empty"

# ---- a classical aml-cli-v2 setup, headless, to a deployed model ------------
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
sim_start --accelerator "$acc" --reset
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
cat >> "$answers" <<EOA
project_type: classical
interface: aml-cli-v2
infrastructure: bicep
EOA
out="$tap_tmp/apply.out"
mt() { # apply with the sandbox's PAT and an Azure device sign-in; sets $rc
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" \
	    --tenant "$SIM_TENANT" --azure-sign-in device >"$out" 2>&1 </dev/null
	rc=$?
	cat "$out" >> "$tap_tmp/all-output"
}
mt
[ "$rc" = 0 ] || mt # a step that waits on Entra's replication is resumed
is "$rc" 0 "apply on the real accelerator: the setup is whole" || diag "$(tail -n 30 "$out")"
same_listing "$(sandbox_listing)" \
    "$(script_listing "$acc" classical aml-cli-v2 bicep contoso 4711 eastus)" \
    "the ML repository is, file by file (names, modes, contents), what the real initialise_repo.sh makes of the real repositories, with the documented fixes and names"
contains "$(cat "$out")" "[x] Run the model training pipeline (prod): deploy-model-training-pipeline succeeded" "the real training pipeline runs"
contains "$(cat "$out")" "[x] Run the online endpoint deployment pipeline (prod): deploy-online-endpoint-pipeline succeeded" "the real online endpoint pipeline runs"
sim_tokens
arm() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ARM_TOKEN" "${SIM_URL%/*}/_arm/$1"; }
ws="subscriptions/$SIM_SUB/resourceGroups/rg-contoso-4711prod/providers/Microsoft.MachineLearningServices/workspaces/mlw-contoso-4711prod"
is "$(arm "$ws?api-version=2024-04-01")" 200 "Azure holds rg-contoso-4711prod / mlw-contoso-4711prod, the names of the real config-infra-prod.yml"
is "$(arm "$ws/onlineEndpoints/taxi-online-contoso4711prod?api-version=2024-04-01")" 200 \
    "and the online endpoint taxi-online-contoso4711prod of the real pipeline's endpoint_name"
is "$(arm "$ws/models/taxi-model?api-version=2024-04-01")" 200 "and the model taxi-model of the real deployment file"

# ---- the real pipelines compile as Azure Pipelines compiles them ------------
api GET "_apis/projects/mlops-v2?$V"
project=$(echo "$body" | jq -r .id)
mlops=$(repo_id mlops-v2)
enc=$(jq -rn --arg v "mlops-v2 Build Service ($(basename "$SIM_URL"))" '$v|@uri')
api GET "_apis/identities?searchFilter=General&filterValue=$enc&$V"
builder=$(echo "$body" | jq -r '.value[0].descriptor')
create_pipeline initialise-by-test "$mlops" /.azuredevops/initialise-project.yml
init=$pipeline
for r in mlops-project-template mlops-templates; do permit repository "$project.$(repo_id $r)"; done
api GET "mlops-v2/_apis/distributedtask/queues?queueName=Azure%20Pipelines&$V"
permit queue "$(echo "$body" | jq -r '.value[0].id')"
initialise() { # REPO PROJECT-TYPE INTERFACE
	api POST "$R?$V" "{\"name\":\"$1\"}"
	first_commit "$1"
	permit repository "$project.$(repo_id "$1")"
	grant 2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87 "repoV2/$project/$(repo_id "$1")" 20
	queue_build "$init" refs/heads/main "{\"adoProjectName\":\"mlops-v2\",\"repoName\":\"$1\",\"projectType\":\"$2\",\"mlopsVersion\":\"$3\",\"infrastructure_version\":\"bicep\"}"
	wait_for 30 finished "$build"
}
pipeline_of() { # REPO NAME: the id of the pipeline initialise made
	api GET "mlops-v2/_apis/build/definitions?path=%5C$1%5Cmlops&name=$2&$V"
	echo "$body" | jq -r '.value[0].id'
}

initialise cvp cv aml-cli-v2
queue_build "$(pipeline_of cvp deploy-model-training-pipeline)"
is "$status" 400 "cv training (real): refused when queued"
contains "$(echo "$body" | jq -r .message)" "/templates/aml-cli-v2/register-environment.yml@mlops-templates (Line: 1, Col: 1): Unexpected parameter 'build_type'" \
    "an undeclared parameter: Unexpected parameter 'build_type', in the template named through \${{ variables.version }} and @mlops-templates"
contains "$(echo "$body" | jq -r .message)" "File /templates/aml-cli-v2/register-dataset.yml not found in repository mlops-templates branch refs/heads/main" \
    "a template that does not exist: File /... not found"

initialise nlps nlp python-sdk-v2
queue_build "$(pipeline_of nlps deploy-model-training-pipeline)"
is "$status" 400 "nlp python-sdk-v2 training (real): refused"
contains "$(echo "$body" | jq -r .message)" "A value for the 'data_name' parameter must be provided." \
    "a required template parameter left out: the real error"
for p in environment_name compute_name; do
	contains "$(echo "$body" | jq -r .message)" "A value for the '$p' parameter must be provided." \
	    "and the same for $p (README's Scenarios table)"
done
is "$(pipeline_of nlps deploy-online-endpoint-pipeline)" null \
    "nlp python-sdk-v2 has no online endpoint pipeline to make"

initialise rai classical rai-aml-cli-v2
queue_build "$(pipeline_of rai deploy-model-training-pipeline)"
contains "$(echo "$body" | jq -r .message)" "Repository rai-vnext-preview references endpoint github-connection which does not exist" \
    "a type: github repository resource needs its service connection"

# The variables template is picked by ${{ if }} on Build.SourceBranchName.
api GET "$R/taxi-fare-regression/refs?filter=heads/main&$V"
tip=$(echo "$body" | jq -r '.value[0].objectId')
api POST "$R/taxi-fare-regression/refs?$V" "[{\"name\":\"refs/heads/feature\",\"oldObjectId\":\"$zero\",\"newObjectId\":\"$tip\"}]"
queue_build "$(pipeline_of taxi-fare-regression deploy-model-training-pipeline)" refs/heads/feature
contains "$(echo "$body" | jq -r .message)" "references service connection Azure-ARM-Dev which could not be found" \
    "from another branch than main, the real pipeline takes config-infra-dev.yml"

# Without Contribute on the new repository, the real initialise-project
# fails at its script's task (found after the checkouts), when it starts.
api POST "$R?$V" '{"name":"nocontribute"}'
first_commit nocontribute
permit repository "$project.$(repo_id nocontribute)"
queue_build "$init" refs/heads/main '{"adoProjectName":"mlops-v2","repoName":"nocontribute","projectType":"classical","mlopsVersion":"aml-cli-v2","infrastructure_version":"bicep"}'
wait_for 30 finished "$build"
api GET "mlops-v2/_apis/build/builds/$build/timeline?$V"
is "$(echo "$body" | jq -r '[.records[] | select(.type == "Task" and .result == "failed")][0] | .name + ": " + (.issues[0].message // "" | .[0:59])')" \
    "Run script to initialise your repo: remote: TF401027: You need the Git 'GenericContribute' perm" \
    "without Contribute, the real initialise run fails at its script's task, with TF401027"

# The nlp endpoint is named by the real nlp pipeline, not after the taxi one.
initialise nlpa nlp aml-cli-v2
# the operator's names, as the wizard writes them into config-infra-prod.yml
edit_file nlpa /config-infra-prod.yml 's/^\(  namespace:\) mlopsv2/\1 contoso/; s/^\(  postfix:\) 0001/\1 4711/'
for f in deploy-model-training-pipeline deploy-online-endpoint-pipeline; do
	edit_file nlpa "/mlops/devops-pipelines/$f.yml" 's/vmImage: ubuntu-20.04/vmImage: ubuntu-latest/'
done
queue_build "$(pipeline_of nlpa deploy-model-training-pipeline)"
wait_for 60 finished "$build"
is "$(echo "$body" | jq -r .result)" succeeded "nlp training (real) runs"; [ "$(echo "$body" | jq -r .result)" = succeeded ] || diag "$(issues "$build")"
# Its timeline has the steps of the real templates, by their displayName
# (create-compute.yml three times), not one record per `- template:`.
api GET "mlops-v2/_apis/build/builds/$build/timeline?$V"
is "$(echo "$body" | jq -r '[.records[] | select(.type == "Task")] | sort_by(.order) | map(.name) | join(" | ")')" \
    "Checkout self | Create checkout repository folder(s) | Checkout mlops-templates | Install AZ ML dependencies | Install AML CLI v2 | Connect to AML Workspace using CLI v2 | Create compute cluster | Create compute cluster | Create compute cluster | Register Azure ML environment | Run Azure ML pipeline" \
    "its timeline lists the real templates' steps"
queue_build "$(pipeline_of nlpa deploy-online-endpoint-pipeline)"
wait_for 60 finished "$build"
is "$(echo "$body" | jq -r .result)" succeeded "nlp online endpoint (real) runs"; [ "$(echo "$body" | jq -r .result)" = succeeded ] || diag "$(issues "$build")"
is "$(arm "$ws/onlineEndpoints/nlp-online-contoso4711prod?api-version=2024-04-01")" 200 \
    "Azure holds nlp-online-contoso4711prod, the real nlp pipeline's endpoint_name"
is "$(arm "$ws/models/pubmed-summarization?api-version=2024-04-01")" 200 \
    "and the model pubmed-summarization its deployment file names"

done_testing
