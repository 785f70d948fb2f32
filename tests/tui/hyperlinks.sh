# Addresses as OSC 8 hyperlinks where the terminal shows them, plain text
# elsewhere: the wizard on the sandbox under script(1), a terminal whose
# bytes are read back, from the sign-in's device page until its log shows
# the organization's address; then q.
. "$top_srcdir/tests/lib.sh"

unset TMUX STY VTE_VERSION KITTY_WINDOW_ID WT_SESSION TERM_PROGRAM \
    MLOPS_TUI_HYPERLINKS
# session ENV...: the bytes it wrote land in $tap_tmp/ts.
session() {
	rm -f "$tap_tmp/ts" "$tap_tmp/in"
	mkfifo "$tap_tmp/in"
	env TERM=xterm LANG=C.UTF-8 LC_ALL=C.UTF-8 "$@" script -q -e -c \
	    "'$MLOPS_TUI' --sandbox" "$tap_tmp/ts" <"$tap_tmp/in" \
	    >/dev/null 2>&1 &
	_pid=$!
	exec 3>"$tap_tmp/in"
	wait_for 60 grep -q "Signed in to" "$tap_tmp/ts"
	# A frame or two more, drawn with the address on screen.
	sleep 1.5
	printf q >&3
	exec 3>&-
	wait "$_pid"
}
esc=$(printf '\033')
links() { grep -ao "$esc]8;;[^$esc]*" "$tap_tmp/ts" | sort -u; }

session MLOPS_TUI_HYPERLINKS=1
url=$(links | sed -n 's/^.]8;;\(http.*\/sandbox\)$/\1/p' | head -n 1)
case $url in
http://127.0.0.1:*/sandbox) tap_result 0 "MLOPS_TUI_HYPERLINKS=1: the organization's address is a link ($url)" ;;
*) tap_result 1 "MLOPS_TUI_HYPERLINKS=1: the organization's address is a link"
   diag "links: $(links | cat -v)" ;;
esac
grep -aqF "$esc]8;;$url$esc\\$url$esc]8;;$esc\\" "$tap_tmp/ts"
tap_result $? "the link's text is the address itself, the link closed after it"
links | grep -q "^.]8;;http://127.0.0.1:[0-9]*/_entra/device$"
tap_result $? "the sign-in's device page is a link, to open with a click"
after=$(sed -n 's/.*\[?1049l//p' "$tap_tmp/ts" | tr -d '\n')
lacks "$after" "]8;;" "nothing of a link comes out after the wizard has left the screen"

session VTE_VERSION=7000
[ -n "$(links)" ]
tap_result $? "a VTE terminal gets links"
session
[ -z "$(links)" ]
tap_result $? "an unknown terminal gets plain text"
session VTE_VERSION=7000 TMUX=/tmp/tmux-0/default,1,0
[ -z "$(links)" ]
tap_result $? "inside tmux (which may not pass them), plain text"
session VTE_VERSION=7000 MLOPS_TUI_HYPERLINKS=0
[ -z "$(links)" ]
tap_result $? "MLOPS_TUI_HYPERLINKS=0 turns them off"
done_testing
