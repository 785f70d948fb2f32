/*
 * The accelerator's shipped defects that fail its pipelines, fixed on
 * main as the known-problems table says (mlops-v2-facts.md section 5):
 * the retired ubuntu-20.04 agent image, the pip command line of
 * mlops-templates that installs a package named "install", and for
 * terraform the client_secret variable the plan passes but the shipped
 * variables.tf does not declare. A file without the defect is left
 * alone; one that is missing (another scenario or provider) is skipped.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ado_git.h"
#include "steps/step.h"
#include "xalloc.h"

/*
 * A defect: where it may be, what shows it, and how it is fixed - a line
 * holding shows rewritten, or (absent) the missing text appended.
 */
struct defect {
	bool in_templates;           /* mlops-templates, else the ML repo */
	const char *path;
	const char *shows;           /* text of the broken line */
	/* The fixed text for a line holding shows, indent its indentation. */
	char *(*fix)(const char *line, size_t indent_len);
	bool absent;                 /* the defect is shows missing */
	const char *append;          /* then this is added at the end */
};

static char *
latest_image(const char *line, size_t indent)
{
	const char *at = strstr(line, "ubuntu-20.04");

	(void)indent;
	return xasprintf("%.*subuntu-latest%s", (int)(at - line), line,
	    at + strlen("ubuntu-20.04"));
}

/* "pip install -U --force-reinstall pip pip install X": two commands. */
static char *
split_pip(const char *line, size_t indent)
{
	const char *at = strstr(line, " pip pip install ");

	return xasprintf("%.*s pip\n%.*spip install %s", (int)(at - line),
	    line, (int)indent, line, at + strlen(" pip pip install "));
}

static const struct defect defects[] = {
	{ .path = "/mlops/devops-pipelines/deploy-model-training-pipeline.yml",
	    .shows = "vmImage: ubuntu-20.04", .fix = latest_image },
	{ .path = "/mlops/devops-pipelines/deploy-online-endpoint-pipeline.yml",
	    .shows = "vmImage: ubuntu-20.04", .fix = latest_image },
	{ .path = "/mlops/devops-pipelines/deploy-batch-endpoint-pipeline.yml",
	    .shows = "vmImage: ubuntu-20.04", .fix = latest_image },
	{ .path = "/infrastructure/devops-pipelines/tf-ado-deploy-infra.yml",
	    .shows = "vmImage: ubuntu-20.04", .fix = latest_image },
	{ .path = "/config-infra-prod.yml",
	    .shows = "ap_vm_image: ubuntu-20.04", .fix = latest_image },
	{ .path = "/config-infra-dev.yml",
	    .shows = "ap_vm_image: ubuntu-20.04", .fix = latest_image },
	{ .in_templates = true,
	    .path = "/templates/aml-cli-v2/install-az-cli.yml",
	    .shows = "--force-reinstall pip pip install ", .fix = split_pip },
	/* mlops-templates' terraform plan and apply pass -var client_secret,
	 * which the shipped variables.tf no longer declares. */
	{ .path = "/infrastructure/variables.tf",
	    .shows = "variable \"client_secret\"", .absent = true,
	    .append = "\nvariable \"client_secret\" {\n"
	    "  description = \"The service principal's secret, which the "
	    "pipeline passes\"\n  type        = string\n"
	    "  sensitive   = true\n  default     = \"\"\n}\n" },
};
#define NDEFECTS (sizeof defects / sizeof *defects)

static const char *
repo_of(struct step_run *r, const struct defect *d)
{
	return d->in_templates ? "mlops-templates" : r->target.repository;
}

/* The file's text on main, NULL when it is not there (or on error, then
 * *failed). */
static char *
read_main(struct step_run *r, const char *project, const struct defect *d,
    bool *failed)
{
	struct api_call *c = ado_get_item(r->api, project, repo_of(r, d),
	    d->path, "main");
	char *text = NULL;

	api_wait(r->api, c);
	*failed = false;
	if (api_call_error(c)->kind == API_NOT_FOUND)
		api_call_free(c);
	else if ((*failed = !run_call(r, c, d->path)) == false) {
		text = run_field(r, api_call_result(c), "content", d->path);
		*failed = text == NULL;
		api_call_free(c);
	}
	return text;
}

/* Whether text (NULL: no such file) has defect d. */
static bool
has_defect(const struct defect *d, const char *text)
{
	if (text == NULL)
		return false;
	return d->absent ? strstr(text, d->shows) == NULL :
	    strstr(text, d->shows) != NULL;
}

