/*
 * The operator's rights and capacity, checked before anything changes
 * (issue 14): may they create the project, register applications, assign
 * roles at the subscription; does the region's Azure ML quota cover the
 * clusters. Each is asked only for a job the plan would still do, so a
 * finished setup is not held up by a right it no longer needs. plan and
 * the wizard's review show what is found; nothing is changed.
 */
#ifndef MT_UPFRONT_H
#define MT_UPFRONT_H

#include <stddef.h>

#include "checks.h"
#include "connection.h"
#include "engine.h"
#include "errors.h"

struct upfront_item {
	const struct engine_job *job;  /* the job that needs the right */
	char *title;                   /* the check's, with the environment */
	enum verdict verdict;
	char *detail;
	const struct known_error *known; /* its errors.yml entry, or NULL */
	const char *error_id;          /* the check's, for a later project */
	char *key;                     /* the check and what it was asked of */
};

struct upfront {
	struct upfront_item *items;
	size_t count;
	size_t problems;
};

/* Check what e's jobs still to do need (e planned and finished), on
 * conn; errors (may be NULL) explains the problems. */
void upfront_check(struct upfront *u, struct engine *e,
    struct connection *conn, const struct errors *errors);
/* Add the checks e's plan failed already (a name taken in Azure, a
 * refused PAT): for the wizard's review, which shows the plan only
 * through u; plan prints them in its own list. */
void upfront_add_failed_checks(struct upfront *u, struct engine *e,
    const struct errors *errors);
/* The same for one of several projects in a run, on the connection the
 * earlier one's (NULL: none) was checked on: a check it made of the same
 * target is taken from it, not asked again. */
void upfront_check_after(struct upfront *u, struct engine *e,
    struct connection *conn, const struct errors *errors,
    const struct upfront *earlier);
void upfront_clear(struct upfront *u);

#endif
