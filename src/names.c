/* Derived Azure names and their rules. */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "xalloc.h"

static const char *
or_empty(const char *s)
{
	return s != NULL ? s : "";
}

static const char *
endpoint_prefix(const char *type)
{
	if (type != NULL && strcmp(type, "cv") == 0)
		return "dogs";
	if (type != NULL && strcmp(type, "nlp") == 0)
		return "nlp";
	return "taxi";
}

void
names_derive(struct names *out, const struct names_input *in)
{
	const char *ns = or_empty(in->namespace), *pf = or_empty(in->postfix);
	const char *env = in->environment ? in->environment : "prod";

	out->resource_group = xasprintf("rg-%s-%s%s", ns, pf, env);
	out->workspace = xasprintf("mlw-%s-%s%s", ns, pf, env);
	out->key_vault = xasprintf("kv-%s-%s%s", ns, pf, env);
	out->storage = xasprintf("st%s%s%s", ns, pf, env);
	out->state_storage = xasprintf("st%s%s%stf", ns, pf, env);
	out->state_resource_group = xasprintf("rg-%s-%s%s-tf", ns, pf, env);
	out->registry = xasprintf("cr%s%s%s", ns, pf, env);
	out->online_endpoint = xasprintf("%s-online-%s%s%s",
	    endpoint_prefix(in->project_type), ns, pf, env);
	out->batch_endpoint = xasprintf("taxi-batch-%s%s%s", ns, pf, env);
}

void
names_free(struct names *n)
{
	free(n->resource_group);
	free(n->workspace);
	free(n->key_vault);
	free(n->storage);
	free(n->state_storage);
	free(n->state_resource_group);
	free(n->registry);
	free(n->online_endpoint);
	free(n->batch_endpoint);
	memset(n, 0, sizeof *n);
}

static bool
lower_alnum(const char *s)
{
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s))
			return false;
	return true;
}

struct checker {
	struct name_problem *list;
	size_t count;
	size_t serious;
};

static void
problem(struct checker *c, const char *field, int serious, char *message)
{
	c->list = xreallocarray(c->list, c->count, sizeof *c->list);
	c->list[c->count].field = field;
	c->list[c->count].message = message;
	c->list[c->count].serious = serious;
	c->count++;
	c->serious += serious != 0;
}

static void
check_part(struct checker *c, const char *field, const char *value)
{
	if (value == NULL || value[0] == '\0')
		problem(c, field, 1, xasprintf("%s is empty: use lowercase "
		    "letters and digits", field));
	else if (!lower_alnum(value))
		problem(c, field, 1, xasprintf("%s '%s' has characters other "
		    "than lowercase letters and digits, which storage account "
		    "names cannot hold", field, value));
}

/* A name must be at most max characters, and at least min. */
static void
check_length(struct checker *c, const char *field, const char *name,
    size_t min, size_t max, const char *why)
{
	size_t n = strlen(name);

	if (n > max)
		problem(c, field, 1, xasprintf("the %s name '%s' has %zu "
		    "characters; at most %zu are allowed (%s): shorten "
		    "namespace and postfix by %zu", field, name, n, max, why,
		    n - max));
	else if (n < min)
		problem(c, field, 1, xasprintf("the %s name '%s' is shorter "
		    "than %zu characters", field, name, min));
}

size_t
names_check(const struct names_input *in, struct name_problem **out,
    size_t *count)
{
	struct checker c = { NULL, 0, 0 };
	bool terraform = in->infrastructure != NULL &&
	    strcmp(in->infrastructure, "terraform") == 0;
	struct names n;

	check_part(&c, "namespace", in->namespace);
	check_part(&c, "postfix", in->postfix);
	names_derive(&n, in);
	check_length(&c, "key vault", n.key_vault, 3, 24, "Key Vault names "
	    "are 3 to 24 characters and globally unique");
	check_length(&c, "workspace", n.workspace, 3, 33, "Azure ML workspace "
	    "names are 3 to 33 characters");
	check_length(&c, "resource group", n.resource_group, 1, 90,
	    "resource group names are 1 to 90 characters");
	check_length(&c, "online endpoint", n.online_endpoint, 3, 32,
	    "endpoint names are 3 to 32 characters, unique in a region");
	check_length(&c, "batch endpoint", n.batch_endpoint, 3, 32,
	    "endpoint names are 3 to 32 characters, unique in a region");
	if (terraform) {
		check_length(&c, "terraform state storage account",
		    n.state_storage, 3, 24, "storage account names are 3 to 24 "
		    "lowercase letters and digits");
		check_length(&c, "storage account", n.storage, 3, 24, "storage "
		    "account names are 3 to 24 lowercase letters and digits");
	}
	if (in->namespace != NULL && in->postfix != NULL &&
	    strcmp(in->namespace, "mlopsv2") == 0 &&
	    strcmp(in->postfix, "0001") == 0)
		problem(&c, "namespace", 0, xstrdup("namespace mlopsv2 with "
		    "postfix 0001 is the accelerator's default, which many "
		    "others use: key vault and endpoint names are unique, so "
		    "choose your own"));
	names_free(&n);
	*out = c.list;
	*count = c.count;
	return c.serious;
}

void
names_free_problems(struct name_problem *p, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(p[i].message);
	free(p);
}

bool
names_storage_valid(const char *name)
{
	size_t n = strlen(name);

	return n >= 3 && n <= 24 && lower_alnum(name);
}
