/* Recognising names that hold secrets, so that their values stay out. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "secret.h"
#include "xalloc.h"

bool
secret_is_secret_name(const char *key)
{
	static const char *const words[] = { "pat", "password", "secret",
		"token", "credential" };
	char *lower = xstrdup(key);
	bool found = false;

	for (char *p = lower; *p != '\0'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		/* Whole words only: "pat" in "path" is not a secret. */
		size_t n = strlen(words[i]);
		for (char *p = strstr(lower, words[i]); p != NULL;
		    p = strstr(p + 1, words[i])) {
			bool starts = p == lower || p[-1] == '_' || p[-1] == '-';
			bool ends = p[n] == '\0' || p[n] == '_' || p[n] == '-';
			if (starts && ends)
				found = true;
		}
	}
	free(lower);
	return found;
}
