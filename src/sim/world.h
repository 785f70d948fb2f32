/*
 * The sandbox's world: everything the simulated Azure DevOps knows
 * (organization, PAT, processes, projects, operations, ...), held as one
 * JSON tree behind a mutex and saved atomically after every change.
 *
 * Handlers take the lock with world_lock(), read or change the tree they
 * get, and release it with world_unlock(changed): a change is saved before
 * the lock is released, so concurrent clients never see a half-made one.
 */
#ifndef MT_SIM_WORLD_H
#define MT_SIM_WORLD_H

#include <stdbool.h>

#include <jansson.h>

struct world;

/*
 * Open the world saved at path (NULL: in memory only), or make a new one
 * for organization org when the file does not exist or reset is set.
 * Returns 0 or -1 with *cause set; a damaged file is reported, not replaced.
 */
int world_open(struct world **out, const char *path, const char *org,
    bool reset, char **cause);
void world_close(struct world *w);

/* Lock and return the tree (borrowed until world_unlock). */
json_t *world_lock(struct world *w);
/* Unlock; save first when changed. A failed save is reported on stderr. */
void world_unlock(struct world *w, bool changed);

/* Values fixed at creation; borrowed, valid until world_close. */
const char *world_organization(const struct world *w);
const char *world_pat(const struct world *w);

/*
 * The directory that holds the world's git repositories (one bare
 * repository per id): beside the world file, or a temporary directory that
 * world_close removes when the world lives in memory. Borrowed.
 */
const char *world_repos_dir(const struct world *w);

/*
 * Where imports from github.com/Azure take the accelerator's three
 * repositories from: a directory holding mlops-v2, mlops-project-template
 * and mlops-templates (the real trees, unpacked), or NULL for the
 * sandbox's stand-ins. A setting of this server, not of the saved world.
 */
void world_set_accelerator(struct world *w, const char *dir);
const char *world_accelerator(const struct world *w); /* borrowed */

/* The item of list whose key equals value, case-insensitively; borrowed. */
json_t *world_find(json_t *list, const char *key, const char *value);
/* The project named or identified by name_or_id; borrowed, or NULL. */
json_t *world_project(json_t *root, const char *name_or_id);
/* Take the next number of the named counter ("import", "push"). */
long long world_next(json_t *root, const char *counter);


/* Milliseconds of wall-clock time, the clock of every timed transition. */
long long world_now_ms(void);
/* A new random GUID in its usual text form; owned by the caller. */
char *world_new_guid(void);

/*
 * How long a simulated wait of ms milliseconds takes in this world: ms
 * times the world's time scale (settings.time_scale; 0 makes it instant).
 */
long long world_scaled_ms(json_t *root, long long ms);

#endif
