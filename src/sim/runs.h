/*
 * What a pipeline run does in the sandbox: a plan read from the pipeline's
 * YAML (stages, jobs, steps), the resources it must be permitted to use,
 * the checks that fail it where the real service would, and its effects.
 * The kinds of the accelerator's pipelines each add their own behaviour.
 */
#ifndef MT_SIM_RUNS_H
#define MT_SIM_RUNS_H

#include <stdbool.h>

#include <jansson.h>

#include "sim/exchange.h"

/* Everything a kind's behaviour may look at or change; all borrowed. */
struct run_context {
	struct exchange *x;
	json_t *root;
	json_t *project;
	json_t *definition;
	json_t *run;
	json_t *repo;           /* the pipeline's own repository */
	json_t *variables;      /* the config file's variables, expanded */
};

/*
 * Fail the run at the first task whose name contains task, or that a
 * template of such a name made (else the first task), with message as the
 * error of that task's log and timeline.
 */
void runs_fail_at(struct run_context *c, const char *task,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * A right the job needs when the task whose name contains task starts:
 * bits of the namespace ns at token, for the identity the job runs as.
 * Checked then against the ACL as it is, not when the run is queued (a
 * right granted or removed meanwhile counts); when missing, the run fails
 * at that task with message.
 */
void runs_require_at(struct run_context *c, const char *task,
    const char *ns, const char *token, unsigned bits, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Add a line to the log of the task runs_fail_at would name. */
void runs_log(struct run_context *c, const char *task, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A template parameter of the run, or NULL. */
const char *runs_parameter(struct run_context *c, const char *name);
/* A variable of the run's config file, or NULL. */
const char *runs_variable(struct run_context *c, const char *name);

struct run_kind {
	const char *name;
	const char *yaml_suffix;  /* recognised by its YAML path */
	/* When the run may start: decide where it fails, if anywhere. */
	void (*decide)(struct run_context *c);
	/* When it has succeeded: change the world as the real one does. */
	void (*apply)(struct run_context *c);
};

/* initialise.c */
void initialise_decide(struct run_context *c);
void initialise_apply(struct run_context *c);
/* mlpipelines.c: infrastructure, training, online and batch endpoints */
void mlpipelines_decide(struct run_context *c);
void mlpipelines_apply(struct run_context *c);

#endif
