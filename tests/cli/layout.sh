# The architecture is visible and enforced: src/ never includes curses.
. "$top_srcdir/tests/lib.sh"

cd "$top_srcdir" || exit 1
for path in src ui templates tests man README.md COPYING .ci/run \
    configure.ac Makefile.am bootstrap templates/steps.yml; do
	[ -e "$path" ]
	tap_result $? "$path exists"
done

# Every file under src/, its subdirectories (src/sim/, src/steps/) included;
# the same pattern must find ui/'s includes, or it finds nothing anywhere.
curses_re='#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|term\.h|panel\.h)'
hits=$(grep -rlE --include='*.[ch]' "$curses_re" src)
is "$?:$hits" "1:" "nothing in src/ (recursively) includes curses"
[ "$(grep -rlE --include='*.[ch]' "$curses_re" ui | wc -l)" -gt 0 ]
tap_result $? "the same pattern finds ui/'s curses includes"

grep -q 'MIT License' COPYING
tap_result $? "COPYING is the MIT licence"

# The README's test command is the one .ci/run runs.
readme_cmd=$(sed -n 's/^ *\(sudo \)\{0,1\}\(\.\/bootstrap check\)$/\2/p' README.md | head -n 1)
is "$readme_cmd" "./bootstrap check" "README gives ./bootstrap check as the test command"
grep -q '^\./bootstrap check' .ci/run
tap_result $? ".ci/run runs the same command"

done_testing
