/* The sandbox's request handlers, one group per REST area. */
#ifndef MT_SIM_HANDLERS_H
#define MT_SIM_HANDLERS_H

#include <stdbool.h>

#include "sim/exchange.h"

typedef void (*handler_fn)(struct exchange *x);

/* Location area (core.c) */
void handle_connection_data(struct exchange *x);
void handle_resource_areas(struct exchange *x);
/* core and operations areas (core.c) */
void handle_projects(struct exchange *x);
void handle_processes(struct exchange *x);
void handle_operations(struct exchange *x);
/* git area (git.c) */
void handle_repositories(struct exchange *x);
void handle_import_requests(struct exchange *x);
void handle_refs(struct exchange *x);
void handle_items(struct exchange *x);
void handle_pushes(struct exchange *x);
/* Security and IMS areas, build general settings (security.c) */
void handle_security_namespaces(struct exchange *x);
void handle_access_control_entries(struct exchange *x);
void handle_access_control_lists(struct exchange *x);
void handle_permissions(struct exchange *x);
void handle_identities(struct exchange *x);
void handle_general_settings(struct exchange *x);
/* distributedtask and extensions (resources.c) */
void handle_queues(struct exchange *x);
void handle_environments(struct exchange *x);
void handle_installed_extensions(struct exchange *x);
void handle_pipeline_permissions(struct exchange *x);
/* serviceendpoint area (endpoints.c) */
void handle_endpoints_org(struct exchange *x);
void handle_endpoints_project(struct exchange *x);
void handle_endpoint_proxy(struct exchange *x);
/* build and pipelines (pipelines.c, runs.c) */
void handle_pipelines(struct exchange *x);
void handle_definitions(struct exchange *x);
void handle_folders(struct exchange *x);
void handle_runs(struct exchange *x);
void handle_run_logs(struct exchange *x);
void handle_builds(struct exchange *x);
void handle_timeline(struct exchange *x);
void handle_build_logs(struct exchange *x);
/* git over smart HTTP (githttp.c): {project}/_git/{repository}/... */
bool githttp_handles(const char *path);
void handle_git_http(struct exchange *x);

/*
 * Move the world's timed processes (imports, pipeline runs) on to now;
 * the server calls these before every request. True when they changed it.
 */
bool git_settle(struct exchange *x, json_t *root);
bool runs_settle(struct exchange *x, json_t *root);

/* Shared between areas. */
/* Reply 404 TF200016 for the project name. */
void core_project_not_found(struct exchange *x, const char *name);
/* The project named or identified by name; NULL after replying 404. */
json_t *core_project_or_reply(struct exchange *x, json_t *root,
    const char *name);
json_t *core_project_reference(struct exchange *x, json_t *root,
    json_t *project);
/* The repository of project with that name (borrowed), or NULL. */
json_t *git_repository_named(json_t *root, json_t *project,
    const char *name);
/* The content of path at ref in repo (caller frees), or NULL. */
char *git_read_file(struct exchange *x, json_t *repo, const char *ref,
    const char *path, size_t *len);
/* 0: path is not at ref; 1: a file; 2: a directory. */
int git_path_kind(struct exchange *x, json_t *repo, const char *ref,
    const char *path);
/* The bare repository's directory (caller frees). */
char *git_repo_path(struct exchange *x, json_t *repo);
/* After a push by a run: an empty repository's first branch is default. */
void git_note_default_branch(struct exchange *x, json_t *repo,
    const char *ref);
/* Make an empty repository in project; borrowed record, NULL on failure. */
json_t *git_create_repository(struct exchange *x, json_t *root,
    json_t *project, const char *name);

#endif
