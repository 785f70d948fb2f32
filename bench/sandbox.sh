#!/bin/bash
# The sandbox: simple requests per second with 32 concurrent clients,
# measured with wrk (Debian's wrk: 2 threads, 32 connections, 10 s) on a
# GET of the organization's projects with the PAT as Basic auth
# (target >= 2000/s on 2 cores), with the request log on, as the other
# benchmarks run it, and off. wrk runs on the same cores as the sandbox,
# so the figure is what is left to the sandbox beside its client.
. "$(dirname "$0")/lib.sh"
require wrk wrk
duration=10

# rate: requests/s of wrk against the sandbox; its summary in wrk.out.
rate() {
	wrk -t 2 -c 32 -d "${duration}s" --latency \
	    -H "Authorization: Basic $(printf ':%s' "$SIM_PAT" | base64 -w 0)" \
	    "$SIM_URL/_apis/projects?api-version=7.1" > "$bench_tmp/wrk.out" 2>&1
	sed -n 's/^Requests\/sec: *//p' "$bench_tmp/wrk.out"
}
non2xx() {
	sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$bench_tmp/wrk.out"
}

sim_up
# The request is answered for real (a wrong PAT gets a 203 page, which
# wrk would count as a success).
answer=$(curl -s -K "$bench_tmp/curl.conf" -w ' %{http_code}' \
    "$SIM_URL/_apis/projects?api-version=7.1")
case "$answer" in
'{"count":'*' 200') ;;
*) echo "sandbox: the request is not answered as it should be: $answer"; exit 1 ;;
esac
with_log=$(rate)
errors=$(non2xx)
p99=$(sed -n 's/^ *99% *//p' "$bench_tmp/wrk.out")
lines=$(wc -l < "$SIM_LOG")
sim_down
figure "sandbox: GET _apis/projects per second, 32 clients, logging" \
    "${with_log:-n/a}" "target >= 2000; p99 latency $p99, ${errors:-0} non-2xx, $lines lines logged"

SIM_NO_LOG=1 sim_up
without_log=$(rate)
errors=$(non2xx)
sim_down
figure "sandbox: the same without the request log" "${without_log:-n/a}" \
    "target >= 2000; ${errors:-0} non-2xx"
