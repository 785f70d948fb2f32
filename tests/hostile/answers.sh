# What a careless or hostile answers file does (issue 17, items 9 and
# 12-15; issue 15's "one error per run"): every refusal names the file,
# the line and the field, comes before anything is read or written, and
# all of a file's problems come at once.
. "$top_srcdir/tests/lib.sh"

a="$tap_tmp/a.yml"
base='organization: https://dev.azure.com/contoso
repository: taxi-fare-regression'

# refused TEXT NEEDLE DESCRIPTION: plan on an answers file of TEXT exits 2,
# saying NEEDLE, and no state file is made.
refused() {
	printf '%s\n' "$1" > "$a"
	run plan --answers "$a"
	is "$rc" 2 "$3: exit status 2"
	contains "$err" "$2" "$3: says so"
	[ ! -e "$XDG_STATE_HOME/mlops-tui" ] || [ -z "$(ls "$XDG_STATE_HOME/mlops-tui")" ]
	tap_result $? "$3: no state file"
}

# --- 9. an environment named twice, in any form --------------------------------
refused "$base
environments: prod,prod" "a.yml:3: environments: 'prod,prod' names prod twice" \
    "environments as a string with a repeat"
refused "$base
environments: 'dev, prod , dev'" "names dev twice" "a repeat with spaces"
refused "$base
environments:
  prod: {namespace: a}
  prod: {namespace: b}" "a.yml:5: environments.prod: given twice (first on line 4)" \
    "environments as a mapping with a repeat"
refused "$base
environments: {prod: {}, dev: {}, prod: {}}" "a.yml:3: environments.prod: given twice" \
    "a repeat in flow style"

# --- 12. a NUL escape does not cut a value short -------------------------------
refused "organization: https://dev.azure.com/contoso
repository: \"ok\\u0000/../../etc\"" \
    "a.yml:2: repository: holds a NUL character" "a NUL escape in a value"
refused "$base
\"pro\\0ject\": x" "a key may not hold a NUL" "a NUL escape in a key"

# --- 13. what YAML forbids or a reader would drop ------------------------------
refused "$base
project: one
project: two" "a.yml:4: project: given twice (first on line 3)" "a key given twice"
refused "$base
---
repository: another" "a.yml:3: a second document" "a second document"
refused "$base
? [project, x]
: y" "a.yml:3: a key must be a name" "a complex key"

# --- 14. organization URLs that would name another place ----------------------
for org in 'https://dev.azure.com/contoso/%2e%2e/x' 'https://dev.azure.com/c%00x' \
    'https://dev.azure.com/contoso#' 'https://dev.azure.com/contoso?'; do
	refused "organization: $org
repository: r" "may not have a query" "organization $org"
done

# --- 15. a YAML null is told as empty, not as a character ----------------------
refused "$base
project: ~" "a.yml:3: project: is empty (YAML null)" "project: ~"
lacks "$err" "may not contain" "not blamed on a '~'"
refused "$base
environments:
  prod:
    postfix:" "a.yml:5: environments.prod.postfix: is empty" "an empty postfix"

# --- every problem at once, each with its line, and did you mean ---------------
printf '%s\n' "organization: https://dev.azure.com/contoso" "repositroy: r" \
    "project: 'a/b'" "environments:" "  prod:" "    location: Mars" \
    "project: c" > "$a"
run plan --answers "$a"
is "$rc" 2 "several problems: exit status 2"
is "$(printf '%s\n' "$err" | grep -c "^mlops-tui: $a:[0-9]*: ")" 4 \
    "each problem on a line of its own, led by the file and its line"
contains "$err" "a.yml:2: repositroy: not an answer mlops-tui knows; did you mean repository?" \
    "a misspelt field: did you mean"
contains "$err" "a.yml:3: project: 'a/b' may not contain '/'" "the second problem"
contains "$err" "a.yml:6: environments.prod.location: 'Mars'" "the third"
contains "$err" "a.yml:7: project: given twice (first on line 3)" "the fourth"

done_testing
