/*
 * Credentials for the services: an Azure DevOps PAT or a bearer token.
 * They live in memory only, are wiped when freed, and are read from the
 * environment, a file or a masked prompt - never from the command line.
 */
#ifndef MT_CREDENTIAL_H
#define MT_CREDENTIAL_H

enum credential_kind { CREDENTIAL_PAT, CREDENTIAL_BEARER };

struct credential {
	enum credential_kind kind;
	char *secret;
};

/* A credential holding a copy of secret; owned by the caller. */
struct credential *credential_new(enum credential_kind kind,
    const char *secret);
/* Wipe and free; NULL is allowed. */
void credential_free(struct credential *c);

/* Environment variable name's value (owned; wipe it with
 * credential_wipe), taken out of the environment and wiped there, so that
 * no child inherits it; NULL when unset or empty. */
char *credential_take_env(const char *name);
/* The same for AZURE_DEVOPS_EXT_PAT. */
char *credential_take_env_pat(void);
/* A token alone in a file (a PAT, a GitHub token: what names it in
 * messages), its line end stripped; a file other users can read is
 * warned about. NULL with *cause. */
struct credential *credential_token_file(const char *path, const char *what,
    char **cause);
/*
 * The PAT from AZURE_DEVOPS_EXT_PAT, else from path (if not NULL), else
 * from a masked prompt on the terminal (when there is one). Returns NULL
 * with *cause saying where it looked.
 */
struct credential *credential_pat(const char *path, char **cause);

/*
 * An existing service principal's secret from the JSON file that
 * `az ad sp create-for-rbac` prints; *app_id and *tenant (or NULL) get
 * its appId and tenant. The file's bytes are wiped once read. NULL with
 * *cause when the file is not that JSON.
 */
struct credential *credential_principal_file(const char *path,
    char **app_id, char **tenant, char **cause);
/* The same from text in memory (pasted); name stands for it in messages.
 * The caller wipes text. */
struct credential *credential_principal_text(const char *text, size_t len,
    const char *name, char **app_id, char **tenant, char **cause);
/* The Authorization header line for c; wipe and free it after use. */
char *credential_header(const struct credential *c);
/* Wipe a string that held a secret, then free it. */
void credential_wipe(char *s);

#endif
