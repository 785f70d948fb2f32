/*
 * The wizard's questions for a new setup: one field per answer, with the
 * guide's defaults, checked live by the same rules as the answers file
 * (answers.c), and turned into answers text for the setup to open.
 */
#ifndef MT_UI_QUESTIONS_H
#define MT_UI_QUESTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define QUESTION_MAX 256

struct question {
	const char *key;               /* the answer's key; "pat": the PAT */
	const char *label;
	const char *const *choices;    /* NULL: typed */
	bool secret;                   /* shown masked, never saved */
	bool optional;                 /* may stay empty */
	char value[QUESTION_MAX];
};

struct questions {
	struct question *list;
	size_t count;                  /* the fields asked */
	size_t total;                  /* the fields held */
	size_t alone;                  /* questions_only's field, else 0 */
	size_t focused;                /* count: the "review" line */
	bool pat_from_environment;     /* AZURE_DEVOPS_EXT_PAT is set */
	bool principal_file;           /* --principal-file was given */
	bool github_from_environment;  /* MLOPS_TUI_GITHUB_TOKEN is set */
	char *problem;                 /* the last refusal, shown in place */
};

/* env_pat: AZURE_DEVOPS_EXT_PAT's value, taken over (wiped), or NULL:
 * held as the token's answer, so every sign-in attempt has it. */
void questions_init(struct questions *q, char *env_pat);
/* The GitHub token taken from the environment (copied), or NULL. */
void questions_github_token(struct questions *q, const char *token);
/* Wipe the secrets and free. */
void questions_free(struct questions *q);
struct question *questions_get(struct questions *q, const char *key);
/* Ask field key alone (resuming a setup needs the token only). */
void questions_only(struct questions *q, const char *key);
/* Ask every field again. */
void questions_all(struct questions *q);

/* What is wrong with field i as it stands (owned), or NULL. */
char *questions_problem(const struct questions *q, size_t i);
/* Why choice c of field i cannot be taken now, or NULL. */
const char *questions_choice_refused(const struct questions *q, size_t i,
    const char *choice);
/* Whether Azure DevOps is signed in to with Entra rather than the PAT. */
bool questions_use_entra(const struct questions *q);
/* What choice means, in one line (for the choices that need it), or
 * NULL. */
const char *questions_choice_meaning(const char *key, const char *choice);
/* Step field i's choice by dir (+1/-1), skipping the refused ones. */
void questions_choose(struct questions *q, size_t i, int dir);

/*
 * The answers text (mlops-tui(5)) of the fields; the PAT is not in it.
 * NULL with *cause naming the first wrong field, whose index goes to
 * *field.
 */
char *questions_answers(const struct questions *q, size_t *field,
    char **cause);

#endif
