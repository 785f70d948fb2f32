# An organization that cannot be reached is said at once, with what to
# check: a name that cannot resolve (.invalid, never asked of DNS) and a
# refused connection (a closed loopback port) are not retried as a
# timeout or a 503 is, by plan, doctor and the wizard. No network is
# needed.
. "$top_srcdir/tests/lib.sh"

# A loopback port nothing listens on: port 1, checked with curl first.
closed_port=1
curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$closed_port/"
[ $? -eq 7 ] || { echo "1..0 # SKIP 127.0.0.1:$closed_port is not closed here"; exit 0; }

answers() { # FILE ORGANIZATION
	cat > "$1" <<EOF2
organization: $2
repository: taxi-fare-regression
environments:
  prod:
    namespace: contoso
    postfix: "4711"
EOF2
}
now_ms() { date +%s%3N; }

# timed WHAT ARGS...: mlops-tui with a PAT; sets $out, $rc and $took (ms).
timed() {
	_t0=$(now_ms)
	out=$(AZURE_DEVOPS_EXT_PAT=not-a-real-pat "$MLOPS_TUI" "$@" 2>&1 </dev/null) &&
	    rc=0 || rc=$?
	took=$(( $(now_ms) - _t0 ))
}

for org in "https://dev.azure.com.invalid/contoso" \
    "http://127.0.0.1:$closed_port/contoso"; do
	host=${org#*//}; host=${host%%/*}; host=${host%%:*}
	answers "$tap_tmp/answers.yml" "$org"
	: > "$tap_tmp/requests.log"
	timed plan --answers "$tap_tmp/answers.yml" --log "$tap_tmp/requests.log"
	contains "$out" "cannot reach $host" "plan, $org: names the host it cannot reach"
	contains "$out" "check the URL, the proxy settings" "plan, $org: says what to check"
	lacks "$out" "not-a-real-pat" "plan, $org: the PAT is not shown"
	[ "$took" -lt 3000 ]
	tap_result $? "plan, $org: said at once, not after retries ($took ms)"
	timed doctor --org "$org" --repo taxi-fare-regression
	contains "$out" "cannot reach $host" "doctor, $org: names the host"
	[ "$took" -lt 3000 ]
	tap_result $? "doctor, $org: said at once ($took ms)"
done
# The .invalid name: refused before curl, so nothing was logged as sent.
answers "$tap_tmp/answers.yml" "https://dev.azure.com.invalid/contoso"
: > "$tap_tmp/requests.log"
timed plan --answers "$tap_tmp/answers.yml" --log "$tap_tmp/requests.log"
is "$(wc -c < "$tap_tmp/requests.log" | tr -d ' ')" 0 \
    "a .invalid organization: no request was made"

# The wizard on the same organization: the sign-in says so at once too.
. "$top_srcdir/tests/tui/tmux.sh"
_t0=$(now_ms)
TUI_ARGS="--answers '$tap_tmp/answers.yml'" \
    tui_start "AZURE_DEVOPS_EXT_PAT=not-a-real-pat"
is "$(tui_quit_status)" 2 "the wizard on a .invalid organization exits (2)"
took=$(( $(now_ms) - _t0 ))
[ "$took" -lt 3000 ]
tap_result $? "at once, not after retries ($took ms)"
# Its stderr, left on the terminal, wrapped at 80 columns mid-word.
pane | tr -d '\n' | grep -qF "cannot reach dev.azure.com.invalid"
tap_result $? "naming the host it cannot reach"

done_testing
