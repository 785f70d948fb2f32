/* `mlops-tui plan --destroy` and `destroy`: the teardown on the command
 * line, in the setup's locked, resumable state session. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd-apply.h"
#include "destroy.h"
#include "exitcode.h"
#include "legend.h"
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

/* The one legend (legend.h), read for a teardown: to remove is to do,
 * removed is done, and what this run leaves (there before the setup, or
 * not asked for) does not apply to it - its note says which. */
static const char *
symbol(enum teardown_state s)
{
	switch (s) {
	case TD_TO_REMOVE: return legend_symbol(MARK_PENDING);
	case TD_KEPT:
	case TD_NOT_ASKED: return legend_symbol(MARK_NOT_APPLICABLE);
	case TD_REMOVED: return legend_symbol(MARK_DONE);
	case TD_FAILED: return legend_symbol(MARK_FAILED);
	}
	return legend_symbol(MARK_UNKNOWN);
}

static void
print_item(const struct teardown *t)
{
	printf("%s %s%s%s%s\n", symbol(t->state), t->what,
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
	size_t n[TD_FAILED + 1] = { 0 };

	for (size_t i = 0; i < plan->count; i++)
		n[plan->items[i].state]++;
	printf("\n");
	if (planning)
		printf("%zu to remove", n[TD_TO_REMOVE]);
	else
		printf("%zu removed, %zu failed", n[TD_REMOVED], n[TD_FAILED]);
	printf(", %zu kept (there before the setup), %zu left (not asked "
	    "for).%s\n", n[TD_KEPT], n[TD_NOT_ASKED], planning ?
	    " Nothing was changed." : "");
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
	char answer[16] = "";
	FILE *tty;

	if ((tty = fopen("/dev/tty", "r+")) == NULL)
		return MT_EXIT_USAGE;
	fputs("\nDelete these? [y/N] ", tty);
	fflush(tty);
	if (fgets(answer, sizeof answer, tty) == NULL ||
	    (answer[0] != 'y' && answer[0] != 'Y')) {
		fclose(tty);
		printf("Nothing was changed.\n");
		return -1;
	}
	fclose(tty);
	return 0;
}

/* Why an item cannot be removed now (Azure and Entra need the Azure
 * sign-in); NULL: it can. */
static const char *
cannot(const struct setup *s, const struct teardown *t)
{
	if (strcmp(t->area, "Azure DevOps") == 0 || s->conn.signed_in_azure)
		return NULL;
	return s->conn.azure_error ? s->conn.azure_error :
	    "not signed in to Azure";
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
		const char *why;

		if (t->state != TD_TO_REMOVE)
			continue;
		if ((why = cannot(s, t)) != NULL) {
			t->state = TD_FAILED;
			t->note = xstrdup(why);
		} else {
			connection_fresh(&s->conn);
			destroy_item(t, &s->conn.api, s->session->state,
			    &stopped);
		}
		if (t->state == TD_REMOVED) {
			destroy_record(s->session->state, t);
			if (state_session_save(s->session, &cause) == -1) {
				fprintf(stderr, "mlops-tui: %s\n", cause);
				free(cause);
				rc = MT_EXIT_STATE;
				break;
			}
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
