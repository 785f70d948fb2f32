# TAP helpers for the shell tests; sourced, never run.
# The harness exports top_srcdir and top_builddir.
set -u

MLOPS_TUI="$top_builddir/mlops-tui"
tap_count=0
tap_failures=0

# tap_result STATUS DESCRIPTION: one TAP line; STATUS 0 passes.
tap_result() {
	tap_count=$((tap_count + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_count - $2"
	else
		tap_failures=$((tap_failures + 1))
		echo "not ok $tap_count - $2"
	fi
}

diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# run ARGS...: run mlops-tui, keeping $out, $err and $rc.
run() {
	out=$("$MLOPS_TUI" "$@" 2>"$tap_tmp/stderr") && rc=0 || rc=$?
	err=$(cat "$tap_tmp/stderr")
}

# is GOT WANT DESCRIPTION
is() {
	[ "$1" = "$2" ] && tap_result 0 "$3" || {
		tap_result 1 "$3"
		diag "got:  $1" "want: $2"
	}
}

# contains TEXT NEEDLE DESCRIPTION (fixed string)
contains() {
	case "$1" in
	*"$2"*) tap_result 0 "$3" ;;
	*) tap_result 1 "$3"; diag "does not contain: $2" "in:" "$1" ;;
	esac
}

# lacks TEXT NEEDLE DESCRIPTION
lacks() {
	case "$1" in
	*"$2"*) tap_result 1 "$3"; diag "unexpectedly contains: $2" ;;
	*) tap_result 0 "$3" ;;
	esac
}

# done_testing: the plan, then the summary line every test ends with.
done_testing() {
	echo "1..$tap_count"
	echo "# $((tap_count - tap_failures)) passed, $tap_failures failed"
	rm -rf "$tap_tmp"
	[ "$tap_failures" -eq 0 ]
}

. "$top_srcdir/tests/sandbox.sh"

mkdir -p "$top_builddir/tests/tmp"
tap_tmp=$(mktemp -d "$top_builddir/tests/tmp/sh.XXXXXX")
# Each test gets its own empty state directory.
export XDG_STATE_HOME="$tap_tmp/state"
export HOME="$tap_tmp/home"

