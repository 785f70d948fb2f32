/*
 * The managed identity way of the service principal steps (identity.c),
 * and the conversion of a secret-based connection (convert.c).
 */
#ifndef MT_STEPS_IDENTITY_H
#define MT_STEPS_IDENTITY_H

#include <stdbool.h>

#include <jansson.h>

#include "steps/step.h"

/* principal_way is managed-identity. */
bool identity_way(struct step_run *r);
/* The identity's name, from the connection and the project. Caller frees. */
char *identity_name(struct step_run *r);
/* The identity as ARM shows it (a new reference); NULL when it or its
 * resource group is missing, or on error (then *failed, error set). */
json_t *identity_read(struct step_run *r, const char *sub, bool *failed);
/* The identity, made (and its resource group) when missing: a new
 * reference, or NULL with the error set. */
json_t *identity_ensure(struct step_run *r, const char *sub);
/* Trust endpoint's issuer and subject on the identity. 0, or -1. */
int identity_federate(struct step_run *r, const char *sub, json_t *endpoint);

/* principal.c: the secrets mlops-tui made (named mlops-tui) removed from
 * app (as Graph shows it); trust endpoint's issuer and subject on app.
 * 0, or -1 with the error set. */
#define PRINCIPAL_SECRET_NAME "mlops-tui"
int principal_remove_secrets(struct step_run *r, json_t *app);
int principal_federate(struct step_run *r, json_t *app, json_t *endpoint);

/* The conversion step (convert.c). */
extern const struct step_ops steps_convert[];

#endif
