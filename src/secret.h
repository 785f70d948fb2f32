/*
 * Secrets (PATs, client secrets, tokens) never reach the state file, logs
 * or the screen. This names them: a key is secret when one of its words
 * (split at '_', '-', '.' and camelCase humps) is pat, password, secret,
 * token or credential(s), or when it is one of the services' own names for
 * secrets (serviceprincipalkey, secretText, accessToken, code, sig, key,
 * value, certificate, apitoken, ...). The client's log and state and the
 * sandbox's request log all redact by this one rule.
 */
#ifndef MT_SECRET_H
#define MT_SECRET_H

#include <stdbool.h>

bool secret_is_secret_name(const char *key);

/*
 * A digest of a secret, for the sandbox to keep instead of the secret
 * itself: "fnv1a64:" and 16 hex digits. Not cryptographic - the sandbox
 * only needs to recognise a secret it was given, without storing it.
 * Owned by the caller.
 */
char *secret_digest(const char *secret);
/* Whether secret has that digest. */
bool secret_matches(const char *digest, const char *secret);

/*
 * Keep this process's memory, where secrets are, out of core dumps and
 * away from other processes of the user (ptrace, /proc/PID/mem). Called
 * first thing, before any secret is read.
 */
void secret_protect_process(void);

#endif
