/*
 * The sequential baseline of bench/setup.sh: the same setup as
 * `mlops-tui apply --yes --answers FILE --azure-sign-in device`, through
 * the same setup, connection, API layer and engine, but with the engine
 * starting one job at a time, the first ready one in the guide's order
 * (engine_one_at_a_time), so that one request follows another.
 *
 *     AZURE_DEVOPS_EXT_PAT=... serial-apply ANSWERS [STATE]
 *
 * Prints one line per settled job and the tally; the exit status is 0
 * when the setup is whole, 1 otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine.h"
#include "setup.h"

static void
on_event(const struct engine_job *job, const char *note, void *arg)
{
	char *title;

	(void)arg;
	if (note != NULL || job->outcome == JOB_RUNNING)
		return;
	title = engine_job_title(job);
	printf("%s %s\n", job_outcome_symbol(job->outcome), title);
	free(title);
}

int
main(int argc, char **argv)
{
	struct setup_options opt = { .conn = { .azure_sign_in = "device" } };
	struct setup s = { 0 };
	struct engine *e = NULL;
	struct engine_config cfg;
	char *cause = NULL;
	int rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: serial-apply ANSWERS [STATE]\n");
		return 2;
	}
	opt.answers_path = argv[1];
	opt.state_path = argc > 2 ? argv[2] : NULL;
	if ((rc = setup_open(&s, &opt)) != 0) {
		setup_close(&s);
		return rc;
	}
	cfg = (struct engine_config){ .catalog = s.cat, .session = s.session,
		.conn = &s.conn, .principal_secret = s.principal_secret,
		.mode = ENGINE_APPLY, .on_event = on_event,
		.halt_on_failure = true };
	if (engine_new(&e, &cfg, &cause) == -1) {
		fprintf(stderr, "serial-apply: %s\n", cause);
		free(cause);
		setup_close(&s);
		return 3;
	}
	engine_one_at_a_time(e, true);
	while (!engine_finished(e)) {
		connection_fresh(&s.conn);
		engine_step(e, 250);
	}
	rc = engine_whole(e) ? 0 : 1;
	printf("%s\n", rc == 0 ? "whole" : "not whole");
	engine_free(e);
	setup_close(&s);
	return rc;
}
