# Helpers for the benchmarks in bench/; sourced, never run.
#
# Every benchmark starts its own sandbox on 127.0.0.1 (never a real Azure
# host), in its own temporary directory, and stops what it started by
# process id when it exits. It prints one line per figure:
#     name: figure (target)
# `make bench` sets top_srcdir and top_builddir; run alone, a script
# takes them from its own place (a build in the source tree).
set -u

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/sandbox.sh"
MLOPS_TUI="$top_builddir/mlops-tui"
SERIAL_APPLY="$top_builddir/bench/serial-apply"

bench_tmp=$(mktemp -d "${TMPDIR:-/tmp}/mlops-tui-bench.XXXXXX")
export XDG_STATE_HOME="$bench_tmp/state"
export HOME="$bench_tmp/home"
export LC_ALL=C.UTF-8 TZ=UTC
unset AZURE_DEVOPS_EXT_PAT NO_COLOR MLOPS_TUI_TEMPLATES TMUX
mkdir -p "$HOME"
bench_pids=""
bench_tmux=""

bench_cleanup() {
	for p in $bench_pids; do
		kill "$p" 2>/dev/null
	done
	for p in $bench_pids; do
		wait "$p" 2>/dev/null
	done
	for s in $bench_tmux; do
		tmux -L "$s" kill-server 2>/dev/null
	done
	rm -rf "$bench_tmp"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# figure NAME VALUE TARGET: one result line.
figure() {
	printf '%s: %s (%s)\n' "$1" "$2" "$3"
}

# note TEXT: how a figure came about, for whoever reads the output.
note() {
	printf '  # %s\n' "$*"
}

now_ms() {
	date +%s%3N
}

# median / p99 / min / max of the numbers on stdin, one a line.
median() {
	sort -n | awk '{v[NR] = $1} END {if (NR == 0) print "n/a";
	    else if (NR % 2) printf "%.1f\n", v[(NR + 1) / 2];
	    else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
percentile() { # P: the nearest-rank percentile
	sort -n | awk -v p="$1" '{v[NR] = $1} END {if (NR == 0) print "n/a";
	    else {r = int((p * NR + 99) / 100); if (r < 1) r = 1; print v[r]}}'
}

# ratio A B [DIGITS]: A / B
ratio() {
	awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN {
	    if (b == 0) print "n/a"; else printf "%.*f\n", d, a / b}'
}

# sim_up ARGS...: `mlops-tui sim` on a free loopback port with its world
# and request log ($SIM_LOG) in the benchmark's directory; sets SIM_URL,
# SIM_PAT, SIM_TENANT, SIM_SUB and SIM_PID. SIM_NO_LOG=1: no log.
sim_up() {
	SIM_LOG="$bench_tmp/requests.log"
	set -- --log "$SIM_LOG" "$@"
	[ "${SIM_NO_LOG:-0}" = 1 ] && shift 2
	: >"$bench_tmp/sim.out"  # never the last sandbox's address (lib.sh)
	"$MLOPS_TUI" sim --listen 127.0.0.1:0 --world "$bench_tmp/world.json" \
	    --reset "$@" >"$bench_tmp/sim.out" \
	    2>"$bench_tmp/sim.err" &
	SIM_PID=$!
	bench_pids="$bench_pids $SIM_PID"
	sandbox_wait "$bench_tmp/sim.out" "$SIM_PID"
	sandbox_read "$bench_tmp/sim.out"
	case "$SIM_URL" in
	http://127.0.0.1:*) ;;
	*) echo "the sandbox did not start: $(cat "$bench_tmp/sim.err")" >&2
	   exit 1 ;;
	esac
	printf 'user = ":%s"\n' "$SIM_PAT" > "$bench_tmp/curl.conf"
	chmod 600 "$bench_tmp/curl.conf"
}

# sim_down: stop the sandbox sim_up started.
sim_down() {
	kill "$SIM_PID" 2>/dev/null
	wait "$SIM_PID" 2>/dev/null
}

# sim_settings JSON: change the sandbox's settings (device sign-ins,
# replication delay, ...).
sim_settings() {
	curl -sf -K "$bench_tmp/curl.conf" -X PATCH \
	    -H 'Content-Type: application/json' --data "$1" \
	    "$SIM_URL/_sandbox/settings" >/dev/null
}

