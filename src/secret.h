/*
 * Secrets (PATs, client secrets, tokens) never reach the state file, logs
 * or the screen. This names them: a key is secret when one of its words
 * (split at '_', '-', '.' and camelCase humps) is pat, password, secret,
 * token or credential(s), or when it is one of the services' own names for
 * secrets (serviceprincipalkey, secretText, accessToken, ...).
 */
#ifndef MT_SECRET_H
#define MT_SECRET_H

#include <stdbool.h>

bool secret_is_secret_name(const char *key);

#endif
