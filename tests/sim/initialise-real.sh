# The reference for the ML repository: Microsoft's own
# mlops-v2/.azuredevops/scripts/initialise_repo.sh, run with bash and git
# as the initialise-project pipeline runs it (three checkouts side by side
# in the sources folder, main detached, the new repository's origin the
# only one it may push to), against local clones of the three real
# repositories in ../shared/accelerator. For every scenario the guide
# offers, and two the pipeline accepts that the guide does not, the
# repository it pushes is compared file by file (names, modes, contents)
# with what mlops-tui makes of the same repositories both ways:
#   local     apply's local way, compose.c (tests/sim/initialise-tool
#             compose);
#   sandbox   the sandbox's initialise-project run, sim/shell.c running
#             the script it finds in the imported mlops-v2
#             (tests/sim/initialise-tool script).
# The script is never edited: only where its checkouts come from differs
# (local paths instead of dev.azure.com).
. "$top_srcdir/tests/lib.sh"

tool="$top_builddir/tests/sim/initialise-tool"
skip_without_real_accelerator
if [ ! -x "$tool" ]; then
	echo "Bail out! $tool is not built (make check builds it)"
	exit 1
fi

export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=upstream \
    GIT_AUTHOR_EMAIL=upstream@example.invalid GIT_COMMITTER_NAME=upstream \
    GIT_COMMITTER_EMAIL=upstream@example.invalid
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# The three repositories as upstream has them on main: one commit of each
# unpacked tree, every file (none left out by a .gitignore).
up="$tap_tmp/upstream"
mkdir -p "$up"
unpack_real_accelerator "$up"
for r in mlops-v2 mlops-project-template mlops-templates; do
	git -C "$up/$r" init -q
	git -C "$up/$r" add -A -f
	git -C "$up/$r" commit -q -m "$r as on main upstream"
done
# The new repository as the guide makes it: "Add a README" on main.
git init -q "$up/taxi"
echo "# taxi-fare-regression" > "$up/taxi/README.md"
git -C "$up/taxi" add README.md
git -C "$up/taxi" commit -q -m "Add README"
script="$up/mlops-v2/.azuredevops/scripts/initialise_repo.sh"

# A fresh bare origin for the new repository; prints its path.
origin() {
	rm -rf "$tap_tmp/$1.git"
	git clone -q --bare "$up/taxi" "$tap_tmp/$1.git"
	echo "$tap_tmp/$1.git"
}
# The listing of main: mode, type, object id and path of every file.
listing() { git -C "$1" ls-tree -r --full-tree main; }
# same NAME GOT WANT DESCRIPTION: listings compared, the differences shown.
same() {
	if [ "$2" = "$3" ]; then
		tap_result 0 "$4"
	else
		tap_result 1 "$4"
		diff <(echo "$3") <(echo "$2") | sed -n '1,20p' |
		    sed 's/^/# /'
	fi
}

# The real script, as the pipeline's step runs it: the sources folder
# holds the checkouts of mlops-v2 (self), the template and the new
# repository, main detached in each as the agent leaves it.
reference() { # TYPE INTERFACE PROVIDER; sets $ref_git and $ref_status
	s="$tap_tmp/agent/s"
	rm -rf "$tap_tmp/agent"
	mkdir -p "$s" "$tap_tmp/agent/home"
	ref_git=$(origin reference)
	git clone -q "$up/mlops-v2" "$s/mlops-v2"
	git clone -q "$up/mlops-project-template" "$s/mlops-project-template"
	git clone -q "$ref_git" "$s/taxi"
	for c in mlops-v2 mlops-project-template taxi; do
		git -C "$s/$c" checkout -q --detach
		git -C "$s/$c" branch -q -D main
	done
	(cd "$s" && env -u GIT_AUTHOR_NAME -u GIT_AUTHOR_EMAIL \
	    -u GIT_COMMITTER_NAME -u GIT_COMMITTER_EMAIL \
	    HOME="$tap_tmp/agent/home" bash \
	    mlops-v2/.azuredevops/scripts/initialise_repo.sh taxi "$1" "$2" \
	    mlops-project-template "$3") > "$tap_tmp/reference.out" 2>&1
	ref_status=$?
}

