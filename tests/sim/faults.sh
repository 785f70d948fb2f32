# Fault injection: latency, 429 with Retry-After, 500, 503, dropped and
# stalled connections, per route, seeded and reproducible.
. "$top_srcdir/tests/lib.sh"

run sim --faults 'flood=0.5'
is "$rc" 2 "an unknown fault is a usage error"
contains "$err" "'flood' is not a fault" "and says so"
run sim --faults '500=2'
is "$rc" 2 "a fraction above 1 is refused"

restart() { kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null; sim_start --reset "$@"; }
code_of() { curl -s -K "$SIM_CURL" -o "$tap_tmp/body" -D "$tap_tmp/headers" -w '%{http_code}' "$SIM_URL/$1"; }

sim_start --faults 'seed=3,429=1@*/_apis/projects*,retry-after=2'
is "$(code_of '_apis/projects?api-version=7.1')" 429 "429 on the matching route"
grep -qi '^Retry-After: 2' "$tap_tmp/headers"
tap_result $? "with Retry-After"
grep -qi '^X-RateLimit-Remaining: 0' "$tap_tmp/headers"
tap_result $? "and the X-RateLimit headers"
contains "$(jq -r .message "$tap_tmp/body")" "TF400733" "and the real message"
is "$(code_of '_apis/connectionData')" 200 "other routes are not affected"
is "$(curl -s -K "$SIM_CURL" "$SIM_URL/_sandbox/settings" -o /dev/null -w '%{http_code}')" 200 \
    "nor is the sandbox's control"

restart --faults '500=1@*/_apis/projects*,503=1@*/_apis/process/*'
is "$(code_of '_apis/projects?api-version=7.1')" 500 "500"
contains "$(jq -r .message "$tap_tmp/body")" "TF400898" "with TF400898"
is "$(code_of '_apis/process/processes?api-version=7.1')" 503 "503"
is "$(head -c 3 "$tap_tmp/body" | od -An -tx1 | tr -d ' ')" efbbbf "whose body starts with a byte order mark"

restart --faults 'drop=1@*/_apis/projects*'
curl -s -K "$SIM_CURL" -o /dev/null "$SIM_URL/_apis/projects?api-version=7.1"
is "$?" 52 "a dropped connection: no answer at all"

restart --faults 'stall=1@*/_apis/projects*,stall-ms=5000'
curl -s -K "$SIM_CURL" -o /dev/null --max-time 1 "$SIM_URL/_apis/projects?api-version=7.1"
is "$?" 28 "a stalled one: the client times out"

restart --faults 'latency=300@*/_apis/projects*'
start=$(date +%s%N)
code_of '_apis/projects?api-version=7.1' >/dev/null
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$elapsed" -ge 300 ]
tap_result $? "latency delays the answer by at least 300 ms (took $elapsed ms)"

sequence() {
	for i in $(seq 1 24); do code_of '_apis/projects?api-version=7.1'; echo; done | tr '\n' ' '
}
restart --faults 'seed=11,500=0.5,503=0.2'
first=$(sequence)
restart --faults 'seed=11,500=0.5,503=0.2'
second=$(sequence)
is "$second" "$first" "the same seed gives the same faults in the same order"
contains "$first" 500 "some requests fail"
contains "$first" 200 "and some succeed"
restart --faults 'seed=12,500=0.5,503=0.2'
[ "$(sequence)" != "$first" ]
tap_result $? "another seed gives another order"
grep -q '"fault":"500"' "$SIM_LOG"
tap_result $? "the request log records the fault"

done_testing
