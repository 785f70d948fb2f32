# The command line: help, version, usage errors, commands not there yet.
. "$top_srcdir/tests/lib.sh"

run --help
is "$rc" 0 "--help succeeds"
contains "$out" "Usage: mlops-tui" "--help prints the usage"
for opt in --state --no-color --json --help --version; do
	contains "$out" "$opt" "--help mentions $opt"
done
contains "$out" "  3  the state file is missing" "--help lists the exit statuses"

run --version
is "$rc" 0 "--version succeeds"
contains "$out" "mlops-tui 0." "--version prints the version"

run --bogus
is "$rc" 2 "an unknown option is a usage error"
contains "$err" "unknown option '--bogus'" "and names the option"

run --state
is "$rc" 2 "--state without a value is a usage error"
contains "$err" "needs a value" "and says so"

run frobnicate
is "$rc" 2 "an unknown command is a usage error"
contains "$err" "unknown command 'frobnicate'" "and names it"

run status extra
is "$rc" 2 "an extra argument is a usage error"

run --json
is "$rc" 2 "--json without status is a usage error"

for cmd in plan apply doctor; do
	run "$cmd"
	is "$rc" 5 "$cmd: not available yet, with a non-zero status"
	contains "$err" "$cmd is not available yet" "$cmd: says so"
	is "$out" "" "$cmd: prints nothing on stdout"
done
run
is "$rc" 5 "the wizard: not available yet"
contains "$err" "the wizard is not available yet" "the wizard: says so"

done_testing
