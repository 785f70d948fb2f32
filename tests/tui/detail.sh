# The step screen (Enter) as a person reads and copies it: its text,
# wrapped at 80 and at 120 columns, compared word for word with the
# source in templates/steps.yml - no character lost where a word meets
# the edge, inside a command or an address as well.
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
start() { TUI_ARGS=--sandbox tui_start "$@"; }

# source FIELD: the step's field in the catalogue, its words one space
# apart.
source_words() {
	python3 -c 'import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["steps"]
step = [s for s in steps if s["id"] == "hosted-parallelism"][0]
print(" ".join(step[sys.argv[2]].split()))' \
	    "$top_srcdir/templates/steps.yml" "$1"
}
height() { tmux -L "$sock" display -p -t w '#{window_height}'; }
row() { pane | sed -n "$1p"; }
row_differs() { [ "$(row "$1")" != "$2" ]; }
# step_lines: the step screen's text, scrolled through to its end (the
# last line of the pane's text area, one per step down).
step_lines() {
	last=$(( $(height) - 1 ))
	pane | sed -n "4,${last}p"
	for _ in $(seq 1 100); do
		top=$(row 4)
		keys j
		wait_for 2 row_differs 4 "$top" || break
		row "$last"
	done
}
# block LABEL: the words of one labelled block of step_lines' text.
block() {
	awk -v label="$1" '
	    substr($0, 1, 8) ~ "^" label " *$" { on = 1 }
	    on && $0 == "" { exit }
	    on { print substr($0, 9) }' "$tap_tmp/step" | tr -s ' \n' '  ' |
	    sed 's/^ *//; s/ *$//'
}

start LANG=C.UTF-8 LC_ALL=C.UTF-8
wait_for 120 shows "finished"
tap_result $? "the sandbox guide runs to its end"
for size in 80x24 120x40; do
	tmux -L "$sock" resize-window -t w -x "${size%x*}" -y "${size#*x}"
	wait_for 5 sh -c "[ \"\$(tmux -L '$sock' display -p -t w '#{window_width}')\" = ${size%x*} ]"
	select_step "Check that pipelines can get an agent"
	tap_result $? "$size: the parallelism check is selected"
	keys Enter
	wait_for 5 shows "Up/Down scroll"
	tap_result $? "$size: Enter opens it"
	step_lines > "$tap_tmp/step"
	is "$(block What)" "$(source_words what)" \
	    "$size: What holds the catalogue's text, no character lost"
	is "$(block Hand)" "$(source_words manual)" \
	    "$size: Hand too, the address in it whole"
	wide=$(awk '{ if (length($0) > n) n = length($0) } END { print n }' "$tap_tmp/step")
	[ "$wide" -lt "${size%x*}" ]
	tap_result $? "$size: no line reaches the last column ($wide)"
	keys Escape
	wait_for 5 shows "Up/Down select"
done
keys q
is "$(tui_quit_status)" 0 "q quits"
done_testing
