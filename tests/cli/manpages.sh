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
	# man(1), as a reader runs it; man-db is not always installed (bootstrap
	# installs it): skipped without it, a failure in CI.
	if command -v man >/dev/null 2>&1; then
		rendered=$(MANPAGER=cat MANWIDTH=80 man -l "$page" 2>"$tap_tmp/man.err")
		contains "$rendered" "mlops-tui" "$(basename "$page"): renders with man"
		is "$(cat "$tap_tmp/man.err")" "" "$(basename "$page"): man warns of nothing"
	elif [ "${CI:-}" = true ]; then
		tap_result 1 "$(basename "$page"): renders with man (man(1) is missing in CI)"
	else
		tap_result 0 "$(basename "$page"): renders with man # SKIP no man(1)"
	fi
done


# Each item is looked for in the section that documents it, as the tag of
# an entry where the page has entries, not anywhere in the page.
# lines [PAGE] NAME: the rendered lines of one section (section names are
# the only lines that start in column 0), rendered wide, so that no line
# break splits a name at its hyphens.
lines() {
	_page=$man1
	[ $# -eq 2 ] && { _page=$1; shift; }
	"$mandoc" -Tascii -O width=1000 "$_page" | sed 's/.\x08//g' |
	    awk -v name="$1" '/^[A-Z]/ { on = ($0 == name); next } on'
}
# section [PAGE] NAME: the same on one line.
section() {
	lines "$@" | tr -s ' \n' '  '
}
# subsection PAGE NAME: the lines of a subsection (its title indented 3).
subsection() {
	lines "$1" DESCRIPTION | awk -v name="   $2" \
	    '/^   [A-Z]/ { on = ($0 == name); next } on'
}

run --help
# Every exit status --help lists is in EXIT STATUS with the same meaning:
# an entry whose tag is the number and whose text is the meaning.
# A meaning wrapped to 80 columns goes on under its first word: joined.
echo "$out" | awk '/^  [0-9]+  / { if (e != "") print e; e = $0; next }
    e != "" && /^     / { sub(/^ +/, ""); e = e " " $0; next }
    { if (e != "") print e; e = "" } END { if (e != "") print e }' |
    sed -n 's/^  \([0-9][0-9]*\)  \(.*\)$/\1 \2/p' > "$tap_tmp/codes"
[ -s "$tap_tmp/codes" ]
tap_result $? "--help lists exit statuses"
exits=$(lines "EXIT STATUS" | sed -n 's/^     \([0-9][0-9]*\)  *\(.*\)$/\1 \2/p')
while read -r code meaning; do
	echo "$exits" | grep -qxF "$code $meaning"
	tap_result $? "EXIT STATUS: $code, $meaning"
done < "$tap_tmp/codes"
is "$(echo "$exits" | wc -l)" "$(wc -l < "$tap_tmp/codes" | tr -d ' ')" \
    "EXIT STATUS has no status --help does not list"

# Every option --help lists is the tag of an entry of OPTIONS (tags start
# in column 5; "-s file, --state=file", "--namespace ns, --postfix pf").
tags=$(lines OPTIONS | sed -n 's/^     \(-[^ ].*\)$/\1/p; s/^     \(--[a-z-]*\)  .*$/\1/p')
for opt in $(echo "$out" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
	echo "$tags" | grep -qE -- "(^|, )$opt([ =,]|\$)"
	tap_result $? "OPTIONS has an entry for $opt"
done
# KEY BINDINGS lists every key of the wizard's key table (ui/keys.c).
keys=$(sed -n 's/^	{ [^,]*, "\([^"]*\)", ACTION_.*/\1/p' "$top_srcdir/ui/keys.c")
[ -n "$keys" ]
tap_result $? "the key table is found in ui/keys.c"
bindings=$(section "KEY BINDINGS")
[ -n "$bindings" ]
tap_result $? "mlops-tui(1) has KEY BINDINGS"
for key in $keys; do
	contains "$bindings" "$key" "KEY BINDINGS lists $key"
done
# WIZARD STEPS lists every step of the catalogue (templates/steps.yml, as
# the program loads it) in its order, each with its kind, whether it is per
# environment, when it applies, its title and who may do it.
"$MLOPS_TUI" status --json > "$tap_tmp/catalogue.json"
tap_result $? "status --json gives the catalogue"
jq -r '.sections[].steps[] | [.id, .kind, (if .environment then
    ", per environment" else "" end), (if .condition then ", " + .condition
    else "" end), .title, (.who | join(" or "))] | join("|")' \
    "$tap_tmp/catalogue.json" > "$tap_tmp/steps"
