/*
 * What the ML project's pipelines do in the sandbox: the infrastructure
 * pipeline (bicep or terraform) creates the resource group, workspace and
 * their companions; training registers the model; the endpoint pipelines
 * deploy it. Each fails where the real one does: Azure's name rules and
 * names already taken, the snapshot's known defects (terraform working
 * directory and client_secret, the install-az-cli typo), and missing
 * prerequisites.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/availability.h"
#include "sim/armdelete.h"
#include "sim/cloud.h"
#include "sim/handlers.h"
#include "sim/runs.h"
#include "xalloc.h"

/*
 * The Azure names a run works on, as the pipeline itself has them: the
 * variables of its config-infra file (resource_group, aml_workspace,
 * key_vault, storage_account, terraform_st_storage_account, all built
 * from namespace, postfix and environment there) and its own
 * endpoint_name; the model is the one the project's deployment files
 * name. Nothing here derives a name the way the client does.
 */
struct azure_names {
	const char *resource_group;
	const char *workspace;
	const char *key_vault;
	const char *storage;
	const char *state_storage;
	const char *endpoint;
	char *model;            /* NULL when no deployment file names one */
};

static const char *
variable_or_empty(struct run_context *c, const char *name)
{
	const char *v = runs_variable(c, name);

	return v != NULL ? v : "";
}

/* "model: azureml:taxi-model@latest" in the file at path: "taxi-model". */
static char *
deployment_model(struct run_context *c, const char *path)
{
	size_t len;
	char *text = git_read_file(c->x, c->repo, json_string_value(
	    json_object_get(c->run, "branch")), path, &len), *line, *model;

	if (text == NULL)
		return NULL;
	line = strstr(text, "\nmodel:");
	model = NULL;
	if (line != NULL) {
		line += 7;
		line += strspn(line, " \t\"'");
		if (strncmp(line, "azureml:", 8) == 0)
			line += 8;
		model = xstrndup(line, strcspn(line, "@:\"' \t\r\n"));
	}
	free(text);
	return model;
}

/*
 * python-sdk-v2 has no deployment files: its training pipeline's
 * run_pipeline.py registers the model, 'model_name="taxi-model"' in the
 * file at path: "taxi-model".
 */
static char *
sdk_model(struct run_context *c, const char *path)
{
	size_t len;
	char *text = git_read_file(c->x, c->repo, json_string_value(
	    json_object_get(c->run, "branch")), path, &len), *at, *model;

	if (text == NULL)
		return NULL;
	model = NULL;
	at = strstr(text, "model_name=\"");
	if (at != NULL) {
		at += strlen("model_name=\"");
		if (at[strcspn(at, "\"\n")] == '"')
			model = xstrndup(at, strcspn(at, "\""));
	}
	free(text);
	return model;
}

static void
names_of(struct run_context *c, struct azure_names *n)
{
	n->resource_group = variable_or_empty(c, "resource_group");
	n->workspace = variable_or_empty(c, "aml_workspace");
	n->key_vault = variable_or_empty(c, "key_vault");
	n->storage = variable_or_empty(c, "storage_account");
	n->state_storage = variable_or_empty(c, "terraform_st_storage_account");
	n->endpoint = variable_or_empty(c, "endpoint_name");
	n->model = deployment_model(c,
	    "mlops/azureml/deploy/online/online-deployment.yml");
	if (n->model == NULL)
		n->model = deployment_model(c,
		    "mlops/azureml/deploy/batch/batch-deployment.yml");
	if (n->model == NULL)   /* python-sdk-v2: no deployment files */
		n->model = sdk_model(c, "mlops/azureml/train/run_pipeline.py");
}

/* Whether the world setting list holds name. */
static bool
listed(struct run_context *c, const char *list, const char *name)
{
	json_t *t;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(c->root,
	    "settings"), list), i, t)
		if (strcasecmp(json_string_value(t), name) == 0)
			return true;
	return false;
}

/* Names other Azure customers already use (global or per region). */
static bool
taken(struct run_context *c, const char *name)
{
	return listed(c, "taken_names", name);
}

static json_t *
azure_list(struct run_context *c, const char *kind)
{
	json_t *azure = json_object_get(c->root, "azure"), *list;

	if (azure == NULL) {
		azure = json_object();
		json_object_set_new(c->root, "azure", azure);
	}
	list = json_object_get(azure, kind);
	if (list == NULL) {
		list = json_array();
		json_object_set_new(azure, kind, list);
	}
	return list;
}

static bool
azure_has(struct run_context *c, const char *kind, const char *name)
{
	return world_find(azure_list(c, kind), "name", name) != NULL;
}

/* Whether name is there under parent (a model of one workspace is not
 * the same-named model of another). */
static bool
azure_has_in(struct run_context *c, const char *kind, const char *name,
    const char *parent)
{
	json_t *item;
	size_t i;

	json_array_foreach(azure_list(c, kind), i, item) {
		const char *p = json_string_value(json_object_get(item,
		    "parent"));

		if (strcmp(json_string_value(json_object_get(item, "name")),
		    name) == 0 && (parent == NULL || (p != NULL &&
		    strcmp(p, parent) == 0)))
			return true;
	}
	return false;
}

