# The whole matrix of the deployment guide on the real accelerator (the
# three repositories unpacked from ../shared/accelerator beside the source
# tree): every project type and interface the guide offers x bicep and
# terraform x initialise by pipeline and locally, prod; plus dev and prod
# with a batch endpoint for classical aml-cli-v2. Each is applied headless
# in its own sandbox (several at once) and either reaches a deployed model,
# Azure holding what the real files name, or is refused up front with its
# reason before anything is created; a second apply on a finished setup
# sends not one request that changes anything. The ML repository each
# deployed setup leaves (main, and with dev the branch develop) is
# compared file by file (names, modes, contents) with what Microsoft's
# own initialise_repo.sh pushes when run with git on local clones of the
# same repositories (script_tree in tests/lib.sh; made once per content,
# type, interface and provider, in the background while the setups run),
# with the edits apply documents made here, by this test: the retired
# agent image (ubuntu-20.04 to ubuntu-latest), the environment's names in
# its config-infra file, and for terraform the client_secret variable
# declared and terraform_workingdir where initialisation puts terraform's
# files. Every other byte must be equal.
#
# The Azure names below are written out as the real files make them, never
# computed with mlops-tui's code:
#   config-infra-prod.yml / -dev.yml   resource_group rg-$(namespace)-$(postfix)$(environment),
#                                      aml_workspace mlw-..., key_vault kv-...,
#                                      terraform_st_resource_group rg-...-tf,
#                                      terraform_st_storage_account st$(namespace)$(postfix)$(environment)tf
#   <type>/<interface>/mlops/devops-pipelines/deploy-online-endpoint-pipeline.yml
#                                      endpoint_name taxi-online-$(namespace)$(postfix)$(environment)
#                                      (nlp: nlp-online-...)
#   .../deploy-batch-endpoint-pipeline.yml  endpoint_name taxi-batch-...
#   .../mlops/azureml/deploy/online/online-deployment.yml  model: azureml:taxi-model@latest
#                                      (nlp: pubmed-summarization; python-sdk-v2: the
#                                      pipeline's model_path "taxi-model@latest")
# with namespace contoso and postfix 4711 (prod), 4712 (dev).
#
# The same table is then held against the sandbox's default content, its
# own stand-ins (templates/sandbox/, served when sim is given no
# --accelerator): each scenario again, named standins-..., must end as it
# does on the real files, so that what a user tries in the default
# sandbox behaves as the real accelerator would.
#
# Knobs: MATRIX_JOBS (scenarios at once, default 6: a setup mostly waits),
# MATRIX_ONLY (a regular expression over the scenario names, for one run),
# MATRIX_CONTENT (real, standins or both, the default; without the real
# accelerator only the stand-ins run).
. "$top_srcdir/tests/lib.sh"

CONTENT=${MATRIX_CONTENT:-both}
case $CONTENT in
real | standins | both) ;;
*) echo "Bail out! MATRIX_CONTENT is real, standins or both, not $CONTENT"; exit 1 ;;
esac
if ! have_real_accelerator; then
	[ "$CONTENT" != real ] || skip_without_real_accelerator
	diag "no real accelerator at $ACCELERATOR_TARBALLS: the stand-ins only"
	CONTENT=standins
fi
acc="$tap_tmp/accelerator"
[ "$CONTENT" = standins ] || unpack_real_accelerator "$acc"

V="api-version=7.1"
JOBS=${MATRIX_JOBS:-6}
ONLY=${MATRIX_ONLY:-.}

# ---- the scenarios ------------------------------------------------------------
# NAME TYPE INTERFACE PROVIDER INITIALISE ENVIRONMENTS BATCH EXPECT CONTENT
# EXPECT: deployed (a deployed model) or refused (exit 2 before anything
# is created). CONTENT: real (the accelerator unpacked above) or
# standins (the sandbox's default content), the same table on each. rai-aml-cli-v2 is given a GitHub token (a made-up one: the
# sandbox does not fetch from GitHub) for the connection github-connection
# its training pipeline checks out through.
scenarios="$tap_tmp/scenarios"
: > "$scenarios"
for t in classical/aml-cli-v2/deployed classical/python-sdk-v2/deployed \
    classical/rai-aml-cli-v2/deployed cv/aml-cli-v2/refused nlp/aml-cli-v2/deployed \
    nlp/python-sdk-v2/refused; do
	type=${t%%/*} rest=${t#*/}
	interface=${rest%/*} expect=${rest#*/}
	for p in bicep terraform; do
		for w in pipeline local; do
			echo "$type-$interface-$p-$w $type $interface $p $w prod false $expect" >> "$scenarios"
		done
	done
