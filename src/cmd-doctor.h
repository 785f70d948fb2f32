/* `mlops-tui doctor`: the read-only preflight of a setup. */
#ifndef MT_CMD_DOCTOR_H
#define MT_CMD_DOCTOR_H

#include <stdbool.h>

struct doctor_options {
	const char *org_url;
	const char *project;           /* NULL: mlops-v2 */
	const char *repository;
	const char *infrastructure;    /* NULL: bicep */
	const char *namespace;         /* NULL: from config-infra-prod.yml */
	const char *postfix;
	const char *pat_file;          /* NULL: environment or prompt */
	const char *ado_auth;          /* "pat" (NULL) or "entra" */
	const char *subscription;      /* NULL: no Azure checks */
	const char *tenant;            /* NULL: organizations */
	const char *client_id;         /* NULL: the Azure CLI's */
	const char *azure_sign_in;     /* "device", "az"; NULL: az if found */
	const char *log_path;
	bool json;
};

/*
 * Run every check against the organization and print one line each: ok,
 * problem with its fix, or cannot tell and why. Changes nothing. Returns
 * an exit status (exitcode.h): MT_EXIT_PROBLEM when a check found one.
 */
int cmd_doctor(const struct doctor_options *opt);

#endif
