# The sandbox as a server under hostile or careless clients (issue 17,
# items 19-22): connections held half-sent, requests whose length is in
# doubt, a PAT with something behind a NUL, settings out of range, and
# what a SIGKILL leaves beside the world. Raw requests are written with
# perl's sockets (perl-base, on every Debian), from loopback addresses.
. "$top_srcdir/tests/lib.sh"

# The sandbox gets 256 file descriptors, so that a few hundred held
# connections do to it what a thousand do at the usual limit of 1024.
real_mlops_tui=$MLOPS_TUI
MLOPS_TUI="$tap_tmp/limited"
printf '#!/bin/sh\nulimit -n 256\nexec "%s" "$@"\n' "$real_mlops_tui" \
    > "$MLOPS_TUI"
chmod +x "$MLOPS_TUI"
sim_start
MLOPS_TUI=$real_mlops_tui
port=${SIM_URL#http://127.0.0.1:}
port=${port%%/*}
basic=$(printf ':%s' "$SIM_PAT" | base64 -w0)

# raw [SECONDS]: send standard input on a new connection; print what came
# back and, last, "<closed>" or "<open>" after SECONDS (default 3).
raw() {
	perl -MIO::Socket::INET -MIO::Select -e '
	my ($port, $wait) = @ARGV; local $/; my $req = <STDIN>;
	my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	    PeerPort => $port) or die "connect: $!";
	syswrite($s, $req); my $sel = IO::Select->new($s); my $end = time + $wait;
	while (time < $end) {
		$sel->can_read($end - time) or next;
		my $n = sysread($s, my $b, 65536);
		if (!$n) { print "<closed>\n"; exit }
		print $b;
	}
	print "<open>\n";' "$port" "${1:-3}"
}

# hold FROM COUNT SECONDS KIND: COUNT connections from address FROM, each
# sending the start of a request (KIND half: a request line and a header;
# trickle: a header byte a second; garbage: bytes that are no request),
# watched for SECONDS. Prints "opened N", then "refused N" (closed within
# a second), then per connection closed later "closed AFTER_S FIRST_LINE".
hold() {
	perl -MIO::Socket::INET -MIO::Select -e '
	my ($port, $from, $n, $secs, $kind) = @ARGV; my (@s, %open); $| = 1;
	$SIG{PIPE} = "IGNORE";
	my %start = (half => "GET /x HTTP/1.1\r\nHost: x\r\n",
	    trickle => "GET /x HTTP/1.1\r\n", garbage => "\0\1\2garbage\r\n");
	for (1 .. $n) {
		my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $port, LocalAddr => $from, Timeout => 2) or last;
		syswrite($c, $start{$kind}); push @s, $c; $open{$c} = $c;
	}
	print "opened ", scalar @s, "\n";
	my $t0 = time; my $refused = 0; my $said = 0;
	while (%open && time < $t0 + $secs) {
		my @ready = IO::Select->new(values %open)->can_read(1);
		for my $c (@ready) {
			my $got = ""; sysread($c, $got, 4096);
			if (time - $t0 <= 1) { $refused++ }
			else { my ($l) = split /\r\n/, $got; $l //= "(nothing)";
			    print "closed ", time - $t0, " $l\n" }
			delete $open{$c};
		}
		if (!$said && time - $t0 > 1) { print "refused $refused\n"; $said = 1 }
		if ($kind eq "trickle") { syswrite($_, "X") for values %open }
	}
	print "refused $refused\n" unless $said;
	print "still open ", scalar keys %open, "\n";
	' "$port" "$@"
}

# codes N: N requests at once from 127.0.0.1, as apply keeps many in
# flight; prints their statuses, sorted and counted.
codes() {
	for i in $(seq 1 "$1"); do
		curl -s -K "$SIM_CURL" -o /dev/null -w '%{http_code}\n' \
		    --max-time 10 "$SIM_URL/_apis/projects" > "$tap_tmp/code.$i" &
	done
	wait
	cat "$tap_tmp"/code.* | sort | uniq -c | sed 's/^ *//'
	rm -f "$tap_tmp"/code.*
}

# --- 19. idle half-sent requests ---------------------------------------------
# From the client's own address: they end at the request deadline (10 s).
hold 127.0.0.1 12 16 half > "$tap_tmp/same.out" &
hold_same=$!
hold 127.0.0.1 1 16 trickle > "$tap_tmp/trickle.out" &
hold_trickle=$!
hold 127.0.0.1 1 16 garbage > "$tap_tmp/garbage.out" &
hold_garbage=$!
# From another address, more than the sandbox has descriptors for.
hold 127.0.0.2 300 16 half > "$tap_tmp/other.out" &
hold_other=$!
wait_for 10 grep -q '^refused' "$tap_tmp/other.out"
refused=$(sed -n 's/^refused //p' "$tap_tmp/other.out")
held=$(( $(sed -n 's/^opened //p' "$tap_tmp/other.out") - ${refused:-0} ))
[ "$held" -le 128 ]
tap_result $? "one address holds at most its share of the connections ($held held of 300)"
is "$(codes 60)" "60 200" "meanwhile 60 requests at once from another client are all answered"
wait "$hold_same" "$hold_trickle" "$hold_garbage" "$hold_other"
for f in same trickle garbage; do
	diag "$f:" "$(cat "$tap_tmp/$f.out")"
	is "$(sed -n 's/^still open //p' "$tap_tmp/$f.out")" 0 \
	    "$f: every request that does not arrive whole is ended"
	lacks "$(grep '^closed' "$tap_tmp/$f.out" | grep -Ev \
	    '^closed (9|1[0-3]) HTTP/1.1 408 Request Timeout$')" closed \
	    "$f: each after about 10 s, answered 408"
done
is "$(sed -n 's/^still open //p' "$tap_tmp/other.out")" 0 \
    "the other address's held connections are ended too"
api GET _apis/projects
is "$status" 200 "the sandbox answers after all that"

# --- 20. requests whose length is in doubt; the PAT compared whole -----------
settings_patch() {
	printf 'PATCH /sandbox/_sandbox/settings HTTP/1.1\r\nHost: x\r\n'
	printf 'Authorization: Basic %s\r\nContent-Type: application/json\r\n' \
	    "$basic"
	printf '%s\r\n' "$@"
	printf '\r\n'
}
smuggled='GET /sandbox/_apis/projects HTTP/1.1\r\nHost: x\r\n\r\n'
out=$( { settings_patch 'Content-Length: 2' 'Content-Length: 51'
    printf "{}$smuggled"; } | raw)
contains "$out" "HTTP/1.1 400 " "two different Content-Lengths: 400"
# An answer's body ends without a newline: count status lines anywhere.
is "$(printf '%s\n' "$out" | grep -o 'HTTP/1\.1 [0-9]' | wc -l)" 1 \
    "and what followed the shorter length was not answered as a request"
is "$(printf '%s\n' "$out" | tail -n 1)" "<closed>" "and the connection closed"
out=$( { settings_patch 'Content-Length: 2' 'Transfer-Encoding: chunked'
    printf "2\r\n{}\r\n0\r\n\r\n"; } | raw)
contains "$out" "HTTP/1.1 400 " "chunked with a Content-Length: 400"
is "$(printf '%s\n' "$out" | tail -n 1)" "<closed>" "and the connection closed"
out=$( { settings_patch 'Transfer-Encoding: gzip'; printf '{}'; } | raw)
contains "$out" "HTTP/1.1 501 " "a transfer coding other than chunked: 501"
is "$(printf '%s\n' "$out" | tail -n 1)" "<closed>" "and the connection closed"
out=$( { settings_patch 'Content-Length: 2' 'Content-Length: 2'
    printf '{}'; } | raw)
contains "$out" "HTTP/1.1 200 " "the same Content-Length twice is one length: 200"
out=$( { settings_patch 'Transfer-Encoding: chunked'
    printf "2\r\n{}\r\n0\r\n\r\n"; } | raw)
contains "$out" "HTTP/1.1 200 " "chunked alone: 200"

signed_in() {
	printf 'GET /sandbox/_apis/projects HTTP/1.1\r\nHost: x\r\n'
	printf 'X-TFS-FedAuthRedirect: Suppress\r\nAuthorization: Basic %s\r\n\r\n' \
	    "$1"
}
out=$(signed_in "$basic" | raw 1)
contains "$out" "HTTP/1.1 200 " "the PAT as Basic credentials: 200"
out=$(signed_in "$(printf ':%s\0junk' "$SIM_PAT" | base64 -w0)" | raw 1)
contains "$out" "HTTP/1.1 401 " "the PAT, a NUL and more: 401"
out=$(signed_in "$(printf ':%s\0' "$SIM_PAT" | base64 -w0)" | raw 1)
contains "$out" "HTTP/1.1 401 " "the PAT and a NUL: 401"
out=$(signed_in "$(printf ':%s' "${SIM_PAT%?}" | base64 -w0)" | raw 1)
contains "$out" "HTTP/1.1 401 " "the PAT but its last character: 401"
out=$(signed_in "${basic}=Zm9v" | raw 1)
contains "$out" "HTTP/1.1 401 " "the PAT with more after the padding: 401"
for garbage in 'hello there\r\n\r\n' 'garbage\r\n' '\26\3\1\0\5\1\0\0\1\0\r\n'; do
	out=$(printf "$garbage" | raw 2)
	case $out in
	*"<closed>") tap_result 0 "no request, the connection closed at once: $garbage" ;;
	*) tap_result 1 "no request, the connection closed at once: $garbage"
	   diag "got: $out" ;;
	esac
