# Crash torture: whole sandbox setups whose `mlops-tui apply` is SIGKILLed
# and resumed each time, at moments chosen by progress: each run dies once
# the state file shows 1 or 2 more steps done than it started with (drawn
# from a seeded sequence), plus 0-99 ms, so that every setup's kills walk
# from its first steps to its last whatever the machine's speed; then setups whose sandbox is SIGKILLed
# and restarted (same world file, same port, same PAT) under a running
# apply. After each setup the sandbox world is compared with a clean
# run's: every resource exactly once, no secret a service connection does
# not hold, a state file that loads after every kill, every step done.
#
# Not in `make check` (it takes minutes); .ci/run runs it once:
#   make check TESTS=tests/torture/run.sh
# Knobs: TORTURE_KILLS (apply kills, default 200), TORTURE_SIM_KILLS
# (sandbox kills, default 60), TORTURE_LANES (setups in parallel,
# default 10), TORTURE_SEED (default 20250607).
# TORTURE_ACCELERATOR=DIR: on that accelerator (its three repositories or
# their tarballs, e.g. ../shared/accelerator) instead of the stand-ins.
# TORTURE_PROJECTS=N: each setup is N ML projects applied in one run
# (`apply --answers FOLDER`), killed and resumed together; every one of
# their state files must load after each kill and be whole at the end,
# and the world match a clean run of the same N.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/torture/lib.sh"

KILLS=${TORTURE_KILLS:-200}
SIM_KILLS=${TORTURE_SIM_KILLS:-60}
LANES=${TORTURE_LANES:-10}
SEED=${TORTURE_SEED:-20250607}
diag "seed $SEED, $KILLS apply kills and $SIM_KILLS sandbox kills over $LANES lanes, $TORTURE_PROJECTS ML project(s) a setup"

stop_lanes() {
	for l in $(seq 0 "$LANES"); do lane_sim_stop "$l" KILL; done
}
trap stop_lanes EXIT
for l in $(seq 0 "$LANES"); do mkdir -p "$tap_tmp/lane$l"; done

# clean_many_world: what a clean setup of several ML projects must hold,
# since every other setup is compared with it: the accelerator's part
# once, each project's own part once per project.
clean_many_world() {
	local n=$TORTURE_PROJECTS
	is "$(jq -r '"projects \([.projects[]] | length)," +
	    " imports \([.imports[]] | length)," +
	    " ML repositories \([.repositories[].name | select(startswith("taxi-"))] | length)," +
	    " environments \([.environments[]] | length)," +
	    " connections \([.endpoints[]] | length)," +
	    " applications \([.graph.applications[]] | length)," +
	    " principals \([.graph.service_principals[]] | length)," +
	    " runs of each pipeline kind \([.builds | group_by(.kind)[] |
	        length] | unique | map(tostring) | join(" or "))"' \
	    "$tap_tmp/lane0/world.json")" \
	    "projects 1, imports 3, ML repositories $n, environments 1, connections $n, applications $n, principals $n, runs of each pipeline kind $n" \
	    "the clean setup of $n ML projects: the accelerator's part once, each project's own once"
}

# ---- a clean run: the world to compare with, and how long a setup takes ----
lane_world 0
t0=$(ms_now)
lane_finish 0
setup_ms=$(( $(ms_now) - t0 ))
is "$rc" 0 "a clean setup is whole (in $setup_ms ms)"
clean_world=$(world_of "$tap_tmp/lane0/world.json")
clean_steps=$(lane_steps 0)
is "$(lane_states 0 | wc -l)" "$TORTURE_PROJECTS" "the clean setup has a state file per ML project"
if [ "$TORTURE_PROJECTS" -gt 1 ]; then
	clean_many_world
	# shellcheck disable=SC2046
	is "$(made_twice $(lane_states 0))" "" \
	    "what the projects share is recorded as made by one of them, as found by the others"
fi
is "$(world_problems "$tap_tmp/lane0/world.json")" "" \
    "the clean world has no duplicate and no orphaned secret"
