# The checklist's width follows the terminal's: at 120 columns a title
# that needs 50 is shown whole; at 80 the same title is cut, and the cut
# says so with an ellipsis ("..." when the locale is not UTF-8).
. "$top_srcdir/tests/lib.sh"

. "$top_srcdir/tests/tui/tmux.sh"
title="Make main the default branch of the imported repos"
width() { tmux -L "$sock" display -p -t w '#{window_width}'; }
# resize COLSxROWS, and wait until the wizard has drawn at that width.
resize() {
	tmux -L "$sock" resize-window -t w -x "${1%x*}" -y "${1#*x}"
	wait_for 5 sh -c "[ \"\$(tmux -L '$sock' display -p -t w '#{window_width}')\" = ${1%x*} ]"
}
# list_line: the list's line of the title (its first words), up to the
# rule between list and detail; the list alone, above the log.
list_line() {
	pane | sed -n '3,/ Log /p' | grep -F -- "$(printf '%.25s' "$title")" |
	    head -n 1 | sed 's/│.*//; s/|.*//; s/ *$//'
}
ends_whole() { case $(list_line) in *"$title") true ;; *) false ;; esac; }
ends_cut() { case $(list_line) in *"$more") true ;; *) false ;; esac; }

for locale in C.UTF-8 C; do
	case $locale in C.UTF-8) more="…" ;; *) more="..." ;; esac
	TUI_ARGS=--sandbox tui_start LANG=$locale LC_ALL=$locale
	wait_for 30 shows "Up/Down select"
	tap_result $? "$locale: the run screen is up"
	# The selection at the top, so that the list stays there: following
	# the running step it would scroll the title off an 80x24 list.
	keys Home
	resize 120x40
	wait_for 5 ends_whole
	tap_result $? "$locale: 120x40: the title is shown whole in the list"
	[ -n "$(list_line)" ] && ! ends_cut
	tap_result $? "$locale: 120x40: with no ellipsis"
	resize 80x24
	wait_for 5 ends_cut
	tap_result $? "$locale: 80x24: the title is cut, ending with $more"
	line=$(list_line)
	diag "$line"
	contains "$line" "$(printf '%.25s' "$title")" \
	    "$locale: 80x24: it begins as the title does"
	[ "$(printf '%s' "$line" | wc -m)" -le 39 ]
	tap_result $? "$locale: 80x24: within the list's 40 columns"
	keys q
	tui_quit_status >/dev/null
done
done_testing
