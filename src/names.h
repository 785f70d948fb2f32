/*
 * The Azure names the accelerator derives from namespace and postfix, and
 * the rules they must keep (mlops-v2-facts.md section 2.5): the key vault,
 * the storage accounts and the endpoints are what limit them. One place
 * for the wizard's live validation, doctor's check and the config step.
 */
#ifndef MT_NAMES_H
#define MT_NAMES_H

#include <stdbool.h>
#include <stddef.h>

struct names_input {
	const char *namespace;
	const char *postfix;
	const char *environment;   /* "prod", "dev" */
	const char *infrastructure; /* "bicep", "terraform" */
	const char *project_type;  /* "classical", "cv", "nlp" */
};

struct names {
	char *resource_group;      /* rg-<ns>-<pf><env> */
	char *workspace;           /* mlw-<ns>-<pf><env> */
	char *key_vault;           /* kv-<ns>-<pf><env> */
	char *storage;             /* st<ns><pf><env> (terraform) */
	char *state_storage;       /* st<ns><pf><env>tf (terraform state) */
	char *state_resource_group; /* rg-<ns>-<pf><env>-tf (its group) */
	char *registry;            /* cr<ns><pf><env> */
	char *online_endpoint;     /* taxi-online-<ns><pf><env> (per type) */
	char *batch_endpoint;      /* taxi-batch-<ns><pf><env> */
};

/* A broken rule: which field, what is wrong and what is allowed. */
struct name_problem {
	const char *field;         /* "namespace", "postfix", "key vault"... */
	char *message;
	int serious;               /* 0: a warning (e.g. the defaults) */
};

/* The derived names (owned by the caller; free with names_free). */
void names_derive(struct names *out, const struct names_input *in);
void names_free(struct names *n);

/*
 * Check in against every rule; *out gets the problems (owned; free with
 * names_free_problems). Returns how many are serious.
 */
size_t names_check(const struct names_input *in, struct name_problem **out,
    size_t *count);
void names_free_problems(struct name_problem *p, size_t count);

/* Azure's storage account rule: 3 to 24 lowercase letters and digits. */
bool names_storage_valid(const char *name);

#endif