[ "$(wc -l < "$tap_tmp/steps")" -ge 20 ]
tap_result $? "the catalogue has its steps"
rest=$(section "WIZARD STEPS")
while IFS="|" read -r id kind env cond title who; do
	entry="$id ($kind$env$cond) $title. Who: $who."
	case $rest in
	*"$entry"*) rest=${rest#*"$entry"}; tap_result 0 "WIZARD STEPS: $id, in order" ;;
	*) tap_result 1 "WIZARD STEPS: $id, in order"
	   diag "not found (after the step before it): $entry" ;;
	esac
done < "$tap_tmp/steps"
[ "$(section "WIZARD STEPS" | grep -o ') [A-Z][^.]*\. Who: ' | wc -l)" -eq \
    "$(wc -l < "$tap_tmp/steps")" ]
tap_result $? "WIZARD STEPS lists no step the catalogue does not have"

# DIAGNOSTICS explains every known failure of templates/errors.yml, by its
# id and the step to go back to.
awk '/^errors:/ { on = 1 } on && /^  - id: / { id = $3 }
    on && /^    step: / { print id, $2 }' "$top_srcdir/templates/errors.yml" \
    > "$tap_tmp/errors"
[ "$(wc -l < "$tap_tmp/errors")" -eq \
    "$(grep -c '^  - id: ' "$top_srcdir/templates/errors.yml")" ]
tap_result $? "every error of errors.yml has its step"
diagnostics=$(section "DIAGNOSTICS")
while read -r id step; do
	contains "$diagnostics" "$id ($step)" "DIAGNOSTICS explains $id"
done < "$tap_tmp/errors"
is "$(echo "$diagnostics" | grep -o '[a-z0-9-]* ([a-z0-9-]*) ' | wc -l)" \
    "$(wc -l < "$tap_tmp/errors" | tr -d ' ')" \
    "DIAGNOSTICS explains no failure errors.yml does not have"

# Every command --help lists is the tag of an entry of COMMANDS.
cmds=$(echo "$out" | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\)  .*/\1/p')
is "$(echo "$cmds" | sort | tr '\n' ' ')" "apply destroy doctor export plan sim status " \
    "--help lists the commands"
for cmd in $cmds; do
	lines COMMANDS | grep -qE "^     $cmd( |\$)"
	tap_result $? "COMMANDS has an entry for $cmd"
done

# mlops-tui(5) Format: each field of the state file is the tag of an entry
# (the step record's fields one level in), and the status entry names
# each status, quoted, with its meaning.
format=$(subsection "$man5" Format)
[ -n "$format" ]
tap_result $? "mlops-tui(5) has its Format"
for field in format generator serial created updated answers environments \
    steps; do
	echo "$format" | grep -qE "^     ([a-z_]+, )?$field(,| |\$)"
	tap_result $? "Format has an entry for the field $field"
done
for field in id environment status started finished attempts last_error; do
	echo "$format" | grep -qE "^             ([a-z_]+, )?$field(,| |\$)"
	tap_result $? "Format has an entry for the step field $field"
done
status_entry=$(echo "$format" | awk '/^             status / { on = 1 }
    on && /^             [a-z]/ && !/^             status / { exit } on' |
    tr -s ' \n' '  ')
for word in pending running done failed skipped manual; do
	contains "$status_entry" "\`$word' (" "Format's status entry explains $word"
done

# Input rules: a row for every field the code has a rule for (answers.c).
rules=$("$mandoc" -Tascii -O width=1000 "$man5" | sed 's/.\x08//g' |
    sed -n '/^   Input rules/,/^[A-Z]/p')
fields=$(sed -n 's/^	{ "\([a-z_]*\)", rule_[a-z_]* },$/\1/p' "$top_srcdir/src/answers.c")
[ "$(echo "$fields" | wc -w)" -ge 20 ]
tap_result $? "the rules are found in src/answers.c ($(echo "$fields" | wc -w))"
for f in $fields; do
	echo "$rules" | grep -q "^     $f  "
	tap_result $? "mlops-tui(5) Input rules has a row for $f"
done
done_testing
