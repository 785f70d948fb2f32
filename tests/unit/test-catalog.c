/* The step catalogue loader: every malformed case names file:line. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "tap.h"
#include "xalloc.h"

/* A small valid catalogue; each case below breaks one thing in it. */
static const char valid[] =
    "format: 1\n"                                    /* 1 */
    "roles:\n"                                       /* 2 */
    "  - id: admin\n"                                /* 3 */
    "    title: Project administrator\n"             /* 4 */
    "inputs:\n"                                      /* 5 */
    "  - id: project\n"                              /* 6 */
    "    title: Project name\n"                      /* 7 */
    "    default: mlops-v2\n"                        /* 8 */
    "  - id: infrastructure\n"                       /* 9 */
    "    title: Infrastructure provider\n"           /* 10 */
    "    default: bicep\n"                           /* 11 */
    "sections:\n"                                    /* 12 */
    "  - id: first\n"                                /* 13 */
    "    title: First section\n"                     /* 14 */
    "    guide: \"#first\"\n"                        /* 15 */
    "  - id: second\n"                               /* 16 */
    "    title: Second section\n"                    /* 17 */
    "    guide: \"#second\"\n"                       /* 18 */
    "steps:\n"                                       /* 19 */
    "  - id: alpha\n"                                /* 20 */
    "    section: first\n"                           /* 21 */
    "    title: Create {project}\n"                  /* 22 */
    "    kind: action\n"                             /* 23 */
    "    who: [admin]\n"                             /* 24 */
    "    what: Makes the project.\n"                 /* 25 */
    "    manual: Click New project and type {project}.\n" /* 26 */
    "  - id: beta\n"                                 /* 27 */
    "    section: second\n"                          /* 28 */
    "    title: Check terraform\n"                   /* 29 */
    "    kind: check\n"                              /* 30 */
    "    who: [admin]\n"                             /* 31 */
    "    needs: [alpha]\n"                           /* 32 */
    "    per_environment: true\n"                    /* 33 */
    "    when:\n"                                    /* 34 */
    "      infrastructure: terraform\n"              /* 35 */
    "    pitfalls: [12]\n"                           /* 36 */
    "    what: Looks for the extension.\n"           /* 37 */
    "    manual: Open the marketplace.\n";           /* 38 */

/* valid with the first occurrence of from replaced by to. */
static char *
mutate(const char *from, const char *to)
{
	const char *at = strstr(valid, from);

	if (at == NULL) {
		fprintf(stderr, "mutation '%s' does not apply\n", from);
		exit(99);
	}
	return xasprintf("%.*s%s%s", (int)(at - valid), valid, to,
	    at + strlen(from));
}

static void
expect_error(const char *label, char *text, const char *want)
{
	struct catalog *cat = NULL;
	char *cause = NULL;
	int rc = catalog_parse(&cat, "steps.yml", text, strlen(text), &cause);

	tap_ok(rc == -1 && cat == NULL, "%s: refused", label);
	tap_contains(cause, want, "%s: says where and what", label);
	free(cause);
	free(text);
}

static void
test_valid(void)
{
	struct catalog *cat = NULL;
	const struct catalog_step *beta;
	char *cause = NULL, *cond;

	tap_ok(catalog_parse(&cat, "steps.yml", valid, strlen(valid), &cause)
	    == 0, "the valid catalogue loads");
	if (cat == NULL) {
		tap_diag("%s", cause);
		free(cause);
		return;
	}
	tap_is_int((long long)cat->nsteps, 2, "two steps");
	beta = catalog_step_find(cat, "beta");
	tap_ok(beta != NULL && beta->kind == CATALOG_CHECK &&
	    beta->per_environment && beta->section_index == 1 &&
	    beta->line == 27, "beta: kind, per environment, section, line");
	tap_ok(!catalog_step_applies(cat, beta, NULL, NULL),
	    "beta does not apply with the default bicep");
	cond = catalog_step_condition_text(beta);
	tap_is_str(cond, "only when infrastructure is terraform",
	    "condition text");
	free(cond);
	catalog_free(cat);
}

static const char *
answer_terraform(const char *input, void *ctx)
{
	(void)ctx;
	return strcmp(input, "infrastructure") == 0 ? "terraform" : NULL;
}

static void
test_applies_with_answer(void)
{
	struct catalog *cat = NULL;
	char *cause = NULL;

	catalog_parse(&cat, "steps.yml", valid, strlen(valid), &cause);
	tap_ok(cat != NULL && catalog_step_applies(cat,
	    catalog_step_find(cat, "beta"), answer_terraform, NULL),
	    "beta applies when infrastructure is terraform");
	catalog_free(cat);
	free(cause);
}

