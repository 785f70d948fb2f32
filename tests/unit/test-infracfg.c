/* config-infra files: values set in place, every other byte kept. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "infracfg.h"
#include "tap.h"

static const char config[] =
    "# Prod environment\n"
    "variables:\n"
    "  # Global\n"
    "  ap_vm_image: ubuntu-22.04\n"
    "\n"
    "  namespace: mlopsv2 #Note: many characters break storage names.\n"
    "  postfix: '0001'\n"
    "  location:   \"eastus\"   # the region\n"
    "  environment: prod\n"
    "  resource_group: rg-$(namespace)-$(postfix)$(environment)\n";

static const char want[] =
    "# Prod environment\n"
    "variables:\n"
    "  # Global\n"
    "  ap_vm_image: ubuntu-22.04\n"
    "\n"
    "  namespace: contoso #Note: many characters break storage names.\n"
    "  postfix: '4711'\n"
    "  location:   \"westeurope\"   # the region\n"
    "  environment: prod\n"
    "  resource_group: rg-$(namespace)-$(postfix)$(environment)\n";

static void
test_get(void)
{
	char *cause = NULL, *v;

	v = infracfg_get(config, strlen(config), "namespace", &cause);
	tap_is_str(v, "mlopsv2", "a plain value, without its comment");
	free(v);
	v = infracfg_get(config, strlen(config), "postfix", &cause);
	tap_is_str(v, "0001", "a quoted value keeps its zeros");
	free(v);
	v = infracfg_get(config, strlen(config), "nothing", &cause);
	tap_ok(v == NULL, "a missing variable is NULL");
	tap_contains(cause, "no variables.nothing", "and says which");
	free(cause);
	cause = NULL;
	v = infracfg_get("variables: [a, b", 16, "a", &cause);
	tap_ok(v == NULL && cause != NULL && strstr(cause, "not YAML"),
	    "broken YAML is an error");
	free(cause);
}

/* libyaml counts characters, the file is bytes: text before a value
 * that is not ASCII (a comment in German, a byte order mark) must not
 * move the edit. */
static void
test_unicode(const struct infracfg_set *ns)
{
	static const char umlaut[] = "# f\xc3\xbcr Produktion\nvariables:\n"
	    "  namespace: mlopsv2 # \xc3\xa9t\xc3\xa9\n  postfix: x\n";
	static const char umlaut_want[] = "# f\xc3\xbcr Produktion\n"
	    "variables:\n  namespace: contoso # \xc3\xa9t\xc3\xa9\n"
	    "  postfix: x\n";
	static const char bom[] = "\xef\xbb\xbfvariables:\n  namespace: "
	    "mlopsv2\n";
	static const char bom_want[] = "\xef\xbb\xbfvariables:\n  namespace: "
	    "contoso\n";
	char *out = NULL, *cause = NULL;

	tap_ok(infracfg_edit(umlaut, strlen(umlaut), ns, 1, &out, &cause) == 0,
	    "a comment with umlauts before the variables");
	tap_is_str(out, umlaut_want, "the value replaced, every other byte "
	    "kept");
	free(out);
	out = NULL;
	tap_ok(infracfg_edit(bom, strlen(bom), ns, 1, &out, &cause) == 0,
	    "a file that starts with a byte order mark");
	tap_is_str(out, bom_want, "the mark kept, the value replaced");
	free(out);
	free(cause);
}

int
main(void)
{
	struct infracfg_set sets[] = { { "location", "westeurope" },
		{ "namespace", "contoso" }, { "postfix", "4711" } };
	char *out = NULL, *cause = NULL, *again = NULL;

	test_get();
	tap_ok(infracfg_edit(config, strlen(config), sets, 3, &out, &cause)
	    == 0, "three values set");
	tap_is_str(out, want, "only the values' bytes changed, in their "
	    "quoting; comments, spacing and order kept");
	tap_ok(infracfg_edit(out, strlen(out), sets, 3, &again, &cause) == 0 &&
	    strcmp(again, out) == 0, "setting the same values again changes "
	    "no byte");
	free(again);
	free(out);
	out = NULL;
	sets[0].name = "region";
	tap_ok(infracfg_edit(config, strlen(config), sets, 3, &out, &cause)
	    == -1 && out == NULL, "a variable the file lacks: nothing "
	    "written");
	tap_contains(cause, "no variables.region", "and the error names it");
	free(cause);
	cause = NULL;
	tap_ok(infracfg_edit("variables:\n  namespace: |\n    x\n", 31, sets + 1,
	    1, &out, &cause) == -1, "a block scalar is refused");
	free(cause);
	cause = NULL;
	tap_ok(infracfg_edit("variables:\n- name: namespace\n  value: x\n",
	    39, sets + 1, 1, &out, &cause) == -1, "the list form has no "
	    "variables mapping: refused, not half-edited");
	free(cause);
	test_unicode(sets + 1);
	return tap_done();
}
