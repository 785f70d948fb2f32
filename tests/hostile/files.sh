# What a hostile or careless world does to mlops-tui's own files and to the
# secrets it holds (issue 17, items 1-7): names that only look like
# loopback, a password in the organization URL, core dumps, links and
# FIFOs where its files go, and a shared directory it did not make.
. "$top_srcdir/tests/lib.sh"
sim_start

answers="$tap_tmp/answers.yml"
sim_answers "$answers"
state="$tap_tmp/setup.json"

# apply_wrong_pat [ARGS...]: `apply --yes` with a PAT the sandbox refuses:
# it opens (and locks) the state, then stops at the sign-in.
apply_wrong_pat() {
	out=$(AZURE_DEVOPS_EXT_PAT=not-the-pat timeout 20 "$MLOPS_TUI" "$@" \
	    </dev/null 2>&1) && rc=0 || rc=$?
}

# apply_plan [ARGS...]: `plan` on the sandbox with the PAT from the
# environment, at most 20 s (a hang is a failure, not a stuck suite).
apply_plan() {
	out=$(AZURE_DEVOPS_EXT_PAT="$SIM_PAT" timeout 20 "$MLOPS_TUI" "$@" \
	    </dev/null 2>&1) && rc=0 || rc=$?
}

# --- 1. plain http only to loopback literals ---------------------------------
for org in http://127.0.0.1.example.invalid/x http://localhost.example.invalid/x \
    http://127.example.invalid/x; do
	sed "s|^organization: .*|organization: $org|" "$answers" > "$tap_tmp/a1.yml"
	apply_plan --state "$tap_tmp/one.json" plan --answers "$tap_tmp/a1.yml"
	is "$rc" 2 "$org: refused as an answer (2)"
	contains "$out" "plain http is only for this machine" "$org: says why"
	run doctor --org "$org" --repo r
	is "$rc" 2 "$org: refused by doctor --org (2)"
done
[ ! -e "$tap_tmp/one.json" ]
tap_result $? "no state file was made for a refused organization"

# --- 2. no user name or password in the organization URL ---------------------
pw="hunter2-$$-secret"
sed "s|^organization: http://|organization: http://someone:$pw@|" "$answers" \
    > "$tap_tmp/a2.yml"
apply_plan --state "$tap_tmp/two.json" --log "$tap_tmp/two.log" \
    plan --answers "$tap_tmp/a2.yml"
is "$rc" 2 "a password in the organization URL is refused (2)"
contains "$out" "may not hold a user name or password" "saying why"
lacks "$out" "$pw" "the password is not echoed"
leaked=$(grep -rl -- "$pw" "$XDG_STATE_HOME" "$tap_tmp"/two.* 2>/dev/null)
is "$leaked" "" "the password reaches no state file, backup or log"
for bad in 'https://dev.azure.com' 'https://dev.azure.com/not a url' \
    'https://dev.azure.com/org?x=1' 'https://dev.azure.com/org#top' \
    'https://dev.azure.com/a/../org'; do
	run doctor --org "$bad" --repo r
	is "$rc" 2 "refused: $bad"
	lacks "$err" "plain http" "not blamed on plain http: $bad"
done

# --- 3. no core dump while secrets are in memory ------------------------------
mkdir -p "$tap_tmp/cores"
(
	cd "$tap_tmp/cores" || exit 1
	ulimit -c unlimited
	exec "$MLOPS_TUI" sim --world "$tap_tmp/cores/w.json" \
	    >"$tap_tmp/core.out" 2>&1
) &
core_pid=$!
sandbox_wait "$tap_tmp/core.out" "$core_pid"
is "$(awk '/^Max core file size/ { print $5 }' "/proc/$core_pid/limits")" 0 \
    "core files are off (RLIMIT_CORE 0), whatever the shell allowed"
kill -SEGV "$core_pid"
wait "$core_pid" 2>/dev/null
is "$(ls "$tap_tmp/cores" | grep -c core)" 0 "a crash leaves no core file"

# --- 5. links and other people's files where mlops-tui keeps its own ----------
echo "precious" > "$tap_tmp/target"
ln -s "$tap_tmp/target" "$state.lock"
apply_wrong_pat --state "$state" apply --yes --answers "$answers"
is "$rc" 3 "a symbolic link at the lock is refused (3)"
contains "$out" "symbolic link" "saying what is wrong"
is "$(cat "$tap_tmp/target")" precious "the link's target is untouched"
rm "$state.lock"

