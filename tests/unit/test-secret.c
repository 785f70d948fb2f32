/* Which names hold secrets. */
#include "config.h"

#include <stddef.h>

#include "secret.h"
#include "tap.h"

int
main(void)
{
	static const char *const secret[] = { "pat", "PAT", "client_secret",
		"clientSecret", "refresh-token", "access_token", "accessToken",
		"password", "serviceprincipalkey", "servicePrincipalKey",
		"secretText", "Authorization", "credentials", "sp.password",
		"AZURE_DEVOPS_EXT_PAT", "sig", "code", "key", "value",
		"certificate", "apitoken", "apiKey", "connectionString" };
	static const char *const plain[] = { "path", "patch", "key_vault",
		"tokenizer", "secretary", "name", "passwordless", "patron",
		"spatial", "subscription_id", "tenant_id", "clientId", "", "code_path", "keyword", "values",
		"monkey" };

	for (size_t i = 0; i < sizeof secret / sizeof *secret; i++)
		tap_ok(secret_is_secret_name(secret[i]), "%s is secret",
		    secret[i]);
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
		tap_ok(!secret_is_secret_name(plain[i]), "'%s' is not",
		    plain[i]);
	return tap_done();
}