lane_sim_stop 0
# Kill delays are drawn over the whole setup and a little beyond it.
span=$(( setup_ms + setup_ms / 10 ))

# ---- apply SIGKILLed and resumed ---------------------------------------------
# done_in LANE: how many steps its state files say are done (0 before
# they exist); only read, not loaded: it is polled.
done_in() {
	local f n=0 d
	for f in $(lane_states "$1"); do
		d=$(jq '[.steps[]? | select(.status == "done")] | length' "$f" 2>/dev/null) || d=0
		n=$((n + d))
	done
	echo "$n"
}
alive() { grep -q '^State:[[:space:]]*[^Z]' "/proc/$1/status" 2>/dev/null; }
# lane_kills LANE QUOTA: setups until QUOTA kills; writes lane/result.
lane_kills() {
	local lane=$1 quota=$2 dir=$tap_tmp/lane$1 kills=0 setups=0 rc
	rng=$(( (SEED + lane * 7919) & 0xffffffff ))
	[ "$rng" -ne 0 ] || rng=1
	: > "$dir/kills"
	: > "$dir/result"
	# (A setup with no kill at all is a failure: at most QUOTA setups.)
	while [ "$kills" -lt "$quota" ] && [ "$setups" -lt "$quota" ]; do
		lane_world "$lane" || { echo "setup: the sandbox did not start" >> "$dir/result"; return; }
		setups=$((setups + 1))
		rc=1
		while [ "$kills" -lt "$quota" ]; do
			rand $(( 2 * TORTURE_PROJECTS ))
			target=$(( $(done_in "$lane") + r + 1 ))
			rand 100
			lane_apply "$lane"
			while alive "$apply_pid" &&
			    [ "$(done_in "$lane")" -lt "$target" ]; do
				sleep 0.05
			done
			sleep_ms "$r"
			kill -KILL "$apply_pid" 2>/dev/null
			wait "$apply_pid"
			rc=$?
			if [ "$rc" -eq 137 ]; then
				kills=$((kills + 1))
				# What the state files say was done when it
				# died; each must load.
				echo "$r $(lane_done "$lane")" >> "$dir/kills"
			elif [ "$rc" -eq 0 ]; then
				break
			else
				# Once: a run that fails again each time
				# would hold the lane here for ever.
				echo "setup $setups: a resumed run failed by itself (exit status $rc)" >> "$dir/result"
				break
			fi
		done
		[ "$rc" -eq 0 ] || lane_finish "$lane"
		echo "setup $setups: $(lane_verdict "$lane" "$clean_world" "$clean_steps")" >> "$dir/result"
	done
	lane_sim_stop "$lane"
}

t0=$(ms_now)
per=$(( (KILLS + LANES - 1) / LANES ))
for l in $(seq 1 "$LANES"); do
	lane_kills "$l" "$per" 2>>"$tap_tmp/lane$l/shell.err" &
done
wait
kill_ms=$(( $(ms_now) - t0 ))
cat "$tap_tmp"/lane*/kills > "$tap_tmp/all-kills"
kills=$(wc -l < "$tap_tmp/all-kills")
setups=$(cat "$tap_tmp"/lane*/result | grep -c '^setup [0-9]*: [a-z]')
bad=$(cat "$tap_tmp"/lane*/result | grep -v ': ok$')
[ "$kills" -ge "$KILLS" ]
tap_result $? "apply SIGKILLed $kills times (at least $KILLS) over $setups setups, in $kill_ms ms"
is "$bad" "" "after every setup: the clean run's world, every resource once, no orphaned secret, every step done"
is "$(grep -c invalid "$tap_tmp/all-kills")" 0 "every state file loads after every kill"
# The kills land in every phase of a setup: by how many steps were done.
phases=$(awk '{print $2}' "$tap_tmp/all-kills" | sort -n | uniq -c |
    awk '{printf "%s:%s ", $2, $1}')
