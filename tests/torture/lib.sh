# Helpers of the torture and soak scripts (sourced after tests/lib.sh):
# independent lanes, each with its own sandbox, world, port and state
# file, and the comparison of a sandbox world with a clean run's.

# world_of WORLD_FILE: every resource a setup makes, by kind, as sorted
# names (a duplicate shows as a repeated name), as one line of JSON. Ids,
# dates and the subscription differ between worlds; names do not. A
# pipeline is named with its folder and a run with its pipeline and the
# ML repository it was for: several ML projects have pipelines of the
# same name, each in its own folder, and initialise-project runs once for
# each of them.
world_of() {
	jq -c '
	    def names(f): [f] | sort;
	    (.definitions | map({key: (.id | tostring),
	        value: ((.path | rtrimstr("\\")) + "\\" + .name)}) |
	        from_entries) as $defs |
	    (.graph.service_principals | map({key: .id, value: .displayName}) |
	        from_entries) as $sps |
	    {projects: names(.projects[].name),
	     repositories: names(.repositories[].name),
	     imports: names(.imports[].standin),
	     folders: names(.folders[].path),
	     definitions: names(.definitions[] |
	         (.path | rtrimstr("\\")) + "\\" + .name),
	     runs: names(.builds[] | $defs[.definition_id | tostring] +
	         (.template_parameters.repoName |
	             if . then " for " + . else "" end) + " " +
	         (.result // "running")),
	     environments: names(.environments[].name),
	     endpoints: names(.endpoints[].name),
	     applications: names(.graph.applications[].displayName),
	     principals: names(.graph.service_principals[].displayName),
	     secrets: names(.graph.applications[] | .displayName as $a |
	         .passwords[]? | $a + " " + (.displayName // "")),
	     roles: names(.arm.role_assignments[] | ($sps[.principalId] // "?")
	         + " " + (.roleDefinitionId | split("/") | last) + " " +
	         (.scope | sub("^/subscriptions/[^/]+"; ""))),
	     azure: (.azure | map_values([.[] | .name // .id] | sort))}' "$1"
}

# world_problems WORLD_FILE: one line per duplicate or orphaned secret;
# nothing when the world is sound. A principal's secrets must be exactly
# the ones a service connection holds (matched by digest).
world_problems() {
	jq -r '
	    def dups(what; f): [f] | group_by(.) | map(select(length > 1) |
	        "duplicate \(what): \(.[0]) x\(length)") | .[];
	    dups("project"; .projects[].name),
	    dups("repository"; .repositories[].name),
	    dups("pipeline"; .definitions[] | .path + "\\" + .name),
	    dups("run of pipeline"; .builds[] | "\(.definition_id) for \(
	        .template_parameters.repoName // "its repository")"),
	    dups("environment"; .environments[].name),
	    dups("service connection"; .endpoints[].name),
	    dups("application"; .graph.applications[].displayName),
	    dups("service principal"; .graph.service_principals[].appId),
	    dups("role assignment"; .arm.role_assignments[] |
	        [.principalId, .scope, .roleDefinitionId] | join(" ")),
	    (.azure | to_entries[] | .key as $k |
	        dups($k; .value[] | (.parent // "") + "/" + (.name // .id))),
	    ([.endpoints[].authorization.parameters |
	        select(.serviceprincipalkey_digest != null) |
	        {app: .serviceprincipalid, digest: .serviceprincipalkey_digest}])
	        as $held |
	    (.graph.applications[] | .appId as $app | .displayName as $name |
	        ([.passwords[]?.digest] | sort) as $has |
	        ([$held[] | select(.app == $app) | .digest] | unique) as $want |
	        ($has - $want | .[] | "orphaned secret of \($name): \(.)"),
	        ($want - $has | .[] |
	            "service connection holds a secret \($name) lacks: \(.)"))
	' "$1" || echo "cannot read $1"
}

# steps_of STATE_FILE: each step and its status, one line, from `status
# --json` (which also proves the file loads); fails when it does not.
steps_of() {
	# hosted-parallelism is advisory and read from the project's past
	# runs: before the first run it cannot tell, after one it is done.
	"$MLOPS_TUI" --state "$1" status --json |
	    jq -c '[.sections[].steps[] | select(.id != "hosted-parallelism") |
	        "\(.id)\(if .environment then "/" + .environment else "" end)=\(.status)"]'
}

# TORTURE_ACCELERATOR=DIR: the lanes' sandboxes host that accelerator
# (`sim --accelerator`) instead of the stand-ins. DIR holds the three
# repositories unpacked, or their tarballs (../shared/accelerator), which
# are then unpacked once into the test's directory.
torture_accelerator=""
if [ -n "${TORTURE_ACCELERATOR:-}" ]; then
	if [ -f "$TORTURE_ACCELERATOR/mlops-v2.tar.gz" ]; then
		torture_accelerator="$tap_tmp/accelerator"
		mkdir -p "$torture_accelerator"
		for _r in mlops-v2 mlops-project-template mlops-templates; do
			tar -xzf "$TORTURE_ACCELERATOR/$_r.tar.gz" -C "$torture_accelerator" || {
				echo "Bail out! cannot unpack $TORTURE_ACCELERATOR/$_r.tar.gz"; exit 1; }
		done
	elif [ -d "$TORTURE_ACCELERATOR/mlops-v2" ]; then
		torture_accelerator=$(cd "$TORTURE_ACCELERATOR" && pwd)
	else
		echo "Bail out! TORTURE_ACCELERATOR=$TORTURE_ACCELERATOR holds neither the repositories nor their tarballs"
		exit 1
	fi
	diag "on the accelerator at $TORTURE_ACCELERATOR, not the stand-ins"
fi

# lane_sim LANE [ARGS...]: start (or restart) lane's sandbox on its world;
# the first start picks a free port, which every restart keeps.
lane_sim() {
	local lane=$1 dir=$tap_tmp/lane$1 port
	shift
	port=$(cat "$dir/port" 2>/dev/null || echo 0)
	: > "$dir/sim.out"
	${SIM_WRAPPER:-} "$MLOPS_TUI" sim --listen "127.0.0.1:$port" --world "$dir/world.json" \
	    --time-scale "${TORTURE_TIME_SCALE:-0.02}" --log "$dir/requests.log" \
	    ${torture_accelerator:+--accelerator "$torture_accelerator"} \
	    "$@" >"$dir/sim.out" 2>>"$dir/sim.err" &
	echo $! > "$dir/sim.pid"
	sandbox_wait "$dir/sim.out" "$(cat "$dir/sim.pid")" || return 1
	if [ "$port" = 0 ]; then
		sed -n 's|^Sandbox Azure DevOps at http://127.0.0.1:\([0-9]*\)/.*|\1|p' \
		    "$dir/sim.out" > "$dir/port"
	fi
}

lane_sim_stop() { # LANE [SIGNAL]
	local pid
	pid=$(cat "$tap_tmp/lane$1/sim.pid" 2>/dev/null) || return 0
	kill "-${2:-TERM}" "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$tap_tmp/lane$1/sim.pid"
}

# TORTURE_PROJECTS=N (default 1): each setup is N ML projects in one run
# (`apply --answers FOLDER`), each with its own repository, postfix and
# service connection, and its own state file under the lane's
# XDG_STATE_HOME; with 1, the one project's state is lane/state.json.
TORTURE_PROJECTS=${TORTURE_PROJECTS:-1}

# lane_world LANE [SIM ARGS...]: a new world (--reset) and answers for it.
lane_world() {
	local lane=$1 dir=$tap_tmp/lane$1 url pat tenant sub
	local SIM_URL SIM_PAT SIM_TENANT SIM_SUB
	shift
	lane_sim_stop "$lane"
	rm -rf "$dir/state.json"* "$dir/requests.log" "$dir/xdg"
	lane_sim "$lane" --reset "$@" || return 1
	sandbox_read "$dir/sim.out"
	url=$SIM_URL pat=$SIM_PAT tenant=$SIM_TENANT sub=$SIM_SUB
	printf '%s' "$pat" > "$dir/pat"
	chmod 600 "$dir/pat"
	printf 'user = ":%s"\n' "$pat" > "$dir/curl.conf"
	# Until it takes: a sandbox with --faults fails this too.
	for _ in $(seq 1 30); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 \
		    -K "$dir/curl.conf" -X PATCH -H 'Content-Type: application/json' \
		    --data '{"device_interval_s":0,"device_auto_approve_polls":2,"replication_delay_ms":3000}' \
		    "$url/_sandbox/settings")" = 200 ] && break
	done
	cat > "$dir/answers.yml" <<EOF
organization: $url
repository: taxi-fare-regression
environments:
  prod:
    namespace: contoso
    postfix: "4711"
    subscription_id: $sub
    tenant_id: $tenant
# A secret-based connection, asked for by name (federation is the default):
# no orphaned secret after a kill is what the torture checks.
principal_way: create
EOF
	[ "$TORTURE_PROJECTS" -le 1 ] || lane_projects "$lane"
}

# lane_projects LANE: the folder of answers of TORTURE_PROJECTS projects,
# named so that nothing one makes is another's (else apply refuses them).
lane_projects() {
	local dir=$tap_tmp/lane$1 k
	rm -rf "$dir/answers"
	mkdir -p "$dir/answers"
	for k in $(seq 1 "$TORTURE_PROJECTS"); do
		sed -e "s/taxi-fare-regression/taxi-$k/" \
		    -e "s/\"4711\"/\"$((4710 + k))\"/" \
		    -e "/tenant_id:/a\\    service_connection: Azure-ARM-Prod-$k" \
		    "$dir/answers.yml" > "$dir/answers/taxi-$k.yml"
	done
}

# lane_states LANE: the lane's state files, one a line, in name order
# (the same order in every lane); nothing before the first is written.
lane_states() {
	local dir=$tap_tmp/lane$1
	if [ "$TORTURE_PROJECTS" -gt 1 ]; then
		ls "$dir"/xdg/mlops-tui/*.json 2>/dev/null
	elif [ -e "$dir/state.json" ]; then
		echo "$dir/state.json"
	fi
}

# lane_steps LANE: steps_of each state file, one line each; fails when
# one does not load.
lane_steps() {
	local f
	for f in $(lane_states "$1"); do
		steps_of "$f" || return 1
	done
}

# lane_done LANE: how many steps its state files say are done, all
# together; "invalid" when one does not load.
lane_done() {
	local steps
	steps=$(lane_steps "$1") || { echo invalid; return; }
	printf '%s\n' "$steps" |
	    jq -s '[.[][] | select(endswith("=done"))] | length'
}

# lane_apply LANE: `mlops-tui apply` of the lane's setup, in the
# background; its PID in $apply_pid.
lane_apply() {
	local dir=$tap_tmp/lane$1
	if [ "$TORTURE_PROJECTS" -gt 1 ]; then
		XDG_STATE_HOME=$dir/xdg "$MLOPS_TUI" apply --yes \
		    --answers "$dir/answers" --pat-file "$dir/pat" \
		    --azure-sign-in device >>"$dir/apply.out" 2>&1 </dev/null &
	else
		"$MLOPS_TUI" --state "$dir/state.json" apply --yes \
		    --answers "$dir/answers.yml" --pat-file "$dir/pat" \
		    --azure-sign-in device >>"$dir/apply.out" 2>&1 </dev/null &
	fi
	apply_pid=$!
}

# lane_finish LANE: apply until whole, at most three runs; $rc.
lane_finish() {
	local n=0
	rc=1
	while [ "$rc" -ne 0 ] && [ "$n" -lt 3 ]; do
		n=$((n + 1))
		lane_apply "$1"
		wait "$apply_pid"
		rc=$?
	done
}

# lane_verdict LANE CLEAN_WORLD CLEAN_STEPS: compare the lane's world and
# state with a clean run's; prints "ok" or what differs.
lane_verdict() {
	local dir=$tap_tmp/lane$1 world steps problems states
	world=$(world_of "$dir/world.json")
	problems=$(world_problems "$dir/world.json")
	steps=$(lane_steps "$1") || steps="(status failed)"
	states=$(lane_states "$1" | wc -l)
	# shellcheck disable=SC2046
	[ "$TORTURE_PROJECTS" -le 1 ] || problems=$(printf '%s\n' \
	    "$problems" "$(made_twice $(lane_states "$1"))" | grep .)
	if [ -n "$problems" ]; then
		echo "$problems" | tr '\n' ';'
	elif [ "$world" != "$2" ]; then
		echo "world differs: $world"
	elif [ "$states" -ne "$TORTURE_PROJECTS" ]; then
		echo "$states state files, not $TORTURE_PROJECTS"
	elif [ "$steps" != "$3" ]; then
		echo "steps differ: $steps"
	else
		echo ok
	fi
}

# rand MAX: set $r to a number in [0, MAX) from a seeded xorshift32 whose
# state is $rng, so a lane's delays are the same on every run with the
# same seed (never called in a subshell: the state must advance).
rand() {
	rng=$(( (rng ^ (rng << 13)) & 0xffffffff ))
	rng=$(( rng ^ (rng >> 17) ))
	rng=$(( (rng ^ (rng << 5)) & 0xffffffff ))
	r=$(( rng % $1 ))
}

ms_now() { echo $(( $(date +%s%N) / 1000000 )); }
sleep_ms() { sleep "$(printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )))"; }

# made_twice STATE_FILE...: one line per id that more than one of the
# files records as made, not found (several ML projects share the
# accelerator's part: one of them made it, the others found it, else
# destroying either would take it from the other).
made_twice() {
	jq -s -r '[.[] | .steps[] |
	    (.id + (if .environment then "/" + .environment else "" end)) as $step |
	    (.created // {}) as $c | $c | to_entries[] |
	    select((.key | test("^(id|import|operation|pipeline|run|application|app_id|principal)$")) and
	        $c["found." + .key] == null) |
	    "\($step) \(.key)=\(.value)"] | group_by(.)[] |
	    select(length > 1) | "recorded as made by \(length) projects: \(.[0])"' "$@"
}
