# A whole sandbox setup (`mlops-tui apply` against `mlops-tui sim`) under
# valgrind's memcheck: zero errors and zero leaks of any kind (definite,
# indirect, possible, still reachable), with the suppressions of
# tests/valgrind.supp (system libraries' own leaks, each explained there).
# Not in `make check` (slow); .ci/run runs it once:
#   make check TESTS=tests/torture/valgrind.sh
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/torture/lib.sh"
# Skipped where valgrind is missing; in CI (CI=true) that is a failure.
if ! command -v valgrind >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "Bail out! valgrind is not installed (CI=true)"
		exit 1
	fi
	echo "1..0 # SKIP valgrind is not installed"
	exit 0
fi
trap 'lane_sim_stop 0 KILL' EXIT
mkdir -p "$tap_tmp/lane0"
vg="$tap_tmp/valgrind.log"
simvg="$tap_tmp/valgrind-sim.log"
# The sandbox too, from its start to its stop (SIGTERM).
SIM_WRAPPER="valgrind --leak-check=full --show-leak-kinds=all \
    --errors-for-leak-kinds=all --error-exitcode=99 \
    --suppressions=$top_srcdir/tests/valgrind.supp --log-file=$simvg"
lane_world 0
t0=$(ms_now)
valgrind --leak-check=full --show-leak-kinds=all \
    --errors-for-leak-kinds=all --error-exitcode=99 --track-fds=no \
    --suppressions="$top_srcdir/tests/valgrind.supp" --log-file="$vg" \
    "$MLOPS_TUI" --state "$tap_tmp/lane0/state.json" apply --yes \
    --answers "$tap_tmp/lane0/answers.yml" --pat-file "$tap_tmp/lane0/pat" \
    --azure-sign-in device >"$tap_tmp/out" 2>&1 </dev/null
rc=$?
took=$(( $(ms_now) - t0 ))
is "$rc" 0 "a whole setup under valgrind, in $took ms: exit status 0 (99: valgrind found errors or leaks)"
summary=$(sed -n 's/^==[0-9]*== \(ERROR SUMMARY: [0-9]* errors\).*/\1/p' "$vg")
is "$summary" "ERROR SUMMARY: 0 errors" "memcheck ran and counted no error or leak"
leaks=$(sed -n 's/^==[0-9]*== *\(definitely\|indirectly\|possibly\) lost: \([0-9,]*\) bytes.*/\2/p' "$vg" | tr -d , | sort -u)
[ -z "$leaks" ] || [ "$leaks" = 0 ]
tap_result $? "no bytes lost (definitely, indirectly or possibly)"
[ "$rc" -eq 0 ] || diag "$(grep -v '^==[0-9]*== *$' "$vg" | head -n 80)"
contains "$(cat "$tap_tmp/out")" "24 done (" "every step was done (the agent check settled by the runs)"
pid=$(cat "$tap_tmp/lane0/sim.pid")
kill -TERM "$pid"
wait "$pid"
is "$?" 0 "the sandbox under valgrind stops with exit status 0 (99: errors or leaks)"
is "$(sed -n 's/^==[0-9]*== \(ERROR SUMMARY: [0-9]* errors\).*/\1/p' "$simvg")" \
    "ERROR SUMMARY: 0 errors" "the sandbox: memcheck counted no error or leak"
[ "$(sed -n 's/^==[0-9]*== \(ERROR SUMMARY: [0-9]*\).*/\1/p' "$simvg")" = "ERROR SUMMARY: 0" ] ||
    diag "$(grep -v '^==[0-9]*== *$' "$simvg" | head -n 80)"
is "$(world_problems "$tap_tmp/lane0/world.json")" "" "no duplicate and no orphaned secret"
done_testing