# sim_answers FILE [LINE...]: answers for the whole guide on the sandbox,
# prod with its Azure subscription, the ML repository composed locally
# with libgit2 (initialise_way: local); extra top-level lines appended.
sim_answers() {
	_file=$1
	shift
	cat > "$_file" <<EOF
organization: $SIM_URL
repository: taxi-fare-regression
initialise_way: local
environments:
  prod:
    namespace: contoso
    postfix: "4711"
    subscription_id: $SIM_SUB
    tenant_id: $SIM_TENANT
EOF
	for _line in "$@"; do
		printf '%s\n' "$_line" >> "$_file"
	done
}

# apply_whole ANSWERS [WRAPPER...]: a full headless setup; sets $rc and
# $wall_ms. Output in $bench_tmp/apply.out.
apply_whole() {
	_answers=$1
	shift
	_t0=$(now_ms)
	AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$@" "$MLOPS_TUI" apply --yes \
	    --answers "$_answers" --azure-sign-in device \
	    >"$bench_tmp/apply.out" 2>&1 </dev/null
	rc=$?
	wall_ms=$(( $(now_ms) - _t0 ))
}

# requests LOG: the requests of a sandbox log as "start end method path
# status", tab-separated, in order of start (ms since the epoch).
requests() {
	jq -r '[.started_ms, .started_ms + .duration_ms, .method,
	    .path + (if (.query | length) > 0 then "?" + (.query | to_entries
	    | map(.key + "=" + (.value | tostring)) | join("&")) else "" end),
	    .status] | @tsv' "$1" | sort -n -k1,1 -k2,2
}

# longest_chain: from requests' lines on stdin, the most requests that
# happened one after another, each starting when or after the one before
# it ended (the longest path of the "ended before started" order).
longest_chain() {
	awk -F'\t' '{s[NR] = $1; e[NR] = $2}
	    END {best = 0
	        for (i = 1; i <= NR; i++) {
	            c[i] = 1
	            for (j = 1; j < i; j++)
	                if (e[j] <= s[i] && c[j] + 1 > c[i])
	                    c[i] = c[j] + 1
	            if (c[i] > best)
	                best = c[i]
	        }
	        print best}'
}

# most_at_once: from requests' lines on stdin, the most requests that were
# in flight at the same moment.
most_at_once() {
	awk -F'\t' '{print $1 "\t1"; print $2 "\t-1"}' | sort -n -k1,1 -k2,2 |
	    awk -F'\t' '{n += $2; if (n > m) m = n} END {print m + 0}'
}

require() { # COMMAND PACKAGE: skip the benchmark without COMMAND
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "$(basename "$0"): skipped: $1 is missing (apt-get install $2)"
	exit 0
}
require jq jq
require curl curl

# ---- the wizard in tmux ---------------------------------------------------------
# A private tmux server (its own socket) with one 80x24 window, w, that
# idles until a benchmark respawns its pane with the wizard.
tmux_up() {
	require tmux tmux
	TMUX_SOCK="mt-bench-$$"
	bench_tmux="$bench_tmux $TMUX_SOCK"
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -s w -x 80 -y 24 \
	    "exec sleep 86400"
}
pane() {
	tmux -L "$TMUX_SOCK" capture-pane -p -t w
}
pane_pid() {
	tmux -L "$TMUX_SOCK" display -p -t w '#{pane_pid}'
}
# wizard_script ARGS...: $bench_tmp/wizard, which runs the wizard with the
# sandbox's PAT from a file (never on a command line) and ARGS.
wizard_script() {
	printf '%s\n' "$SIM_PAT" > "$bench_tmp/pat"
	chmod 600 "$bench_tmp/pat"
	{
		echo '#!/bin/sh'
		printf 'export XDG_STATE_HOME=%q HOME=%q LC_ALL=C.UTF-8 TERM=screen\n' \
		    "$XDG_STATE_HOME" "$HOME"
		printf 'AZURE_DEVOPS_EXT_PAT=$(cat %q) exec %q' "$bench_tmp/pat" \
		    "$MLOPS_TUI"
		printf ' %q' "$@"
		echo
	} > "$bench_tmp/wizard"
	chmod 700 "$bench_tmp/wizard"
}
# pane_idle: back to the idle command; waits until what ran is gone.
pane_idle() {
	_pid=$(pane_pid)
	tmux -L "$TMUX_SOCK" respawn-pane -k -t w "exec sleep 86400"
	for _ in $(seq 1 500); do
		kill -0 "$_pid" 2>/dev/null || return 0
		sleep 0.01
	done
}
