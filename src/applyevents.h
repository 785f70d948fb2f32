/*
 * plan --json and apply --json: one JSON object a line on stdout, for
 * scripts. Each has "event"; the events and their fields are listed in
 * mlops-tui(1), JSON EVENTS. Only what the text output shows goes in, so
 * no secret can (the engine's texts never hold one).
 */
#ifndef MT_APPLYEVENTS_H
#define MT_APPLYEVENTS_H

#include <stdbool.h>
#include <stdio.h>

#include "engine.h"
#include "setup.h"
#include "upfront.h"

/* Where the events go: a stream, and in a run of several ML projects
 * the one they are about (each event then has "repository"); NULL:
 * one project, named by its start event. */
struct events_out {
	FILE *file;
	const char *repository;
};

/* {"event":"start"}: the command, organization, project, repository and
 * state file. */
void events_start(const struct events_out *out, const struct setup *s, bool planning);

/* A job, as event ("plan", "started", "done", "failed", "settled"): its
 * step, environment, section, title, outcome, detail, and for an error
 * its text, known error id, why and fix. */
void events_job(const struct events_out *out, const char *event, const struct setup *s,
    const struct engine_job *j);

/* {"event":"progress"} for a running job: a note (a run's address, a
 * wait), or how long it has run (seconds) and its stage. */
void events_progress(const struct events_out *out, const struct engine_job *j,
    const char *note, double elapsed, const char *stage);

/* {"event":"upfront"}: one check plan made up front of a right or a
 * capacity a step to do needs: its step, environment, title, verdict
 * (ok, problem, cannot_tell), detail, and the known error's id, why and
 * fix. */
void events_upfront(const struct events_out *out, const struct upfront_item *it);

/* {"event":"summary"}: counts by outcome, changed, made (what the setup
 * made and its address, apply only), not started, interrupted. */
void events_summary(const struct events_out *out, const struct setup *s,
    const struct engine *e, bool planning, bool interrupted);

/* The event a settled job gives apply: "done" (found, made, by hand),
 * "failed", else "settled"; "started" while it runs. */
const char *events_job_event(const struct engine_job *j);

#endif