# at_exit COMMAND: run COMMAND when the test exits, after those before.
# One EXIT trap for all, so that a helper's cleanup never drops another's.
tap_at_exit=""
at_exit() { tap_at_exit="$tap_at_exit
$1"; }
trap 'eval "$tap_at_exit"' EXIT

# Microsoft's three repositories as tarballs, beside the source tree (CI
# always has them; ../shared/accelerator/README.md).
ACCELERATOR_TARBALLS="$top_srcdir/../shared/accelerator"

# have_real_accelerator: whether the tarballs are there.
have_real_accelerator() { [ -f "$ACCELERATOR_TARBALLS/mlops-v2.tar.gz" ]; }

# skip_without_real_accelerator: a test of the real content is skipped,
# saying why, where the tarballs are absent; it never passes without them.
skip_without_real_accelerator() {
	have_real_accelerator && return 0
	echo "1..0 # SKIP no real accelerator at $ACCELERATOR_TARBALLS (../shared/accelerator beside the source tree)"
	rm -rf "$tap_tmp"
	exit 0
}

# unpack_real_accelerator DIR: the three repositories unpacked into DIR
# (DIR/mlops-v2, ...), as `sim --accelerator DIR` takes them.
unpack_real_accelerator() {
	mkdir -p "$1"
	for _r in mlops-v2 mlops-project-template mlops-templates; do
		tar -xzf "$ACCELERATOR_TARBALLS/$_r.tar.gz" -C "$1" || {
			echo "Bail out! cannot unpack $ACCELERATOR_TARBALLS/$_r.tar.gz"
			exit 1
		}
	done
}

# script_listing TREES TYPE INTERFACE PROVIDER NAMESPACE POSTFIX LOCATION:
# the reference for a whole ML repository, which is not mlops-tui's code:
# the mlops-v2 of TREES (the stand-ins, or Microsoft's unpacked) runs its
# own .azuredevops/scripts/initialise_repo.sh with bash and git on clones
# of TREES as the pipeline's step runs it, then come the edits apply
# documents: the known-problems fixes (ubuntu-20.04 to ubuntu-latest
# where the agent image is named) and prod's names and region. Prints the
# result's ls-tree (names, modes, contents by blob id).
script_listing() {
	_trees=$1; shift
	_d="$tap_tmp/reference"
	rm -rf "$_d"
	mkdir -p "$_d/up" "$_d/s" "$_d/home"
	for _r in mlops-v2 mlops-project-template; do
		cp -R "$_trees/$_r" "$_d/up/$_r"
		git -C "$_d/up/$_r" init -q -b main
		git -C "$_d/up/$_r" add -A -f
		git -C "$_d/up/$_r" -c user.name=up -c user.email=up@x commit -qm up
	done
	git init -q -b main "$_d/up/taxi-fare-regression"
	echo "# taxi-fare-regression" > "$_d/up/taxi-fare-regression/README.md"
	git -C "$_d/up/taxi-fare-regression" add README.md
	git -C "$_d/up/taxi-fare-regression" -c user.name=up -c user.email=up@x commit -qm README
	git clone -q --bare "$_d/up/taxi-fare-regression" "$_d/origin.git"
	for _r in mlops-v2 mlops-project-template; do
		git clone -q "$_d/up/$_r" "$_d/s/$_r"
	done
	git clone -q "$_d/origin.git" "$_d/s/taxi-fare-regression"
	for _r in mlops-v2 mlops-project-template taxi-fare-regression; do
		git -C "$_d/s/$_r" checkout -q --detach
		git -C "$_d/s/$_r" branch -q -D main
	done
	(cd "$_d/s" && HOME="$_d/home" GIT_CONFIG_NOSYSTEM=1 bash \
	    mlops-v2/.azuredevops/scripts/initialise_repo.sh \
	    taxi-fare-regression "$1" "$2" mlops-project-template "$3") \
	    >"$_d/script.out" 2>&1
	git clone -q "$_d/origin.git" "$_d/result"
	for _f in mlops/devops-pipelines/deploy-model-training-pipeline.yml \
	    mlops/devops-pipelines/deploy-online-endpoint-pipeline.yml \
	    mlops/devops-pipelines/deploy-batch-endpoint-pipeline.yml \
	    infrastructure/devops-pipelines/tf-ado-deploy-infra.yml; do
		[ -f "$_d/result/$_f" ] && sed -i \
		    's/^\( *vmImage: \)ubuntu-20\.04$/\1ubuntu-latest/' "$_d/result/$_f"
	done
	for _f in config-infra-prod.yml config-infra-dev.yml; do
		sed -i 's/^\( *ap_vm_image: \)ubuntu-20\.04$/\1ubuntu-latest/' "$_d/result/$_f"
	done
	sed -i -e "s/^  namespace: mlopsv2 /  namespace: $4 /" \
	    -e "s/^  postfix: 0001\$/  postfix: $5/" \
	    -e "s/^  location: eastus\$/  location: $6/" \
	    "$_d/result/config-infra-prod.yml"
	git -C "$_d/result" add -A
	git -C "$_d/result" -c user.name=up -c user.email=up@x commit -qm edits
	git -C "$_d/result" ls-tree -r --full-tree HEAD
}
# The ML repository in the sandbox, cloned over smart HTTP (the PAT in a
# config file, never on a command line): its ls-tree.
sandbox_listing() {
	printf '[http]\n\textraHeader = Authorization: Basic %s\n' \
	    "$(printf ':%s' "$SIM_PAT" | base64 -w0)" > "$tap_tmp/gitconfig"
	rm -rf "$tap_tmp/ml-clone"
	GIT_CONFIG_GLOBAL="$tap_tmp/gitconfig" GIT_TERMINAL_PROMPT=0 git clone -q \
	    "$SIM_URL/mlops-v2/_git/taxi-fare-regression" "$tap_tmp/ml-clone" &&
	    git -C "$tap_tmp/ml-clone" ls-tree -r --full-tree HEAD
}
same_listing() { # GOT WANT DESCRIPTION: file by file, the differences shown
	if [ -n "$2" ] && [ "$1" = "$2" ]; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3"
		diff <(echo "$2") <(echo "$1") | sed -n '1,20p' | sed 's/^/# /'
	fi
}

# sim_start [ARGS...]: run `mlops-tui sim` on a free loopback port with a
# world in the test's directory; sets $SIM_URL, $SIM_PAT, $SIM_LOG and a
# curl config ($SIM_CURL) that carries the PAT, so that it never appears in
# a command line. The server is stopped when the test exits.
sim_start() {
	SIM_LOG="$tap_tmp/requests.log"
	for _try in 1 2; do
		# Emptied here, not by the child's redirection: until the
		# child has opened it, a restart's wait would read the last
		# sandbox's "Stop with" and its address, and go on at once.
		: >"$tap_tmp/sim.out"
		"$MLOPS_TUI" sim --world "$tap_tmp/world.json" --time-scale 0.02 \
		    --log "$SIM_LOG" "$@" >"$tap_tmp/sim.out" 2>"$tap_tmp/sim.err" &
		SIM_PID=$!
		at_exit 'kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null'
		sandbox_wait "$tap_tmp/sim.out" "$SIM_PID" && break
		# Seen twice in full suites, never alone: a sandbox alive but
		# silent for 90 s. Said, so that it is not forgotten, and
		# started once more.
		kill -0 "$SIM_PID" 2>/dev/null || break
		diag "the sandbox (pid $SIM_PID) was not up after 90 s; starting it again"
		command -v gdb >/dev/null && diag "$(gdb -p "$SIM_PID" -batch \
		    -ex 'thread apply all bt' 2>/dev/null | grep -E '^#' | head -n 40)"
		kill -9 "$SIM_PID" 2>/dev/null
		wait "$SIM_PID" 2>/dev/null
	done
	sandbox_read "$tap_tmp/sim.out"
	if [ -z "$SIM_URL" ]; then
		echo "Bail out! the sandbox did not start ($(kill -0 "$SIM_PID" 2>/dev/null && echo still starting || echo it exited)): $(cat "$tap_tmp/sim.err") $(head -c 500 "$tap_tmp/sim.out")"
		exit 1
	fi
	SIM_CURL="$tap_tmp/curl.conf"
	printf 'user = ":%s"\nheader = "X-TFS-FedAuthRedirect: Suppress"\n' \
	    "$SIM_PAT" > "$SIM_CURL"
	chmod 600 "$SIM_CURL"
}

# api METHOD PATH [JSON]: call the sandbox as a signed-in client; sets
# $status and $body.
api() {
	_data=""
	[ $# -ge 3 ] && _data=$3
	body=$(curl -s -K "$SIM_CURL" -X "$1" -H 'Content-Type: application/json' \
	    ${_data:+--data-binary "$_data"} -w '\n%{http_code}' "$SIM_URL/$2")
	status=$(printf '%s' "$body" | tail -n 1)
	body=$(printf '%s' "$body" | sed '$d')
}

# wait_for SECONDS COMMAND...: retry COMMAND until it succeeds.
wait_for() {
	_limit=$(( $1 * 20 )); shift
	for _ in $(seq 1 "$_limit"); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

# sim_tokens: sign in to the sandbox's Entra ID with the device code flow
# (approved after two polls) and set $ARM_TOKEN and $GRAPH_TOKEN.
sim_tokens() {
	_host="${SIM_URL%/*}"
	api PATCH _sandbox/settings '{"device_interval_s":0,"device_auto_approve_polls":2,"replication_delay_ms":0}'
	_code=$(curl -s -X POST --data "client_id=cli&scope=https%3A%2F%2Fmanagement.azure.com%2F.default%20offline_access" \
	    "$_host/_entra/$SIM_TENANT/oauth2/v2.0/devicecode" | jq -r .device_code)
	for _ in 1 2; do
		_tok=$(curl -s -X POST --data "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=cli&device_code=$_code" \
		    "$_host/_entra/$SIM_TENANT/oauth2/v2.0/token")
	done
	ARM_TOKEN=$(echo "$_tok" | jq -r .access_token)
	GRAPH_TOKEN=$(curl -s -X POST --data "grant_type=refresh_token&client_id=cli&refresh_token=$(echo "$_tok" | jq -r .refresh_token)&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default" \
	    "$_host/_entra/$SIM_TENANT/oauth2/v2.0/token" | jq -r .access_token)
}

# sim_answers FILE: an answers file for the sandbox's organization, with
# its Azure subscription and tenant for prod; top-level lines may be
# appended. Also makes the sandbox's device sign-ins approve themselves.
sim_answers() {
	api PATCH _sandbox/settings '{"device_interval_s":0,"device_auto_approve_polls":2,"replication_delay_ms":3000}'
	cat > "$1" <<EOF
organization: $SIM_URL
repository: taxi-fare-regression
environments:
  prod:
    namespace: contoso
    postfix: "4711"
    subscription_id: $SIM_SUB
    tenant_id: $SIM_TENANT
EOF
}

# sim_principal NAME: a service principal with a secret and Contributor on
# the sandbox's subscription, made through Graph and ARM as the guide's
# az ad sp create-for-rbac does; sets $SP_APP_ID and $SP_SECRET.
sim_principal() {
	_host="${SIM_URL%/*}"
	[ -n "${GRAPH_TOKEN:-}" ] || sim_tokens
	_app=$(curl -s -X POST -H "Authorization: Bearer $GRAPH_TOKEN" -H 'Content-Type: application/json' \
	    --data "{\"displayName\":\"$1\"}" "$_host/_graph/v1.0/applications")
	SP_APP_ID=$(echo "$_app" | jq -r .appId)
	SP_SECRET=$(curl -s -X POST -H "Authorization: Bearer $GRAPH_TOKEN" -H 'Content-Type: application/json' \
	    --data '{}' "$_host/_graph/v1.0/applications/$(echo "$_app" | jq -r .id)/addPassword" | jq -r .secretText)
	_sp=$(curl -s -X POST -H "Authorization: Bearer $GRAPH_TOKEN" -H 'Content-Type: application/json' \
	    --data "{\"appId\":\"$SP_APP_ID\"}" "$_host/_graph/v1.0/servicePrincipals" | jq -r .id)
	curl -s -o /dev/null -X PUT -H "Authorization: Bearer $ARM_TOKEN" -H 'Content-Type: application/json' \
	    --data "{\"properties\":{\"roleDefinitionId\":\"/subscriptions/$SIM_SUB/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c\",\"principalId\":\"$_sp\",\"principalType\":\"ServicePrincipal\"}}" \
	    "$_host/_arm/subscriptions/$SIM_SUB/providers/Microsoft.Authorization/roleAssignments/$(cat /proc/sys/kernel/random/uuid)?api-version=2022-04-01"
}
