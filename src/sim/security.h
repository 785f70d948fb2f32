/* The sandbox's security model, shared by the areas that check it. */
#ifndef MT_SIM_SECURITY_H
#define MT_SIM_SECURITY_H

#include <stdbool.h>

#include <jansson.h>

#define SECURITY_GIT "2e9eb7ed-3c0a-47d4-87c1-0ffdd275fd87"
#define SECURITY_BUILD "33344d9c-fc72-4d6f-aba5-fa317101a7e9"
#define SECURITY_COLLECTION "3e65f728-f8bc-4ecd-8764-7e378b19bfa7"

#define COLLECTION_GENERIC_READ 1u
#define COLLECTION_CREATE_PROJECTS 4u

#define GIT_GENERIC_READ 2u
#define GIT_GENERIC_CONTRIBUTE 4u
#define GIT_FORCE_PUSH 8u
#define GIT_CREATE_BRANCH 16u
#define BUILD_EDIT_DEFINITION 2048u
#define BUILD_CREATE_DEFINITION 32768u

/* Add the identities and ACLs of a new world. */
void security_new_world(json_t *root);
/* Add a new project's build service and general settings. */
void security_new_project(json_t *root, json_t *project);
/* The build identity that jobs of project run as (borrowed). */
json_t *security_job_identity(json_t *root, json_t *project);
/* The signed-in operator's identity (borrowed). */
json_t *security_operator(json_t *root);

/*
 * Why identity may not do what bits (Git Repositories bits) need on the
 * repository, as TF401027 says it, or NULL when it may. Caller frees.
 */
char *security_git_denial(json_t *root, json_t *identity,
    const char *project_id, const char *repo_id, unsigned bits);

/*
 * Effective permission bits of an identity descriptor at token in the
 * namespace ns_id; *inherited (may be NULL) gets what the parents give.
 */
unsigned security_effective(json_t *root, const char *ns_id,
    const char *token, const char *descriptor, unsigned *inherited);

/*
 * The bits an action of descriptor at token is checked against: the ACL as
 * it is now, without the lag with which reads see a new entry.
 */
unsigned security_enforced(json_t *root, const char *ns_id,
    const char *token, const char *descriptor);

/* Whether the operator is a Project Collection Administrator
 * (settings.operator_can_create_projects). */
bool security_operator_is_admin(json_t *root);

#endif
