/* `mlops-tui doctor`: the read-only preflight of a setup. */
#ifndef MT_CMD_DOCTOR_H
#define MT_CMD_DOCTOR_H

#include <stdbool.h>

#include "connection.h"

struct doctor_options {
	struct connection_options conn; /* azure: set from subscription */
	const char *project;           /* NULL: mlops-v2 */
	const char *repository;
	const char *infrastructure;    /* NULL: bicep */
	const char *namespace;         /* NULL: from config-infra-prod.yml */
	const char *postfix;
	const char *subscription;      /* NULL: no Azure checks */
	const char *location;          /* NULL: no quota check */
	const char *project_type;      /* NULL: classical */
	/* --environment, each once: whose connection and environment to
	 * check (none given: prod alone). */
	const char *environments[2];
	size_t nenvironments;
	bool json;
};

/*
 * Run every check against the organization and print one line each: ok,
 * problem with its fix, or cannot tell and why. Changes nothing. Returns
 * an exit status (exitcode.h): MT_EXIT_PROBLEM when a check found one.
 */
int cmd_doctor(const struct doctor_options *opt);

#endif
