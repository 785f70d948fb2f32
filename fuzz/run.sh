# A short run of each libFuzzer target over its seed corpus (make check,
# when configured with --enable-fuzzing). A crash, a sanitizer report, a
# leak (LeakSanitizer), a timeout or running out of memory fails the
# target; what libFuzzer saved then reproduces it: fuzz/fuzz-NAME FILE.
# FUZZ_SECONDS (default 15): time per target; FUZZ_ONLY="json sim": some.
. "$top_srcdir/tests/lib.sh"

seconds=${FUZZ_SECONDS:-15}
targets=${FUZZ_ONLY:-"answers catalog infracfg json paths sim state"}
jobs=$(nproc 2>/dev/null || echo 1)
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0"
export LSAN_OPTIONS="suppressions=$top_srcdir/tests/lsan.supp"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

fuzz() { # NAME: one target's run, its output in $tap_tmp/NAME.out
	mkdir -p "$tap_tmp/$1.corpus"
	"$top_builddir/fuzz/fuzz-$1" -max_total_time="$seconds" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$tap_tmp/$1-" "$tap_tmp/$1.corpus" \
	    "$top_srcdir/fuzz/corpus/$1" >"$tap_tmp/$1.out" 2>&1
	echo $? > "$tap_tmp/$1.rc"
}

# Run as many at once as there are cores.
running=0
for t in $targets; do
	fuzz "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait

for t in $targets; do
	rc=$(cat "$tap_tmp/$t.rc" 2>/dev/null || echo 99)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tap_tmp/$t.out")
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$tap_tmp/$t.out")
	seeds=$(ls "$top_srcdir/fuzz/corpus/$t" | wc -l)
	tap_result "$rc" "fuzz-$t: ${runs:-?} runs in ${seconds}s (${speed:-?}/s) from $seeds seeds, no crash, leak or sanitizer report"
	if [ "$rc" -ne 0 ]; then
		diag "exit status $rc; the end of its output:"
		tail -n 60 "$tap_tmp/$t.out" | sed 's/^/# /'
		for a in "$tap_tmp/$t"-*; do
			[ -f "$a" ] || continue
			keep="$top_builddir/fuzz/$(basename "$a")"
			cp "$a" "$keep"
			diag "reproduce with: fuzz/fuzz-$t $keep"
		done
	fi
	# The seeds themselves must be answered too (they ran first above).
	[ "$seeds" -gt 0 ] || tap_result 1 "fuzz-$t: the seed corpus is empty"
done
done_testing
