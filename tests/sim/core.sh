# The sandbox over loopback HTTP: sign-in, discovery, versions, projects.
. "$top_srcdir/tests/lib.sh"
command -v curl >/dev/null || { echo "Bail out! curl is needed"; exit 1; }
# Slow enough that a poll sees every state of the project's operation
# (notSet for 0.5 s, inProgress until 2 s) even on a loaded machine.
sim_start --time-scale 0.5

# --- the server --------------------------------------------------------------
contains "$SIM_URL" "http://127.0.0.1:" "it serves on loopback"
is "${#SIM_PAT}" 52 "its PAT is shaped like Azure DevOps's (52 characters)"
run sim --listen 0.0.0.0:0
is "$rc" 2 "a non-loopback address is refused"
contains "$err" "loopback only" "with the reason"
run sim --listen 10.1.2.3:8080
is "$rc" 2 "a private address is refused too"
run status --listen 127.0.0.1:0
is "$rc" 2 "sim options go with sim only"

# --- credentials -----------------------------------------------------------------
code=$(curl -s -o "$tap_tmp/b" -w '%{http_code}' "$SIM_URL/_apis/projects")
is "$code" 203 "no credentials, no Suppress header: 203"
contains "$(cat "$tap_tmp/b")" "Sign In" "with an HTML sign-in page"
code=$(curl -s -o "$tap_tmp/b" -D "$tap_tmp/h" -H 'X-TFS-FedAuthRedirect: Suppress' \
    -u ":wrongwrongwrong" -w '%{http_code}' "$SIM_URL/_apis/projects")
is "$code" 401 "a wrong PAT with Suppress: 401"
is "$(jq -r .typeKey "$tap_tmp/b")" UnauthorizedRequestException "the real typeKey"
contains "$(jq -r .message "$tap_tmp/b")" "TF400813" "the real message"
contains "$(cat "$tap_tmp/h")" "WWW-Authenticate: Basic" "a Basic challenge"

api GET _apis/connectionData
is "$status" 200 "connectionData with the PAT: 200"
is "$(echo "$body" | jq -r '.authenticatedUser.providerDisplayName')" \
    "Sandbox Operator" "names the signed-in user"
instance=$(echo "$body" | jq -r .instanceId)
is "${#instance}" 36 "gives the organization's collection id"

# --- location discovery ------------------------------------------------------------
api OPTIONS _apis
is "$status" 200 "OPTIONS _apis: 200"
is "$(echo "$body" | jq -r '.value[] | select(.resourceName == "projects") | .id')" \
    603fe2ac-9723-48b9-88ad-09305aa6c6e1 "lists projects with its real location id"
is "$(echo "$body" | jq -r '.value[] | select(.resourceName == "projects") | "\(.releasedVersion) \(.maxVersion) \(.resourceVersion)"')" \
    "7.1 7.2 4" "with the real versions"
is "$(echo "$body" | jq -r '.count == (.value | length)')" true "as {count, value}"
api OPTIONS _apis/CORE
is "$(echo "$body" | jq -r '[.value[].area] | unique | join(",")')" core \
    "OPTIONS _apis/{area}: only that area, case-insensitively"
api OPTIONS _apis/nosucharea
is "$status" 404 "an unknown area: 404"
api GET _apis/ResourceAreas
is "$(echo "$body" | jq -r '.value[] | select(.name == "git") | .locationUrl')" \
    "$SIM_URL/" "ResourceAreas points every area at the organization"
api GET _apis/resourceareas/79134c72-4a58-4b42-976c-04e7115f32bf
is "$(echo "$body" | jq -r .name)" core "one resource area by id"

# --- api-version ---------------------------------------------------------------
api GET "_apis/projects?api-version=7.1"
is "$status" 200 "GA 7.1 on a released resource: 200"
api GET "_apis/connectionData?api-version=7.1"
is "$status" 400 "GA 7.1 on a preview-only resource: 400"
is "$(echo "$body" | jq -r .typeKey)" VssInvalidPreviewVersionException "the real typeKey"
contains "$(echo "$body" | jq -r .message)" 'The -preview flag must be supplied' "the real message"
api GET "_apis/connectionData?api-version=7.1-preview.1"
is "$status" 200 "7.1-preview.1 on a preview-only resource: 200"
code=$(curl -s -K "$SIM_CURL" -o /dev/null -w '%{http_code}' \
    -H 'Accept: application/json;api-version=7.2-preview.4' "$SIM_URL/_apis/projects")
is "$code" 200 "the version may come in the Accept header"
code=$(curl -s -K "$SIM_CURL" -o /dev/null -w '%{http_code}' \
    -H 'Accept: application/json;api-version=7.2' "$SIM_URL/_apis/projects")
is "$code" 400 "and is checked there too (7.2 is preview)"
api GET "_apis/projects?api-version=9.0"
is "$(echo "$body" | jq -r .typeKey)" VssVersionOutOfRangeException "a version past the latest: out of range"
api POST _apis/projects '{"name":"x"}'
is "$(echo "$body" | jq -r .typeKey)" VssVersionNotSpecifiedException "a POST without a version: 400"
api GET "_APIS/PROJECTS?api-version=7.1"
is "$status" 200 "routes match case-insensitively"
api GET "_apis/nothing/here"
is "$status" 404 "an unknown route: 404"
contains "$body" "was not found or does not implement IController" "as plain text, like the real one"
code=$(curl -s -K "$SIM_CURL" -o /dev/null -w '%{http_code}' "${SIM_URL%/*}/otherorg/_apis/projects")
is "$code" 404 "another organization: 404"

