/*
 * The accelerator's scenarios: which ML project type, Azure ML interface
 * and infrastructure provider combinations mlops-project-template has,
 * and which of them are known not to work as shipped
 * (mlops-v2-facts.md sections 1.6 and 3). One table for the answers'
 * validation, the scenario step and the wizard's choices.
 */
#ifndef MT_SCENARIO_H
#define MT_SCENARIO_H

#include <stddef.h>

struct scenario_verdict {
	const char *error;    /* why it cannot be chosen; NULL: it can */
	const char *warning;  /* a known defect of the shipped templates */
};

/* Judge a combination; any argument may be NULL (then not judged). */
void scenario_judge(const char *type, const char *interface,
    const char *infrastructure, struct scenario_verdict *out);

/* Why no interface of type can be chosen, or NULL when one can. */
const char *scenario_type_refusal(const char *type);

/* The allowed values, NULL-terminated, for messages and menus. */
extern const char *const scenario_types[];
extern const char *const scenario_interfaces[];
extern const char *const scenario_providers[];

#endif
