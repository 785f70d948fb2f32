# The sandbox on the real accelerator (`mlops-tui sim --accelerator DIR`):
# the three repositories unpacked from the tarballs in ../shared/accelerator
# (beside the source tree) are imported whole, big files and file modes
# included, and a classical aml-cli-v2 setup is applied headless on them to
# a deployed model, the Azure names being the real pipelines' own.
. "$top_srcdir/tests/lib.sh"

accelerator_src="$top_srcdir/../shared/accelerator"
if [ ! -f "$accelerator_src/mlops-v2.tar.gz" ]; then
	echo "1..0 # SKIP no real accelerator at $accelerator_src (../shared/accelerator beside the source tree)"
	exit 0
fi
acc="$tap_tmp/accelerator"
mkdir -p "$acc"
for r in mlops-v2 mlops-project-template mlops-templates; do
	tar -xzf "$accelerator_src/$r.tar.gz" -C "$acc" || {
		echo "Bail out! cannot unpack $accelerator_src/$r.tar.gz"; exit 1; }
done

# ---- the option is checked --------------------------------------------------
run sim --accelerator "$tap_tmp/nowhere" --world "$tap_tmp/w0.json"
is "$rc" 6 "sim --accelerator on a directory without the repositories: refused"
contains "$err" "no $tap_tmp/nowhere/mlops-v2 directory" "and says which is missing"
run status --accelerator "$acc"
is "$rc" 2 "--accelerator goes with sim and --sandbox only"

sim_start --accelerator "$acc"
. "$top_srcdir/tests/guide.sh"

# ---- imports: the real trees, byte for byte -----------------------------
guide_setup
auth=$(printf ':%s' "$SIM_PAT" | base64 -w0)
printf '[http]\n\textraHeader = Authorization: Basic %s\n[user]\n\tname = T\n\temail = t@example.com\n' \
    "$auth" > "$tap_tmp/gitconfig"
export GIT_CONFIG_GLOBAL="$tap_tmp/gitconfig" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
for r in mlops-v2 mlops-project-template mlops-templates; do
	git clone -q "$SIM_URL/mlops-v2/_git/$r" "$tap_tmp/clone-$r" 2>"$tap_tmp/git.err"
	tap_result $? "$r: imported and cloned"
	rm -rf "$tap_tmp/clone-$r/.git"
	diff -r --no-dereference "$acc/$r" "$tap_tmp/clone-$r" >"$tap_tmp/diff" 2>&1
	tap_result $? "$r: the import is byte for byte the tarball's tree" || diag "$(head -n 20 "$tap_tmp/diff")"
done
is "$(stat -c %s "$tap_tmp/clone-mlops-templates/read_yaml_action/node_modules/@octokit/openapi-types/types.d.ts")" 2083552 \
    "the 2 MB types.d.ts is imported whole"
is "$(stat -c %s "$tap_tmp/clone-mlops-project-template/cv/python-sdk-v1/data/training/image_labels.csv")" 1323029 \
    "and the 1.3 MB image_labels.csv"
test -x "$tap_tmp/clone-mlops-templates/read_yaml_action/node_modules/uuid/dist/bin/uuid"
tap_result $? "executable files stay executable"
test -L "$tap_tmp/clone-mlops-templates/read_yaml_action/node_modules/.bin/uuid"
tap_result $? "symbolic links stay links"

# ---- a file over Azure Repos' 100 MB fails the import, named --------------
big="$tap_tmp/big-accelerator"
mkdir -p "$big/mlops-v2/data" "$big/mlops-project-template" "$big/mlops-templates"
echo small > "$big/mlops-v2/README.md"
truncate -s 100000001 "$big/mlops-v2/data/huge.bin" # sparse: no disk used
"$MLOPS_TUI" sim --world "$tap_tmp/big.json" --time-scale 0 --accelerator "$big" \
    >"$tap_tmp/big.out" 2>&1 &
big_pid=$!
at_exit 'kill $big_pid 2>/dev/null; wait $big_pid 2>/dev/null'
sandbox_wait "$tap_tmp/big.out" "$big_pid"
big_url=$(sed -n 's/^Sandbox Azure DevOps at //p' "$tap_tmp/big.out")
big_pat=$(sed -n 's/^PAT: //p' "$tap_tmp/big.out")
bapi() { body=$(curl -s -u ":$big_pat" -X "$1" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$big_url/$2"); }
bapi POST "_apis/projects?$V" '{"name":"mlops-v2"}'
sleep 0.2
bapi POST "$R/mlops-v2/importRequests?$V" '{"parameters":{"gitSource":{"url":"https://github.com/Azure/mlops-v2"}}}'
imp=$(echo "$body" | jq -r .importRequestId)
big_done() { bapi GET "$R/mlops-v2/importRequests/$imp?$V"; [ "$(echo "$body" | jq -r .status)" != queued ] && [ "$(echo "$body" | jq -r .status)" != inProgress ]; }
wait_for 10 big_done
is "$(echo "$body" | jq -r .status)" failed "a file over 100 MB: the import fails"
contains "$(echo "$body" | jq -r .detailedStatus.errorMessage)" "The file /data/huge.bin is 100000001 bytes; Azure Repos takes files of up to 100 MB" \
    "and its error names the file and the limit"
bapi GET "$R/mlops-v2/refs?$V"
is "$(echo "$body" | jq -r .count)" 0 "and the repository stays empty"

echo "# $((tap_count - tap_failures)) passed, $tap_failures failed"
done_testing
