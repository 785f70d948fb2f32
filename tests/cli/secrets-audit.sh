# Secrets audit. Four whole setups on the sandbox: a principal mlops-tui
# creates (PAT from AZURE_DEVOPS_EXT_PAT, Azure tokens from `az`; rai, its
# GitHub token from MLOPS_TUI_GITHUB_TOKEN), its connection then converted
# to federation and its secret removed (convert_connections), a principal
# pasted with --principal-file (PAT from --pat-file; rai, the GitHub token
# from --github-token-file), workload identity federation (no PAT: Azure
# DevOps through Entra, --ado-auth entra, its tokens audited), and a
# user-assigned managed identity. Then every
# file they leave - state files and their backups, apply's --log, its
# output (what the operator saw), the sandbox's request log, the answers
# files - and the command line and environment of every child process
# mlops-tui started are searched for every secret used: the PAT, the
# GitHub tokens, the
# principal secrets (the pasted one, and the ones mlops-tui had made,
# found by the digest the sandbox keeps), and every token, refresh token
# and device code the sandbox issued - and the first setup's plan --json
# and export, made with those secrets in the environment. Zero hits. State and log files are
# 0600, the state directory 0700.
#
# Child processes: mlops-tui starts one only for --azure-sign-in az (`az
# account get-access-token`, src/signin.c); git is libgit2, in-process.
# A stand-in az on PATH records its own /proc/self/cmdline and environ,
# and a sampler records those of every child of apply while it runs.
. "$top_srcdir/tests/lib.sh"
sim_start
answers="$tap_tmp/answers.yml"
out="$tap_tmp/out"
evidence="$tap_tmp/evidence"   # everything audited is copied here
mkdir -p "$evidence/children"
: > "$tap_tmp/secrets"
: > "$tap_tmp/digests"
umask 022                      # so that 0600 and 0700 are mlops-tui's doing

# A stand-in for the Azure CLI: the sandbox's tokens, as
# `az account get-access-token` prints them.
mkdir -p "$tap_tmp/bin"
cat > "$tap_tmp/bin/az" <<EOF
#!/bin/bash
cp /proc/\$\$/cmdline "$evidence/children/az.\$\$.cmdline"
cp /proc/\$\$/environ "$evidence/children/az.\$\$.environ"
case "\$*" in
*ms-graph*) t=\$(cat "$tap_tmp/graph.token") ;;
*) t=\$(cat "$tap_tmp/arm.token") ;;
esac
sleep 0.3 # long enough for the sampler below to see it
printf '{"accessToken": "%s", "expires_on": %d, "tokenType": "Bearer"}\n' "\$t" \$((\$(date +%s) + 3600))
EOF
chmod 755 "$tap_tmp/bin/az"

# descends PID ANCESTOR: PID is ANCESTOR's child or grandchild now.
descends() {
	local p
	p=$(awk '/^PPid:/ { print $2 }' /proc/"$1"/status 2>/dev/null)
	[ "$p" = "$2" ] && return 0
	[ -n "$p" ] && [ "$(awk '/^PPid:/ { print $2 }' /proc/"$p"/status 2>/dev/null)" = "$2" ]
}