ln "$tap_tmp/target" "$state.lock"
apply_wrong_pat --state "$state" apply --yes --answers "$answers"
is "$rc" 3 "a second name (hard link) of another file at the lock is refused (3)"
is "$(cat "$tap_tmp/target")" precious "and the file is untouched"
rm "$state.lock"

ln -s "$tap_tmp/target" "$state"
run --state "$state" status
is "$rc" 3 "a symbolic link as the state file is refused by status (3)"
apply_plan --state "$state" plan --answers "$answers"
is "$rc" 3 "and by plan (3)"
is "$(cat "$tap_tmp/target")" precious "its target is untouched"
[ -L "$state" ]
tap_result $? "the link itself is left as it was"
rm "$state"

if [ "$(id -u)" -eq 0 ]; then
	cp "$top_srcdir/tests/fixtures/state/partial.json" "$state"
	chown 65534 "$state"
	run --state "$state" status
	is "$rc" 3 "a state file that belongs to another user is refused (3)"
	contains "$err" "belongs to another user" "saying so"
	rm -f "$state"
else
	tap_result 0 "# SKIP another user's file needs root to make"
	tap_result 0 "# SKIP another user's file needs root to make"
fi

# --- 6. modes only on directories mlops-tui makes -----------------------------
shared="$tap_tmp/shared"
mkdir "$shared"
chmod 1777 "$shared"
apply_wrong_pat --state "$shared/setup.json" apply --yes --answers "$answers"
is "$(stat -c %a "$shared")" 1777 "a shared 1777 directory keeps its mode"
mkdir -p "$tap_tmp/new"
apply_wrong_pat --state "$tap_tmp/new/deeper/setup.json" apply --yes \
    --answers "$answers"
is "$(stat -c %a "$tap_tmp/new/deeper")" 700 "a directory it makes is 0700"

# --- 7. a FIFO never hangs it ---------------------------------------------------
mkfifo "$tap_tmp/fifo"
err=$(timeout 20 "$MLOPS_TUI" --state "$tap_tmp/fifo" status 2>&1 >/dev/null) &&
    rc=0 || rc=$?
is "$rc" 3 "a FIFO as the state file: status refuses it at once (3)"
contains "$err" "is a FIFO" "saying what it is"
apply_plan --state "$tap_tmp/fifo" plan --answers "$answers"
is "$rc" 3 "plan too (3), without hanging"
out=$(timeout 20 "$MLOPS_TUI" --state "$tap_tmp/p.json" plan --answers \
    "$answers" --pat-file "$tap_tmp/fifo" </dev/null 2>&1) && rc=0 || rc=$?
is "$rc" 2 "a FIFO as --pat-file is refused at once (2)"
contains "$out" "is a FIFO" "saying what it is"
out=$(timeout 20 "$MLOPS_TUI" --state "$tap_tmp/p.json" plan --answers \
    "$tap_tmp/fifo" </dev/null 2>&1) && rc=0 || rc=$?
is "$rc" 2 "a FIFO as the answers file is refused at once (2)"
: > "$tap_tmp/empty"
out=$(timeout 20 "$MLOPS_TUI" --state "$tap_tmp/p.json" plan --answers \
    "$answers" --pat-file "$tap_tmp/empty" </dev/null 2>&1) && rc=0 || rc=$?
contains "$out" "the file is empty" "an empty --pat-file is called empty"
out=$(timeout 20 "$MLOPS_TUI" --state "$tap_tmp/p.json" plan --answers \
    "$answers" --pat-file "$tap_tmp" </dev/null 2>&1) && rc=0 || rc=$?
contains "$out" "is a directory" "a directory as --pat-file is called one"
head -c 5000 /dev/zero | tr '\0' x > "$tap_tmp/big"
out=$(timeout 20 "$MLOPS_TUI" --state "$tap_tmp/p.json" plan --answers \
    "$answers" --pat-file "$tap_tmp/big" </dev/null 2>&1) && rc=0 || rc=$?
contains "$out" "holds more than a PAT" "a huge --pat-file is called too large"
apply_plan --state "$tap_tmp/p.json" plan --answers "$answers" \
    --log "$tap_tmp/fifo"
contains "$out" "is a FIFO" "a FIFO as --log is refused at once"
done_testing
