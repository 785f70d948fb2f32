/*
 * The sandbox's security: namespaces with their real ids and bits, the
 * identities pipelines run as (found by the real search filters), access
 * control entries and lists with inheritance along the token path, and the
 * project setting that decides which build identity jobs run as.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/handlers.h"
#include "sim/security.h"
#include "xalloc.h"

/* How long a new ACE takes to show in effective permissions (scaled). */
#define ACL_READ_LAG_MS 1000

struct action {
	unsigned bit;
	const char *name, *display;
};

struct namespace_def {
	const char *id, *name, *display;
	char separator;
	const struct action *actions;
	size_t nactions;
	unsigned build_default;    /* what build identities have unless set */
};

static const struct action git_actions[] = {
	{ 1, "Administer", "Administer" }, { 2, "GenericRead", "Read" },
	{ 4, "GenericContribute", "Contribute" },
	{ 8, "ForcePush", "Force push (rewrite history, delete branches and "
	    "tags)" },
	{ 16, "CreateBranch", "Create branch" }, { 32, "CreateTag",
	    "Create tag" }, { 64, "ManageNote", "Manage notes" },
	{ 128, "PolicyExempt", "Bypass policies when pushing" },
	{ 256, "CreateRepository", "Create repository" },
	{ 512, "DeleteRepository", "Delete or disable repository" },
	{ 1024, "RenameRepository", "Rename repository" },
	{ 2048, "EditPolicies", "Edit policies" },
	{ 4096, "RemoveOthersLocks", "Remove others' locks" },
	{ 8192, "ManagePermissions", "Manage permissions" },
	{ 16384, "PullRequestContribute", "Contribute to pull requests" },
	{ 32768, "PullRequestBypassPolicy", "Bypass policies when completing "
	    "pull requests" },
	{ 65536, "ViewAdvSecAlerts", "Advanced Security: view alerts" },
	{ 131072, "DismissAdvSecAlerts", "Advanced Security: manage and "
	    "dismiss alerts" },
	{ 262144, "ManageAdvSecScanning", "Advanced Security: manage "
	    "settings" },
};

static const struct action build_actions[] = {
	{ 1, "ViewBuilds", "View builds" }, { 2, "EditBuildQuality",
	    "Edit build quality" }, { 4, "RetainIndefinitely",
	    "Retain indefinitely" }, { 8, "DeleteBuilds", "Delete builds" },
	{ 16, "ManageBuildQualities", "Manage build qualities" },
	{ 32, "DestroyBuilds", "Destroy builds" },
	{ 64, "UpdateBuildInformation", "Update build information" },
	{ 128, "QueueBuilds", "Queue builds" },
	{ 256, "ManageBuildQueue", "Manage build queue" },
	{ 512, "StopBuilds", "Stop builds" },
	{ 1024, "ViewBuildDefinition", "View build pipeline" },
	{ 2048, "EditBuildDefinition", "Edit build pipeline" },
	{ 4096, "DeleteBuildDefinition", "Delete build pipeline" },
	{ 8192, "OverrideBuildCheckInValidation", "Override check-in "
	    "validation by build" },
	{ 16384, "AdministerBuildPermissions", "Administer build "
	    "permissions" },
	{ 32768, "CreateBuildDefinition", "Create build pipeline" },
};

static const struct action endpoint_actions[] = {
	{ 1, "Use", "Use Endpoint" }, { 2, "Administer", "Administer "
	    "Endpoint" }, { 4, "Create", "Create Endpoint" },
	{ 8, "ViewAuthorization", "View Authorization" },
	{ 16, "ViewEndpoint", "View Endpoint" },
};

static const struct action environment_actions[] = {
	{ 1, "View", "View Environment" }, { 2, "Manage", "Manage "
	    "Environment" }, { 4, "ManageHistory", "Manage Environment "
	    "History" }, { 8, "Administer", "Administer Environment" },
	{ 16, "Use", "Use Environment" }, { 32, "Create", "Create "
	    "Environment" },
};

/* The organization's own namespace ("Collection"); its one token is
 * NAMESPACE. Create new projects is the right the project step needs. */
