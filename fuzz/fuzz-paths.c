/*
 * The organization URL and the names it gives mlops-tui's own files: any
 * text is judged by the organization rule (answers_problem) without a
 * crash, and whatever it is, the organization's identity and the state
 * file it names stay inside the state directory - one file name, no
 * separator, no "." or ".." - so that no URL (accepted or not) can point
 * the state, its backup or its lock elsewhere. The input's first two
 * newlines split it into organization URL, project and repository.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "fuzz.h"
#include "http.h"
#include "paths.h"

#define DIR "/state"

/* The next newline-separated part of *rest, or "" (owned by the input). */
static char *
part(char **rest)
{
	char *p = *rest, *nl = strchr(p, '\n');

	if (nl != NULL) {
		*nl = '\0';
		*rest = nl + 1;
	} else
		*rest = p + strlen(p);
	return p;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size), *rest = text, *org, *project, *repo;
	char *problem, *id, *again, *file;
	const char *name;

	org = part(&rest);
	project = part(&rest);
	repo = part(&rest);
	problem = answers_problem("organization", org);
	/* An accepted organization is one the transport policy allows. */
	FUZZ_ASSERT(problem != NULL || http_url_allowed(org));
	id = paths_organization_id(org);
	FUZZ_ASSERT(id != NULL);
	again = paths_organization_id(org);
	FUZZ_ASSERT(strcmp(id, again) == 0);
	file = paths_state_file(DIR, org, project, repo);
	FUZZ_ASSERT(file != NULL && strncmp(file, DIR "/", sizeof DIR) == 0);
	name = file + sizeof DIR;
	FUZZ_ASSERT(strchr(name, '/') == NULL && strcmp(name, ".") != 0 &&
	    strcmp(name, "..") != 0 && name[0] != '\0');
	free(file);
	free(again);
	free(id);
	free(problem);
	free(text);
	return 0;
}
