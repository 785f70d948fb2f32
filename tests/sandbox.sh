# Starting `mlops-tui sim` from a script: what the tests, the torture lanes
# and the benchmarks share. Sourced, never run.

# sandbox_wait OUT PID: until the sandbox writing its standard output to
# OUT says it is up, or PID dies; up to 90 s of the clock (not a count of
# tries, which a loaded machine stretches), as a loaded machine - three
# suites at once under the sanitizers - starts it slowly. False when it is
# not up.
sandbox_wait() {
	_until=$((SECONDS + 90))
	while [ "$SECONDS" -lt "$_until" ]; do
		grep -q '^Stop with' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.02
	done
	grep -q '^Stop with' "$1" 2>/dev/null
}

# sandbox_read OUT: from a started sandbox's OUT, its SIM_URL and
# SIM_PAT, and the tenant and subscription of its Azure (SIM_TENANT,
# SIM_SUB).
sandbox_read() {
	SIM_URL=$(sed -n 's/^Sandbox Azure DevOps at //p' "$1")
	SIM_PAT=$(sed -n 's/^PAT: //p' "$1")
	SIM_TENANT=$(sed -n 's/.*(tenant \(.*\))$/\1/p' "$1")
	SIM_SUB=$(sed -n 's/.*(subscription \(.*\))$/\1/p' "$1")
}
