/* Azure DevOps security: identities, namespaces, ACEs, ACLs, job scope. */
#include "config.h"

#include <stdlib.h>

#include "ado_security.h"
#include "xalloc.h"

struct api_call *
ado_find_identity(struct api *api, const char *name)
{
	char *n = api_escape(name);
	struct api_call *call = api_request(api, "GET", api_url(api, "7.1",
	    "_apis/identities?searchFilter=General&filterValue=%s&"
	    "queryMembership=None", n), NULL, true);

	free(n);
	return call;
}

struct api_call *
ado_general_settings(struct api *api, const char *project)
{
	char *p = api_escape(project);
	struct api_call *call = api_request(api, "GET", api_url(api, "7.1",
	    "%s/_apis/build/generalsettings", p), NULL, false);

	free(p);
	return call;
}

struct api_call *
ado_security_namespace(struct api *api, const char *ns)
{
	return api_request(api, "GET", api_url(api, "7.1",
	    "_apis/securitynamespaces/%s", ns), NULL, true);
}

struct api_call *
ado_allow(struct api *api, const char *ns, const char *token,
    const char *descriptor, unsigned bits)
{
	json_t *body = json_pack("{s:s, s:b, s:[{s:s, s:i, s:i}]}", "token",
	    token, "merge", 1, "accessControlEntries", "descriptor",
	    descriptor, "allow", (int)bits, "deny", 0);
	struct api_call_spec spec = { .method = "POST", .collection = true,
		.url = api_url(api, "7.1", "_apis/accesscontrolentries/%s", ns),
		.json = body };

	return api_call_start(api, &spec);
}

struct api_call *
ado_acl(struct api *api, const char *ns, const char *token,
    const char *descriptor)
{
	char *t = api_escape(token), *d = api_escape(descriptor);
	struct api_call *call = api_request(api, "GET", api_url(api, "7.1",
	    "_apis/accesscontrollists/%s?token=%s&descriptors=%s&"
	    "includeExtendedInfo=true&recurse=false", ns, t, d), NULL, true);

	free(d);
	free(t);
	return call;
}

struct api_call *
ado_has_permissions(struct api *api, const char *ns, unsigned bits,
    const char *token)
{
	char *t = api_escape(token);
	struct api_call *call = api_request(api, "GET", api_url(api, "7.1",
	    "_apis/permissions/%s/%u?tokens=%s", ns, bits, t), NULL, true);

	free(t);
	return call;
}

unsigned
ado_acl_effective(const struct api_call *call, const char *descriptor)
{
	json_t *ace = json_object_get(json_object_get(api_item(call, 0),
	    "acesDictionary"), descriptor);

	/* An empty extendedInfo means nothing is effective. */
	return (unsigned)json_integer_value(json_object_get(json_object_get(ace,
	    "extendedInfo"), "effectiveAllow"));
}

struct api_call *
ado_set_ace(struct api *api, const char *ns, const char *token,
    const char *descriptor, unsigned allow, unsigned deny)
{
	json_t *body = json_pack("{s:s, s:b, s:[{s:s, s:i, s:i}]}", "token",
	    token, "merge", 0, "accessControlEntries", "descriptor",
	    descriptor, "allow", (int)allow, "deny", (int)deny);
	struct api_call_spec spec = { .method = "POST", .collection = true,
		.url = api_url(api, "7.1", "_apis/accesscontrolentries/%s", ns),
		.json = body };

	return api_call_start(api, &spec);
}

void
ado_acl_explicit(const struct api_call *call, const char *descriptor,
    unsigned *allow, unsigned *deny)
{
	json_t *ace = json_object_get(json_object_get(api_item(call, 0),
	    "acesDictionary"), descriptor);

	*allow = (unsigned)json_integer_value(json_object_get(ace, "allow"));
	*deny = (unsigned)json_integer_value(json_object_get(ace, "deny"));
}
