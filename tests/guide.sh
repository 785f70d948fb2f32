# Helpers that do the deployment guide's first steps against the sandbox
# over REST, for the tests that start from there; sourced after lib.sh and
# sim_start. Sets V, P, R, project, and the repository ids.

V="api-version=7.1"
P="api-version=7.1-preview.1"
R="mlops-v2/_apis/git/repositories"
PP="mlops-v2/_apis/pipelines/pipelinepermissions"
zero=0000000000000000000000000000000000000000

repo_id() { api GET "$R/$1?$V"; echo "$body" | jq -r .id; }

# import REPO: import the accelerator repository into it and wait.
import() {
	api POST "$R/$1/importRequests?$V" "{\"parameters\":{\"gitSource\":{\"url\":\"https://github.com/Azure/$1\"}}}"
	imp=$(echo "$body" | jq -r .importRequestId)
	done_importing() { api GET "$R/$1/importRequests/$imp?$V"; [ "$(echo "$body" | jq -r .status)" = completed ]; }
	wait_for 10 done_importing "$1"
}

# first_commit REPO: the README the guide asks for.
first_commit() {
	api POST "$R/$1/pushes?$V" "{\"refUpdates\":[{\"name\":\"refs/heads/main\",\"oldObjectId\":\"$zero\"}],\"commits\":[{\"comment\":\"README\",\"changes\":[{\"changeType\":\"add\",\"item\":{\"path\":\"/README.md\"},\"newContent\":{\"content\":\"# $1\",\"contentType\":\"rawtext\"}}]}]}"
}

# edit_file REPO PATH SED: change a file on main with a push, as a person would.
edit_file() {
	api GET "$R/$1/refs?filter=heads/main&$V"
	tip=$(echo "$body" | jq -r '.value[0].objectId')
	api GET "$R/$1/items?path=$2&\$format=text&$V"
	content=$(printf '%s' "$body" | sed "$3" | jq -Rs .)
	api POST "$R/$1/pushes?$V" "{\"refUpdates\":[{\"name\":\"refs/heads/main\",\"oldObjectId\":\"$tip\"}],\"commits\":[{\"comment\":\"edit $2\",\"changes\":[{\"changeType\":\"edit\",\"item\":{\"path\":\"$2\"},\"newContent\":{\"content\":$content,\"contentType\":\"rawtext\"}}]}]}"
}

# grant NAMESPACE TOKEN BITS [DESCRIPTOR]: allow bits (the Build Service's
# by default).
grant() {
	api POST "_apis/accesscontrolentries/$1?$V" "{\"token\":\"$2\",\"merge\":true,\"accessControlEntries\":[{\"descriptor\":\"${4:-$builder}\",\"allow\":$3,\"deny\":0}]}"
}

# guide_setup: the project, the three imports, the ML repository with its
# README, and the Build Service's permissions (guide sections 1 and 2).
guide_setup() {
	api POST "_apis/projects?$V" '{"name":"mlops-v2"}'
	op=$(echo "$body" | jq -r .id)
	op_done() { api GET "_apis/operations/$op?$V"; [ "$(echo "$body" | jq -r .status)" = succeeded ]; }
	wait_for 10 op_done
	api GET "_apis/projects/mlops-v2?$V"
	project=$(echo "$body" | jq -r .id)
	for r in mlops-project-template mlops-templates taxi-fare-regression; do
		api POST "$R?$V" "{\"name\":\"$r\"}"
	done
	for r in mlops-v2 mlops-project-template mlops-templates; do import $r; done
	first_commit taxi-fare-regression
	mlops=$(repo_id mlops-v2)
	taxi=$(repo_id taxi-fare-regression)
	tmpl=$(repo_id mlops-project-template)
	templates=$(repo_id mlops-templates)
	enc=$(jq -rn --arg v "mlops-v2 Build Service ($(basename "$SIM_URL"))" '$v|@uri')
	api GET "_apis/identities?searchFilter=General&filterValue=$enc&$V"
	builder=$(echo "$body" | jq -r '.value[0].descriptor')
	grant 33344d9c-fc72-4d6f-aba5-fa317101a7e9 "$project" 34816
	grant 2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87 "repoV2/$project/$taxi" 20
}

# create_pipeline NAME REPO-ID YAML-PATH: sets $pipeline.
create_pipeline() {
	api POST "mlops-v2/_apis/pipelines?$V" "{\"name\":\"$1\",\"folder\":\"\\\\\",\"configuration\":{\"type\":\"yaml\",\"path\":\"$3\",\"repository\":{\"id\":\"$2\",\"type\":\"azureReposGit\"}}}"
	pipeline=$(echo "$body" | jq -r .id)
}

# queue_build DEFINITION [BRANCH] [PARAMS-JSON]: sets $build (or "null").
queue_build() {
	api POST "mlops-v2/_apis/build/builds?$V" "{\"definition\":{\"id\":$1},\"sourceBranch\":\"${2:-refs/heads/main}\"${3:+,\"templateParameters\":$3}}"
	build=$(echo "$body" | jq -r .id)
}

# finished BUILD: true once the build has completed; $body is the build.
finished() { api GET "mlops-v2/_apis/build/builds/$1?$V"; [ "$(echo "$body" | jq -r .status)" = completed ]; }

# issues BUILD: the messages of the build's timeline issues.
issues() { api GET "mlops-v2/_apis/build/builds/$1/timeline?$V"; echo "$body" | jq -r '.records[].issues[].message'; }

# permit TYPE ID: authorise a resource for all pipelines.
permit() { api PATCH "$PP/$1/$2?$P" '{"allPipelines":{"authorized":true}}'; }

# definition NAME: the id of the pipeline of that name.
definition() { api GET "mlops-v2/_apis/build/definitions?name=$1&$V"; echo "$body" | jq -r '.value[0].id'; }
