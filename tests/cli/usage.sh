# The command line: help, version, usage errors, commands not there yet.
. "$top_srcdir/tests/lib.sh"

run --help
is "$rc" 0 "--help succeeds"
contains "$out" "Usage: mlops-tui" "--help prints the usage"
for opt in --state --no-color --json --help --version; do
	contains "$out" "$opt" "--help mentions $opt"
done
contains "$out" "  3  the state file is missing" "--help lists the exit statuses"
wide=$(echo "$out" | awk 'length > 80')
is "$wide" "" "every line of --help fits 80 columns"
contains "$out" "man mlops-tui" "--help points to the man page for the rest"

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

run status --time-scale 1
is "$rc" 2 "--time-scale with status is a usage error"
contains "$err" "--time-scale goes with the sim command and with --sandbox" "naming where it goes"
run --sandbox --time-scale 101
is "$rc" 2 "--sandbox --time-scale out of range is a usage error"
run --sandbox --time-scale 0.5 </dev/null
contains "$err" "the wizard needs a terminal" "--sandbox takes --time-scale (then wants a terminal)"

run status --repo x
is "$rc" 2 "a doctor option with another command is a usage error"
run doctor --repo x
is "$rc" 2 "doctor without --org is a usage error"
contains "$err" "doctor needs --org URL" "and says what it needs"
run doctor --org https://dev.azure.com/contoso
is "$rc" 2 "doctor without --repo is a usage error"
run doctor --org http://dev.azure.com/contoso --repo x
is "$rc" 2 "plain http to a host that is not loopback is refused"
contains "$err" "plain http is only for this machine" "saying why"
run doctor --org https://dev.azure.com/contoso --repo x --infrastructure arm
is "$rc" 2 "an unknown infrastructure provider is a usage error"
contains "$err" "expected bicep or terraform" "naming what is allowed"
run doctor --org https://dev.azure.com/contoso --repo x --pat-file /nonexistent/pat
is "$rc" 2 "a PAT file that cannot be read: a usage error"
contains "$err" "/nonexistent/pat" "naming the file"
is "$out" "" "before any request is made"

for cmd in plan apply; do
	run "$cmd"
	is "$rc" 2 "$cmd without --answers or --state: a usage error"
	contains "$err" "give --answers FILE for a new setup, or --state FILE" "$cmd: says what to give"
	is "$out" "" "$cmd: prints nothing on stdout"
	run "$cmd" --org https://dev.azure.com/contoso
	is "$rc" 2 "$cmd --org: a usage error"
	contains "$err" "plan and apply take it from the answers" "$cmd: the organization comes from the answers"
	run "$cmd" --answers /nonexistent/answers.yml
	is "$rc" 2 "$cmd with an answers file that cannot be read: a usage error"
	contains "$err" "/nonexistent/answers.yml: there is no such answers file" "$cmd: naming the file"
	run "$cmd" --repo x
	is "$rc" 2 "$cmd --repo: a usage error (doctor's option)"
done
run status --answers x.yml
is "$rc" 2 "--answers with status: a usage error"
contains "$err" "--answers, --principal-file and --github-token-file go with the wizard and the plan and apply commands" "naming the commands it goes with"
run doctor --github-token-file x
is "$rc" 2 "--github-token-file with doctor: a usage error"
run status --pat-file x
contains "$err" "go with the wizard and the doctor, plan and apply commands" "--pat-file goes with the wizard, doctor, plan and apply"
run status --sandbox
is "$rc" 2 "--sandbox with a command: a usage error"
contains "$err" "--sandbox goes with the wizard" "saying it goes with the wizard"
run
is "$rc" 2 "the wizard without a terminal: exit status 2"
contains "$err" "use 'mlops-tui plan' and 'mlops-tui apply' instead" "the wizard without a terminal: points to plan and apply"

run plan --destroy --json
is "$rc" 2 "plan --destroy --json: a usage error (the teardown has no JSON events yet)"
contains "$err" "--json goes with plan and apply, not yet with plan --destroy" "saying so"
done_testing
