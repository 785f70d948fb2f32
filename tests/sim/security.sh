# The sandbox's security area: namespaces, build identities, ACEs and
# effective permissions, and which identity jobs run as.
. "$top_srcdir/tests/lib.sh"
sim_start

api POST "_apis/projects?api-version=7.1" '{"name":"mlops-v2"}'
api GET "_apis/projects/mlops-v2?api-version=7.1"
project=$(echo "$body" | jq -r .id)
api GET "_apis/connectionData?api-version=7.1-preview.1"
collection=$(echo "$body" | jq -r .instanceId)
org=$(basename "$SIM_URL")
GIT=2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87
BUILD=33344d9c-fc72-4d6f-aba5-fa317101a7e9
V="api-version=7.1"

# --- namespaces ------------------------------------------------------------
api GET "_apis/securitynamespaces?$V"
is "$(echo "$body" | jq -r --arg id $GIT '.value[] | select(.namespaceId == $id) | .name')" \
    "Git Repositories" "Git Repositories with its real id"
bit() { echo "$body" | jq -r --arg ns "$1" --arg n "$2" \
    '.value[] | select(.namespaceId == $ns) | .actions[] | select(.name == $n) | .bit'; }
is "$(bit $GIT GenericContribute) $(bit $GIT CreateBranch)" "4 16" "Contribute is 4 and Create branch 16"
is "$(bit $BUILD EditBuildDefinition) $(bit $BUILD CreateBuildDefinition)" "2048 32768" \
    "Edit and Create build pipeline are 2048 and 32768"
api GET "_apis/SecurityNamespaces/$BUILD?$V"
is "$(echo "$body" | jq -r '.count, .value[0].separatorValue' | tr '\n' ' ')" "1 / " "one namespace by id"

# --- identities --------------------------------------------------------------------
name="mlops-v2 Build Service ($org)"
enc=$(jq -rn --arg v "$name" '$v|@uri')
api GET "_apis/identities?searchFilter=General&filterValue=$enc&queryMembership=None&$V"
is "$(echo "$body" | jq -r .count)" 1 "the project's Build Service is found by the General filter"
descriptor=$(echo "$body" | jq -r '.value[0].descriptor')
is "$descriptor" "Microsoft.TeamFoundation.ServiceIdentity;$collection:Build:$project" \
    "with the real descriptor form"
subject=$(echo "$body" | jq -r '.value[0].subjectDescriptor')
decoded=$(printf '%s' "${subject#svc.}" | tr '_-' '/+' | { cat; printf '=='; } | base64 -d 2>/dev/null)
is "$decoded" "$collection:Build:$project" "its subject descriptor is svc. + base64url"
enc=$(jq -rn --arg v "Project Collection Build Service ($org)" '$v|@uri')
api GET "_apis/identities?searchFilter=General&filterValue=$enc&$V"
coll_descriptor=$(echo "$body" | jq -r '.value[0].descriptor')
is "$coll_descriptor" "Microsoft.TeamFoundation.ServiceIdentity;$collection:Build:$collection" \
    "and the Project Collection Build Service"
api GET "_apis/identities?subjectDescriptors=$subject&$V"
is "$(echo "$body" | jq -r '.value[0].descriptor')" "$descriptor" "subject descriptor -> identity descriptor"
api GET "_apis/identities?$V"
is "$status" 400 "an identity query without a filter: 400"

# --- job authorization scope ---------------------------------------------------
api GET "mlops-v2/_apis/build/generalsettings?$V"
is "$(echo "$body" | jq -r .enforceJobAuthScope)" true "new projects limit jobs to the project"
api PATCH "mlops-v2/_apis/build/generalsettings?$V" '{"enforceJobAuthScope":false}'
is "$(echo "$body" | jq -r .enforceJobAuthScope)" false "the setting can be changed"
api GET "mlops-v2/_apis/build/generalsettings?$V"
is "$(echo "$body" | jq -r .enforceJobAuthScope)" false "and stays changed"

