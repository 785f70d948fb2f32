/*
 * Tokens from a signed-in Azure CLI: asked of `az account get-access-token`
 * (here a stand-in script that counts its calls), and asked again when
 * they are about to expire - never before.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signin.h"
#include "tap.h"
#include "xalloc.h"

static char dir[] = "/tmp/mt-signin-XXXXXX";

/* The stand-in: each call adds a line to calls; a token names its
 * resource and its call; it expires AZ_EXPIRES_IN seconds from now, and
 * AZ_FAIL makes it fail as a signed-out CLI does. */
static char *
write_az(void)
{
	char *path = xasprintf("%s/az", dir);
	FILE *f = fopen(path, "w");

	fprintf(f, "#!/bin/sh\n"
	    "[ -n \"$AZ_FAIL\" ] && { echo 'Please run az login' >&2; exit 1; }\n"
	    "echo \"$*\" >> '%s/calls'\n"
	    "case \"$*\" in *ms-graph*) r=graph;; *management*) r=arm;; "
	    "*) r=ado;; esac\n"
	    "n=$(wc -l < '%s/calls')\n"
	    "printf '{\"accessToken\":\"%%s-%%s\",\"expires_on\":%%s}\\n' "
	    "\"$r\" \"$n\" $(( $(date +%%s) + AZ_EXPIRES_IN ))\n", dir, dir);
	fclose(f);
	chmod(path, 0700);
	return path;
}

static long
calls(void)
{
	char *path = xasprintf("%s/calls", dir);
	FILE *f = fopen(path, "r");
	long n = 0;
	int c;

	while (f != NULL && (c = fgetc(f)) != EOF)
		n += c == '\n';
	if (f != NULL)
		fclose(f);
	free(path);
	return n;
}

int
main(void)
{
	struct api api;
	struct signin s;
	char *az, *cause = NULL;

	memset(&api, 0, sizeof api);
	if (mkdtemp(dir) == NULL)
		return 99;
	az = write_az();
	setenv("AZ_EXPIRES_IN", "3600", 1);
	signin_init(&s, &api, NULL, NULL);
	tap_ok(signin_az_cli(&s, az, &cause) == 0 && calls() == 2,
	    "signed in through the CLI: one call for ARM, one for Graph");
	tap_is_str(api.arm ? api.arm->secret : NULL, "arm-1",
	    "the ARM token is the CLI's");
	tap_ok(signin_fresh(&s, &cause) == 0 && calls() == 2,
	    "tokens with an hour left are not asked for again");

	setenv("AZ_EXPIRES_IN", "10", 1);
	tap_ok(signin_az_cli(&s, az, &cause) == 0 && calls() == 4,
	    "signed in again, the tokens expiring in 10 s");
	tap_ok(signin_fresh(&s, &cause) == 0 && calls() == 6,
	    "about to expire: both asked of the CLI again");
	tap_is_str(api.arm ? api.arm->secret : NULL, "arm-5",
	    "and the calls use the new ARM token");
	tap_is_str(api.graph ? api.graph->secret : NULL, "graph-6",
	    "and the new Graph token");

	setenv("AZ_FAIL", "1", 1);
	tap_ok(signin_fresh(&s, &cause) == -1 && cause != NULL &&
	    strstr(cause, "get-access-token failed") != NULL,
	    "a CLI signed out meanwhile: the renewal fails, saying why");
	free(cause);
	signin_clear(&s);
	free(az);
	az = xasprintf("rm -rf '%s'", dir);
	if (system(az) != 0)
		tap_diag("could not remove %s", dir);
	free(az);
	return tap_done();
}