diag "kills by steps done at the time (steps:kills): $phases"
total=$(echo "$clean_steps" | jq -s '[.[][] | select(endswith("=done"))] | length')
early=$(awk -v t="$total" '$2 != "invalid" && $2 < t / 3' "$tap_tmp/all-kills" | wc -l)
middle=$(awk -v t="$total" '$2 != "invalid" && $2 >= t / 3 && $2 < 2 * t / 3' "$tap_tmp/all-kills" | wc -l)
late=$(awk -v t="$total" '$2 != "invalid" && $2 >= 2 * t / 3' "$tap_tmp/all-kills" | wc -l)
distinct=$(awk '{print $2}' "$tap_tmp/all-kills" | sort -u | wc -l)
# Each setup's kills walk through it one or two steps at a time (a project),
# so every phase has kills once a lane has seen a whole setup killed; steps
# done in bursts (parallel steps) leave some counts out, hence a third of
# them, or a third of the kills when that is fewer (several projects:
# more steps than kills).
want=$(( total / 3 ))
[ "$want" -le $(( kills / 3 )) ] || want=$(( kills / 3 ))
[ "$early" -gt 0 ] && [ "$middle" -gt 0 ] && [ "$late" -gt 0 ] &&
    [ "$distinct" -ge "$want" ]
tap_result $? "kills landed in every phase: $early early, $middle middle, $late late, at $distinct of $((total + 1)) step counts (at least $want)"

# ---- the sandbox SIGKILLed and restarted under a running apply ---------------
# lane_sim_kills LANE QUOTA: setups until QUOTA sandbox kills.
lane_sim_kills() {
	local lane=$1 quota=$2 dir=$tap_tmp/lane$1 kills=0 setups=0 rc runs
	rng=$(( (SEED + 104729 + lane * 7919) & 0xffffffff ))
	: > "$dir/simkills"
	: > "$dir/result"
	while [ "$kills" -lt "$quota" ]; do
		lane_world "$lane" || { echo "setup: the sandbox did not start" >> "$dir/result"; return; }
		setups=$((setups + 1))
		runs=1
		lane_apply "$lane"
		while :; do
			rand "$span"
			sleep_ms $(( r + 20 ))
			if [ "$kills" -lt "$quota" ] &&
			    kill -0 "$apply_pid" 2>/dev/null; then
				lane_sim_stop "$lane" KILL
				kills=$((kills + 1))
				echo "$r" >> "$dir/simkills"
				rand 500
				sleep_ms "$r" # down for up to half a second
				lane_sim "$lane" ||
				    echo "setup $setups: the sandbox did not restart: $(tail -n 1 "$dir/sim.err")" >> "$dir/result"
				continue
			fi
			wait "$apply_pid"
			rc=$?
			[ "$rc" -eq 0 ] && break
			# Given up on a sandbox that was down: resumed.
			runs=$((runs + 1))
			[ "$runs" -le 6 ] || break
			lane_apply "$lane"
		done
		[ "$rc" -eq 0 ] || lane_finish "$lane"
		echo "setup $setups: $(lane_verdict "$lane" "$clean_world" "$clean_steps")" >> "$dir/result"
		echo "$runs" >> "$dir/runs"
	done
	lane_sim_stop "$lane"
}

t0=$(ms_now)
per=$(( (SIM_KILLS + LANES - 1) / LANES ))
for l in $(seq 1 "$LANES"); do
	lane_sim_kills "$l" "$per" 2>>"$tap_tmp/lane$l/shell.err" &
done
wait
sim_ms=$(( $(ms_now) - t0 ))
simkills=$(cat "$tap_tmp"/lane*/simkills | wc -l)
setups=$(cat "$tap_tmp"/lane*/result | grep -c '^setup [0-9]*: [a-z]')
bad=$(cat "$tap_tmp"/lane*/result | grep -v ': ok$')
resumes=$(cat "$tap_tmp"/lane*/runs 2>/dev/null | awk '{n += $1 - 1} END {print n + 0}')
[ "$simkills" -ge "$SIM_KILLS" ]
tap_result $? "the sandbox SIGKILLed and restarted $simkills times (at least $SIM_KILLS) over $setups setups, in $sim_ms ms ($resumes resumes needed)"
is "$bad" "" "after every setup: the clean run's world, every resource once, no orphaned secret, every step done"
done_testing