static void
test_malformed(void)
{
	char *text, *swapped;

	expect_error("unknown key", mutate("    pitfalls:", "    pitfals:"),
	    "steps.yml:36:5: unknown key 'pitfals' in step");
	expect_error("unknown top-level key", mutate("format: 1\n",
	    "format: 1\nextra: 2\n"), "steps.yml:2:1: unknown key 'extra'");
	expect_error("missing field", mutate("    what: Makes the project.\n",
	    ""), "steps.yml:20:5: step: missing required key 'what'");
	expect_error("unknown dependency", mutate("needs: [alpha]",
	    "needs: [gamma]"), "steps.yml:27: step 'beta': needs: 'gamma' is "
	    "not a step");
	expect_error("cycle", mutate("    kind: action\n",
	    "    kind: action\n    needs: [beta]\n"),
	    "dependency cycle (-> means needs): alpha -> beta -> alpha");
	expect_error("self dependency", mutate("needs: [alpha]",
	    "needs: [beta]"), "steps.yml:27: dependency cycle");
	expect_error("duplicate step", mutate("  - id: beta\n",
	    "  - id: alpha\n"), "steps.yml:27: step id 'alpha' is defined "
	    "twice (first at line 20)");
	expect_error("unknown section", mutate("section: second",
	    "section: third"), "steps.yml:27: step 'beta': section 'third'");
	expect_error("unknown role", mutate("who: [admin]\n    needs",
	    "who: [owner]\n    needs"), "steps.yml:27: step 'beta': who: "
	    "'owner' is not defined");
	expect_error("unknown when input", mutate("infrastructure: terraform",
	    "provider: terraform"), "step 'beta': when: 'provider' is not an "
	    "input");
	expect_error("unknown placeholder", mutate("type {project}",
	    "type {projcet}"), "steps.yml:20: step 'alpha': placeholder "
	    "{projcet} is not an input");
	expect_error("bad kind", mutate("kind: check", "kind: test"),
	    "steps.yml:27: step 'beta': kind 'test' is neither");
	expect_error("bad pitfall", mutate("pitfalls: [12]", "pitfalls: [22]"),
	    "pitfalls: '22' is not a known problem (1 to 21)");
	expect_error("bad bool", mutate("per_environment: true",
	    "per_environment: yes"), "steps.yml:33:22: per_environment: "
	    "expected true or false");
	expect_error("wrong type", mutate("who: [admin]", "who: admin"),
	    "steps.yml:24:10: who: expected a list, found a scalar");
	text = mutate("section: first", "section: second");
	swapped = strstr(text, "section: second\n    title: Check");
	memcpy(swapped, "section: first \n", 16);
	expect_error("sections out of order", text, "steps.yml:27: step 'beta' "
	    "of section 'first' comes after section 'second'");
	expect_error("newer format", mutate("format: 1", "format: 2"),
	    "steps.yml:1:9: format: this mlops-tui reads catalogue format 1");
	expect_error("section without steps", mutate("section: second",
	    "section: first"), "steps.yml:16: section 'second' has no steps");
	expect_error("bad id", mutate("  - id: alpha", "  - id: Alpha"),
	    "steps.yml:20: step id 'Alpha'");
	expect_error("invalid YAML", mutate("    who: [admin]\n    needs",
	    "    who: [admin\n    needs"), "steps.yml:");
	expect_error("empty", xstrdup(""), "steps.yml: empty");
}

static void
test_shipped(void)
{
	const char *top = getenv("top_srcdir");
	char *path = xasprintf("%s/templates/steps.yml", top ? top : ".");
	struct catalog *cat = NULL;
	char *cause = NULL;
	size_t per_section[3] = { 0 };

	tap_ok(catalog_load(&cat, path, &cause) == 0,
	    "the shipped catalogue loads");
	if (cat == NULL) {
		tap_diag("%s", cause);
		free(cause);
		free(path);
		return;
	}
	tap_is_int((long long)cat->nsections, 3, "three guide sections");
	for (size_t i = 0; i < cat->nsteps; i++)
		if (cat->steps[i].section_index < 3)
			per_section[cat->steps[i].section_index]++;
	tap_ok(per_section[0] > 0 && per_section[1] > 0 && per_section[2] > 0,
	    "every section of the guide has steps");
	static const char *const guide_steps[] = { "project",
		"import-mlops-v2", "import-mlops-project-template",
		"import-mlops-templates", "default-branch",
		"pipeline-permissions", "ml-repository",
		"repository-permissions", "initialise", "service-principal",
		"service-connection", "environment", "config-infra",
		"infra-pipeline", "training-pipeline", "online-endpoint",
		"batch-endpoint", "build-identity", "hosted-parallelism",
		"terraform-extension", "scenario", "names",
		"github-connection" };
	for (size_t i = 0; i < sizeof guide_steps / sizeof *guide_steps; i++)
		tap_ok(catalog_step_find(cat, guide_steps[i]) != NULL,
		    "the catalogue has step %s", guide_steps[i]);
	catalog_free(cat);
	free(path);
}

static void
test_missing_file(void)
{
	struct catalog *cat = NULL;
	char *cause = NULL;

	tap_ok(catalog_load(&cat, "/nonexistent/steps.yml", &cause) == -1,
	    "a missing catalogue is an error");
	tap_contains(cause, "the step catalogue is missing", "and says so");
	free(cause);
}

int
main(void)
{
	test_valid();
	test_applies_with_answer();
	test_malformed();
	test_shipped();
	test_missing_file();
	return tap_done();
}