done

# --- 21. settings out of range ------------------------------------------------
before=$(curl -s -K "$SIM_CURL" "$SIM_URL/_sandbox/settings")
refuse_setting() {
	api PATCH _sandbox/settings "$1"
	is "$status" 400 "refused: $1"
	contains "$body" "$2" "saying: $2"
}
refuse_setting '{"time_scale":1e308}' "'time_scale' must be a number from 0 to 100."
contains "$body" '"code":"InvalidSetting"' "as an InvalidSetting"
refuse_setting '{"time_scale":-1}' "'time_scale' must be a number from 0 to 100."
refuse_setting '{"device_interval_s":-5}' "'device_interval_s' must be a whole number from 0 to 3600."
refuse_setting '{"device_interval_s":2.5}' "'device_interval_s' must be a whole number from 0 to 3600."
refuse_setting '{"replication_delay_ms":"3000"}' "'replication_delay_ms' must be a whole number from 0 to 600000."
refuse_setting '{"token_lifetime_s":1e12}' "'token_lifetime_s' must be a whole number from 0 to 86400."
refuse_setting '{"device_auto_approve_polls":null}' "'device_auto_approve_polls' must be a whole number from 0 to 1000000."
refuse_setting '{"hosted_parallelism":"yes"}' "'hosted_parallelism' must be true or false."
refuse_setting '{"import_default_branch":7}' "'import_default_branch' must be a string."
refuse_setting '{"taken_names":"kv-x"}' "'taken_names' must be a list of strings."
refuse_setting '{"pat_scopes":[1]}' "'pat_scopes' must be null or a list of strings."
refuse_setting '{"quota_exhausted":true,"time_scale":1e308}' "'time_scale'"
refuse_setting '[1]' "must be a JSON object"
refuse_setting '{"no_such_thing":1,"time_scale":1}' "'no_such_thing' is not a sandbox setting."
is "$(curl -s -K "$SIM_CURL" "$SIM_URL/_sandbox/settings")" "$before" \
    "a refused change changes nothing, not even its valid part"