static const struct action collection_actions[] = {
	{ 1, "GENERIC_READ", "View instance-level information" },
	{ 2, "GENERIC_WRITE", "Edit instance-level information" },
	{ 4, "CREATE_PROJECTS", "Create new projects" },
	{ 16, "TRIGGER_EVENT", "Trigger events" },
	{ 32, "MANAGE_TEMPLATE", "Manage process template" },
	{ 64, "DIAGNOSTIC_TRACE", "Alter trace settings" },
	{ 128, "SYNCHRONIZE_READ", "View system synchronization "
	    "information" },
	{ 512, "MANAGE_TEST_CONTROLLERS", "Manage test controllers" },
	{ 1024, "DELETE_FIELD", "Delete field from organization" },
	{ 2048, "MANAGE_ENTERPRISE_POLICIES", "Manage enterprise policies" },
};

#define ACTIONS(a) a, sizeof a / sizeof a[0]
static const struct namespace_def namespaces[] = {
	{ SECURITY_GIT, "Git Repositories", "Git Repositories", '/',
	    ACTIONS(git_actions), 2 /* Read */ },
	{ SECURITY_BUILD, "Build", "Build", '/', ACTIONS(build_actions),
	    1 | 64 | 128 | 1024 /* view, update info, queue, view def. */ },
	{ "49b48001-ca20-4adc-8111-5b60c903a50c", "ServiceEndpoints",
	    "ServiceEndpoints", '/', ACTIONS(endpoint_actions), 0 },
	{ "83d4c2e6-e57d-4d6e-892b-b87222b7ad20", "Environment",
	    "Environment", '/', ACTIONS(environment_actions), 0 },
	{ SECURITY_COLLECTION, "Collection", "Collection", '/',
	    ACTIONS(collection_actions), 0 },
};
#undef ACTIONS
#define NNAMESPACES (sizeof namespaces / sizeof namespaces[0])

static const struct namespace_def *
namespace_find(const char *id)
{
	for (size_t i = 0; id != NULL && i < NNAMESPACES; i++)
		if (strcasecmp(namespaces[i].id, id) == 0)
			return &namespaces[i];
	return NULL;
}

/* ---- identities ----------------------------------------------------- */

/* prefix + base64url of text: the Graph subject descriptor ("svc.", "aad."). */
static char *
subject_descriptor(const char *prefix, const char *text)
{
	char *b64 = exchange_base64url(text), *out = xasprintf("%s%s", prefix,
	    b64);

	free(b64);
	return out;
}

/* Add a build service identity for scope (a project id or the collection). */
static json_t *
add_build_identity(json_t *root, const char *scope, const char *name,
    const char *kind)
{
	const char *instance = json_string_value(json_object_get(root,
	    "instance_id"));
	char *inner = xasprintf("%s:Build:%s", instance, scope);
	char *descriptor = xasprintf("Microsoft.TeamFoundation.ServiceIdentity;"
	    "%s", inner);
	char *subject = subject_descriptor("svc.", inner);
	char *id = world_new_guid();
	json_t *identity = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "id", id, "descriptor", descriptor, "subjectDescriptor", subject,
	    "providerDisplayName", name, "kind", kind, "scope", scope,
	    "domain", "Build");

	json_array_append_new(json_object_get(root, "identities"), identity);
	free(id);
	free(subject);
	free(descriptor);
	free(inner);
	return identity;
}

