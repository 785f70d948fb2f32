# The man pages lint clean and say what the program does.
. "$top_srcdir/tests/lib.sh"

mandoc=${MANDOC:-$(command -v mandoc)}
if [ -z "$mandoc" ]; then
	echo "Bail out! mandoc is needed to check the man pages (apt-get install mandoc)"
	exit 1
fi
man1="$top_srcdir/man/mlops-tui.1"
man5="$top_srcdir/man/mlops-tui.5"

for page in "$man1" "$man5"; do
	lint=$("$mandoc" -Tlint -W warning "$page" 2>&1)
	is "$lint" "" "$(basename "$page"): mandoc -Tlint reports nothing"
	"$mandoc" -Thtml "$page" >/dev/null 2>&1
	tap_result $? "$(basename "$page"): renders as HTML"
done

# The rendered text, on one line, without overstriking.
flat() {
	"$mandoc" -Tascii "$1" | sed 's/.\x08//g' | tr -s ' \n' '  '
}
text1=$(flat "$man1")
text5=$(flat "$man5")

run --help
# Every exit status --help lists is in EXIT STATUS with the same meaning.
echo "$out" | sed -n 's/^  \([0-9][0-9]*\)  \(.*\)$/\1 \2/p' > "$tap_tmp/codes"
[ -s "$tap_tmp/codes" ]
tap_result $? "--help lists exit statuses"
while read -r code meaning; do
	contains "$text1" "$code $meaning" "mlops-tui(1) documents exit status $code"
done < "$tap_tmp/codes"

for opt in $(echo "$out" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	contains "$text1" "$opt" "mlops-tui(1) documents $opt"
done
# KEY BINDINGS lists every key of the wizard's key table (ui/keys.c).
keys=$(sed -n 's/^	{ [^,]*, "\([^"]*\)", ACTION_.*/\1/p' "$top_srcdir/ui/keys.c")
[ -n "$keys" ]
tap_result $? "the key table is found in ui/keys.c"
bindings=$(flat "$man1" | sed -n 's/.*KEY BINDINGS\(.*\)COMMANDS.*/\1/p')
for key in $keys; do
	contains "$bindings" "$key" "KEY BINDINGS lists $key"
done
for cmd in status plan apply doctor sim; do
	contains "$text1" "$cmd" "mlops-tui(1) mentions $cmd"
done

for word in pending running done failed skipped manual; do
	contains "$text5" "$word" "mlops-tui(5) documents the status $word"
done
for field in format generator serial created updated answers environments \
    steps id environment status started finished attempts last_error; do
	contains "$text5" "$field" "mlops-tui(5) documents the field $field"
done

done_testing