scenarios="classical/aml-cli-v2 classical/python-sdk-v2
classical/rai-aml-cli-v2 cv/aml-cli-v2 nlp/aml-cli-v2 nlp/python-sdk-v2"
# Not in the guide, but the pipeline's parameters allow them: no such
# folder in the template, and the run is green with only the config and
# the infrastructure.
beyond="cv/python-sdk-v2 nlp/rai-aml-cli-v2"
started=$(date +%s)
for variant in $scenarios $beyond; do
	for provider in bicep terraform; do
		case " $beyond " in
		*" $variant "*) [ "$provider" = terraform ] &&
		    [ "$variant" = cv/python-sdk-v2 ] && continue
		    [ "$provider" = bicep ] &&
		    [ "$variant" = nlp/rai-aml-cli-v2 ] && continue ;;
		esac
		type=${variant%/*} interface=${variant#*/}
		what="$type/$interface/$provider"
		reference "$type" "$interface" "$provider"
		is "$ref_status" 0 "$what: the real script ends with success"
		want=$(listing "$ref_git")
		case " $beyond " in
		*" $variant "*)
			lacks "$want" "	mlops/" "$what: the real script pushes no ML pipelines (green but empty)"
			contains "$(cat "$tap_tmp/reference.out")" "cannot stat '$variant'" "$what: and says cp could not find $variant" ;;
		*)
			contains "$want" "	mlops/devops-pipelines/" "$what: the real script pushes the ML pipelines"
			contains "$want" "	infrastructure/" "$what: and the infrastructure" ;;
		esac

		# apply's local way
		local_git=$(origin local)
		"$tool" compose "$up/mlops-project-template" "$local_git" \
		    "$type" "$interface" "$provider" 2>"$tap_tmp/tool.err"
		tap_result $? "$what: local: compose.c runs"
		same "$what" "$(listing "$local_git")" "$want" \
		    "$what: local: every file, mode and content is the real script's"

		# the sandbox's initialise-project run
		sim_git=$(origin sandbox)
		"$tool" script "$script" \
		    /home/vsts/work/1/s/mlops-v2/.azuredevops/scripts/initialise_repo.sh \
		    "mlops-v2=$up/mlops-v2" \
		    "mlops-project-template=$up/mlops-project-template" \
		    "taxi=$sim_git:push" -- taxi "$type" "$interface" \
		    mlops-project-template "$provider" > "$tap_tmp/sandbox.out" 2>&1
		is "$?" "$ref_status" "$what: sandbox: the script's exit status is the real one"
		same "$what" "$(listing "$sim_git")" "$want" \
		    "$what: sandbox: every file, mode and content is the real script's"
		is "$(git -C "$sim_git" log -1 --format='%an <%ae> %s, parent %P' main | sed 's/parent [0-9a-f]*/parent P/')" \
		    "$(git -C "$ref_git" log -1 --format='%an <%ae> %s, parent %P' main | sed 's/parent [0-9a-f]*/parent P/')" \
		    "$what: sandbox: one commit on the README, by the script's identity, with its message"
		is "$(git -C "$sim_git" rev-parse main^)" "$(git -C "$ref_git" rev-parse main^)" \
		    "$what: sandbox: on top of the same first commit"
		is "$(grep -c 'cannot stat' "$tap_tmp/sandbox.out")" \
		    "$(grep -c 'cannot stat' "$tap_tmp/reference.out")" \
		    "$what: sandbox: as many 'cannot stat' complaints as the real run"
	done
done
diag "$tap_count checks in $(( $(date +%s) - started ))s"
done_testing
