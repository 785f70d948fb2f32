/* Recognising names that hold secrets, so that their values stay out. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "secret.h"
#include "xalloc.h"

/* Words that make a name secret wherever they stand in it. */
static const char *const secret_words[] = { "pat", "password", "secret",
	"token", "credential", "credentials" };

/*
 * Whole names the services use for secrets that hold none of those words:
 * an OAuth code, a SAS signature (sig), storage and API keys, a Key Vault
 * secret's or a secret variable's value, a certificate's key material.
 * Whole names only: "key_vault" or "code_path" are not secrets.
 */
static const char *const secret_names[] = { "serviceprincipalkey",
	"secrettext", "accesstoken", "refreshtoken", "idtoken", "authorization",
	"clientassertion", "devicecode", "code", "sig", "key", "value",
	"certificate", "apitoken", "apikey", "privatekey", "primarykey",
	"secondarykey", "connectionstring" };

static bool
is_secret_word(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof secret_words / sizeof *secret_words; i++)
		if (strlen(secret_words[i]) == len &&
		    strncasecmp(secret_words[i], word, len) == 0)
			return true;
	return false;
}

bool
secret_is_secret_name(const char *key)
{
	const char *start = key, *p;

	for (size_t i = 0; i < sizeof secret_names / sizeof *secret_names; i++)
		if (strcasecmp(key, secret_names[i]) == 0)
			return true;
	/* Words are split at '_', '-', '.' and before an upper-case letter
	 * that follows a lower-case one (clientSecret). */
	for (p = key;; p++) {
		bool boundary = *p == '\0' || *p == '_' || *p == '-' ||
		    *p == '.' || (p > key && isupper((unsigned char)*p) &&
		    islower((unsigned char)p[-1]));
		if (!boundary)
			continue;
		if (is_secret_word(start, (size_t)(p - start)))
			return true;
		if (*p == '\0')
			return false;
		start = isupper((unsigned char)*p) ? p : p + 1;
	}
}

char *
secret_digest(const char *secret)
{
	unsigned long long h = 14695981039346656037ULL;

	for (const unsigned char *p = (const unsigned char *)secret; *p != '\0';
	    p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return xasprintf("fnv1a64:%016llx", h);
}

bool
secret_matches(const char *digest, const char *secret)
{
	char *mine;
	bool same;

	if (digest == NULL || secret == NULL)
		return false;
	mine = secret_digest(secret);
	same = strcmp(mine, digest) == 0;
	free(mine);
	return same;
}

void
secret_protect_process(void)
{
	struct rlimit none = { 0, 0 };

	/* No core file, and none of the ways around it: a dump would hold
	 * the PAT and the tokens in clear. Dumpable 0 also keeps other
	 * processes of the user from reading this one's memory. */
	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