# sample PID: record the command line and environment of each child of
# PID (and their children) until PID ends - and, once it has had half a
# second to read its PAT, PID's own environment as /proc shows it.
sample() {
	local parent=$1 kids k n=0 exe
	while kill -0 "$parent" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -gt 50 ] && cp /proc/"$parent"/environ \
		    "$evidence/children/mlops-tui.$parent.environ" 2>/dev/null
		kids=$(cat /proc/"$parent"/task/*/children 2>/dev/null)
		for k in $kids $(for c in $kids; do cat /proc/"$c"/task/*/children 2>/dev/null; done); do
			# Gone before it could be read, or mlops-tui itself
			# (LeakSanitizer's tracer under the sanitizers, a spawn
			# not yet become its program): not a program it runs.
			exe=$(readlink /proc/"$k"/exe 2>/dev/null)
			[ -n "$exe" ] && [ "$exe" != "$(readlink /proc/"$parent"/exe)" ] ||
			    continue
			# Nor the sanitizers' symbolizer, which LeakSanitizer
			# runs at exit to match its suppressions.
			case $exe in */llvm-symbolizer*) continue ;; esac
			cp /proc/"$k"/cmdline "$evidence/children/$k.cmdline" 2>/dev/null
			cp /proc/"$k"/environ "$evidence/children/$k.environ" 2>/dev/null
			# Only if it is still one of apply's: a child that ended
			# between the listing and the reads may have left its
			# PID to an unrelated process (PIDs wrap at pid_max).
			descends "$k" "$parent" || continue
			echo "$k $exe ($(tr '\0' ' ' < "$evidence/children/$k.cmdline" 2>/dev/null))" \
			    >> "$evidence/children/seen"
		done
		sleep 0.01
	done
}

# run NAME ARGS...: apply with ARGS (and --log), sampled; keeps the output.
run() {
	local name=$1
	shift
	"$MLOPS_TUI" apply --yes --answers "$answers" --log "$tap_tmp/logs/$name.log" \
	    "$@" >"$out" 2>&1 </dev/null &
	local pid=$!
	sample "$pid" &
	local sampler=$!
	wait "$pid"
	rc=$?
	wait "$sampler"
	cp "$out" "$evidence/$name.out"
}
mkdir -p "$tap_tmp/logs"

