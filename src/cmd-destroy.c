/* `mlops-tui plan --destroy` and `destroy`: the teardown on the command
 * line, in the setup's locked, resumable state session. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-apply.h"
#include "confirm.h"
#include "destroy.h"
#include "exitcode.h"
#include "setup.h"
#include "state.h"
#include "xalloc.h"

static volatile int stopped;

static void
on_stop(int sig)
{
	(void)sig;
	stopped = 1;
}

static void
print_item(const struct teardown *t)
{
	printf("%s %s%s%s%s\n", destroy_symbol(t->state), t->what,
	    t->environment ? " (" : "", t->environment ? t->environment : "",
	    t->environment ? ")" : "");
	if (t->note != NULL)
		printf("    %s\n", t->note);
	fflush(stdout);
}

static void
print_plan(const struct destroy_plan *plan)
{
	const char *area = NULL;

	for (size_t i = 0; i < plan->count; i++) {
		const struct teardown *t = &plan->items[i];

		if (area == NULL || strcmp(area, t->area) != 0) {
			area = t->area;
			printf("\n%s\n", area);
		}
		printf("  ");
		print_item(t);
	}
	if (plan->count == 0)
		printf("\nThe state records nothing this setup made that is "
		    "still there.\n");
}

static void
print_summary(const struct destroy_plan *plan, bool planning)
{
	char *line = destroy_summary(plan, planning);

	printf("\n%s\n", line);
	free(line);
}

static void
print_header(const struct setup *s, bool planning)
{
	const struct state_map *answers = &s->session->state->answers;
	const char *project = state_map_get(answers, "project");

	printf("%s %s, project %s, repository %s\n", planning ?
	    "Destroy plan for" : "Destroying", s->conn.api.org_url,
	    project ? project : "mlops-v2", state_map_get(answers,
	    "repository"));
	printf("State: %s%s\n", s->state_path, planning ? " (read only: plan "
	    "changes nothing)" : "");
}

/* Whether destroy may go on to ask: refused before any sign-in when
 * there is no terminal to ask on. */
static bool
may_confirm(const struct apply_options *opt)
{
	if (opt->plan || opt->yes || isatty(STDIN_FILENO))
		return true;
	fprintf(stderr, "mlops-tui: destroy deletes what the setup made: give "
	    "--yes when there is no terminal to confirm on (plan --destroy "
	    "shows what it would delete)\n");
	return false;
}

/* Without --yes: the operator's word on the terminal; 0 to go on. */
static int
confirm(void)
{
	int yes = confirm_on_terminal("Delete these?");

	if (yes < 0)
		return MT_EXIT_USAGE;
	if (yes == 0) {
		printf("Nothing was changed.\n");
		return -1;
	}
	return 0;
}

/* Remove each item in order, saving the state after each. */
static int
run(struct setup *s, struct destroy_plan *plan)
{
	struct sigaction sa = { .sa_handler = on_stop }, old[3];
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	char *cause = NULL;
	int rc = MT_EXIT_OK;

	for (size_t i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	printf("\n");
	for (size_t i = 0; i < plan->count && !stopped; i++) {
		struct teardown *t = &plan->items[i];

		if (t->state != TD_TO_REMOVE)
			continue;
		if (destroy_one(plan, i, s, &stopped, &cause) == -1) {
			fprintf(stderr, "mlops-tui: %s\n", cause);
			free(cause);
			rc = MT_EXIT_STATE;
			break;
		}
		print_item(t);
	}
	for (size_t i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	return rc;
}

static int
outcome(const struct destroy_plan *plan, int rc)
{
	if (rc != MT_EXIT_OK)
		return rc;
	if (stopped) {
		printf("Stopped; run destroy again to go on.\n");
		return MT_EXIT_INTERRUPTED;
	}
	for (size_t i = 0; i < plan->count; i++)
		if (plan->items[i].state == TD_FAILED)
			return MT_EXIT_STEP_FAILED;
	return MT_EXIT_OK;
}

int
cmd_destroy(const struct apply_options *opt)
{
	struct setup s;
	struct destroy_plan plan = { 0 };
	int rc;

	if (!may_confirm(opt))
		return MT_EXIT_USAGE;
	rc = setup_open(&s, &opt->setup);

	if (rc == 0 && s.created) {
		fprintf(stderr, "mlops-tui: no state file at %s: nothing that "
		    "setup made is known, so nothing is deleted\n",
		    s.state_path);
		setup_discard(&s);
		return MT_EXIT_STATE;
	}
	if (rc == 0) {
		destroy_plan_make(&plan, s.session->state, &opt->destroy_opt);
		print_header(&s, opt->plan);
		print_plan(&plan);
	}
	if (rc == 0 && !opt->plan && !opt->yes)
		rc = confirm();
	if (rc == 0 && !opt->plan)
		rc = outcome(&plan, run(&s, &plan));
	if (rc == 0 || rc == MT_EXIT_STEP_FAILED ||
	    rc == MT_EXIT_INTERRUPTED)
		print_summary(&plan, opt->plan);
	if (rc == -1)
		rc = MT_EXIT_OK;        /* the operator said no */
	destroy_plan_free(&plan);
	setup_close(&s);
	return rc;
}
