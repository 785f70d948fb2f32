# The wizard in a real terminal: a tmux server on a private socket, one
# 80x24 window, driven by keys and read back as text. Sourced by the
# tests/tui scripts after tests/lib.sh.
#
# tui_start ENV...: mlops-tui in a new server's window, with ENV (and the
# test's state directory); its arguments come from $TUI_ARGS. Its exit
# status lands in $tap_tmp/status.

unset TMUX
tui_servers=0
sock="mt-tui-$$-0"
at_exit 'for n in $(seq 0 $tui_servers); do tmux -L "mt-tui-$$-$n" kill-server 2>/dev/null; done'

tui_start() {
	rm -f "$tap_tmp/status"
	tmux -L "$sock" kill-server 2>/dev/null
	# A new server each time: a dying one may still hold the old socket.
	tui_servers=$((tui_servers + 1))
	sock="mt-tui-$$-$tui_servers"
	tmux -L "$sock" -f /dev/null new-session -d -s w -x 80 -y 24 \
	    "env XDG_STATE_HOME='$XDG_STATE_HOME' HOME='$HOME' $* '$MLOPS_TUI' ${TUI_ARGS:-}; echo \$? > '$tap_tmp/status'; sleep 600"
}
pane() { tmux -L "$sock" capture-pane -p -t w; }
shows() { pane | grep -qF -- "$1"; }
# shows_text TEXT: anywhere, though wrapped over lines.
shows_text() { pane | sed 's/^ *//' | tr -s '\n ' '  ' | grep -qF -- "$1"; }
# detail: the text of the pane right of the list (the selected step's
# detail), on one line.
detail() {
	pane | sed -n 's/^[^│|]*[│|] \{0,1\}//p' | sed 's/^ *//' | tr -s '\n ' '  '
}
# Any SGR colour (foreground or background, 8, 16, 256 or true colour;
# 39 and 49, the default colours, are none).
pane_colours() {
	tmux -L "$sock" capture-pane -p -e -t w |
	    grep -oP '\e\[(?:[0-9]*;)*(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[0-9]*)*m'
}
keys() { tmux -L "$sock" send-keys -t w "$@"; }
# type_text TEXT: literally, as the operator types it.
type_text() { tmux -L "$sock" send-keys -t w -l -- "$1"; }
cursor_y() { tmux -L "$sock" display -p -t w '#{cursor_y}'; }
# The line the cursor sits on: the focused field, the selected step.
cursor_line() { pane | sed -n "$(( $(cursor_y) + 1 ))p"; }
# The selected step's title as the list shows it (left of the detail
# pane, without its status), to see the selection move, not the screen.
selected() { cursor_line | sed 's/│.*//; s/\[.\]//; s/^ *//; s/ *$//'; }
# A key is sent only once the screen shows the one before it took effect:
# never a fixed pause, which overshoots under load.
moved_from() { [ "$(cursor_y):$(selected)" != "$1" ]; }
# focus TEXT: Down until the cursor's line holds TEXT.
focus() {
	for _ in $(seq 1 40); do
		cursor_line | grep -qF -- "$1" && return 0
		_was="$(cursor_y):$(selected)"
		keys Down
		wait_for 5 moved_from "$_was" || return 1
	done
	return 1
}
# select_step TITLE: from the first step down to TITLE's line (the list
# cuts titles at its width).
first_step=$("$MLOPS_TUI" status --json 2>/dev/null |
    jq -r '.sections[0].steps[0].title' | cut -c1-20)
at_first() { [ -n "$first_step" ] && selected | grep -qF -- "$first_step"; }
select_step() {
	keys Home
	wait_for 5 at_first || return 1
	focus "$(printf '%.30s' "$1")"
}
# state_done ID: a setup's state file under XDG_STATE_HOME says step ID
# is done. While a run goes on the checklist follows the running step and
# scrolls, so what finished early may be off the screen: the state says.
state_done() {
	for _f in "$XDG_STATE_HOME"/mlops-tui/*.json; do
		jq -e --arg id "$1" '[.steps[] | select(.id == $id and
		    .status == "done")] | length > 0' "$_f" >/dev/null 2>&1 &&
		    return 0
	done
	return 1
}
# tui_pid: the wizard's process in this test's window. Tests run side by
# side (make -j), each with its own wizard of the same binary and
# arguments: a match on the command line would be theirs too.
tui_pid() {
	pgrep -P "$(tmux -L "$sock" display -p -t w '#{pane_pid}')" -x mlops-tui
}
# tui_status: once it has quit, its exit status.
tui_quit_status() {
	wait_for 10 test -s "$tap_tmp/status" && cat "$tap_tmp/status"
}
