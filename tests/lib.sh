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

# sim_start [ARGS...]: run `mlops-tui sim` on a free loopback port with a
# world in the test's directory; sets $SIM_URL, $SIM_PAT, $SIM_LOG and a
# curl config ($SIM_CURL) that carries the PAT, so that it never appears in
# a command line. The server is stopped when the test exits.
sim_start() {
	SIM_LOG="$tap_tmp/requests.log"
	"$MLOPS_TUI" sim --world "$tap_tmp/world.json" --time-scale 0.02 \
	    --log "$SIM_LOG" "$@" >"$tap_tmp/sim.out" 2>"$tap_tmp/sim.err" &
	SIM_PID=$!
	at_exit 'kill $SIM_PID 2>/dev/null; wait $SIM_PID 2>/dev/null'
	sandbox_wait "$tap_tmp/sim.out" "$SIM_PID"
	sandbox_read "$tap_tmp/sim.out"
	if [ -z "$SIM_URL" ]; then
		echo "Bail out! the sandbox did not start: $(cat "$tap_tmp/sim.err")"
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
