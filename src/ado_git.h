/* Azure DevOps git: repositories, imports, refs, items and pushes. */
#ifndef MT_ADO_GIT_H
#define MT_ADO_GIT_H

#include "api.h"

/* The repositories of project: a list of {id, name, defaultBranch}. */
struct api_call *ado_list_repositories(struct api *api, const char *project);
/* One repository by name or id. */
struct api_call *ado_get_repository(struct api *api, const char *project,
    const char *repo);
/* Create an empty repository; a lost answer is found by name. */
struct api_call *ado_create_repository(struct api *api, const char *project,
    const char *name);
/* Make branch ("main") the default branch of repo_id. */
struct api_call *ado_set_default_branch(struct api *api,
    const char *project, const char *repo_id, const char *branch);
/* Create branch at commit (refs update; the answer's value[0].success
 * says whether it was made). */
struct api_call *ado_create_branch(struct api *api, const char *project,
    const char *repo, const char *branch, const char *commit);
/* Import url into the empty repository: {importRequestId, status}. */
struct api_call *ado_create_import(struct api *api, const char *project,
    const char *repo, const char *url);
/* The repository's import requests (not abandoned): a list. */
struct api_call *ado_list_imports(struct api *api, const char *project,
    const char *repo);
/* An import request: status queued, inProgress, completed, failed. */
struct api_call *ado_get_import(struct api *api, const char *project,
    const char *repo, long id);
/* The refs whose names start with refs/{filter}: {name, objectId}. */
struct api_call *ado_list_refs(struct api *api, const char *project,
    const char *repo, const char *filter);
/* A file at branch with its content ("content"). */
struct api_call *ado_get_item(struct api *api, const char *project,
    const char *repo, const char *path, const char *branch);
/*
 * One commit on branch that adds (old_commit NULL or zeros: a new branch
 * or repository) or edits path with content; stale old_commit is a
 * conflict (TF401028).
 */
struct api_call *ado_push_file(struct api *api, const char *project,
    const char *repo, const char *branch, const char *old_commit,
    const char *path, const char *content, bool add,
    const char *message);

/* Delete repository id (204; ADO keeps it in its recycle bin). */
struct api_call *ado_delete_repository(struct api *api, const char *project,
    const char *id);

#endif