done
for p in bicep terraform; do
	echo "classical-aml-cli-v2-$p-pipeline-dev+prod-batch classical aml-cli-v2 $p pipeline dev+prod true deployed" >> "$scenarios"
done
case $CONTENT in
real) sed 's/$/ real/' "$scenarios" ;;
standins) sed 's/^/standins-/; s/$/ standins/' "$scenarios" ;;
both) sed 's/$/ real/' "$scenarios"; sed 's/^/standins-/; s/$/ standins/' "$scenarios" ;;
esac > "$scenarios.all"
grep -E "^[^ ]*($ONLY)" "$scenarios.all" > "$scenarios.run"
# The longest first, so that the last to start are the quick ones.
{ grep 'dev+prod' "$scenarios.run"; grep -v -e 'dev+prod' -e ' refused ' "$scenarios.run"; grep ' refused ' "$scenarios.run"; } > "$scenarios"

# ---- the script's repositories, one per content, type, interface, provider ---------
# Made in the background while the setups run; a scenario waits for its
# own (the marker file "done").
refs="$tap_tmp/references"
ref_of() { echo "$refs/$1-$2-$3-$4"; } # CONTENT TYPE INTERFACE PROVIDER
references() {
	refs_t0=$(date +%s%N)
	awk '$8 == "deployed" { print $9, $2, $3, $4 }' "$scenarios" | sort -u |
	while read -r c t i p; do
		trees=$acc
		[ "$c" = real ] || trees="$top_srcdir/templates/sandbox"
		# the upstream repositories once per content
		[ -d "$refs/up-$c" ] || script_upstream "$trees" "$refs/up-$c"
		script_tree "$trees" "$t" "$i" "$p" "$(ref_of "$c" "$t" "$i" "$p")" "$refs/up-$c"
		touch "$(ref_of "$c" "$t" "$i" "$p")/done"
	done
	echo $(( ($(date +%s%N) - refs_t0) / 1000000 )) > "$refs/ms"
}

# The client_secret declaration apply appends to infrastructure/variables.tf
# for terraform, as written here (mlops-v2-facts.md section 5: the plan
# passes -var client_secret, the shipped variables.tf does not declare it).
client_secret_declared() {
	grep -q '^variable "client_secret"' "$1" && return 0
	cat >> "$1" <<'EOT'

variable "client_secret" {
  description = "The service principal's secret, which the pipeline passes"
  type        = string
  sensitive   = true
  default     = ""
}
EOT
}

# expected_tree DIR ENVIRONMENT NAMESPACE POSTFIX: the script's result in
# DIR with the fixes apply documents for ENVIRONMENT's config file.
expected_tree() {
	# -p: the index's stat data stay true, so that git hashes only the
	# files the fixes change
	cp -R -p "$ref/result" "$1"
	retired_images_fixed "$1"
	names_set "$1" "$2" "$3" "$4" eastus
	[ "$provider" = bicep ] && return 0
	client_secret_declared "$1/infrastructure/variables.tf"
	# initialise flattens infrastructure/terraform into infrastructure/
	sed -i 's|^\(  terraform_workingdir: \)infrastructure/terraform$|\1infrastructure|' \
	    "$1/config-infra-$2.yml"
}

# got BRANCH: the setup's ML repository's BRANCH, cloned into $dir/got-BRANCH.
got() {
	rm -rf "$dir/got-$1"
	GIT_CONFIG_GLOBAL="$dir/gitconfig" GIT_TERMINAL_PROMPT=0 git clone -q -b "$1" \
	    "$SIM_URL/mlops-v2/_git/taxi-fare-regression" "$dir/got-$1"
}

