#!/bin/bash
# Start: how soon mlops-tui answers on an existing setup.
#  - `mlops-tui status` with a state file (made by a full sandbox apply
#    first): the median of 20 runs, from fork to exit as bash's
#    EPOCHREALTIME sees it (target <= 10 ms); the same for /bin/true
#    shows what starting any process costs here.
#  - the wizard's first frame with that state file: `mlops-tui --state
#    FILE` in a private tmux server's 80x24 pane (respawn-pane), polling
#    `tmux capture-pane -p` until the checklist shows; the median of 20
#    (target <= 50 ms). Before its first frame the wizard opens the setup,
#    which signs in to the sandbox (PAT check, device code; no added
#    latency). A respawned pane whose command prints the checklist's text
#    at once gives the measurement's own overhead, and one capture's
#    round trip is the polling granularity.
. "$(dirname "$0")/lib.sh"
runs=20

sim_up --time-scale 0
sim_settings '{"device_interval_s":0,"device_auto_approve_polls":2,"replication_delay_ms":0}'
sim_answers "$bench_tmp/answers.yml"
apply_whole "$bench_tmp/answers.yml"
state=$(ls "$XDG_STATE_HOME"/mlops-tui/*.json 2>/dev/null | head -n 1)
if [ "$rc" -ne 0 ] || [ -z "$state" ]; then
	echo "start: the setup to start on failed (exit status $rc)"
	tail -n 20 "$bench_tmp/apply.out"
	exit 1
fi

# elapsed_ms COMMAND...: how long COMMAND took, in ms (3 decimals).
elapsed_ms() {
	local t0=$EPOCHREALTIME t1
	"$@" >/dev/null 2>&1 </dev/null
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) * 1000}'
}

"$MLOPS_TUI" status >/dev/null 2>&1    # warm the page cache
for _ in $(seq 1 $runs); do elapsed_ms "$MLOPS_TUI" status; done > "$bench_tmp/status.ms"
for _ in $(seq 1 $runs); do elapsed_ms /bin/true; done > "$bench_tmp/true.ms"
figure "start: mlops-tui status, median of $runs" \
    "$(median < "$bench_tmp/status.ms") ms" "target <= 10 ms; /bin/true: $(median < "$bench_tmp/true.ms") ms"

# first_frame TEXT: ms from respawning the pane with $bench_tmp/wizard to
# TEXT on the screen; "timeout" after 10 s.
first_frame() {
	local t0=$EPOCHREALTIME t1
	tmux -L "$TMUX_SOCK" respawn-pane -k -t w "$bench_tmp/wizard"
	for _ in $(seq 1 5000); do
		if pane | grep -qF -- "$1"; then
			t1=$EPOCHREALTIME
			awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) * 1000}'
			return 0
		fi
		[ $(( ${EPOCHREALTIME/./} - ${t0/./} )) -gt 10000000 ] && break
	done
	echo timeout
}

tmux_up
text="Create the mlops-v2 project"
# The overhead: a pane that shows the text at once.
printf '#!/bin/sh\nprintf "%%s\\n" "%s"\nexec sleep 86400\n' "$text" > "$bench_tmp/echo"
chmod 700 "$bench_tmp/echo"
cp "$bench_tmp/echo" "$bench_tmp/wizard"
for _ in $(seq 1 $runs); do first_frame "$text"; pane_idle; done > "$bench_tmp/overhead.ms"
# One capture's round trip: the polling granularity.
t0=$EPOCHREALTIME
for _ in $(seq 1 50); do pane | grep -qF -- "$text"; done
t1=$EPOCHREALTIME
grain=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b - a) * 1000 / 50}')

wizard_script --state "$state" --azure-sign-in device
for _ in $(seq 1 $runs); do first_frame "$text"; pane_idle; done > "$bench_tmp/wizard.ms"
if grep -q timeout "$bench_tmp/wizard.ms"; then
	echo "start: the wizard's first frame did not show within 10 s:"
	pane
fi
figure "start: the wizard's first frame, median of $runs" \
    "$(median < "$bench_tmp/wizard.ms") ms" \
    "target <= 50 ms; overhead of the measurement $(median < "$bench_tmp/overhead.ms") ms, one capture every $grain ms"
note "wizard first frames (ms): $(sort -n "$bench_tmp/wizard.ms" | tr '\n' ' ')"
