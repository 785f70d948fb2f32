/*
 * What Azure Pipelines does with a pipeline's YAML when a run is queued,
 * before any agent sees it: the variables (the pipeline's own, in list or
 * map form, variable templates such as config-infra-prod.yml, and
 * `${{ if }}` insertions), the template expressions over `parameters` and
 * `variables`, and every template the pipeline names - from its own
 * repository or, with `@alias`, from a repository resource - which must
 * exist and be given exactly the parameters it declares.
 */
#ifndef MT_SIM_COMPILE_H
#define MT_SIM_COMPILE_H

#include <jansson.h>

#include "sim/exchange.h"

/*
 * A step, job or stage a template reference expanded to carries these
 * keys: the template's file name without ".yml" ("install-az-cli") and
 * how many items the reference made.
 */
#define SPLICED_FROM "__template"
#define SPLICED_COUNT "__template_items"

struct compile {
	/* in */
	struct exchange *x;
	json_t *root;
	json_t *project;
	json_t *repo;            /* the pipeline's own repository */
	const char *branch;      /* "refs/heads/main" */
	const char *path;        /* the pipeline's YAML in repo */
	const char *definition;  /* the pipeline's name, or NULL */
	json_t *params;          /* the run's parameters, defaults filled */
	/* out, new references */
	json_t *variables;       /* name -> text, $(macros) left as they are */
	json_t *yaml;            /* the pipeline, expressions done, templates
	                            expanded in place */
	char *error;             /* the service's compile errors, or NULL */
};

/* Compile doc (the parsed YAML of c->path); 0, or -1 with c->error. */
int compile_pipeline(struct compile *c, json_t *doc);
/* Free the outputs. */
void compile_free(struct compile *c);

#endif
