/*
 * Azure DevOps build and pipelines: definitions (pipelines) found by name
 * and folder or created from a YAML file, runs with template parameters,
 * their state, timeline and logs, and the pipeline permissions ("Permit").
 */
#ifndef MT_ADO_BUILD_H
#define MT_ADO_BUILD_H

#include "api.h"

/* Pipelines named name in folder ("\a\b"; NULL: any). */
struct api_call *ado_find_pipelines(struct api *api, const char *project,
    const char *name, const char *folder);
/* Create a YAML pipeline; a lost answer is found by name. */
struct api_call *ado_create_pipeline(struct api *api, const char *project,
    const char *name, const char *folder, const char *repo_id,
    const char *yaml_path);
/* Run pipeline id on branch with template parameters (NULL: none). */
struct api_call *ado_run_pipeline(struct api *api, const char *project,
    long id, const char *branch, json_t *parameters);
/* The project's newest builds (runs of any pipeline), at most top. */
struct api_call *ado_list_builds(struct api *api, const char *project,
    int top);
/* A pipeline's runs, newest first. */
struct api_call *ado_list_runs(struct api *api, const char *project,
    long pipeline);
/* A build (run): status, result. */
struct api_call *ado_get_build(struct api *api, const char *project,
    long build);
/* A build's timeline: records {type, name, state, result, issues}. */
/* A build definition (pipeline) by id: its process.yamlFilename and
 * repository.defaultBranch, and the revision an update must send. */
struct api_call *ado_get_definition(struct api *api, const char *project,
    long id);
/* PUT definition d (as read, changed; taken) back: accepted only with
 * the revision the service holds. */
struct api_call *ado_update_definition(struct api *api, const char *project,
    json_t *d);
struct api_call *ado_get_timeline(struct api *api, const char *project,
    long build);
/* Authorise a resource ("repository", "{project}.{repo}") for pipeline
 * id, or for all pipelines when id is 0. */
struct api_call *ado_permit(struct api *api, const char *project,
    const char *type, const char *id, long pipeline);
/* Who may use a resource: {allPipelines: {authorized}, pipelines: [...]}. */
struct api_call *ado_get_permits(struct api *api, const char *project,
    const char *type, const char *id);

/* The pipelines whose YAML lives in repository repo_id. */
struct api_call *ado_pipelines_of_repository(struct api *api,
    const char *project, const char *repo_id);
/* Delete pipeline id, and its runs with it (204; 404: already gone). */
struct api_call *ado_delete_pipeline(struct api *api, const char *project,
    long id);
/* Delete a pipeline folder (a path such as \\repo), its subfolders
 * and their pipelines. */
struct api_call *ado_delete_folder(struct api *api, const char *project,
    const char *path);

#endif
