/* The accelerator's scenarios: valid combinations and known defects. */
#include "config.h"

#include <string.h>

#include "scenario.h"

const char *const scenario_types[] = { "classical", "cv", "nlp", NULL };
const char *const scenario_interfaces[] = { "aml-cli-v2", "python-sdk-v2",
	"rai-aml-cli-v2", NULL };
const char *const scenario_providers[] = { "bicep", "terraform", NULL };

struct combination {
	const char *type;
	const char *interface;
	const char *warning;   /* NULL: works as shipped */
	const char *refusal;   /* why it cannot reach a deployed model */
};

/*
 * Measured on mlops-project-template and mlops-templates as they are on
 * main (../shared/accelerator, May 2026). A refusal is for a shipped
 * pipeline that cannot compile and has no repair that is certainly right:
 * mlops-tui does not guess what a model's training should be.
 */
static const struct combination combinations[] = {
	{ "classical", "aml-cli-v2", NULL, NULL },
	{ "classical", "python-sdk-v2", NULL, NULL },
	/* Its GitHub service connection is a step of its own
	 * (github-connection), made from the operator's GitHub token. */
	{ "classical", "rai-aml-cli-v2", NULL, NULL },
	{ "cv", "aml-cli-v2", NULL, "cv with aml-cli-v2 cannot be set up: "
	    "its shipped training pipeline does not compile (it passes "
	    "build_type, which register-environment.yml does not declare, and "
	    "uses register-dataset.yml, gone from mlops-templates since "
	    "9e5e2cd; Azure/mlops-v2 issue 101); choose classical, or nlp with "
	    "aml-cli-v2" },
	{ "nlp", "aml-cli-v2", NULL, NULL },
	{ "nlp", "python-sdk-v2", NULL, "nlp with python-sdk-v2 cannot be "
	    "set up: its shipped training pipeline does not compile "
	    "(run-pipeline.yml needs data_name, environment_name and "
	    "compute_name, which it does not pass) and it has no endpoint "
	    "pipeline; choose nlp with aml-cli-v2" },
};

static int
listed(const char *const *list, const char *value)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, value) == 0)
			return 1;
	return 0;
}

void
scenario_judge(const char *type, const char *interface,
    const char *infrastructure, struct scenario_verdict *out)
{
	out->error = NULL;
	out->warning = NULL;
	if (type != NULL && !listed(scenario_types, type))
		out->error = "the project type must be classical, cv or nlp";
	else if (interface != NULL && strcmp(interface, "python-sdk-v1") == 0)
		out->error = "python-sdk-v1 can no longer be chosen: use "
		    "aml-cli-v2 or python-sdk-v2";
	else if (interface != NULL && !listed(scenario_interfaces, interface))
		out->error = "the interface must be aml-cli-v2, python-sdk-v2 "
		    "or rai-aml-cli-v2";
	else if (infrastructure != NULL && !listed(scenario_providers,
	    infrastructure))
		out->error = "the infrastructure provider must be bicep or "
		    "terraform";
	if (out->error != NULL || type == NULL || interface == NULL)
		return;
	for (size_t i = 0; i < sizeof combinations / sizeof *combinations; i++)
		if (strcmp(combinations[i].type, type) == 0 &&
		    strcmp(combinations[i].interface, interface) == 0) {
			out->warning = combinations[i].warning;
			out->error = combinations[i].refusal;
			return;
		}
	out->error = strcmp(type, "cv") == 0 ? "cv exists only with "
	    "aml-cli-v2" : "nlp exists with aml-cli-v2 and python-sdk-v2 only";
}

const char *
scenario_type_refusal(const char *type)
{
	const char *why = NULL;
	struct scenario_verdict v;

	for (const char *const *i = scenario_interfaces; *i != NULL; i++) {
		scenario_judge(type, *i, NULL, &v);
		if (v.error == NULL)
			return NULL;
		/* The reason of a combination the type has, not "cv exists
		 * only with aml-cli-v2". */
		for (size_t k = 0; k < sizeof combinations /
		    sizeof *combinations; k++)
			if (strcmp(combinations[k].type, type) == 0 &&
			    strcmp(combinations[k].interface, *i) == 0)
				why = v.error;
	}
	return why;
}