# compared BRANCH WANT-DIR: got BRANCH, file by file (names, modes,
# contents), against the work tree WANT-DIR.
compared() {
	listing=$(git -C "$dir/got-$1" ls-tree -r --full-tree HEAD)
	wanted=$(tree_listing "$2")
	what="$name: the ML repository's $1 is, file by file, what the real initialise_repo.sh pushes, with the documented fixes and names"
	if [ -n "$wanted" ] && [ "$listing" = "$wanted" ]; then
		r_ok 0 "$what"
	else
		r_ok 1 "$what"
		r_diag "$(diff <(echo "$wanted") <(echo "$listing") | head -n 20)" \
		    "$(diff -r --exclude=.git "$2" "$dir/got-$1" | head -n 30)"
	fi
}

# ml_repo_compared: main (prod's branch) and, with dev, develop (dev's)
# against the script's repository with the fixes.
ml_repo_compared() {
	compare_start=$(date +%s%N)
	ref=$(ref_of "$content" "$type" "$interface" "$provider")
	for _ in $(seq 1 600); do [ -f "$ref/done" ] && break; sleep 0.2; done
	[ -d "$ref/result" ] || r_diag "no reference: $(tail -n 5 "$ref/script.out" 2>/dev/null)"
	printf '[http]\n\textraHeader = Authorization: Basic %s\n' \
	    "$(printf ':%s' "$SIM_PAT" | base64 -w0)" > "$dir/gitconfig"
	expected_tree "$dir/want-main" prod contoso 4711
	got main
	compared main "$dir/want-main"
	if [ "$envs" != prod ]; then
		expected_tree "$dir/want-develop" dev contoso 4712
		got develop
		# develop is made from main when dev's config step first needs
		# it, which may be before or after prod's config step wrote
		# main's config-infra-prod.yml: either is right (runs from
		# develop read config-infra-dev.yml only).
		cmp -s "$dir/got-develop/config-infra-prod.yml" "$dir/want-main/config-infra-prod.yml" &&
		    cp -p "$dir/want-main/config-infra-prod.yml" "$dir/want-develop/"
		compared develop "$dir/want-develop"
	fi
	echo $(( ($(date +%s%N) - compare_start) / 1000000 )) > "$dir/compare-ms"
}

# ---- one scenario, in its own directory and sandbox -----------------------------
# Results go to DIR/results, one per line: "0 DESCRIPTION" or "1
# DESCRIPTION", then "# ..." lines of diagnosis; the main shell numbers them.
r_ok() { echo "$1 $2" >> "$res"; }
r_diag() { printf '%s\n' "$@" | sed 's/^/# /' >> "$res"; }
r_is() { if [ "$1" = "$2" ]; then r_ok 0 "$3"; else r_ok 1 "$3"; r_diag "got:  $1" "want: $2"; fi; }
contains_line() { r_contains "$(cat "$out")" "$@"; }
r_contains() { case "$1" in *"$2"*) r_ok 0 "$3" ;; *) r_ok 1 "$3"; r_diag "does not contain: $2" "in:" "$(printf '%s\n' "$1" | tail -n 40)" ;; esac; }

# The requests that changed something. Not counted: the sign-ins with
# Entra ID (/_entra/, POSTs that change nothing) and the service
# connection's TestConnection query (POST .../serviceendpoint/endpointproxy,
# a read that Azure DevOps' REST API makes a POST).
changes() {
	jq -r 'select(.method != "GET" and (.path | test("/_entra/|/_apis/serviceendpoint/endpointproxy$|/checkNameAvailability$") | not)) |
	    .method + " " + .path' "$SIM_LOG"
}

# apply_once: mlops-tui apply of the scenario; sets $rc, output in $out.
apply_once() {
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" MLOPS_TUI_GITHUB_TOKEN=ghp_matrix0000 \
	    "$MLOPS_TUI" apply --yes --answers "$answers" \
	    --tenant "$SIM_TENANT" --azure-sign-in device >"$out" 2>&1 </dev/null
	rc=$?
	cat "$out" >> "$dir/all-output"
}

