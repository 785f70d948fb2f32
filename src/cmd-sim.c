/* `mlops-tui sim`: the sandbox as a standalone server. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd-sim.h"
#include "exitcode.h"
#include "paths.h"
#include "xalloc.h"

char *
sim_default_world(char **cause)
{
	char *state = paths_state_dir(cause), *dir, *path;

	if (state == NULL)
		return NULL;
	dir = xasprintf("%s/sandbox", state);
	path = xasprintf("%s/world.json", dir);
	if (paths_ensure_private_dir(dir, cause) == -1) {
		free(path);
		path = NULL;
	}
	free(dir);
	free(state);
	return path;
}

int
cmd_sim(struct sim_options *opt)
{
	char *world = NULL, *cause = NULL, *urls;
	struct sim *sim = NULL;
	sigset_t stop;
	int sig;

	if (opt->world_path == NULL) {
		world = sim_default_world(&cause);
		if (world == NULL)
			goto fail;
		opt->world_path = world;
	}
	/* Block the stop signals before the server's threads exist, so that
	 * only sigwait() below receives them. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (sim_start(&sim, opt, &cause) == -1)
		goto fail;
	printf("Sandbox Azure DevOps at %s\n", sim_url(sim));
	printf("PAT: %s\n", sim_pat(sim));
	urls = sim_cloud_urls(sim);
	fputs(urls, stdout);
	free(urls);
	printf("World: %s\n", opt->world_path);
	printf("Stop with Ctrl-C.\n");
	fflush(stdout);
	sigwait(&stop, &sig);
	sim_stop(sim);
	free(world);
	return MT_EXIT_OK;
fail:
	fprintf(stderr, "mlops-tui sim: %s\n", cause);
	free(cause);
	free(world);
	return MT_EXIT_SANDBOX;
}
