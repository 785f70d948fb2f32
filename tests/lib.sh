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

done_testing() {
	echo "1..$tap_count"
	rm -rf "$tap_tmp"
	[ "$tap_failures" -eq 0 ]
}

mkdir -p "$top_builddir/tests/tmp"
tap_tmp=$(mktemp -d "$top_builddir/tests/tmp/sh.XXXXXX")
# Each test gets its own empty state directory.
export XDG_STATE_HOME="$tap_tmp/state"
export HOME="$tap_tmp/home"