api PATCH _sandbox/settings '{"time_scale":0.05,"device_interval_s":0,"pat_scopes":null}'
is "$status" 200 "values in range are taken"
for scale in nan -nan inf 1e308; do
	# At most 5 s: one taken would serve until killed.
	timeout 5 "$MLOPS_TUI" sim --time-scale "$scale" \
	    --world "$tap_tmp/never.json" >/dev/null 2>&1 && rc=0 || rc=$?
	is "$rc" 2 "--time-scale $scale is refused as the setting is (2)"
done

# --- 22. what a SIGKILL during world writes leaves ----------------------------
world="$tap_tmp/w2/world.json"
mkdir -p "$tap_tmp/w2"
start_w2() {
	"$MLOPS_TUI" sim --world "$world" >"$tap_tmp/w2.out" 2>"$tap_tmp/w2.err" &
	w2_pid=$!
	sandbox_wait "$tap_tmp/w2.out" "$w2_pid"
}
start_w2
kill -KILL "$w2_pid"
wait "$w2_pid" 2>/dev/null
# A repository the world lists (as after a save), and what a kill leaves.
kept=$(cat /proc/sys/kernel/random/uuid)
orphan=$(cat /proc/sys/kernel/random/uuid)
jq --arg id "$kept" '.repositories += [{id: $id, name: "kept", project_id: "p"}]' \
    "$world" > "$world.edit" && mv "$world.edit" "$world"
for id in "$kept" "$orphan"; do
	git init -q --bare "$world.repos/$id.git"
done
leftovers="$(mktemp "$world.tmp.XXXXXX") $(mktemp "$world.tmp.XXXXXX") \
$world.bak.tmp $(mktemp "$world.repos/.body.XXXXXX") $world.repos/$orphan.git"
touch "$world.bak.tmp"
decoys="$world.tmp.notes.txt $tap_tmp/w2/other.json.tmp.ABCDEF \
$world.repos/notes.git"
for d in $decoys; do echo keep > "$d"; done
ln -s "$tap_tmp/w2/target" "$world.tmp.LINK01"
start_w2
contains "$(cat "$tap_tmp/w2.err")" "removed 5 leftovers of an interrupted run" \
    "the restarted sandbox says what it removed"
for f in $leftovers; do
	[ ! -e "$f" ]
	tap_result $? "removed: ${f#"$tap_tmp/"}"
done
for f in $decoys "$world.repos/$kept.git/HEAD"; do
	[ -e "$f" ]
	tap_result $? "kept: ${f#"$tap_tmp/"}"
done
[ -L "$world.tmp.LINK01" ]
tap_result $? "a link named like a temporary is not followed nor removed"
kill "$w2_pid"
wait "$w2_pid" 2>/dev/null

done_testing
