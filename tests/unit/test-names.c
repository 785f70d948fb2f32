/* Derived Azure names and the rules they keep. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "tap.h"

static size_t
serious(const struct names_input *in, const char *want)
{
	struct name_problem *p;
	size_t count, n = names_check(in, &p, &count);
	bool found = want == NULL;

	for (size_t i = 0; i < count && want != NULL; i++)
		found |= strstr(p[i].message, want) != NULL;
	if (!found)
		tap_diag("no problem says '%s'", want);
	names_free_problems(p, count);
	return found ? n : 999;
}

int
main(void)
{
	struct names_input in = { "contoso", "4711", "prod", "bicep",
		"classical" };
	struct names n;

	names_derive(&n, &in);
	tap_is_str(n.resource_group, "rg-contoso-4711prod", "resource group");
	tap_is_str(n.workspace, "mlw-contoso-4711prod", "workspace");
	tap_is_str(n.key_vault, "kv-contoso-4711prod", "key vault");
	tap_is_str(n.state_storage, "stcontoso4711prodtf", "terraform state");
	tap_is_str(n.online_endpoint, "taxi-online-contoso4711prod",
	    "online endpoint");
	names_free(&n);
	in.project_type = "cv";
	names_derive(&n, &in);
	tap_is_str(n.online_endpoint, "dogs-online-contoso4711prod",
	    "cv's online endpoint");
	names_free(&n);
	in.project_type = "classical";

	tap_is_int((long long)serious(&in, NULL), 0, "valid names: no problem");
	in.namespace = "Contoso";
	tap_is_int((long long)serious(&in, "other than lowercase letters and "
	    "digits"), 1, "uppercase is refused, with the rule");
	in.namespace = "con-toso";
	tap_ok(serious(&in, "lowercase letters") >= 1, "a hyphen is refused");
	in.namespace = "";
	tap_ok(serious(&in, "namespace is empty") >= 1, "empty is refused");
	in.namespace = "averylongnamespace";
	tap_ok(serious(&in, "at most 24 are allowed") >= 1,
	    "namespace + postfix too long for the key vault");
	in.namespace = "contosoabcde";   /* 12 + 4: kv 24 exactly */
	tap_is_int((long long)serious(&in, NULL), 0, "16 characters fit "
	    "(the key vault's limit)");
	in.namespace = "contosoabcdef";  /* 13 + 4 */
	tap_ok(serious(&in, "shorten namespace and postfix by 1") >= 1,
	    "17 do not, and the message says by how much");
	in.namespace = "contosoabcde";
	in.environment = "dev";
	tap_is_int((long long)serious(&in, NULL), 0, "dev is one shorter");
	in.environment = "prod";
	in.infrastructure = "terraform";
	tap_is_int((long long)serious(&in, NULL), 0, "terraform state fits at "
	    "16 too");
	in.namespace = "mlopsv2";
	in.postfix = "0001";
	struct name_problem *p;
	size_t count, n_serious = names_check(&in, &p, &count);
	tap_ok(n_serious == 0 && count == 1 && strstr(p[0].message,
	    "accelerator's default"), "the defaults are a warning");
	names_free_problems(p, count);
	return tap_done();
}