static void
azure_add(struct run_context *c, const char *kind, const char *name,
    const char *parent)
{
	if (azure_has_in(c, kind, name, parent))
		return;
	json_array_append_new(azure_list(c, kind), json_pack("{s:s, s:s*, "
	    "s:s*}", "name", name, "parent", parent, "location",
	    runs_variable(c, "location")));
}

static bool
file_contains(struct run_context *c, json_t *repo, const char *path,
    const char *text)
{
	size_t len;
	char *content = repo ? git_read_file(c->x, repo, "refs/heads/main",
	    path, &len) : NULL;
	bool found = content != NULL && strstr(content, text) != NULL;

	free(content);
	return found;
}

static void
decide_terraform(struct run_context *c, struct azure_names *n)
{
	const char *dir = runs_variable(c, "terraform_workingdir");
	const char *branch = json_string_value(json_object_get(c->run,
	    "branch"));

	if (!storage_name_valid(n->state_storage))
		runs_fail_at(c, "create-storage-account", "(AccountNameInvalid) "
		    "%s is not a valid storage account name. Storage account "
		    "name must be between 3 and 24 characters in length and use "
		    "numbers and lower-case letters only.", n->state_storage);
	if (taken(c, n->state_storage))
		runs_fail_at(c, "create-storage-account",
		    "(StorageAccountAlreadyTaken) The storage account named %s "
		    "is already taken.", n->state_storage);
	if (dir == NULL || git_path_kind(c->x, c->repo, branch, dir) != 2)
		runs_fail_at(c, "run-terraform-init", "Terraform initialized in "
		    "an empty directory! The directory %s has no Terraform "
		    "configuration files.", dir ? dir : "(none)");
	if (!file_contains(c, c->repo, "infrastructure/variables.tf",
	    "variable \"client_secret\"") && !file_contains(c, c->repo,
	    "infrastructure/terraform/variables.tf",
	    "variable \"client_secret\""))
		runs_fail_at(c, "run-terraform-plan", "Error: Value for "
		    "undeclared variable. A variable named \"client_secret\" was "
		    "assigned on the command line, but the root module does not "
		    "declare a variable of that name.");
}

/* Whether name is kept soft-deleted: by a delete in this world (kind
 * "deleted_vaults", "deleted_workspaces"), or a setting's list. */
static bool
soft_deleted(struct run_context *c, const char *kind, const char *name)
{
	return listed(c, "soft_deleted_names", name) ||
	    armdelete_soft_deleted(c->root, kind, name) != NULL;
}

static bool
provider_registered(struct run_context *c, const char *ns)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(c->root, "settings"),
	    "registered_providers"), i, p)
		if (strcasecmp(json_string_value(p), ns) == 0)
			return true;
	return false;
}

static void
decide_infra(struct run_context *c, struct azure_names *n)
{
	const char *kind = json_string_value(json_object_get(c->run, "kind"));
	const char *deploy = strcmp(kind, "infra-bicep") == 0 ? "Deployment" :
	    "run-terraform-apply";

	if (!provider_registered(c, "Microsoft.MachineLearningServices"))
		runs_fail_at(c, deploy, "(MissingSubscriptionRegistration) The "
		    "subscription is not registered to use namespace "
		    "'Microsoft.MachineLearningServices'. See "
		    "https://aka.ms/rps-not-found for how to register "
		    "subscriptions.");

	if (strcmp(kind, "infra-terraform") == 0)
		decide_terraform(c, n);
	if (strlen(n->key_vault) > 24)
		runs_fail_at(c, deploy, "(VaultNameNotValid) The vault name "
		    "'%s' is invalid. A vault's name must be between 3-24 "
		    "alphanumeric characters. The name must begin with a letter, "
		    "end with a letter or digit, and not contain consecutive "
		    "hyphens.", n->key_vault);
	if (soft_deleted(c, "deleted_vaults", n->key_vault))
		runs_fail_at(c, deploy, "(ConflictError) A vault with the same "
		    "name already exists in deleted state. You need to either "
		    "recover or purge existing key vault. Follow this link "
		    "https://go.microsoft.com/fwlink/?linkid=2149745 for more "
		    "information on soft delete.");
	if (soft_deleted(c, "deleted_workspaces", n->workspace))
		runs_fail_at(c, deploy, "(ValidationError) Soft-deleted "
		    "workspace exists. Please purge or recover it. %s",
		    n->workspace);
	if (json_is_true(json_object_get(json_object_get(c->root, "settings"),
	    "quota_exhausted")))
		runs_fail_at(c, deploy, "(OperationNotAllowed) Not enough quota "
		    "available for Standard_DS3_v2 in SubscriptionId %s. Current "
		    "usage/limit: 0/0. Additional needed: 4.",
		    json_string_value(json_object_get(json_array_get(
		    json_object_get(c->root, "subscriptions"), 0),
		    "subscriptionId")));
	if (taken(c, n->key_vault))
		runs_fail_at(c, deploy, "(VaultAlreadyExists) The vault name "
		    "'%s' is already in use. Vault names are globally unique so "
		    "it is possible that the name is already taken.",
		    n->key_vault);
	if (strlen(n->workspace) > 33)
		runs_fail_at(c, deploy, "(ValidationError) The workspace name "
		    "'%s' is too long: at most 33 characters.", n->workspace);
}

