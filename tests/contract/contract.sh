# Microsoft's azure-devops-node-api (pinned by package-lock.json) drives
# the sandbox unmodified: the contract test. Its TAP is this test's TAP.
. "$top_srcdir/tests/lib.sh"

for tool in node npm; do
	command -v "$tool" >/dev/null || {
		echo "Bail out! $tool is needed (apt-get install nodejs npm)"
		exit 1
	}
done
# The client is installed in the build tree (the source tree may be
# read-only, as in distcheck) from the lock file, exactly.
run_dir="$top_builddir/tests/contract-run"
mkdir -p "$run_dir"
cp "$top_srcdir/tests/contract/package.json" \
    "$top_srcdir/tests/contract/package-lock.json" \
    "$top_srcdir/tests/contract/contract.js" "$run_dir/"
chmod u+w "$run_dir"/*
if [ ! -d "$run_dir/node_modules/azure-devops-node-api" ]; then
	(cd "$run_dir" && npm ci --no-audit --no-fund --loglevel=error) >&2 || {
		echo "Bail out! npm ci could not install azure-devops-node-api"
		exit 1
	}
fi
sim_start
printf '%s\n' "$SIM_PAT" > "$tap_tmp/pat"
chmod 600 "$tap_tmp/pat"
node "$run_dir/contract.js" "$SIM_URL" "$tap_tmp/pat"