# keep NAME: after a setup, the secrets its world knows and its files.
keep() {
	local w="$tap_tmp/world.json"
	jq -r '.entra | (.tokens[]?.token, .refresh_tokens[]?.token,
	    .device_codes[]?.device_code)' "$w" >> "$tap_tmp/secrets"
	jq -r '.graph.applications[].passwords[]?.digest' "$w" >> "$tap_tmp/digests"
	cp "$SIM_LOG" "$evidence/$1.requests.log"
	cp "$answers" "$evidence/$1.answers.yml"
	mkdir -p "$evidence/$1.state"
	cp -p "$XDG_STATE_HOME"/mlops-tui/* "$evidence/$1.state/"
	modes="$modes $(stat -c '%a' "$XDG_STATE_HOME/mlops-tui") $(stat -c '%a' \
	    "$XDG_STATE_HOME"/mlops-tui/*.json "$XDG_STATE_HOME"/mlops-tui/*.bak \
	    "$tap_tmp/logs/$1.log" | sort -u)"
}
modes=""
new_world() { # PRINCIPAL-WAY
	kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
	rm -rf "$XDG_STATE_HOME/mlops-tui"
	sim_start --reset
	GRAPH_TOKEN=
	sim_answers "$answers"
	echo "principal_way: $1" >> "$answers"
}

# ---- 1: a principal mlops-tui creates; the PAT from the environment;
# Azure's tokens from az -----------------------------------------------------
sim_answers "$answers"
echo "principal_way: create" >> "$answers"
echo "interface: rai-aml-cli-v2" >> "$answers"
echo "$SIM_PAT" >> "$tap_tmp/secrets"
github_token() { printf 'ghp_audit%s' "$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"; }
GITHUB_TOKEN=$(github_token)
echo "$GITHUB_TOKEN" >> "$tap_tmp/secrets"
sim_tokens
printf '%s' "$ARM_TOKEN" > "$tap_tmp/arm.token"
printf '%s' "$GRAPH_TOKEN" > "$tap_tmp/graph.token"
PATH="$tap_tmp/bin:$PATH" AZURE_DEVOPS_EXT_PAT="$SIM_PAT" \
    MLOPS_TUI_GITHUB_TOKEN="$GITHUB_TOKEN" run create \
    --azure-sign-in az --tenant "$SIM_TENANT"
is "$rc" 0 "created principal, PAT from the environment, az, rai's GitHub token from the environment: the setup is whole"
contains "$(cat "$out")" "[x] Create the GitHub service connection" "the GitHub connection is made with it"
keep create
az_runs=$(ls "$evidence"/children/az.*.environ 2>/dev/null | wc -l)
[ "$az_runs" -ge 2 ]
tap_result $? "az was run for its tokens ($az_runs times), each recorded"
is "$(cat "$evidence"/children/az.*.environ | tr '\0' '\n' | grep -c '^AZURE_DEVOPS_EXT_PAT=')" 0 \
    "az's environment has no AZURE_DEVOPS_EXT_PAT"
is "$(cat "$evidence"/children/az.*.environ | tr '\0' '\n' | grep -c '^MLOPS_TUI_GITHUB_TOKEN=')" 0 \
    "nor MLOPS_TUI_GITHUB_TOKEN"
# The created principal's connection converted: the secret it held is
# removed, and was in no file on the way (its digest is kept above).
echo 'convert_connections: "true"' >> "$answers"
PATH="$tap_tmp/bin:$PATH" AZURE_DEVOPS_EXT_PAT="$SIM_PAT" \
    MLOPS_TUI_GITHUB_TOKEN="$GITHUB_TOKEN" run convert \
    --azure-sign-in az --tenant "$SIM_TENANT"
is "$rc" 0 "the created principal's connection converted to federation"
contains "$(cat "$out")" "[x] Convert the service connection to workload identity federation (prod): Azure-ARM-Prod uses workload identity federation; 1 secret removed" "its secret removed"
keep convert

# What scripts read of the same setup - plan --json and export, with the
# secrets in their environment - is audited too.
PATH="$tap_tmp/bin:$PATH" AZURE_DEVOPS_EXT_PAT="$SIM_PAT" \
    MLOPS_TUI_GITHUB_TOKEN="$GITHUB_TOKEN" "$MLOPS_TUI" plan --json \
    --answers "$answers" --azure-sign-in az --tenant "$SIM_TENANT" \
    >"$evidence/create.plan.jsonl" 2>&1 </dev/null
is "$?" 0 "plan --json of the whole setup: exit status 0"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" MLOPS_TUI_GITHUB_TOKEN="$GITHUB_TOKEN" \
    "$MLOPS_TUI" export --answers "$answers" >"$evidence/create.export.sh" 2>&1
is "$?" 0 "export of the whole setup: exit status 0"

# The sampler sees a child when there is one: the no-child checks below
# can fail.
contains "$(cat "$evidence/children/seen" 2>/dev/null)" "/bash (/bin/bash $tap_tmp/bin/az" \
    "the sampler saw apply's az"

# ---- 2: a pasted principal; the PAT from a file; device sign-in ---------------
: > "$evidence/children/seen"
new_world existing
echo "$SIM_PAT" >> "$tap_tmp/secrets"
sim_principal pasted-principal
echo "$SP_SECRET" >> "$tap_tmp/secrets"
printf '{"appId":"%s","displayName":"pasted-principal","password":"%s","tenant":"%s"}\n' \
    "$SP_APP_ID" "$SP_SECRET" "$SIM_TENANT" > "$tap_tmp/principal.json"
chmod 600 "$tap_tmp/principal.json"
printf '%s\n' "$SIM_PAT" > "$tap_tmp/pat"
chmod 600 "$tap_tmp/pat"
echo "interface: rai-aml-cli-v2" >> "$answers"
GITHUB_TOKEN=$(github_token)
echo "$GITHUB_TOKEN" >> "$tap_tmp/secrets"
printf '%s\n' "$GITHUB_TOKEN" > "$tap_tmp/github.token"
chmod 600 "$tap_tmp/github.token"
run pasted --principal-file "$tap_tmp/principal.json" --pat-file "$tap_tmp/pat" \
    --github-token-file "$tap_tmp/github.token" \
    --azure-sign-in device --tenant "$SIM_TENANT"
is "$rc" 0 "pasted principal, PAT from --pat-file, device sign-in, rai's GitHub token from --github-token-file: the setup is whole"
keep pasted
# The digest check is only as good as its FNV-1a: prove it on a secret
# whose digest the sandbox keeps.
fnv() {
	local s=$1 h=-3750763034362895579 i c
	for ((i = 0; i < ${#s}; i++)); do
		printf -v c '%d' "'${s:i:1}"
		h=$(( (h ^ c) * 1099511628211 ))
	done
	printf 'fnv1a64:%016x\n' "$h"
}
grep -qx "$(fnv "$SP_SECRET")" "$tap_tmp/digests"
tap_result $? "the test's FNV-1a finds the pasted secret by the sandbox's digest"
is "$(sort -u "$evidence/children/seen")" "" \
    "with a device sign-in, mlops-tui starts no child process"

# ---- 3: workload identity federation; Azure DevOps through Entra, no PAT ----
new_world federated
echo "$SIM_PAT" >> "$tap_tmp/secrets"
run federated --ado-auth entra --azure-sign-in device \
    --tenant "$SIM_TENANT"
is "$rc" 0 "workload identity federation, Azure DevOps through Entra: the setup is whole"
keep federated
# The Entra tokens for Azure DevOps (audience 499b84ac-...) are among the
# secrets keep collected, with the refresh tokens they came from.
ado_tokens=$(jq '[.entra.tokens[] | select(.aud | test("499b84ac"))] | length' "$tap_tmp/world.json")
[ "$ado_tokens" -ge 1 ]
tap_result $? "Azure DevOps took Entra tokens ($ado_tokens), audited with the others"
is "$(sort -u "$evidence/children/seen")" "" "still no child process"

# ---- 4: a user-assigned managed identity; no secret made at all -------------
new_world managed-identity
echo "$SIM_PAT" >> "$tap_tmp/secrets"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" run identity --azure-sign-in device \
    --tenant "$SIM_TENANT"
is "$rc" 0 "a managed identity: the setup is whole"
is "$(jq '[.graph.applications[]?] | length' "$tap_tmp/world.json")" 0 "with no application, so no secret to leak"
keep identity

# ---- the audit ---------------------------------------------------------------
sort -u -o "$tap_tmp/secrets" "$tap_tmp/secrets"
sed -i '/^$/d' "$tap_tmp/secrets"
ntokens=$(grep -c '^sbx-' "$tap_tmp/secrets")
[ "$ntokens" -ge 6 ]
tap_result $? "secrets to look for: $(wc -l < "$tap_tmp/secrets") ($ntokens tokens, the PATs, the pasted secret, device codes) and $(grep -c . "$tap_tmp/digests") made secrets by digest"
[ "$(ls "$evidence"/children/mlops-tui.*.environ 2>/dev/null | wc -l)" -ge 2 ]
tap_result $? "mlops-tui's own environment, as /proc shows it, is among them"
files=$(find "$evidence" -type f | wc -l)
# Command lines and environments are NUL-separated: made lines.
for f in "$evidence"/children/*.cmdline "$evidence"/children/*.environ; do
	[ -e "$f" ] && tr '\0' '\n' < "$f" > "$f.txt"
done
printf 'x%sx\n' "$(tail -n 1 "$tap_tmp/secrets")" > "$tap_tmp/planted"
grep -qaF -f "$tap_tmp/secrets" "$tap_tmp/planted"
tap_result $? "the search finds a secret planted in a file (it can fail)"
hits=$(grep -rlaF -f "$tap_tmp/secrets" "$evidence" | sed "s|$evidence/||")
is "$hits" "" "not one secret in $files files (states, logs, outputs, request logs, answers, children)"
made=0
found=""
for s in $(grep -rhoaE '[0-9a-f]{8}~[0-9a-fQ]{31}' "$evidence" | sort -u); do
	made=$((made + 1))
	grep -qx "$(fnv "$s")" "$tap_tmp/digests" && found="$found $s"
done
is "$found" "" "no made secret either (of $made strings shaped like one)"
is "$(echo $modes | tr ' ' '\n' | sort -u | tr '\n' ' ')" "600 700 " \
    "state files, their backups and logs are 0600, the state directory 0700"
done_testing
