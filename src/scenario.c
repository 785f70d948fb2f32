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
};

static const struct combination combinations[] = {
	{ "classical", "aml-cli-v2", NULL },
	{ "classical", "python-sdk-v2", NULL },
	{ "classical", "rai-aml-cli-v2", "rai-aml-cli-v2's training pipeline "
	    "checks out a GitHub repository through a GitHub service "
	    "connection named github-connection; create it first" },
	{ "cv", "aml-cli-v2", "cv with aml-cli-v2: the shipped training "
	    "pipeline does not compile (unexpected parameter 'build_type')" },
	{ "nlp", "aml-cli-v2", NULL },
	{ "nlp", "python-sdk-v2", "nlp with python-sdk-v2: the shipped "
	    "training pipeline does not compile (the run-pipeline template "
	    "lacks required parameters)" },
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
			return;
		}
	out->error = strcmp(type, "cv") == 0 ? "cv exists only with "
	    "aml-cli-v2" : "nlp exists with aml-cli-v2 and python-sdk-v2 only";
}
