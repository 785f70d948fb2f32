# `make install` into a staging DESTDIR: the binary, both man pages, the
# bash completion and the templates land under the configured directories;
# the installed binary, run from elsewhere, reads its own templates (not the
# source tree's) and does the whole guide on the sandbox; the completion
# completes; `make uninstall` takes every file away again.
. "$top_srcdir/tests/lib.sh"

root="$tap_tmp/root"
# A fresh make: the one running the tests passes its flags (and jobserver)
# in the environment, which are not this make's.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL ${MAKE:-make} \
    --no-print-directory -C "$top_builddir" "$@" DESTDIR="$root" \
    >>"$tap_tmp/make.log" 2>&1; }
files() { (cd "$root" && find . -type f | sort); }

mk install
tap_result $? "make install DESTDIR=... succeeds"
[ $? -eq 0 ] || diag "$(tail -n 20 "$tap_tmp/make.log")"
installed="$root$bindir/mlops-tui"
[ -x "$installed" ]
tap_result $? "the binary is in bindir"
for page in man1/mlops-tui.1 man5/mlops-tui.5; do
	cmp -s "$root$mandir/$page" "$top_srcdir/man/$(basename "$page")"
	tap_result $? "$page is installed in mandir"
done
for data in steps.yml errors.yml answers.example.yml \
    sandbox/mlops-v2/.azuredevops/initialise-project.yml; do
	[ -f "$root$pkgdatadir/templates/$data" ]
	tap_result $? "templates/$data is in pkgdatadir"
done
cmp -s "$root$bashcompletiondir/mlops-tui" "$top_srcdir/completion/mlops-tui.bash"
tap_result $? "the bash completion is installed as mlops-tui"

# ---- the installed binary, from another directory ------------------------
mkdir -p "$tap_tmp/elsewhere"
cd "$tap_tmp/elsewhere" || exit 1
MLOPS_TUI="$installed"
out=$("$MLOPS_TUI" --version)
is "$out" "mlops-tui $(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")" \
    "the installed binary runs"

# It reads the installed catalogue: a broken copy is what it reports.
steps="$root$pkgdatadir/templates/steps.yml"
cp "$steps" "$tap_tmp/steps.yml"
echo "unknown_key: 1" >> "$steps"
run status
is "$rc" 4 "a broken installed catalogue: exit status 4"
contains "$err" "$(cd "$root$pkgdatadir/templates" && pwd -P)/steps.yml" \
    "the installed binary reads the catalogue under its own pkgdatadir"
cp "$tap_tmp/steps.yml" "$steps"
run status
is "$rc" 0 "restored, status runs"

sim_start
answers="$tap_tmp/answers.yml"
sim_answers "$answers"
AZURE_DEVOPS_EXT_PAT="$SIM_PAT" "$MLOPS_TUI" apply --yes --answers "$answers" \
    --tenant "$SIM_TENANT" --azure-sign-in device >"$tap_tmp/apply.out" 2>&1 </dev/null
rc=$?
is "$rc" 0 "the installed binary's apply does the whole guide on the sandbox"
[ "$rc" -eq 0 ] || diag "$(tail -n 30 "$tap_tmp/apply.out")"
contains "$(cat "$tap_tmp/apply.out")" "[x] Check the deployed resources in Azure (prod): Azure holds" \
    "down to the last step"
kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null
is "$(ls "$tap_tmp/elsewhere")" "" "nothing is written to the working directory"

# ---- bash completion -----------------------------------------------------
complete_words() { # WORDS...: what the installed completion offers
	bash --norc --noprofile -c '. "$1"; shift
	    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
	    _mlops_tui mlops-tui "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	    printf "%s\n" "${COMPREPLY[@]}"' sh \
	    "$root$bashcompletiondir/mlops-tui" "$@"
}
is "$(complete_words mlops-tui ap)" "apply" "mlops-tui ap<TAB> completes to apply"
is "$(complete_words mlops-tui "" | tr '\n' ' ')" "status plan apply destroy doctor sim export " \
    "mlops-tui <TAB> offers the commands"
contains "$(complete_words mlops-tui apply --y)" "--yes" "apply --y<TAB>: --yes"
is "$(complete_words mlops-tui status --y)" "" "status takes no --yes"
is "$(complete_words mlops-tui doctor --infrastructure t)" "terraform" \
    "an option's values"
mkdir -p "$XDG_STATE_HOME/mlops-tui"
: > "$XDG_STATE_HOME/mlops-tui/dev.azure.com%2fcontoso+mlops-v2+ml.json"
contains "$(complete_words mlops-tui --state "$XDG_STATE_HOME/mlops-tui/")" \
    "$XDG_STATE_HOME/mlops-tui/dev.azure.com%2fcontoso+mlops-v2+ml.json" \
    "--state completes the saved setups"

# ---- uninstall -----------------------------------------------------------
mk uninstall
tap_result $? "make uninstall DESTDIR=... succeeds"
is "$(files)" "" "make uninstall leaves no file behind"

done_testing