# --- ACEs and effective permissions --------------------------------------------------
api GET "mlops-v2/_apis/git/repositories/mlops-v2?$V"
repo=$(echo "$body" | jq -r .id)
token="repoV2/$project/$repo"
acl() { api GET "_apis/accesscontrollists/$GIT?token=$token&descriptors=$descriptor&includeExtendedInfo=true&recurse=false&$V"; }
acl
is "$(echo "$body" | jq -r --arg d "$descriptor" '.value[0].acesDictionary[$d].extendedInfo.effectiveAllow')" \
    2 "before: the Build Service can only read"
api POST "_apis/accesscontrolentries/$GIT?$V" \
    "{\"token\":\"$token\",\"merge\":true,\"accessControlEntries\":[{\"descriptor\":\"$descriptor\",\"allow\":20,\"deny\":0,\"extendedInfo\":{}}]}"
is "$status" 200 "set Contribute + Create branch: 200"
is "$(echo "$body" | jq -c '.value[0] | [.allow, .deny]')" "[20,0]" "the answer echoes the bits"
show() { acl; [ "$(echo "$body" | jq -r --arg d "$descriptor" '.value[0].acesDictionary[$d].extendedInfo.effectiveAllow')" = 22 ]; }
wait_for 10 show
tap_result $? "after the read lag: effective Read + Contribute + Create branch"
is "$(echo "$body" | jq -r --arg d "$descriptor" '.value[0].acesDictionary[$d].extendedInfo.inheritedAllow')" \
    2 "Read is inherited"
api POST "_apis/accesscontrolentries/$GIT?$V" \
    "{\"token\":\"$token\",\"merge\":true,\"accessControlEntries\":[{\"descriptor\":\"$descriptor\",\"allow\":0,\"deny\":4}]}"
is "$(echo "$body" | jq -c '.value[0] | [.allow, .deny]')" "[20,4]" "merge ORs the bits in"
api POST "_apis/accesscontrolentries/$GIT?$V" \
    "{\"token\":\"$token\",\"merge\":false,\"accessControlEntries\":[{\"descriptor\":\"$descriptor\",\"allow\":20,\"deny\":0}]}"
is "$(echo "$body" | jq -c '.value[0] | [.allow, .deny]')" "[20,0]" "merge false replaces the entry"
api POST "_apis/accesscontrolentries/$GIT?$V" \
    "{\"token\":\"$token\",\"merge\":true,\"accessControlEntries\":[{\"descriptor\":\"$subject\",\"allow\":20,\"deny\":0}]}"
is "$status" 400 "a graph subject descriptor is not an identity descriptor: 400"

# Build: Edit build pipeline for the whole project, inherited by a pipeline.
api POST "_apis/accesscontrolentries/$BUILD?$V" \
    "{\"token\":\"$project\",\"merge\":true,\"accessControlEntries\":[{\"descriptor\":\"$descriptor\",\"allow\":34816,\"deny\":0}]}"
is "$status" 200 "set Edit + Create build pipeline on the project"
build_ok() { api GET "_apis/accesscontrollists/$BUILD?token=$project/12&descriptors=$descriptor&includeExtendedInfo=true&$V"
	[ $(( $(echo "$body" | jq -r --arg d "$descriptor" '.value[0].acesDictionary[$d].extendedInfo.effectiveAllow') & 2048 )) -eq 2048 ]; }
wait_for 10 build_ok
tap_result $? "a pipeline in the project inherits Edit build pipeline"
api GET "_apis/accesscontrollists/$BUILD?token=$project/12&descriptors=$coll_descriptor&includeExtendedInfo=true&$V"
is "$(( $(echo "$body" | jq -r --arg d "$coll_descriptor" '.value[0].acesDictionary[$d].extendedInfo.effectiveAllow // 0') & 2048 ))" \
    0 "the collection Build Service did not get it"

api DELETE "_apis/accesscontrolentries/$GIT?token=$token&descriptors=$descriptor&$V"
is "$body" true "remove an entry: true"
acl
is "$(echo "$body" | jq -r --arg d "$descriptor" '.value[0].acesDictionary[$d].extendedInfo.effectiveAllow')" \
    2 "back to Read only"
api GET "_apis/accesscontrollists/00000000-0000-0000-0000-000000000000?token=x&$V"
is "$status" 404 "an unknown namespace: 404"

done_testing
