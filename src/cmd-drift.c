/*
 * `mlops-tui doctor --state FILE`: drift (drift.h) printed, one line per
 * recorded resource as it is judged, or as JSON. Read only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd-drift.h"
#include "drift.h"
#include "exitcode.h"
#include "setup.h"

/* One resource, one line: its verdict, its name, what was found. */
static void
print_line(const struct drift_result *r, void *arg)
{
	/* "environment prod", not "environment prod (prod)". */
	const char *env = r->named_by_environment ? NULL : r->environment;

	(void)arg;
	printf("  %-12s %s%s%s%s%s%s\n", drift_word(r->kind), r->resource,
	    env ? " (" : "", env ? env : "", env ? ")" : "",
	    r->detail ? ": " : "", r->detail ? r->detail : "");
	fflush(stdout);
}

static void
report_text(struct setup *s, struct drift_list *list)
{
	size_t problems;

	printf("Comparing what %s says was made with what exists now in %s "
	    "(read-only: doctor changes nothing)\n\n", s->state_path,
	    state_map_get(&s->session->state->answers, "organization"));
	drift_judge(list, s, print_line, NULL, NULL);
	problems = drift_problems(list);
	if (list->count == 0)
		printf("  The state records nothing made yet: run mlops-tui "
		    "apply first.\n");
	printf("\n%zu as made, %zu missing, %zu changed, %zu expiring, %zu "
	    "cannot tell. Nothing was changed.%s\n",
	    list->counts[DRIFT_AS_MADE], list->counts[DRIFT_MISSING],
	    list->counts[DRIFT_CHANGED], list->counts[DRIFT_EXPIRING],
	    list->counts[DRIFT_UNKNOWN], problems ?
	    " mlops-tui apply puts it back as made." : "");
}

static json_t *
result_json(const struct drift_result *r)
{
	return json_pack("{s:s, s:s?, s:s, s:s, s:s?}", "step", r->step,
	    "environment", r->environment, "resource", r->resource,
	    "verdict", drift_word(r->kind), "detail", r->detail);
}

static void
report_json(struct setup *s, struct drift_list *list)
{
	json_t *resources = json_array(), *out;

	drift_judge(list, s, NULL, NULL, NULL);
	for (size_t i = 0; i < list->count; i++)
		json_array_append_new(resources, result_json(&list->items[i]));
	out = json_pack("{s:s, s:s, s:b, s:o, s:{s:I, s:I, s:I, s:I, s:I}}",
	    "state", s->state_path, "organization", state_map_get(
	    &s->session->state->answers, "organization"), "changed", 0,
	    "resources", resources, "summary",
	    "as_made", (json_int_t)list->counts[DRIFT_AS_MADE],
	    "missing", (json_int_t)list->counts[DRIFT_MISSING],
	    "changed", (json_int_t)list->counts[DRIFT_CHANGED],
	    "expiring", (json_int_t)list->counts[DRIFT_EXPIRING],
	    "unknown", (json_int_t)list->counts[DRIFT_UNKNOWN]);
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
}

int
cmd_drift(const struct drift_options *opt)
{
	struct setup_options sopt = { .conn = opt->conn,
		.state_path = opt->state_path, .read_only = true };
	struct drift_list list = { 0 };
	struct setup s;
	int rc;

	memset(&s, 0, sizeof s);
	/* Nothing recorded is nothing to compare: a missing file is said,
	 * not taken as a new setup. */
	if (access(opt->state_path, F_OK) != 0) {
		fprintf(stderr, "mlops-tui: %s: no state file there (doctor "
		    "--state compares a setup that apply made)\n",
		    opt->state_path);
		return MT_EXIT_STATE;
	}
	rc = setup_open(&s, &sopt);
	if (rc == 0) {
		if (opt->json)
			report_json(&s, &list);
		else
			report_text(&s, &list);
		rc = drift_problems(&list) ? MT_EXIT_PROBLEM : MT_EXIT_OK;
	}
	drift_list_free(&list);
	setup_close(&s);
	return rc;
}