void
security_new_world(json_t *root)
{
	const char *org = json_string_value(json_object_get(root,
	    "organization"));
	const char *instance = json_string_value(json_object_get(root,
	    "instance_id"));
	char *name = xasprintf("Project Collection Build Service (%s)", org);

	json_t *user = json_object_get(root, "user");
	const char *unique = json_string_value(json_object_get(user,
	    "uniqueName"));
	char *descriptor = xasprintf("Microsoft.IdentityModel.Claims."
	    "ClaimsIdentity;sandbox\\%s", unique);
	char *subject = subject_descriptor("aad.", unique);

	json_object_set_new(root, "identities", json_array());
	json_object_set_new(root, "acls", json_object());
	add_build_identity(root, instance, name, "collection-build");
	/* The signed-in operator, a Project Collection Administrator. */
	json_array_append_new(json_object_get(root, "identities"), json_pack(
	    "{s:O, s:s, s:s, s:O, s:s, s:s, s:s}", "id", json_object_get(user,
	    "id"), "descriptor", descriptor, "subjectDescriptor", subject,
	    "providerDisplayName", json_object_get(user, "displayName"),
	    "kind", "user", "scope", "", "domain", "AzureAD"));
	/* settings.operator_can_create_projects false makes the operator a
	 * mere member (Project Collection Valid Users): only reading. */
	json_object_set_new(json_object_get(root, "settings"),
	    "operator_can_create_projects", json_true());
	free(subject);
	free(descriptor);
	free(name);
}

json_t *
security_operator(json_t *root)
{
	return world_find(json_object_get(root, "identities"), "kind", "user");
}

char *
security_git_denial(json_t *root, json_t *identity, const char *project_id,
    const char *repo_id, unsigned bits)
{
	static const struct {
		unsigned bit;
		const char *name;
	} wanted[] = { { 2, "GenericRead" }, { 4, "GenericContribute" },
		{ 8, "ForcePush" }, { 16, "CreateBranch" } };
	char *token = xasprintf("repoV2/%s/%s", project_id, repo_id);
	unsigned have = security_enforced(root, SECURITY_GIT, token,
	    json_string_value(json_object_get(identity, "descriptor")));
	char *why = NULL;

	for (size_t i = 0; i < 4 && why == NULL; i++)
		if ((bits & wanted[i].bit) && !(have & wanted[i].bit))
			why = xasprintf("TF401027: You need the Git '%s' "
			    "permission to perform this action. Details: "
			    "identity '%s', scope 'repository'.", wanted[i].name,
			    json_string_value(json_object_get(identity,
			    "providerDisplayName")));
	free(token);
	return why;
}

void
security_new_project(json_t *root, json_t *project)
{
	const char *org = json_string_value(json_object_get(root,
	    "organization"));
	char *name = xasprintf("%s Build Service (%s)", json_string_value(
	    json_object_get(project, "name")), org);

	add_build_identity(root, json_string_value(json_object_get(project,
	    "id")), name, "project-build");
	/* New projects limit job authorization to themselves by default. */
	json_object_set_new(project, "general_settings", json_pack("{s:b, s:b,"
	    " s:b, s:b, s:b, s:b}", "enforceJobAuthScope", 1,
	    "enforceJobAuthScopeForReleases", 0,
	    "enforceReferencedRepoScopedToken", 1, "enforceSettableVar", 1,
	    "publishPipelineMetadata", 0, "statusBadgesArePrivate", 1));
	free(name);
}

json_t *
security_job_identity(json_t *root, json_t *project)
{
	bool scoped = json_is_true(json_object_get(json_object_get(project,
	    "general_settings"), "enforceJobAuthScope"));
	const char *scope = scoped ? json_string_value(json_object_get(project,
	    "id")) : json_string_value(json_object_get(root, "instance_id"));

	return world_find(json_object_get(root, "identities"), "scope", scope);
}

static json_t *
identity_json(json_t *identity)
{
	return json_pack("{s:O, s:O, s:O, s:O, s:O, s:b, s:b, s:[], s:[], "
	    "s:{s:{s:s, s:O}}, s:i, s:i}",
	    "id", json_object_get(identity, "id"),
	    "descriptor", json_object_get(identity, "descriptor"),
	    "subjectDescriptor", json_object_get(identity, "subjectDescriptor"),
	    "providerDisplayName", json_object_get(identity,
	    "providerDisplayName"),
	    "customDisplayName", json_object_get(identity,
	    "providerDisplayName"),
	    "isActive", 1, "isContainer", 0, "members", "memberOf",
	    "properties", "Domain", "$type", "System.String", "$value",
	    json_object_get(identity, "domain"),
	    "resourceVersion", 2, "metaTypeId", 255);
}