/* text with every line that shows d fixed; NULL when none does. */
static char *
fixed_text(const struct defect *d, const char *text)
{
	char *out = xstrdup(""), *more;
	bool changed = false;

	if (d->absent) {
		free(out);
		return has_defect(d, text) ? xasprintf("%s%s", text, d->append) :
		    NULL;
	}
	for (const char *line = text; *line != '\0';) {
		size_t len = strcspn(line, "\n");
		char *copy = xstrndup(line, len), *fixed = NULL;

		if (strstr(copy, d->shows) != NULL) {
			fixed = d->fix(copy, strspn(copy, " \t"));
			changed = true;
		}
		more = xasprintf("%s%s%s", out, fixed ? fixed : copy,
		    line[len] == '\n' ? "\n" : "");
		free(out);
		out = more;
		free(fixed);
		free(copy);
		line += len + (line[len] == '\n');
	}
	if (!changed) {
		free(out);
		return NULL;
	}
	return out;
}

/* Which defects are still there (present[]); how many, -1 on error. */
static int
find_defects(struct step_run *r, const char *project, bool *present)
{
	int found = 0;

	for (size_t i = 0; i < NDEFECTS; i++) {
		bool failed;
		char *text = read_main(r, project, &defects[i], &failed);

		if (failed)
			return -1;
		present[i] = has_defect(&defects[i], text);
		found += present[i];
		free(text);
	}
	return found;
}

static enum step_probe
probe_defects(struct step_run *r)
{
	const char *project = run_project_id(r);
	bool present[NDEFECTS];
	char *list = xstrdup("");
	int found;

	if (project == NULL && r->error_id != NULL &&
	    strcmp(r->error_id, "ado-project-not-found") == 0) {
		/* A new organization: the templates come with the project, and
		 * so do their defects; plan is not left unable to tell. */
		free(list);
		free(r->error);
		r->error = NULL;
		r->error_id = NULL;
		run_detail(r, "fix the templates' known defects once they are "
		    "imported");
		return PROBE_TODO;
	}
	if (project == NULL || (found = find_defects(r, project, present)) < 0) {
		free(list);
		run_detail(r, "%s", r->error);
		return PROBE_UNKNOWN;
	}
	for (size_t i = 0; i < NDEFECTS; i++) {
		char *more;

		if (!present[i])
			continue;
		more = xasprintf("%s%s%s%s", list, *list ? ", " : "",
		    defects[i].in_templates ? "mlops-templates" : "",
		    defects[i].path);
		free(list);
		list = more;
	}
	if (found == 0)
		run_detail(r, "no known defect is left in %s or mlops-templates",
		    r->target.repository);
	else
		run_detail(r, "fix %s", list);
	free(list);
	return found == 0 ? PROBE_DONE : PROBE_TODO;
}

/* The tip of main of repo; NULL with the error set. */
static char *
main_tip(struct step_run *r, const char *project, const char *repo)
{
	bool failed;
	char *tip = run_branch_tip(r, project, repo, "main", &failed);

	if (tip == NULL && !failed)
		run_fail(r, "repository-has-no-main", "%s has no branch main",
		    repo);
	return tip;
}

static int
fix_one(struct step_run *r, const char *project, const struct defect *d)
{
	bool failed;
	char *text = read_main(r, project, d, &failed), *fixed, *tip, *message;
	int rc = -1;

	if (text == NULL)
		return failed ? -1 : 0;
	fixed = fixed_text(d, text);
	free(text);
	if (fixed == NULL)
		return 0;
	tip = main_tip(r, project, repo_of(r, d));
	message = xasprintf("Fix a known defect in %s (mlops-tui)", d->path + 1);
	if (tip != NULL) {
		struct push_file push = { repo_of(r, d), "main", tip, d->path,
			fixed, message, "pushing the fix", false };

		rc = run_push(r, project, &push);
	}
	free(message);
	free(tip);
	free(fixed);
	return rc;
}

static int
apply_defects(struct step_run *r)
{
	const char *project = run_project_id(r);

	if (project == NULL)
		return -1;
	for (size_t i = 0; i < NDEFECTS; i++)
		if (fix_one(r, project, &defects[i]) == -1)
			return -1;
	run_detail(r, "fixed the known defects on main of %s and "
	    "mlops-templates", r->target.repository);
	return 0;
}

const struct step_ops steps_defects[] = {
	{ .id = "template-defects", .probe = probe_defects,
	    .apply = apply_defects },
	{ .id = NULL },
};
