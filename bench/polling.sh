#!/bin/bash
# Polling: a full `mlops-tui apply` on the sandbox with its waits at their
# real length (--time-scale 1: the project's operation 4 s, an import 6 s,
# a pipeline run a minute or more, so a long poll backs off), device
# sign-ins that ask
# for a 1 s interval, and a fifth of the status reads of imports and runs
# throttled with a 429 asking to wait 2 s (Retry-After). (The 429s are
# limited to those URLs because each is read by one step only, so the
# request after a 429 is that step's retry; a URL many steps read at once,
# such as the project, would make it ambiguous.) From the sandbox's log:
#  - the total request count of a full setup, and the URLs read most;
#  - for each status endpoint polled (operations, imports, runs), the
#    gaps between an answer and the next read of the same URL: min,
#    median, max - Azure DevOps asks for no interval there, the gaps are
#    the client's own - and whether they grow on the longest (back-off);
#  - after each 429, the wait before the same request again, as a ratio
#    to Retry-After (target >= 1.00);
#  - between device-code token polls, the wait, as a ratio to the
#    interval the service asked for (target >= 1.00).
. "$(dirname "$0")/lib.sh"
retry_after=2
device_interval=1

sim_up --time-scale 1 --faults "seed=5,429=0.2@*/importRequests/*,429=0.2@*/build/builds/*,retry-after=$retry_after"
sim_settings "{\"device_interval_s\":$device_interval,\"device_auto_approve_polls\":2,\"replication_delay_ms\":3000}"
sim_answers "$bench_tmp/answers.yml"
: > "$SIM_LOG"
apply_whole "$bench_tmp/answers.yml"
if [ "$rc" -ne 0 ]; then
	echo "polling: apply failed (exit status $rc):"
	tail -n 20 "$bench_tmp/apply.out"
	exit 1
fi
requests "$SIM_LOG" > "$bench_tmp/all.tsv"
sim_down
n=$(wc -l < "$bench_tmp/all.tsv")
n429=$(awk -F'\t' '$5 == 429' "$bench_tmp/all.tsv" | wc -l)
figure "polling: requests of a full setup" "$n" \
    "time scale 1, $n429 of them throttled (429); apply took $wall_ms ms"

# Consecutive requests of the same method and URL: "endpoint gap status",
# the endpoint with ids and numbers replaced and the query dropped.
awk -F'\t' 'BEGIN {OFS = "\t"}
    {key = $3 " " $4
     if (key in last_end)
         print key, $1 - last_end[key], last_status[key]
     last_end[key] = $2; last_status[key] = $5}' "$bench_tmp/all.tsv" |
    sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/{id}/g;
        s#/[0-9]+(/|\?|\t|$)#/{n}\1#g; s/\?[^\t]*//' > "$bench_tmp/gaps.tsv"

# The GETs read again after an answer that was not a 429: the polls.
awk -F'\t' '$3 != 429 && $1 ~ /^GET .*(\/operations\/|\/importRequests\/|\/build\/builds\/)/' \
    "$bench_tmp/gaps.tsv" |
    sort -t'	' -k1,1 -k2,2n |
    awk -F'\t' '{g[$1] = g[$1] " " $2; c[$1]++}
        END {for (k in g) {
            split(substr(g[k], 2), v, " ")
            printf "%s\t%d\t%d\t%d\t%d\n", k, c[k], v[1],
                v[int((c[k] + 1) / 2)], v[c[k]]}}' |
    sort -t'	' -k2,2nr > "$bench_tmp/polls.tsv"
while IFS='	' read -r endpoint count min med max; do
	figure "polling: $endpoint" "min ${min} ms, median ${med} ms, max ${max} ms over $count gaps" \
	    "no interval asked; the client's own"
done < "$bench_tmp/polls.tsv"

# The URLs read most often in the setup.
awk -F'\t' '$3 == "GET" {sub(/\?.*/, "", $4); c[$4]++} END {for (k in c) print c[k] "\t" k}' \
    "$bench_tmp/all.tsv" | sort -nr | head -n 3 |
    sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/{id}/g' |
    while IFS='	' read -r count url; do
	figure "polling: reads of GET $url" "$count" "the URLs read most"
    done

# Back-off: the longest run of reads of one status URL, its gaps in order.
longest=$(awk -F'\t' '$3 == "GET" && $4 ~ /\/build\/builds\/[0-9]+\?/ {c[$4]++} END {for (k in c) print c[k] "\t" k}' \
    "$bench_tmp/all.tsv" | sort -nr | head -n 1 | cut -f2-)
gaps=$(awk -F'\t' -v u="$longest" '$3 == "GET" && $4 == u {
    if (e) {printf "%s%d", sep, $1 - e; sep = " "}; e = $2}' "$bench_tmp/all.tsv")
# Medians of its first and last thirds: a gap stretched by a 429 on the
# same service (all its requests wait out Retry-After) moves neither.
thirds=$(echo "$gaps" | tr ' ' '\n' | awk '{g[NR] = $1}
    function median(from, to,   n, i, j, t, v) {
        n = 0
        for (i = from; i <= to; i++) v[++n] = g[i]
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
            if (v[j] < v[i]) {t = v[i]; v[i] = v[j]; v[j] = t}
        return v[int((n + 1) / 2)]
    }
    END {k = int(NR / 3); if (k < 1) k = 1
        print median(1, k), median(NR - k + 1, NR)}')
figure "polling: back-off on the longest poll" \
    "median gap of its last third / of its first $(ratio "${thirds#* }" "${thirds% *}")" \
    "> 1.00 when it backs off (every 30 s, x1.5, up to 30 s); gaps in ms: $gaps"
note "the longest poll: GET $(echo "$longest" | sed -E 's/[0-9a-f]{8}-[0-9a-f-]{27}/{id}/g')"

# After a 429: the wait before the same request again, against Retry-After.
if [ "$n429" -gt 0 ]; then
	min429=$(awk -F'\t' '$3 == 429 {print $2}' "$bench_tmp/gaps.tsv" |
	    sort -n | head -n 1)
	again=$(awk -F'\t' '$3 == 429' "$bench_tmp/gaps.tsv" | wc -l)
	figure "polling: shortest wait after a 429 / Retry-After" \
	    "$(ratio "${min429:-0}" "$((retry_after * 1000))")" \
	    "target >= 1.00; ${min429:-n/a} ms / ${retry_after} s, over $again retried 429s"
fi

# Device code sign-in: the token polls after the code was given.
awk -F'\t' '$4 ~ /oauth2\/v2.0\/devicecode$/ {e = $2; on = 1; next}
    on && $4 ~ /oauth2\/v2.0\/token$/ {print $1 - e; e = $2; if ($5 == 200) on = 0}' \
    "$bench_tmp/all.tsv" > "$bench_tmp/device.txt"
if [ -s "$bench_tmp/device.txt" ]; then
	mind=$(sort -n "$bench_tmp/device.txt" | head -n 1)
	figure "polling: shortest device-code poll gap / interval asked" \
	    "$(ratio "$mind" "$((device_interval * 1000))")" \
	    "target >= 1.00; $mind ms / ${device_interval} s over $(wc -l < "$bench_tmp/device.txt") polls"
fi