/* Whether a comma-separated list holds value (case-insensitively). */
static bool
list_has(const char *list, const char *value)
{
	size_t n = strlen(value);

	for (const char *p = list; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, ",");
		if (len == n && strncasecmp(p, value, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

void
handle_identities(struct exchange *x)
{
	const char *filter = exchange_query(x, "searchFilter");
	const char *value = exchange_query(x, "filterValue");
	const char *descriptors = exchange_query(x, "descriptors");
	const char *subjects = exchange_query(x, "subjectDescriptors");
	const char *ids = exchange_query(x, "identityIds");
	json_t *root, *list, *identity;
	size_t i;

	if (strcmp(x->method, "GET") != 0 || (filter == NULL &&
	    descriptors == NULL && subjects == NULL && ids == NULL)) {
		exchange_error(x, 400, "InvalidQueryException", "A search "
		    "filter, descriptors, subjectDescriptors or identityIds must "
		    "be given.");
		return;
	}
	root = world_lock(x->world);
	list = json_array();
	json_array_foreach(json_object_get(root, "identities"), i, identity) {
		const char *name = json_string_value(json_object_get(identity,
		    "providerDisplayName"));
		bool hit = (descriptors && list_has(descriptors, json_string_value(
		    json_object_get(identity, "descriptor")))) ||
		    (subjects && list_has(subjects, json_string_value(
		    json_object_get(identity, "subjectDescriptor")))) ||
		    (ids && list_has(ids, json_string_value(json_object_get(
		    identity, "id")))) ||
		    (filter && value && (strcasecmp(filter, "General") == 0 ||
		    strcasecmp(filter, "DisplayName") == 0) &&
		    strcasecmp(name, value) == 0);
		if (hit)
			json_array_append_new(list, identity_json(identity));
	}
	world_unlock(x->world, false);
	exchange_collection(x, list);
}

/* ---- namespaces ----------------------------------------------------- */

static json_t *
namespace_json(const struct namespace_def *ns)
{
	json_t *actions = json_array();
	char sep[2] = { ns->separator, '\0' };

	for (size_t i = 0; i < ns->nactions; i++) {
		json_array_append_new(actions, json_pack("{s:i, s:s, s:s, s:s}",
		    "bit", ns->actions[i].bit, "name", ns->actions[i].name,
		    "displayName", ns->actions[i].display, "namespaceId",
		    ns->id));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:i, s:b, "
	    "s:b, s:i, s:o}", "namespaceId", ns->id, "name", ns->name,
	    "displayName", ns->display, "separatorValue", sep,
	    "elementLength", -1, "writePermission", 2, "readPermission", 1,
	    "dataspaceCategory", "Default", "structureValue", 1,
	    "isRemotable", 1, "useTokenTranslator", 0, "systemBitMask", 0,
	    "actions", actions);
}

void
handle_security_namespaces(struct exchange *x)
{
	const struct namespace_def *ns;
	json_t *list;

	if (strcmp(x->method, "GET") != 0) {
		exchange_method_not_allowed(x);
		return;
	}
	list = json_array();
	if (x->params[0] == NULL) {
		for (size_t i = 0; i < NNAMESPACES; i++)
			json_array_append_new(list, namespace_json(
			    &namespaces[i]));
	} else if ((ns = namespace_find(x->params[0])) != NULL)
		json_array_append_new(list, namespace_json(ns));
	exchange_collection(x, list);
}

/* ---- access control -------------------------------------------------- */

/* The stored ACEs of token in ns: {descriptor: {allow, deny, ...}}. */
static json_t *
stored_aces(json_t *root, const char *ns, const char *token, bool create)
{
	json_t *acls = json_object_get(root, "acls");
	json_t *space = json_object_get(acls, ns), *aces;

	if (space == NULL && create) {
		space = json_object();
		json_object_set_new(acls, ns, space);
	}
	aces = space ? json_object_get(space, token) : NULL;
	if (aces == NULL && create) {
		aces = json_object();
		json_object_set_new(space, token, aces);
	}
	return aces;
}

static json_t *
identity_by_descriptor(json_t *root, const char *descriptor)
{
	return world_find(json_object_get(root, "identities"), "descriptor",
	    descriptor);
}

/*
 * The bits of one ACE as a reader sees it now: an entry newer than the
 * read lag is not visible yet, as on the real service.
 */
static void
visible_bits(json_t *root, json_t *ace, bool lag, unsigned *allow,
    unsigned *deny)
{
	long long written = json_integer_value(json_object_get(ace,
	    "written_ms"));

	*allow = *deny = 0;
	if (ace == NULL || (lag && world_now_ms() - written < world_scaled_ms(
	    root, ACL_READ_LAG_MS)))
		return;
	*allow = (unsigned)json_integer_value(json_object_get(ace, "allow"));
	*deny = (unsigned)json_integer_value(json_object_get(ace, "deny"));
}

/*
 * Effective permissions of descriptor at token: from the built-in defaults,
 * then each token on the path from the root down, where an explicit entry
 * overrides what it inherits. *inherited is what the parent path gives.
 */
static unsigned
effective_bits(json_t *root, const char *ns_id, const char *token,
    const char *descriptor, bool lag, unsigned *inherited)
{
	const struct namespace_def *ns = namespace_find(ns_id);
	json_t *identity = identity_by_descriptor(root, descriptor);
	char *prefix = xstrdup(token);
	unsigned effective = 0, allow, deny;
	size_t len = strlen(token);

	if (ns != NULL && identity != NULL &&
	    strcmp(json_string_value(json_object_get(identity, "domain")),
	    "Build") == 0)
		effective = ns->build_default;
	else if (ns != NULL && identity != NULL)
		for (size_t i = 0; i < ns->nactions; i++)
			effective |= ns->actions[i].bit; /* an administrator */
	for (size_t end = 0; end <= len; end++) {
		if (token[end] != '\0' && token[end] != (ns ? ns->separator :
		    '/'))
			continue;
		prefix[end] = '\0';
		if (end == len && inherited != NULL)
			*inherited = effective;
		visible_bits(root, json_object_get(stored_aces(root, ns_id,
		    prefix, false), descriptor), lag, &allow, &deny);
		effective = (effective & ~deny) | allow;
		memcpy(prefix, token, len + 1);
	}
	free(prefix);
	return effective;
}

unsigned
security_effective(json_t *root, const char *ns_id, const char *token,
    const char *descriptor, unsigned *inherited)
{
	return effective_bits(root, ns_id, token, descriptor, true, inherited);
}

/* The read lag is the replication of what the API reads; the service
 * checks an action against the ACL as it is. */
unsigned
security_enforced(json_t *root, const char *ns_id, const char *token,
    const char *descriptor)
{
	return effective_bits(root, ns_id, token, descriptor, false, NULL);
}

bool
security_operator_is_admin(json_t *root)
{
	json_t *v = json_object_get(json_object_get(root, "settings"),
	    "operator_can_create_projects");

	/* A world from before the setting: the operator administers. */
	return v == NULL || json_is_true(v);
}

/* The operator's bits at token: an administrator's, or at the
 * collection a member's (read only) when it is not one. */
static unsigned
operator_bits(json_t *root, const struct namespace_def *ns,
    const char *token)
{
	json_t *op = security_operator(root);
	unsigned bits = security_enforced(root, ns->id, token,
	    json_string_value(json_object_get(op, "descriptor")));

	if (strcmp(ns->id, SECURITY_COLLECTION) == 0 &&
	    !security_operator_is_admin(root))
		bits &= COLLECTION_GENERIC_READ;
	return bits;
}

/*
 * GET _apis/permissions/{ns}/{bits}?tokens=a,b: whether the caller holds
 * every bit at each token, as {count, value: [true, false]} in the
 * tokens' order (security.json, Permissions_Has Permissions).
 */
void
handle_permissions(struct exchange *x)
{
	const struct namespace_def *ns = namespace_find(x->params[0]);
	const char *tokens = exchange_query(x, "tokens");
	const char *delimiter = exchange_query(x, "delimiter");
	char sep = delimiter && *delimiter ? *delimiter : ',';
	unsigned long want = x->params[1] ? strtoul(x->params[1], NULL, 10) :
	    0;
	json_t *root, *list;

	if (ns == NULL || strcmp(x->method, "GET") != 0 || want == 0) {
		exchange_error(x, ns ? 400 : 404, ns ? "ArgumentException" :
		    "InvalidSecurityNamespaceException", ns ? "The permissions "
		    "to evaluate must be a positive number." : "The security "
		    "namespace %s is not valid.", x->params[0] ?
		    x->params[0] : "");
		return;
	}
	root = world_lock(x->world);
	list = json_array();
	for (const char *p = tokens ? tokens : ""; *p != '\0';) {
		size_t len = strcspn(p, (char[]){ sep, '\0' });
		char *token = xstrndup(p, len);

		json_array_append_new(list, json_boolean((operator_bits(root,
		    ns, token) & want) == want));
		free(token);
		p += len + (p[len] == sep);
	}
	world_unlock(x->world, false);
	exchange_collection(x, list);
}

static void
set_entries(struct exchange *x, json_t *root, const char *ns, bool *changed)
{
	const char *token = json_string_value(json_object_get(x->body,
	    "token"));
	bool merge = json_is_true(json_object_get(x->body, "merge"));
	json_t *entries = json_object_get(x->body, "accessControlEntries");
	json_t *aces, *e, *old, *result = json_array();
	size_t i;

	if (token == NULL || !json_is_array(entries)) {
		json_decref(result);
		exchange_error(x, 400, "InvalidAccessControlListException",
		    "The request needs a token and accessControlEntries.");
		return;
	}
	json_array_foreach(entries, i, e) {
		const char *d = json_string_value(json_object_get(e,
		    "descriptor"));
		if (d == NULL || identity_by_descriptor(root, d) == NULL) {
			json_decref(result);
			exchange_error(x, 400, "IdentityNotFoundException",
			    "The identity with descriptor '%s' was not found; "
			    "access control entries take the identity "
			    "descriptor.", d ? d : "");
			return;
		}
	}
	aces = stored_aces(root, ns, token, true);
	json_array_foreach(entries, i, e) {
		const char *d = json_string_value(json_object_get(e,
		    "descriptor"));
		json_int_t allow = json_integer_value(json_object_get(e,
		    "allow")), deny = json_integer_value(json_object_get(e,
		    "deny"));
		old = json_object_get(aces, d);
		if (merge && old != NULL) {
			allow |= json_integer_value(json_object_get(old,
			    "allow"));
			deny |= json_integer_value(json_object_get(old, "deny"));
		}
		json_object_set_new(aces, d, json_pack("{s:I, s:I, s:I}",
		    "allow", allow, "deny", deny, "written_ms",
		    (json_int_t)world_now_ms()));
		json_array_append_new(result, json_pack("{s:s, s:I, s:I}",
		    "descriptor", d, "allow", allow, "deny", deny));
	}
	*changed = true;
	exchange_collection(x, result);
}

static void
remove_entries(struct exchange *x, json_t *root, const char *ns,
    bool *changed)
{
	const char *token = exchange_query(x, "token");
	const char *descriptors = exchange_query(x, "descriptors");
	json_t *aces = token ? stored_aces(root, ns, token, false) : NULL;
	const char *key;
	json_t *value, *tmp;

	if (aces != NULL && descriptors != NULL) {
		json_object_foreach_safe(aces, tmp, key, value)
			if (list_has(descriptors, key))
				json_object_del(aces, key);
		*changed = true;
	}
	exchange_json(x, 200, json_true());
}

void
handle_access_control_entries(struct exchange *x)
{
	json_t *root;
	bool changed = false;

	if (namespace_find(x->params[0]) == NULL) {
		exchange_error(x, 404, "InvalidSecurityNamespaceException",
		    "The security namespace %s is not valid.",
		    x->params[0] ? x->params[0] : "");
		return;
	}
	root = world_lock(x->world);
	if (strcmp(x->method, "POST") == 0)
		set_entries(x, root, namespace_find(x->params[0])->id, &changed);
	else if (strcmp(x->method, "DELETE") == 0)
		remove_entries(x, root, namespace_find(x->params[0])->id,
		    &changed);
	else
		exchange_method_not_allowed(x);
	world_unlock(x->world, changed);
}

static json_t *
ace_json(json_t *root, const char *ns, const char *token,
    const char *descriptor, bool extended)
{
	unsigned allow, deny, inherited = 0, effective;
	json_t *ace, *info;

	visible_bits(root, json_object_get(stored_aces(root, ns, token, false),
	    descriptor), true, &allow, &deny);
	ace = json_pack("{s:s, s:i, s:i}", "descriptor", descriptor,
	    "allow", allow, "deny", deny);
	if (!extended)
		return ace;
	effective = security_effective(root, ns, token, descriptor,
	    &inherited);
	/* As on the real service, nothing effective reads as {}. */
	info = effective == 0 ? json_object() : json_pack("{s:i, s:i, s:i, "
	    "s:i}", "effectiveAllow", effective, "effectiveDeny", 0,
	    "inheritedAllow", inherited & ~allow, "inheritedDeny", 0);
	json_object_set_new(ace, "extendedInfo", info);
	return ace;
}

static json_t *
acl_json(json_t *root, const char *ns, const char *token,
    const char *descriptors, bool extended)
{
	json_t *dict = json_object(), *aces = stored_aces(root, ns, token,
	    false), *value;
	const char *key;

	if (descriptors != NULL) {
		for (const char *p = descriptors; *p != '\0';) {
			size_t len = strcspn(p, ",");
			char *d = xstrndup(p, len);
			if (identity_by_descriptor(root, d) != NULL)
				json_object_set_new(dict, d, ace_json(root, ns,
				    token, d, extended));
			free(d);
			p += len + (p[len] == ',');
		}
	} else if (aces != NULL) {
		json_object_foreach(aces, key, value)
			json_object_set_new(dict, key, ace_json(root, ns, token,
			    key, extended));
	}
	return json_pack("{s:s, s:b, s:b, s:o}", "token", token,
	    "inheritPermissions", 1, "includeExtendedInfo", extended,
	    "acesDictionary", dict);
}

void
handle_access_control_lists(struct exchange *x)
{
	const struct namespace_def *ns = namespace_find(x->params[0]);
	const char *token = exchange_query(x, "token");
	const char *descriptors = exchange_query(x, "descriptors");
	const char *ext = exchange_query(x, "includeExtendedInfo");
	bool extended = ext != NULL && strcasecmp(ext, "true") == 0;
	json_t *root, *list, *space, *value;
	const char *key;

	if (ns == NULL || strcmp(x->method, "GET") != 0) {
		exchange_error(x, ns ? 405 : 404, ns ?
		    "HttpMethodNotAllowedException" :
		    "InvalidSecurityNamespaceException", "The security "
		    "namespace or method is not valid here.");
		return;
	}
	root = world_lock(x->world);
	list = json_array();
	if (token != NULL)
		json_array_append_new(list, acl_json(root, ns->id, token,
		    descriptors, extended));
	else if ((space = json_object_get(json_object_get(root, "acls"),
	    ns->id)) != NULL)
		json_object_foreach(space, key, value)
			json_array_append_new(list, acl_json(root, ns->id, key,
			    descriptors, extended));
	world_unlock(x->world, false);
	exchange_collection(x, list);
}

/* ---- build general settings ----------------------------------------- */

void
handle_general_settings(struct exchange *x)
{
	json_t *root = world_lock(x->world), *project, *settings, *value;
	bool changed = false;
	const char *key;

	project = core_project_or_reply(x, root, x->params[0]);
	settings = json_object_get(project, "general_settings");
	if (project == NULL)
		;
	else if (strcmp(x->method, "GET") == 0)
		exchange_json(x, 200, json_incref(settings));
	else if (strcmp(x->method, "PATCH") == 0) {
		json_object_foreach(x->body, key, value)
			if (json_is_boolean(value))
				json_object_set(settings, key, value);
		changed = true;
		exchange_json(x, 200, json_incref(settings));
	} else
		exchange_method_not_allowed(x);
	world_unlock(x->world, changed);
}