static void
decide_training(struct run_context *c, struct azure_names *n)
{
	json_t *templates = git_repository_named(c->root, c->project, "mlops-templates");

	if (file_contains(c, templates,
	    "templates/aml-cli-v2/install-az-cli.yml", "pip pip install"))
		runs_fail_at(c, "install-az-cli", "ERROR: Could not find a "
		    "version that satisfies the requirement install (from "
		    "versions: none) ERROR: No matching distribution found for "
		    "install");
	if (!azure_has(c, "workspaces", n->workspace))
		runs_fail_at(c, "connect-to-workspace", "ERROR: (ResourceNotFound)"
		    " The Resource 'Microsoft.MachineLearningServices/workspaces/"
		    "%s' under resource group '%s' was not found.", n->workspace,
		    n->resource_group);
}

static void
decide_endpoint(struct run_context *c, struct azure_names *n)
{
	const char *endpoint = n->endpoint;

	if (!azure_has(c, "workspaces", n->workspace))
		runs_fail_at(c, "connect-to-workspace", "ERROR: (ResourceNotFound)"
		    " The Resource 'Microsoft.MachineLearningServices/workspaces/"
		    "%s' under resource group '%s' was not found.", n->workspace,
		    n->resource_group);
	if (strlen(endpoint) > 32)
		runs_fail_at(c, "create-endpoint", "(ValidationError) Endpoint "
		    "name '%s' is too long: an endpoint name has 3 to 32 "
		    "characters.", endpoint);
	if (taken(c, endpoint))
		runs_fail_at(c, "create-endpoint", "There is already an endpoint "
		    "with this name, Endpoint name needs to be unique within a "
		    "region: %s", endpoint);
	if (n->model != NULL && !azure_has_in(c, "models", n->model,
	    n->workspace))
		runs_fail_at(c, "create-deployment", "ERROR: (UserError) Model "
		    "%s@latest was not found in workspace %s.", n->model,
		    n->workspace);
}

/* The pipeline's Azure login fails as the connection's principal would. */
static void
decide_connection(struct run_context *c)
{
	const char *kind = json_string_value(json_object_get(c->run, "kind"));
	const char *task = strcmp(kind, "infra-bicep") == 0 ? "Preflight" :
	    strcmp(kind, "infra-terraform") == 0 ? "create-resource-group" :
	    "connect-to-workspace";
	const char *name = runs_variable(c, "ado_service_connection_rg");
	json_t *e, *ref, *endpoint = NULL;
	const char *status;
	char *problem;
	size_t i, j;

	json_array_foreach(json_object_get(c->root, "endpoints"), i, e)
		json_array_foreach(json_object_get(e,
		    "serviceEndpointProjectReferences"), j, ref)
			if (name && strcasecmp(json_string_value(json_object_get(
			    e, "name")), name) == 0 && json_equal(json_object_get(
			    json_object_get(ref, "projectReference"), "id"),
			    json_object_get(c->project, "id")))
				endpoint = e;
	problem = endpoint ? cloud_endpoint_problem(c->root, endpoint,
	    &status) : NULL;
	if (problem != NULL)
		runs_fail_at(c, task, "ERROR: %s", problem);
	free(problem);
}

void
mlpipelines_decide(struct run_context *c)
{
	const char *kind = json_string_value(json_object_get(c->run, "kind"));
	struct azure_names n;

	decide_connection(c);
	names_of(c, &n);
	if (strncmp(kind, "infra-", 6) == 0)
		decide_infra(c, &n);
	else if (strcmp(kind, "training") == 0)
		decide_training(c, &n);
	else
		decide_endpoint(c, &n);
	free(n.model);
}

void
mlpipelines_apply(struct run_context *c)
{
	const char *kind = json_string_value(json_object_get(c->run, "kind"));
	struct azure_names n;

	names_of(c, &n);
	if (strncmp(kind, "infra-", 6) == 0) {
		azure_add(c, "resource_groups", n.resource_group, NULL);
		azure_add(c, "workspaces", n.workspace, n.resource_group);
		azure_add(c, "key_vaults", n.key_vault, n.resource_group);
		/* The terraform template's vault has purge protection (90
		 * days): once soft-deleted, nobody can purge it. */
		if (strcmp(kind, "infra-terraform") == 0)
			json_object_set_new(world_find(azure_list(c,
			    "key_vaults"), "name", n.key_vault),
			    "purge_protection", json_true());
		azure_add(c, "storage_accounts", n.storage, n.resource_group);
		azure_add(c, "compute_clusters", "cpu-cluster", n.workspace);
	} else if (strcmp(kind, "training") == 0) {
		if (n.model != NULL)
			azure_add(c, "models", n.model, n.workspace);
	} else
		azure_add(c, strcmp(kind, "batch") == 0 ? "batch_endpoints" :
		    "online_endpoints", n.endpoint, n.workspace);
	free(n.model);
}
