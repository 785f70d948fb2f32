/* Azure DevOps security and identities: who jobs run as, and their rights. */
#ifndef MT_ADO_SECURITY_H
#define MT_ADO_SECURITY_H

#include "api.h"

#define ADO_NS_GIT "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87"
#define ADO_NS_BUILD "33344d9c-fc72-4d6f-aba5-fa317101a7e9"
/* The organization's namespace; its one token is NAMESPACE. */
#define ADO_NS_COLLECTION "3e65f728-f8bc-4ecd-8764-7e378b19bfa7"
#define ADO_COLLECTION_TOKEN "NAMESPACE"
#define COLLECTION_CREATE_PROJECTS 4u

/* The bits the guide grants the Build Service in those namespaces. */
#define BUILD_EDIT_PIPELINE   2048u
#define BUILD_CREATE_PIPELINE 32768u
#define GIT_CONTRIBUTE        4u
#define GIT_CREATE_BRANCH     16u

/* Identities whose display name is name (the General search filter). */
struct api_call *ado_find_identity(struct api *api, const char *name);
/* The project's build settings, enforceJobAuthScope among them. */
struct api_call *ado_general_settings(struct api *api, const char *project);
/* A security namespace with its actions {name, bit}. */
struct api_call *ado_security_namespace(struct api *api, const char *ns);
/*
 * Allow bits for the identity descriptor at token (merged into what it
 * has); the answer echoes the resulting entry.
 */
struct api_call *ado_allow(struct api *api, const char *ns,
    const char *token, const char *descriptor, unsigned bits);
/* Set the identity's entry at token to exactly allow and deny (not
 * merged): how rights granted are taken back. */
struct api_call *ado_set_ace(struct api *api, const char *ns,
    const char *token, const char *descriptor, unsigned allow, unsigned deny);
/* The access control list of token for descriptor, with effective bits. */
struct api_call *ado_acl(struct api *api, const char *ns, const char *token,
    const char *descriptor);
/* Whether the caller (not another identity) holds every one of bits at
 * token: an answer of one boolean. */
struct api_call *ado_has_permissions(struct api *api, const char *ns,
    unsigned bits, const char *token);
/* The effective allowed bits in an ado_acl answer for descriptor. */
unsigned ado_acl_effective(const struct api_call *call,
    const char *descriptor);
/* The bits set on the entry itself (not inherited) in an ado_acl answer. */
void ado_acl_explicit(const struct api_call *call, const char *descriptor,
    unsigned *allow, unsigned *deny);

#endif