# --- processes and projects -----------------------------------------------------
api GET "_apis/process/processes?api-version=7.1"
is "$(echo "$body" | jq -r '.value[] | select(.isDefault) | .name')" Agile "a default process"
is "$(echo "$body" | jq -r '.value[] | select(.name == "Basic") | .id')" \
    b8a3a935-7e91-48b8-a94c-606d37c3e9f2 "system processes have their real ids"

api GET "_apis/projects/mlops-v2?api-version=7.1"
is "$status" 404 "a missing project: 404"
is "$(echo "$body" | jq -r .typeKey)" ProjectDoesNotExistWithNameException "the real typeKey"
contains "$(echo "$body" | jq -r .message)" "TF200016" "the real message"

api POST "_apis/projects?api-version=7.1" \
    '{"name":"mlops-v2","visibility":"private","capabilities":{"versioncontrol":{"sourceControlType":"Git"},"processTemplate":{"templateTypeId":"b8a3a935-7e91-48b8-a94c-606d37c3e9f2"}}}'
is "$status" 202 "create a project: 202 Accepted"
is "$(echo "$body" | jq -r .status)" notSet "an operation that has not started"
op=$(echo "$body" | jq -r .id)
contains "$(echo "$body" | jq -r .url)" "/_apis/operations/$op" "with its URL"

op_status() {
	api GET "_apis/operations/$op?api-version=7.1"
	echo "$body" | jq -r .status >> "$tap_tmp/statuses"
	[ "$(echo "$body" | jq -r .status)" = succeeded ]
}
wait_for 10 op_status
tap_result $? "the operation succeeds"
contains "$(uniq "$tap_tmp/statuses" | tr '\n' ' ')" "inProgress succeeded" \
    "through inProgress to succeeded"
api GET "_apis/projects/MLOPS-V2?api-version=7.1"
is "$status" 200 "the project is found by name, case-insensitively"
is "$(echo "$body" | jq -r .state)" wellFormed "well formed"
is "$(echo "$body" | jq -r .capabilities.processTemplate.templateName)" Basic "with the chosen process"
id=$(echo "$body" | jq -r .id)
api GET "_apis/projects/$id?api-version=7.1"
is "$(echo "$body" | jq -r .name)" mlops-v2 "and by id"
api GET "_apis/projects?api-version=7.1"
is "$(echo "$body" | jq -r '.value | map(.name) | join(",")')" mlops-v2 "listed"
api POST "_apis/projects?api-version=7.1" '{"name":"mlops-v2"}'
is "$status" 409 "a second project with the name: refused"
contains "$(echo "$body" | jq -r .message)" TF200019 "with the real message"
api POST "_apis/projects?api-version=7.1" '{"name":"bad/name"}'
is "$(echo "$body" | jq -r .typeKey)" ProjectNameNotValidException "an invalid name is refused"
api POST "_apis/projects?api-version=7.1" '{"name":'
is "$status" 400 "a body that is not JSON: 400"

# --- persistence and the request log ------------------------------------------------
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
is "$(jq -r '.projects[0].name' "$tap_tmp/world.json")" mlops-v2 "the world is saved to its file"
is "$(stat -c %a "$tap_tmp/world.json")" 600 "mode 0600"
sim_start
api GET "_apis/projects/mlops-v2?api-version=7.1"
is "$status" 200 "a restarted sandbox remembers the project"
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null
sim_start --reset
api GET "_apis/projects/mlops-v2?api-version=7.1"
is "$status" 404 "--reset starts from a new world"

lines=$(wc -l < "$SIM_LOG")
[ "$lines" -gt 25 ]
tap_result $? "requests are logged ($lines lines)"
is "$(jq -r 'select(.method == "POST" and .status == 202) | .body.name' "$SIM_LOG")" \
    mlops-v2 "the project creation is logged with its body and status"
is "$(head -n 1 "$SIM_LOG" | jq -r 'has("time") and has("method") and has("path") and has("status") and has("duration_ms")')" \
    true "as JSON lines with time, method, path, status and duration"
lacks "$(cat "$SIM_LOG")" "$SIM_PAT" "the log never holds the PAT"

# A PAT with custom scopes: an area it leaves out answers 401 TF400813,
# as the real service does; "vso.code_write" covers the code area.
api PATCH _sandbox/settings '{"pat_scopes":["vso.code_write"]}'
api GET "_apis/projects?api-version=7.1"
is "$status" 401 "a PAT without the project scope: 401 for projects"
contains "$body" "TF400813" "with TF400813"
api GET "_apis/connectionData"
is "$status" 200 "connectionData needs no scope"
api GET "_apis/securitynamespaces?api-version=7.1"
is "$status" 200 "nor do security reads"
api PATCH _sandbox/settings '{"pat_scopes":null}'
api GET "_apis/projects?api-version=7.1"
is "$status" 200 "a full-access PAT again: 200"

done_testing
