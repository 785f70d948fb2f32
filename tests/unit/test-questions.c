/* The wizard's questions: which apply, and the answers text they write,
 * read back by the answers file's parser as the review reads it. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "catalog.h"
#include "questions.h"
#include "state.h"
#include "tap.h"
#include "xalloc.h"

/* Whether key is among the fields asked now. */
static bool
asked(const struct questions *q, const char *key)
{
	for (size_t i = 0; i < q->count; i++)
		if (strcmp(q->list[i].key, key) == 0)
			return true;
	return false;
}

static void
fill(struct questions *q, const char *key, const char *value)
{
	snprintf(questions_get(q, key)->value, QUESTION_MAX, "%s", value);
}

/* The questions with every required answer given and principal_way set
 * by choosing, as the Right key does, until it is way. */
static void
questions_for(struct questions *q, const char *way)
{
	size_t at = 0;

	questions_init(q, NULL);
	fill(q, "organization", "https://dev.azure.com/contoso");
	fill(q, "subscription_id", "0a1b2c3d-0000-4000-8000-00000000abcd");
	fill(q, "namespace", "contoso");
	fill(q, "postfix", "0042");
	while (strcmp(q->list[at].key, "principal_way") != 0)
		at++;
	for (int n = 0; n < 4 && strcmp(q->list[at].value, way) != 0; n++)
		questions_choose(q, at, 1);
}

/* The answers text, parsed; the state, or NULL with the reason told. */
static struct state *
parsed(const struct questions *q, const struct catalog *cat, char **text)
{
	struct state *st = state_new();
	char *cause = NULL;
	size_t field;

	*text = questions_answers(q, &field, &cause);
	if (*text == NULL || answers_parse(st, "the questions", *text,
	    strlen(*text), cat, &cause) != 0) {
		tap_diag("%s", cause ? cause : "no text");
		free(cause);
		state_free(st);
		return NULL;
	}
	return st;
}

static const char *
prod_answer(const struct state *st, const char *key)
{
	const struct state_environment *env = state_environment_find(st,
	    "prod");

	return env ? state_map_get(&env->answers, key) : NULL;
}

static void
test_managed_identity(const struct catalog *cat)
{
	struct questions q;
	struct state *st;
	char *text;

	questions_for(&q, "managed-identity");
	tap_ok(asked(&q, "identity_resource_group") && !asked(&q,
	    "convert_connections"), "managed-identity: its resource group "
	    "asked, no conversion");
	fill(&q, "identity_resource_group", "rg/ids");
	tap_ok(parsed(&q, cat, &text) == NULL && text == NULL, "a resource "
	    "group the rule refuses stops the answers");
	fill(&q, "identity_resource_group", "rg-ids");
	st = parsed(&q, cat, &text);
	tap_ok(st != NULL, "the answers are read");
	tap_is_str(st ? prod_answer(st, "identity_resource_group") : NULL,
	    "rg-ids", "written for the environment");
	free(text);
	state_free(st);
	questions_free(&q);
}

static void
test_create(const struct catalog *cat)
{
	struct questions q;
	struct state *st;
	char *text;

	questions_for(&q, "create");
	tap_ok(asked(&q, "convert_connections") && !asked(&q,
	    "identity_resource_group"), "create: the conversion asked, no "
	    "resource group");
	tap_is_str(questions_get(&q, "convert_connections")->value, "no",
	    "no by default");
	fill(&q, "convert_connections", "yes");
	st = parsed(&q, cat, &text);
	tap_ok(st != NULL, "the answers are read");
	tap_is_str(st ? state_map_get(&st->answers, "convert_connections") :
	    NULL, "true", "yes is written true");
	tap_ok(text && strstr(text, "identity_resource_group") == NULL,
	    "the resource group not asked is not written");
	free(text);
	state_free(st);
	fill(&q, "infrastructure", "terraform");
	tap_ok(parsed(&q, cat, &text) == NULL, "yes with terraform stops the "
	    "answers, as the convert step would refuse it");
	questions_free(&q);
}

static void
test_federated(const struct catalog *cat)
{
	struct questions q;
	struct state *st;
	char *text;

	questions_for(&q, "federated");
	tap_ok(!asked(&q, "convert_connections") && !asked(&q,
	    "identity_resource_group"), "federated: neither asked");
	st = parsed(&q, cat, &text);
	tap_ok(st != NULL && state_map_get(&st->answers,
	    "convert_connections") == NULL && prod_answer(st,
	    "identity_resource_group") == NULL, "neither written");
	free(text);
	state_free(st);
	questions_free(&q);
}

int
main(void)
{
	const char *src = getenv("top_srcdir");
	char *steps = xasprintf("%s/templates/steps.yml", src ? src : ".");
	struct catalog *cat = NULL;
	char *cause = NULL;

	if (catalog_load(&cat, steps, &cause) != 0) {
		tap_diag("%s", cause);
		return 1;
	}
	test_managed_identity(cat);
	test_create(cat);
	test_federated(cat);
	catalog_free(cat);
	free(steps);
	return tap_done();
}