arm() { curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ARM_TOKEN" "${SIM_URL%/*}/_arm/subscriptions/$SIM_SUB/$1"; }
ML=providers/Microsoft.MachineLearningServices/workspaces

# azure_holds ENV POSTFIX: what the real files name, for one environment.
azure_holds() {
	e=$1 pf=$2
	rg="resourceGroups/rg-contoso-$pf$e"
	ws="$rg/$ML/mlw-contoso-$pf$e"
	r_is "$(arm "$rg?api-version=2021-04-01")" 200 "$name: Azure holds the resource group rg-contoso-$pf$e"
	r_is "$(arm "$ws?api-version=2024-04-01")" 200 "$name: and the workspace mlw-contoso-$pf$e"
	# The sandbox's ARM serves no Microsoft.KeyVault: its world says.
	r_is "$(jq -r --arg n "kv-contoso-$pf$e" '[.azure.key_vaults[]? | select(.name == $n)] | length' "$dir/world.json")" 1 \
	    "$name: and the key vault kv-contoso-$pf$e"
	r_is "$(arm "$ws/models/$model?api-version=2024-04-01")" 200 "$name: and the model $model"
	r_is "$(arm "$ws/onlineEndpoints/$online-contoso$pf$e?api-version=2024-04-01")" 200 \
	    "$name: and the online endpoint $online-contoso$pf$e"
	if [ "$batch" = true ]; then
		r_is "$(arm "$ws/batchEndpoints/taxi-batch-contoso$pf$e?api-version=2024-04-01")" 200 \
		    "$name: and the batch endpoint taxi-batch-contoso$pf$e"
	fi
}

scenario() { # the fields of one line of $scenarios
	name=$1 type=$2 interface=$3 provider=$4 way=$5 envs=$6 batch=$7 expect=$8 content=$9
	dir="$tap_tmp/s-$name"
	mkdir -p "$dir"
	res="$dir/results"
	: > "$res"
	start=$(date +%s)
	# The sandbox of this scenario, stopped when this subshell ends.
	tap_tmp=$dir tap_at_exit=""
	trap 'eval "$tap_at_exit"' EXIT
	export XDG_STATE_HOME="$dir/state"
	if [ "$content" = real ]; then
		sim_start --accelerator "$acc"
	else
		sim_start
	fi
	echo "$SIM_PID" > "$dir/sim.pid"
	api PATCH _sandbox/settings '{"device_interval_s":0,"device_auto_approve_polls":2,"replication_delay_ms":3000}'
	answers="$dir/answers.yml"
	out="$dir/apply.out"
	cat > "$answers" <<EOF
organization: $SIM_URL
repository: taxi-fare-regression
project_type: $type
interface: $interface
infrastructure: $provider
initialise_way: $way
deploy_online: "true"
deploy_batch: "$batch"
environments:
  prod:
    namespace: contoso
    postfix: "4711"
    subscription_id: $SIM_SUB
    tenant_id: $SIM_TENANT
EOF
	[ "$envs" = prod ] || cat >> "$answers" <<EOF
  dev:
    namespace: contoso
    postfix: "4712"
    subscription_id: $SIM_SUB
    tenant_id: $SIM_TENANT
EOF
	case $expect in
	refused)
		: > "$SIM_LOG"
		AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" plan --answers "$answers" >"$dir/plan.out" 2>&1 </dev/null
		r_is "$?" 2 "$name: plan refuses it (exit status 2)"
		r_contains "$(cat "$dir/plan.out")" "$type with $interface cannot be set up: its shipped training pipeline does not compile" \
		    "$name: plan says why"
		apply_once
		r_is "$rc" 2 "$name: apply refuses it (exit status 2)"
		r_contains "$(cat "$out")" "$type with $interface cannot be set up: its shipped training pipeline does not compile" \
		    "$name: apply says why"
		r_is "$(changes)" "" "$name: not one request that changes anything"
		api GET "_apis/projects?$V"
		r_is "$(echo "$body" | jq -r .count)" 0 "$name: the organization still has no project"
		;;
	*)
		runs=0 rc=1
		# A step that waits on Entra's replication stops; it is resumed.
		while [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ] && [ "$runs" -lt 3 ]; do
			runs=$((runs + 1))
			apply_once
		done
		# What mlops-tui repairs (src/steps/defects.c), as its plan line says.
		fixes=$(grep -F '[>] Fix the known defects' "$dir/all-output" | head -n 1)
		r_contains "$fixes" "/mlops/devops-pipelines/deploy-model-training-pipeline.yml" \
		    "$name: repairs the retired ubuntu-20.04 agent image of the training pipeline"
		r_contains "$fixes" "mlops-templates/templates/aml-cli-v2/install-az-cli.yml" \
		    "$name: and the pip line of mlops-templates' install-az-cli.yml"
		if [ "$provider" = terraform ]; then
			r_contains "$fixes" "/infrastructure/devops-pipelines/tf-ado-deploy-infra.yml" \
			    "$name: and the agent image of tf-ado-deploy-infra.yml"
			r_contains "$fixes" "/infrastructure/variables.tf" \
			    "$name: and declares the client_secret variable terraform is passed"
		fi
		r_is "$rc" 0 "$name: apply reaches its end (exit status 0, $runs run(s))"
		[ "$rc" = 0 ] || r_diag "$(grep -E '^\[(!|\?)\]|^    ' "$out" | head -n 30)"
		ml_repo_compared
		case $type in
		nlp) model=pubmed-summarization online=nlp-online ;;
		*) model=taxi-model online=taxi-online ;;
		esac
		sim_tokens
		azure_holds prod 4711
		[ "$envs" = prod ] || azure_holds dev 4712
		# A second apply on the same setup changes nothing.
		: > "$SIM_LOG"
		apply_once
		r_is "$rc" 0 "$name: a second apply ends as well (exit status 0)"
		contains_line "Nothing needed changing." "$name: and says nothing needed changing"
		r_is "$(changes)" "" "$name: and sends not one request that changes anything"
		;;
	esac
	echo "$(( $(date +%s) - start ))" > "$dir/seconds"
}

# ---- run them, MATRIX_JOBS at once ----------------------------------------------
total=$(wc -l < "$scenarios")
diag "$total scenarios, $JOBS at once, on $(case $CONTENT in real) echo the real accelerator ;; standins) echo the stand-ins ;; *) echo the real accelerator and the stand-ins ;; esac)"
at_exit 'for f in "$tap_tmp"/s-*/sim.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done'
worker() {
	while read -r line; do
		set -- $line
		mkdir "$tap_tmp/claim-$1" 2>/dev/null || continue
		( scenario "$@" ) >"$tap_tmp/log-$1" 2>&1
	done < "$scenarios"
}
t0=$(date +%s)
mkdir -p "$refs"
references > "$refs/log" 2>&1 &
for _ in $(seq 1 "$JOBS"); do worker & done
wait
diag "the matrix took $(( $(date +%s) - t0 )) s; of it, in the background, the script's repositories $(cat "$refs/ms" 2>/dev/null || echo '?') ms" \
    "and the comparisons with them $(cat "$tap_tmp"/s-*/compare-ms 2>/dev/null | awk '{ s += $1 } END { print s + 0 }') ms in all"

summary=""
while read -r name _; do
	dir="$tap_tmp/s-$name"
	if [ ! -s "$dir/results" ]; then
		tap_result 1 "$name: the scenario ran"
		diag "$(tail -n 20 "$tap_tmp/log-$name" 2>/dev/null)"
		continue
	fi
	failures_before=$tap_failures
	while IFS= read -r l; do
		case $l in
		'# '*) echo "$l" ;;
		*) tap_result "${l%% *}" "${l#* }" ;;
		esac
	done < "$dir/results"
	verdict=ok
	[ "$tap_failures" = "$failures_before" ] || verdict=FAILED
	summary="$summary
$(printf '%-52s %4s s  %s' "$name" "$(cat "$dir/seconds" 2>/dev/null || echo '?')" "$verdict")"
done < "$scenarios"
diag "scenario, wall time, verdict:$summary"
done_testing
